// TLS key material for the CLI (issue 11 item 1): --keylog FILE (NSS key log,
// repeatable) and the Decryption Secrets Blocks of pcapng inputs, which are
// used with no option. All sources go into one KeyLog (secrets are matched by
// ClientHello random, so keys of one file never decrypt another's sessions).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tls/keylog.hpp"

namespace rdpcap::cli {

struct KeyOptions {
  std::vector<std::string> keylog_files;
};

void add_key_options(CLI::App& app, KeyOptions& options);

// Reads every key source. A --keylog file that cannot be read or has a
// malformed line is an error (returned, "FILE:LINE: why"); a problem with a
// capture's secrets blocks is a warning on stderr. `keys` stays null when no
// source had any secret.
std::optional<std::string> load_keys(const KeyOptions& options, const std::vector<std::string>& captures,
                                     std::shared_ptr<const tls::KeyLog>& keys);

}  // namespace rdpcap::cli
