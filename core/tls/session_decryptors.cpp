// Each direction's record decryptor of a session, from the key log's secrets:
// TLS 1.0-1.2 key_block expansion (RFC 5246 6.3, RFC 2246 6.3) and TLS 1.3
// traffic secrets (RFC 8446 7.1-7.3). Through OpenSSL 3 EVP_KDF (tls_kdf.hpp).
#include <openssl/crypto.h>

#include <string_view>

#include "tls/record_decryptor.hpp"
#include "tls/tls_kdf.hpp"
#include "tls/tls_names.hpp"

namespace rdpcap::tls {

namespace {

std::string unsupported_suite(uint16_t suite) {
  const char* n = cipher_suite_name(suite);
  return std::string("cipher suite ") + (n ? n : "(unknown)") + " is not supported for decryption";
}

}  // namespace

SessionDecryptors tls12_decryptors(const SessionSecrets& secrets, uint16_t version, uint16_t suite,
                                   const Random& client_random, const Random& server_random, bool encrypt_then_mac) {
  SessionDecryptors out;
  if (version < 0x0301 || version > 0x0303) {
    out.problem = std::string("decryption of ") + version_name(version) + " is not supported";
    return out;
  }
  auto s = suite_crypto(suite);
  if (!s || s->tls13) {
    out.problem = unsupported_suite(suite);
    return out;
  }
  if (!secrets.has_tls12()) {
    out.problem = "the key log has no CLIENT_RANDOM (master secret) for this TLS 1.2 session";
    return out;
  }
  // RFC 5246 5/6.3; RFC 2246 5: TLS 1.0/1.1 use the MD5/SHA-1 PRF.
  const char* prf = version == 0x0303 ? s->hash : "MD5-SHA1";
  const size_t iv_len = version == 0x0301 || s->kind != SuiteCrypto::Kind::cbc ? s->fixed_iv_length : 0;
  const size_t need = 2 * (s->mac_length + s->key_length + iv_len);
  std::vector<uint8_t> seed(server_random.begin(), server_random.end());
  seed.insert(seed.end(), client_random.begin(), client_random.end());
  auto block = tls1_prf(prf, secrets.master_secret, "key expansion", seed, need);
  if (!block) {
    out.problem = "OpenSSL could not derive the key block";
    return out;
  }
  auto take = [&, pos = size_t{0}](size_t n) mutable {
    std::vector<uint8_t> v(block->begin() + static_cast<std::ptrdiff_t>(pos),
                           block->begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    return v;
  };
  auto client_mac = take(s->mac_length), server_mac = take(s->mac_length);
  auto client_key = take(s->key_length), server_key = take(s->key_length);
  auto client_iv = take(iv_len), server_iv = take(iv_len);
  OPENSSL_cleanse(block->data(), block->size());
  out.client = std::make_unique<RecordDecryptor>(*s, version, std::move(client_mac), std::move(client_key),
                                                 std::move(client_iv), encrypt_then_mac);
  out.server = std::make_unique<RecordDecryptor>(*s, version, std::move(server_mac), std::move(server_key),
                                                 std::move(server_iv), encrypt_then_mac);
  return out;
}

SessionDecryptors tls13_decryptors(const SessionSecrets& secrets, uint16_t suite) {
  SessionDecryptors out;
  auto s = suite_crypto(suite);
  if (!s || !s->tls13) {
    out.problem = unsupported_suite(suite);
    return out;
  }
  if (!secrets.has_tls13_handshake()) {
    out.problem = "the key log has no CLIENT/SERVER_HANDSHAKE_TRAFFIC_SECRET for this TLS 1.3 session";
    return out;
  }
  const size_t hash_len = std::string_view(s->hash) == "SHA384" ? 48 : 32;
  if (secrets.client_handshake_traffic.size() != hash_len || secrets.server_handshake_traffic.size() != hash_len) {
    out.problem = "the logged traffic secrets do not have the length of the suite's hash";
    return out;
  }
  out.client = std::make_unique<RecordDecryptor>(*s, secrets.client_handshake_traffic,
                                                 secrets.client_application_traffic_0);
  out.server = std::make_unique<RecordDecryptor>(*s, secrets.server_handshake_traffic,
                                                 secrets.server_application_traffic_0);
  if (out.client->failed() || out.server->failed()) {
    out.client.reset();
    out.server.reset();
    out.problem = "OpenSSL could not derive the TLS 1.3 traffic keys";
  }
  return out;
}

}  // namespace rdpcap::tls
