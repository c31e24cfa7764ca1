// Record decryption with OpenSSL 3 EVP (EVP_CIPHER AEAD and CBC, EVP_MAC HMAC,
// EVP_KDF TLS1-PRF / TLS13-KDF through tls/tls_kdf.hpp). Citations per step.
// This file: the decryptor's lifecycle, the TLS 1.3 key schedule of one
// direction (RFC 8446 7.2-7.3) and the dispatch to AEAD (aead_records.cpp) or
// CBC (cbc_records.cpp) record protection.
#include "tls/record_decryptor.hpp"

#include <openssl/crypto.h>

#include "tls/tls_kdf.hpp"

namespace rdpcap::tls {

using util::Bytes;

RecordDecryptor::RecordDecryptor(const SuiteCrypto& suite, uint16_t version, std::vector<uint8_t> mac_key,
                                 std::vector<uint8_t> key, std::vector<uint8_t> iv, bool encrypt_then_mac)
    : suite_(suite),
      version_(version),
      etm_(encrypt_then_mac && suite.kind == SuiteCrypto::Kind::cbc),
      mac_key_(std::move(mac_key)),
      key_(std::move(key)),
      iv_(std::move(iv)) {}

RecordDecryptor::RecordDecryptor(const SuiteCrypto& suite, std::vector<uint8_t> handshake_secret,
                                 std::vector<uint8_t> application_secret)
    : suite_(suite), version_(0x0304), tls13_(true), application_secret_(std::move(application_secret)) {
  if (!install_tls13(handshake_secret)) failed_ = true;
}

RecordDecryptor::~RecordDecryptor() {
  OPENSSL_cleanse(key_.data(), key_.size());
  OPENSSL_cleanse(mac_key_.data(), mac_key_.size());
  OPENSSL_cleanse(secret_.data(), secret_.size());
  OPENSSL_cleanse(application_secret_.data(), application_secret_.size());
}

// RFC 8446 7.3: write_key = HKDF-Expand-Label(secret, "key", "", key_length),
// write_iv = HKDF-Expand-Label(secret, "iv", "", iv_length); the sequence
// number restarts at 0 (5.3).
bool RecordDecryptor::install_tls13(const std::vector<uint8_t>& secret) {
  auto key = hkdf_expand_label(suite_.hash, secret, "key", {}, suite_.key_length);
  auto iv = hkdf_expand_label(suite_.hash, secret, "iv", {}, 12);
  if (!key || !iv) return false;
  secret_ = secret;
  key_ = std::move(*key);
  iv_ = std::move(*iv);
  seq_ = 0;
  return true;
}

bool RecordDecryptor::switch_to_application() {
  if (!tls13_ || failed_ || application_secret_.empty()) return false;
  std::vector<uint8_t> s;
  s.swap(application_secret_);
  return install_tls13(s);
}

bool RecordDecryptor::key_update() {
  if (!tls13_ || failed_) return false;
  // RFC 8446 7.2: application_traffic_secret_N+1 =
  //   HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)
  auto next = hkdf_expand_label(suite_.hash, secret_, "traffic upd", {}, secret_.size());
  if (!next) return false;
  return install_tls13(*next);
}

RecordDecryptor::Result RecordDecryptor::fail(std::string why) {
  failed_ = true;
  Result r;
  r.error = std::move(why);
  return r;
}

RecordDecryptor::Result RecordDecryptor::decrypt(uint8_t type, uint16_t version, Bytes fragment) {
  if (failed_) {
    Result r;
    r.error = "decryption stopped earlier";
    return r;
  }
  Result r = suite_.kind == SuiteCrypto::Kind::cbc ? decrypt_cbc(type, version, fragment)
                                                   : decrypt_aead(type, version, fragment);
  if (r.ok) {
    ++seq_;
    ++records_;
  }
  return r;
}

}  // namespace rdpcap::tls
