// Whether a connection's TLS could be read with the key material given
// (--keylog files, pcapng Decryption Secrets Blocks, Wireshark's
// tls.keylog_file), and how far each direction was decrypted.
#pragma once

#include <cstdint>
#include <string>

#include "util/frame_ref.hpp"

namespace rdpcap::model {

struct DecryptionSide {
  bool keys = false;           // a decryptor was installed for this direction
  uint64_t records = 0;        // records decrypted
  uint64_t plaintext_bytes = 0;// application data decrypted
  bool failed = false;         // a record did not verify: decryption stopped there
  util::FrameRef failed_at;
  std::string failure;         // why (record, tag/MAC/padding)
  std::string ended;           // stopped without a failure (e.g. no application traffic secret logged)
};

struct DecryptionFacts {
  enum class Status {
    not_attempted,    // no key material was given, or no TLS handshake to decrypt
    no_matching_key,  // keys given, none for this ClientHello random (or not the kind this version needs)
    unsupported,      // the negotiated version or cipher suite cannot be decrypted
    decrypted,        // keys installed, nothing failed (see the sides for how much)
    failed,           // a record did not verify in at least one direction
  };
  bool keys_given = false;     // the analysis had key material (reports show this block only then)
  Status status = Status::not_attempted;
  std::string detail;          // no_matching_key / unsupported: why
  DecryptionSide client, server;
};

const char* decryption_status_name(DecryptionFacts::Status s);  // "decrypted", "no_matching_key", ...
// One line for the reports: "decrypted: client 12 records, server 14 records",
// "no matching key (client random 6b5d9d7e...)", "failed: server record at frame 12: ...".
std::string decryption_text(const DecryptionFacts& d);

}  // namespace rdpcap::model
