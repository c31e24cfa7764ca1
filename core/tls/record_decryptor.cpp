// Record decryption with OpenSSL 3 EVP (EVP_CIPHER AEAD and CBC, EVP_MAC HMAC,
// EVP_KDF TLS1-PRF / TLS13-KDF through tls/tls_kdf.hpp). Citations per step.
#include "tls/record_decryptor.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "tls/tls_kdf.hpp"
#include "tls/tls_names.hpp"
#include "tls/tls_stream.hpp"

namespace rdpcap::tls {

using util::Bytes;

namespace {

constexpr size_t kTagLength = 16;                    // AES-GCM and ChaCha20-Poly1305 (RFC 5116, RFC 8439)
constexpr size_t kMaxPlaintext = 1u << 14;           // RFC 5246 6.2.1 / RFC 8446 5.1


struct CipherCtx {
  EVP_CIPHER* cipher = nullptr;
  EVP_CIPHER_CTX* ctx = nullptr;
  explicit CipherCtx(const char* name) : cipher(EVP_CIPHER_fetch(nullptr, name, nullptr)), ctx(EVP_CIPHER_CTX_new()) {}
  ~CipherCtx() {
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
  }
  bool ok() const { return cipher && ctx; }
};

void put_u64(uint8_t* p, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
}

// RFC 8446 5.3 / RFC 7905 2: the 64-bit sequence number, left-padded to the
// IV length, XORed with the IV.
std::vector<uint8_t> xor_nonce(const std::vector<uint8_t>& iv, uint64_t seq) {
  std::vector<uint8_t> nonce = iv;
  uint8_t s[8];
  put_u64(s, seq);
  for (size_t i = 0; i < 8 && i < nonce.size(); ++i) nonce[nonce.size() - 8 + i] ^= s[i];
  return nonce;
}

// RFC 5246 6.2.3.3 additional_data: seq_num + type + version + length.
std::vector<uint8_t> tls12_aad(uint64_t seq, uint8_t type, uint16_t version, size_t length) {
  std::vector<uint8_t> aad(13);
  put_u64(aad.data(), seq);
  aad[8] = type;
  aad[9] = static_cast<uint8_t>(version >> 8);
  aad[10] = static_cast<uint8_t>(version);
  aad[11] = static_cast<uint8_t>(length >> 8);
  aad[12] = static_cast<uint8_t>(length);
  return aad;
}

// AEAD open: true when the tag verifies.
bool aead_open(const char* cipher, const std::vector<uint8_t>& key, const std::vector<uint8_t>& nonce, Bytes aad,
               Bytes ciphertext, Bytes tag, std::vector<uint8_t>& out) {
  CipherCtx c(cipher);
  if (!c.ok()) return false;
  int n = 0;
  if (EVP_DecryptInit_ex2(c.ctx, c.cipher, nullptr, nullptr, nullptr) <= 0) return false;
  if (EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) <= 0) return false;
  if (EVP_DecryptInit_ex2(c.ctx, nullptr, key.data(), nonce.data(), nullptr) <= 0) return false;
  if (!aad.empty() && EVP_DecryptUpdate(c.ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) <= 0)
    return false;
  out.assign(ciphertext.size() + 16, 0);
  int len = 0;
  if (!ciphertext.empty() &&
      EVP_DecryptUpdate(c.ctx, out.data(), &len, ciphertext.data(), static_cast<int>(ciphertext.size())) <= 0)
    return false;
  if (EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<uint8_t*>(tag.data())) <= 0)
    return false;
  int fin = 0;
  if (EVP_DecryptFinal_ex(c.ctx, out.data() + len, &fin) <= 0) return false;
  out.resize(static_cast<size_t>(len + fin));
  return true;
}

