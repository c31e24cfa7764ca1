// The OpenSSL 3 EVP steps of TLS record protection (record_crypto.hpp):
// EVP_CIPHER AEAD open and raw CBC decryption, nonce and additional data.
#include "tls/record_crypto.hpp"

#include <openssl/evp.h>

namespace rdpcap::tls::detail {

using util::Bytes;

namespace {

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

}  // namespace

std::vector<uint8_t> xor_nonce(const std::vector<uint8_t>& iv, uint64_t seq) {
  std::vector<uint8_t> nonce = iv;
  uint8_t s[8];
  put_u64(s, seq);
  for (size_t i = 0; i < 8 && i < nonce.size(); ++i) nonce[nonce.size() - 8 + i] ^= s[i];
  return nonce;
}

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

}  // namespace rdpcap::tls::detail
