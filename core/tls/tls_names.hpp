// Names of TLS code points (IANA "Transport Layer Security (TLS) Parameters"
// registries; RFC 8446, RFC 5246, RFC 6101) and the weakness classification
// of cipher suites. Tables only: sentences built from them are in text/.
#pragma once

#include <cstdint>
#include <string>

namespace rdpcap::tls {

// Names for display. Pointers are to static storage, valid for the program's
// lifetime. version_name never returns nullptr ("0x7f1c" style for unknown
// values; TLS 1.3 drafts as "TLS 1.3 draft 28"); version_text is the same as a
// std::string.
const char* version_name(uint16_t version);        // "TLS 1.2", "SSL 3.0", "0x7f1c"...
std::string version_text(uint16_t version);
const char* cipher_suite_name(uint16_t suite);     // IANA name or nullptr
const char* alert_description_name(uint8_t desc);  // "handshake_failure"... or nullptr
const char* handshake_type_name(uint8_t type);     // "client_hello"... or "unknown" (never nullptr)
const char* group_name(uint16_t group);            // "x25519"... or nullptr
const char* signature_scheme_name(uint16_t scheme);// "rsa_pss_rsae_sha256"... or "unknown" (never nullptr)

// Weakness classification of a cipher suite for the rules (IANA names).
struct SuiteTraits {
  bool known = false;
  bool forward_secret = false;  // ECDHE/DHE or TLS 1.3
  bool aead = false;            // GCM/CCM/CHACHA20
  bool rc4 = false, des3 = false, des = false, null_cipher = false, export_grade = false,
       anon = false, cbc = false, sha1_mac = false, md5_mac = false, tls13 = false;
};
SuiteTraits cipher_suite_traits(uint16_t suite);

}  // namespace rdpcap::tls