// Raw CBC decryption (no padding removal: TLS padding is checked by the caller).
bool cbc_decrypt(const char* cipher, const std::vector<uint8_t>& key, Bytes iv, Bytes ciphertext,
                 std::vector<uint8_t>& out) {
  CipherCtx c(cipher);
  if (!c.ok()) return false;
  if (EVP_DecryptInit_ex2(c.ctx, c.cipher, key.data(), iv.data(), nullptr) <= 0) return false;
  EVP_CIPHER_CTX_set_padding(c.ctx, 0);
  out.assign(ciphertext.size() + 32, 0);
  int len = 0, fin = 0;
  if (EVP_DecryptUpdate(c.ctx, out.data(), &len, ciphertext.data(), static_cast<int>(ciphertext.size())) <= 0)
    return false;
  if (EVP_DecryptFinal_ex(c.ctx, out.data() + len, &fin) <= 0) return false;
  out.resize(static_cast<size_t>(len + fin));
  return true;
}

size_t block_size_of(const char* cipher) {
  EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, cipher, nullptr);
  if (!c) return 0;
  size_t b = static_cast<size_t>(EVP_CIPHER_get_block_size(c));
  EVP_CIPHER_free(c);
  return b;
}

}  // namespace

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

RecordDecryptor::Result RecordDecryptor::decrypt_aead(uint8_t type, uint16_t version, Bytes fragment) {
  Result r;
  if (tls13_) {
    // RFC 8446 5.2: TLSCiphertext.encrypted_record = AEAD(TLSInnerPlaintext);
    // additional_data = opaque_type || legacy_record_version || length.
    if (fragment.size() < kTagLength + 1) return fail("record shorter than its authentication tag");
    if (fragment.size() > kMaxPlaintext + 256) return fail("record longer than 2^14 + 256");
    uint8_t aad[5] = {type, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version),
                      static_cast<uint8_t>(fragment.size() >> 8), static_cast<uint8_t>(fragment.size())};
    std::vector<uint8_t> inner;
    if (!aead_open(suite_.cipher, key_, xor_nonce(iv_, seq_), aad, fragment.first(fragment.size() - kTagLength),
                   fragment.last(kTagLength), inner))
      return fail("authentication tag does not verify");
    // TLSInnerPlaintext = content || ContentType type || zeros (RFC 8446 5.4).
    while (!inner.empty() && inner.back() == 0) inner.pop_back();
    if (inner.empty()) return fail("decrypted record has no content type (all zeros)");
    r.content_type = inner.back();
    inner.pop_back();
    if (inner.size() > kMaxPlaintext) return fail("decrypted record longer than 2^14");
    r.plaintext = std::move(inner);
    r.ok = true;
    return r;
  }
  std::vector<uint8_t> nonce;
  Bytes body = fragment;
  if (suite_.kind == SuiteCrypto::Kind::gcm) {
    // RFC 5288 3: nonce = salt (4, key_block) || nonce_explicit (8, record).
    if (fragment.size() < 8 + kTagLength) return fail("record shorter than its explicit nonce and tag");
    nonce.assign(iv_.begin(), iv_.end());
    nonce.insert(nonce.end(), fragment.begin(), fragment.begin() + 8);
    body = fragment.subspan(8);
  } else {
    // RFC 7905 2: nonce = client/server_write_IV XOR padded sequence number.
    if (fragment.size() < kTagLength) return fail("record shorter than its authentication tag");
    nonce = xor_nonce(iv_, seq_);
  }
  const size_t plain_len = body.size() - kTagLength;
  if (plain_len > kMaxPlaintext + 1024) return fail("record longer than 2^14 + 1024");
  auto aad = tls12_aad(seq_, type, version, plain_len);
  std::vector<uint8_t> out;
  if (!aead_open(suite_.cipher, key_, nonce, aad, body.first(plain_len), body.last(kTagLength), out))
    return fail("authentication tag does not verify");
  r.ok = true;
  r.content_type = type;
  r.plaintext = std::move(out);
  return r;
}

