#include "key_sources.hpp"

#include <cstdio>

#include "tls/pcapng_secrets.hpp"

namespace rdpcap::cli {

void add_key_options(CLI::App& app, KeyOptions& options) {
  app.add_option("--keylog", options.keylog_files,
                 "TLS key log (NSS format, SSLKEYLOGFILE) to decrypt the connections it has secrets for "
                 "(repeatable); secrets embedded in a pcapng input are used without it")
      ->allow_extra_args(false)
      ->type_name("FILE");
}

std::optional<std::string> load_keys(const KeyOptions& options, const std::vector<std::string>& captures,
                                     std::shared_ptr<const tls::KeyLog>& keys) {
  auto log = std::make_shared<tls::KeyLog>();
  bool any_source = false;
  for (const auto& file : options.keylog_files) {
    if (auto err = log->add_file(file)) return err;
    any_source = true;
  }
  for (const auto& capture : captures) {
    if (capture == "-") continue;  // standard input is read once, by the capture reader
    tls::PcapngSecrets found = tls::add_pcapng_secrets(capture, *log);
    if (found.error && found.error->find("cannot open") == std::string::npos)
      std::fprintf(stderr, "rdpcap-analyze: warning: %s\n", found.error->c_str());
    if (found.blocks > 0) any_source = true;
  }
  if (any_source) keys = std::move(log);
  return std::nullopt;
}

}  // namespace rdpcap::cli
