// Internal to the record decryptor (record_decryptor.cpp, aead_records.cpp,
// cbc_records.cpp): the OpenSSL 3 EVP steps a protected TLS record is opened
// with, and the nonce and additional data it is opened against. Not part of
// the tls layer's API.
#pragma once

#include <cstdint>
#include <vector>

#include "util/byte_reader.hpp"

namespace rdpcap::tls::detail {

constexpr size_t kTagLength = 16;           // AES-GCM and ChaCha20-Poly1305 (RFC 5116, RFC 8439)
constexpr size_t kMaxPlaintext = 1u << 14;  // RFC 5246 6.2.1 / RFC 8446 5.1

// RFC 8446 5.3 / RFC 7905 2: the 64-bit sequence number, left-padded to the
// IV length, XORed with the IV.
std::vector<uint8_t> xor_nonce(const std::vector<uint8_t>& iv, uint64_t seq);

// RFC 5246 6.2.3.3 additional_data (and the MAC input's header, 6.2.3.1):
// seq_num + type + version + length.
std::vector<uint8_t> tls12_aad(uint64_t seq, uint8_t type, uint16_t version, size_t length);

// AEAD open (EVP_CIPHER): true when the tag verifies.
bool aead_open(const char* cipher, const std::vector<uint8_t>& key, const std::vector<uint8_t>& nonce,
               util::Bytes aad, util::Bytes ciphertext, util::Bytes tag, std::vector<uint8_t>& out);

// Raw CBC decryption (no padding removal: TLS padding is checked by the caller).
bool cbc_decrypt(const char* cipher, const std::vector<uint8_t>& key, util::Bytes iv, util::Bytes ciphertext,
                 std::vector<uint8_t>& out);

// The cipher's block size, 0 when OpenSSL does not have it.
size_t block_size_of(const char* cipher);

}  // namespace rdpcap::tls::detail
