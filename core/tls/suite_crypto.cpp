// What a cipher suite needs for record protection (record_decryptor.hpp,
// SuiteCrypto), read from its IANA name (RFC 8446 B.4, RFC 5246 A.5, RFC 5288,
// RFC 7905).
#include <string_view>

#include "tls/record_decryptor.hpp"
#include "tls/tls_names.hpp"

namespace rdpcap::tls {

// IANA names: TLS_<kx>_WITH_<cipher>_<mac or PRF hash>, TLS 1.3: TLS_<aead>_<hash>.
std::optional<SuiteCrypto> suite_crypto(uint16_t suite) {
  const char* n = cipher_suite_name(suite);
  if (!n) return std::nullopt;
  std::string_view name(n);
  SuiteCrypto s;
  std::string_view rest;
  if (auto with = name.find("_WITH_"); with != std::string_view::npos) {
    rest = name.substr(with + 6);
  } else if (name.rfind("TLS_", 0) == 0 && (suite >> 8) == 0x13) {
    rest = name.substr(4);
    s.tls13 = true;
  } else {
    return std::nullopt;
  }
  size_t last = rest.rfind('_');
  if (last == std::string_view::npos) return std::nullopt;
  std::string_view cipher = rest.substr(0, last), hash = rest.substr(last + 1);
  if (cipher == "AES_128_GCM" || cipher == "AES_256_GCM") {
    s.kind = SuiteCrypto::Kind::gcm;
    s.cipher = cipher == "AES_128_GCM" ? "AES-128-GCM" : "AES-256-GCM";
    s.key_length = cipher == "AES_128_GCM" ? 16 : 32;
    s.fixed_iv_length = 4;  // RFC 5288 3: salt
  } else if (cipher == "CHACHA20_POLY1305") {
    s.kind = SuiteCrypto::Kind::chacha20_poly1305;
    s.cipher = "ChaCha20-Poly1305";
    s.key_length = 32;
    s.fixed_iv_length = 12;  // RFC 7905 2
  } else if (!s.tls13 && (cipher == "AES_128_CBC" || cipher == "AES_256_CBC")) {
    s.kind = SuiteCrypto::Kind::cbc;
    s.cipher = cipher == "AES_128_CBC" ? "AES-128-CBC" : "AES-256-CBC";
    s.key_length = cipher == "AES_128_CBC" ? 16 : 32;
    s.fixed_iv_length = 16;  // only TLS 1.0 uses it (RFC 2246 6.3)
  } else {
    return std::nullopt;
  }
  if (hash == "SHA256") {
    s.hash = "SHA256";
  } else if (hash == "SHA384") {
    s.hash = "SHA384";
  } else if (hash == "SHA" && s.kind == SuiteCrypto::Kind::cbc) {
    s.hash = "SHA256";  // RFC 5246 5: the TLS 1.2 PRF of the pre-1.2 suites
  } else {
    return std::nullopt;
  }
  if (s.kind == SuiteCrypto::Kind::cbc) {
    s.mac = hash == "SHA" ? "SHA1" : s.hash;
    s.mac_length = hash == "SHA" ? 20 : hash == "SHA256" ? 32 : 48;
  }
  return s;
}

}  // namespace rdpcap::tls