// RFC 5246 6.2.3.2 GenericBlockCipher (MAC-then-encrypt) and RFC 7366 3
// (encrypt-then-MAC: the MAC covers IV + ciphertext and follows them).
RecordDecryptor::Result RecordDecryptor::decrypt_cbc(uint8_t type, uint16_t version, Bytes fragment) {
  Result r;
  const size_t block = block_size_of(suite_.cipher);
  if (block == 0) return fail("OpenSSL has no " + std::string(suite_.cipher));
  const bool explicit_iv = version >= 0x0302;  // TLS 1.1+ (RFC 4346 6.2.3.2)
  Bytes cipher_part = fragment;
  if (etm_) {
    if (fragment.size() < suite_.mac_length) return fail("record shorter than its MAC");
    cipher_part = fragment.first(fragment.size() - suite_.mac_length);
    Bytes mac = fragment.last(suite_.mac_length);
    std::vector<uint8_t> input = tls12_aad(seq_, type, version, cipher_part.size());
    input.insert(input.end(), cipher_part.begin(), cipher_part.end());
    auto expect = hmac(suite_.mac, mac_key_, input);
    if (!expect || expect->size() != mac.size() || CRYPTO_memcmp(expect->data(), mac.data(), mac.size()) != 0)
      return fail("record MAC does not verify (encrypt_then_mac)");
  }
  Bytes iv(iv_);
  Bytes ciphertext = cipher_part;
  if (explicit_iv) {
    if (cipher_part.size() < block) return fail("record shorter than its IV");
    iv = cipher_part.first(block);
    ciphertext = cipher_part.subspan(block);
  }
  if (ciphertext.empty() || ciphertext.size() % block != 0)
    return fail("ciphertext length " + std::to_string(ciphertext.size()) + " is not a multiple of the block size");
  if (iv.size() != block) return fail("no IV for this record");
  std::vector<uint8_t> plain;
  if (!cbc_decrypt(suite_.cipher, key_, iv, ciphertext, plain)) return fail("CBC decryption failed");
  std::vector<uint8_t> next_iv(ciphertext.end() - static_cast<std::ptrdiff_t>(block), ciphertext.end());
  // padding_length byte, then that many bytes of the same value (RFC 5246 6.2.3.2).
  const size_t pad = plain.back();
  const size_t mac_len = etm_ ? 0 : suite_.mac_length;
  if (pad + 1 + mac_len > plain.size()) return fail("bad CBC padding");
  for (size_t i = plain.size() - pad - 1; i < plain.size(); ++i)
    if (plain[i] != pad) return fail("bad CBC padding");
  plain.resize(plain.size() - pad - 1);
  if (!etm_) {
    const size_t content_len = plain.size() - mac_len;
    // MAC(MAC_write_key, seq_num + type + version + length + content) (RFC 5246 6.2.3.1).
    std::vector<uint8_t> input = tls12_aad(seq_, type, version, content_len);
    input.insert(input.end(), plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(content_len));
    auto expect = hmac(suite_.mac, mac_key_, input);
    if (!expect || expect->size() != mac_len ||
        CRYPTO_memcmp(expect->data(), plain.data() + content_len, mac_len) != 0)
      return fail("record MAC does not verify");
    plain.resize(content_len);
  }
  if (plain.size() > kMaxPlaintext + 1024) return fail("record longer than 2^14 + 1024");
  if (!explicit_iv) iv_ = std::move(next_iv);  // TLS 1.0: the last ciphertext block chains (RFC 2246 6.2.3.2)
  r.ok = true;
  r.content_type = type;
  r.plaintext = std::move(plain);
  return r;
}

SessionDecryptors tls12_decryptors(const SessionSecrets& secrets, uint16_t version, uint16_t suite,
                                   const Random& client_random, const Random& server_random, bool encrypt_then_mac) {
  SessionDecryptors out;
  if (version < 0x0301 || version > 0x0303) {
    out.problem = std::string("decryption of ") + version_name(version) + " is not supported";
    return out;
  }
  auto s = suite_crypto(suite);
  if (!s || s->tls13) {
    const char* n = cipher_suite_name(suite);
    out.problem = std::string("cipher suite ") + (n ? n : "(unknown)") + " is not supported for decryption";
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
    const char* n = cipher_suite_name(suite);
    out.problem = std::string("cipher suite ") + (n ? n : "(unknown)") + " is not supported for decryption";
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
