// The TLS key derivation functions, through OpenSSL 3's EVP_KDF
// implementations (no cryptography of our own):
//   TLS 1.0-1.2 PRF (RFC 2246 5, RFC 5246 5): EVP_KDF "TLS1-PRF"
//   TLS 1.3 HKDF-Expand-Label (RFC 8446 7.1): EVP_KDF "TLS13-KDF", mode EXPAND_ONLY
// and HMAC (RFC 2104) through EVP_MAC "HMAC" for the record MACs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/byte_reader.hpp"

namespace rdpcap::tls {

// `digest` is an OpenSSL digest name: "SHA256", "SHA384", "SHA1", or
// "MD5-SHA1" for the TLS 1.0/1.1 PRF. nullopt when OpenSSL refuses.
std::optional<std::vector<uint8_t>> tls1_prf(const char* digest, util::Bytes secret, const std::string& label,
                                             util::Bytes seed, size_t length);

// HKDF-Expand-Label(secret, label, context, length) with the "tls13 " prefix.
std::optional<std::vector<uint8_t>> hkdf_expand_label(const char* digest, util::Bytes secret,
                                                      const std::string& label, util::Bytes context, size_t length);

std::optional<std::vector<uint8_t>> hmac(const char* digest, util::Bytes key, util::Bytes data);

}  // namespace rdpcap::tls
