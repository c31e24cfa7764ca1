#include "tls/tls_kdf.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>

namespace rdpcap::tls {

namespace {

struct KdfFree {
  void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

void* mutable_ptr(util::Bytes b) { return const_cast<uint8_t*>(b.data()); }

std::optional<std::vector<uint8_t>> derive(const char* kdf_name, OSSL_PARAM* params, size_t length) {
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, kdf_name, nullptr));
  if (!kdf) return std::nullopt;
  std::unique_ptr<EVP_KDF_CTX, KdfFree> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return std::nullopt;
  std::vector<uint8_t> out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) <= 0) return std::nullopt;
  return out;
}

}  // namespace

std::optional<std::vector<uint8_t>> tls1_prf(const char* digest, util::Bytes secret, const std::string& label,
                                             util::Bytes seed, size_t length) {
  // RFC 5246 5: PRF(secret, label, seed) = P_<hash>(secret, label + seed);
  // OpenSSL concatenates the "seed" parameters in order.
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, mutable_ptr(secret), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<char*>(label.data()), label.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, mutable_ptr(seed), seed.size()),
      OSSL_PARAM_construct_end()};
  return derive("TLS1-PRF", params, length);
}

std::optional<std::vector<uint8_t>> hkdf_expand_label(const char* digest, util::Bytes secret,
                                                      const std::string& label, util::Bytes context, size_t length) {
  // RFC 8446 7.1: HkdfLabel { length, "tls13 " + label, context }, built by
  // OpenSSL's TLS13-KDF from the prefix, label and data parameters.
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  static const char kPrefix[] = "tls13 ";
  uint8_t empty = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mutable_ptr(secret), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX, const_cast<char*>(kPrefix), sizeof kPrefix - 1),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, const_cast<char*>(label.data()), label.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, context.empty() ? &empty : mutable_ptr(context),
                                        context.size()),
      OSSL_PARAM_construct_end()};
  return derive("TLS13-KDF", params, length);
}

std::optional<std::vector<uint8_t>> hmac(const char* digest, util::Bytes key, util::Bytes data) {
  std::unique_ptr<EVP_MAC, KdfFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return std::nullopt;
  std::unique_ptr<EVP_MAC_CTX, KdfFree> ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return std::nullopt;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
                         OSSL_PARAM_construct_end()};
  uint8_t empty = 0;
  if (EVP_MAC_init(ctx.get(), key.empty() ? &empty : key.data(), key.size(), params) <= 0) return std::nullopt;
  if (!data.empty() && EVP_MAC_update(ctx.get(), data.data(), data.size()) <= 0) return std::nullopt;
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  size_t n = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &n, out.size()) <= 0) return std::nullopt;
  out.resize(n);
  return out;
}

}  // namespace rdpcap::tls
