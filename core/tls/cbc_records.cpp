// CBC record protection of one direction (TLS 1.0-1.2, AES-CBC with HMAC):
// MAC-then-encrypt (RFC 5246 6.2.3.1-6.2.3.2) or encrypt_then_mac (RFC 7366
// 3), through OpenSSL 3 EVP (record_crypto.hpp, tls_kdf.hpp's hmac).
#include <openssl/crypto.h>

#include "tls/record_crypto.hpp"
#include "tls/record_decryptor.hpp"
#include "tls/tls_kdf.hpp"

namespace rdpcap::tls {

using util::Bytes;
using namespace detail;

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

}  // namespace rdpcap::tls
