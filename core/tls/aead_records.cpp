// AEAD record protection (AES-GCM, ChaCha20-Poly1305) of one direction:
// TLS 1.3 (RFC 8446 5.2-5.4) and TLS 1.2 (RFC 5288 3, RFC 7905 2,
// RFC 5246 6.2.3.3), opened through OpenSSL 3 EVP (record_crypto.hpp).
#include "tls/record_crypto.hpp"
#include "tls/record_decryptor.hpp"

namespace rdpcap::tls {

using util::Bytes;
using namespace detail;

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

}  // namespace rdpcap::tls
