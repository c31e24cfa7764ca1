// Display names for TLS code points (IANA "Transport Layer Security (TLS)
// Parameters" registries; RFC 8446, RFC 5246, RFC 6101).
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "tls/tls_names.hpp"

namespace rdpcap::tls {

namespace {

const char* known_version(uint16_t v) {
  switch (v) {
    case 0x0002: return "SSL 2.0";
    case 0x0300: return "SSL 3.0";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    case 0xfeff: return "DTLS 1.0";
    case 0xfefd: return "DTLS 1.2";
    case 0xfefc: return "DTLS 1.3";
    default: return nullptr;
  }
}

}  // namespace

std::string version_text(uint16_t v) {
  if (const char* n = known_version(v)) return n;
  char buf[32];
  if ((v >> 8) == 0x7f && (v & 0xff) != 0)  // draft-ietf-tls-tls13-NN
    std::snprintf(buf, sizeof buf, "TLS 1.3 draft %u", unsigned(v & 0xff));
  else
    std::snprintf(buf, sizeof buf, "0x%04x", unsigned(v));
  return buf;
}

const char* version_name(uint16_t v) {
  if (const char* n = known_version(v)) return n;
  // Unknown values are interned once: the pointer stays valid for the
  // program's lifetime (std::map nodes never move).
  static std::mutex mu;
  static std::map<uint16_t, std::string> interned;
  std::lock_guard<std::mutex> lock(mu);
  auto it = interned.find(v);
  if (it == interned.end()) it = interned.emplace(v, version_text(v)).first;
  return it->second.c_str();
}

// RFC 8446 6 AlertDescription, plus the SSL 3.0 / TLS 1.0-1.2 values that
// RFC 8446 marks _RESERVED (IANA "TLS Alerts" registry).
const char* alert_description_name(uint8_t d) {
  switch (d) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 21: return "decryption_failed";
    case 22: return "record_overflow";
    case 30: return "decompression_failure";
    case 40: return "handshake_failure";
    case 41: return "no_certificate";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 60: return "export_restriction";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 111: return "certificate_unobtainable";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 114: return "bad_certificate_hash_value";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    case 121: return "ech_required";
    default: return nullptr;
  }
}

// IANA "TLS HandshakeType" registry.
const char* handshake_type_name(uint8_t t) {
  switch (t) {
    case 0: return "hello_request";
    case 1: return "client_hello";
    case 2: return "server_hello";
    case 3: return "hello_verify_request";
    case 4: return "new_session_ticket";
    case 5: return "end_of_early_data";
    case 6: return "hello_retry_request";
    case 8: return "encrypted_extensions";
    case 9: return "request_connection_id";
    case 10: return "new_connection_id";
    case 11: return "certificate";
    case 12: return "server_key_exchange";
    case 13: return "certificate_request";
    case 14: return "server_hello_done";
    case 15: return "certificate_verify";
    case 16: return "client_key_exchange";
    case 17: return "client_certificate_request";
    case 20: return "finished";
    case 21: return "certificate_url";
    case 22: return "certificate_status";
    case 23: return "supplemental_data";
    case 24: return "key_update";
    case 25: return "compressed_certificate";
    case 26: return "ekt_key";
    case 254: return "message_hash";
    default: return "unknown";
  }
}

