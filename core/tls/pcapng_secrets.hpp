// TLS key logs embedded in a pcapng file: Decryption Secrets Blocks (pcapng
// specification, draft-ietf-opsawg-pcapng section 4.7: block type 0x0000000A,
// secrets type 0x544c534b "TLSK" = NSS key log text), as written by
// `editcap --inject-secrets tls,KEYS in out.pcapng`. libpcap does not expose
// these blocks, so this walks the block headers itself (bounded, seeking over
// packet blocks, both byte orders, several sections).
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "tls/keylog.hpp"

namespace rdpcap::tls {

struct PcapngSecrets {
  size_t blocks = 0;         // TLSK Decryption Secrets Blocks read
  std::optional<std::string> error;  // why the walk stopped early, or a key log line was refused
};

// Adds the TLSK secrets of the pcapng file at `path` to `keys`. A file that
// is not pcapng (classic pcap) gives {0, nullopt}. Errors name the file (and,
// for a malformed key log line, "<path> (secrets block N):<line>").
PcapngSecrets add_pcapng_secrets(const std::string& path, KeyLog& keys);
// The same over an open stream (tests use fmemopen). `seekable` false: the
// stream cannot seek (a gzip-decompressing FILE*, capture/gzip_file.hpp), so
// the blocks between secrets blocks are read and discarded instead.
PcapngSecrets add_pcapng_secrets(std::FILE* f, const std::string& name, KeyLog& keys, bool seekable = true);

}  // namespace rdpcap::tls