// IANA "TLS Supported Groups" registry (RFC 8422, RFC 7919, RFC 8446, ...).
const char* group_name(uint16_t g) {
  switch (g) {
    case 1: return "sect163k1";
    case 2: return "sect163r1";
    case 3: return "sect163r2";
    case 4: return "sect193r1";
    case 5: return "sect193r2";
    case 6: return "sect233k1";
    case 7: return "sect233r1";
    case 8: return "sect239k1";
    case 9: return "sect283k1";
    case 10: return "sect283r1";
    case 11: return "sect409k1";
    case 12: return "sect409r1";
    case 13: return "sect571k1";
    case 14: return "sect571r1";
    case 15: return "secp160k1";
    case 16: return "secp160r1";
    case 17: return "secp160r2";
    case 18: return "secp192k1";
    case 19: return "secp192r1";
    case 20: return "secp224k1";
    case 21: return "secp224r1";
    case 22: return "secp256k1";
    case 23: return "secp256r1";
    case 24: return "secp384r1";
    case 25: return "secp521r1";
    case 26: return "brainpoolP256r1";
    case 27: return "brainpoolP384r1";
    case 28: return "brainpoolP512r1";
    case 29: return "x25519";
    case 30: return "x448";
    case 31: return "brainpoolP256r1tls13";
    case 32: return "brainpoolP384r1tls13";
    case 33: return "brainpoolP512r1tls13";
    case 34: return "GC256A";
    case 35: return "GC256B";
    case 36: return "GC256C";
    case 37: return "GC256D";
    case 38: return "GC512A";
    case 39: return "GC512B";
    case 40: return "GC512C";
    case 41: return "curveSM2";
    case 256: return "ffdhe2048";
    case 257: return "ffdhe3072";
    case 258: return "ffdhe4096";
    case 259: return "ffdhe6144";
    case 260: return "ffdhe8192";
    case 512: return "MLKEM512";
    case 513: return "MLKEM768";
    case 514: return "MLKEM1024";
    case 4587: return "SecP256r1MLKEM768";
    case 4588: return "X25519MLKEM768";
    case 4589: return "SecP384r1MLKEM1024";
    case 25497: return "X25519Kyber768Draft00";
    case 25498: return "SecP256r1Kyber768Draft00";
    case 0xff01: return "arbitrary_explicit_prime_curves";
    case 0xff02: return "arbitrary_explicit_char2_curves";
    default: return nullptr;
  }
}

// IANA "TLS SignatureScheme" registry (RFC 8446 4.2.3), plus the TLS 1.2
// SignatureAndHashAlgorithm pairs (RFC 5246 7.4.1.4.1) still sent by
// TLS 1.2 clients: hash(md5=1..sha512=6) << 8 | signature(rsa=1, dsa=2, ecdsa=3).
const char* signature_scheme_name(uint16_t s) {
  switch (s) {
    case 0x0101: return "rsa_pkcs1_md5";
    case 0x0102: return "dsa_md5";
    case 0x0103: return "ecdsa_md5";
    case 0x0201: return "rsa_pkcs1_sha1";
    case 0x0202: return "dsa_sha1";
    case 0x0203: return "ecdsa_sha1";
    case 0x0301: return "rsa_pkcs1_sha224";
    case 0x0302: return "dsa_sha224";
    case 0x0303: return "ecdsa_sha224";
    case 0x0401: return "rsa_pkcs1_sha256";
    case 0x0402: return "dsa_sha256";
    case 0x0403: return "ecdsa_secp256r1_sha256";
    case 0x0420: return "rsa_pkcs1_sha256_legacy";
    case 0x0501: return "rsa_pkcs1_sha384";
    case 0x0502: return "dsa_sha384";
    case 0x0503: return "ecdsa_secp384r1_sha384";
    case 0x0520: return "rsa_pkcs1_sha384_legacy";
    case 0x0601: return "rsa_pkcs1_sha512";
    case 0x0602: return "dsa_sha512";
    case 0x0603: return "ecdsa_secp521r1_sha512";
    case 0x0620: return "rsa_pkcs1_sha512_legacy";
    case 0x0704: return "eccsi_sha256";
    case 0x0705: return "iso_ibs1";
    case 0x0706: return "iso_ibs2";
    case 0x0707: return "iso_chinese_ibs";
    case 0x0708: return "sm2sig_sm3";
    case 0x0709: return "gostr34102012_256a";
    case 0x070a: return "gostr34102012_256b";
    case 0x070b: return "gostr34102012_256c";
    case 0x070c: return "gostr34102012_256d";
    case 0x070d: return "gostr34102012_512a";
    case 0x070e: return "gostr34102012_512b";
    case 0x070f: return "gostr34102012_512c";
    case 0x0804: return "rsa_pss_rsae_sha256";
    case 0x0805: return "rsa_pss_rsae_sha384";
    case 0x0806: return "rsa_pss_rsae_sha512";
    case 0x0807: return "ed25519";
    case 0x0808: return "ed448";
    case 0x0809: return "rsa_pss_pss_sha256";
    case 0x080a: return "rsa_pss_pss_sha384";
    case 0x080b: return "rsa_pss_pss_sha512";
    case 0x081a: return "ecdsa_brainpoolP256r1tls13_sha256";
    case 0x081b: return "ecdsa_brainpoolP384r1tls13_sha384";
    case 0x081c: return "ecdsa_brainpoolP512r1tls13_sha512";
    case 0x0904: return "mldsa44";
    case 0x0905: return "mldsa65";
    case 0x0906: return "mldsa87";
    default: return "unknown";
  }
}

}  // namespace rdpcap::tls
