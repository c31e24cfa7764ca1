#include "x509/certificate_cache.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <memory>
#include <unordered_map>

namespace rdpcap::x509 {

namespace {

using Digest = std::array<unsigned char, 32>;

struct DigestHash {
  size_t operator()(const Digest& d) const {
    size_t h;
    std::memcpy(&h, d.data(), sizeof h);  // already uniformly distributed
    return h;
  }
};

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

struct Cache {
  // Fetched once per thread (OpenSSL 3: an explicit fetch avoids the
  // implicit fetch, and its lock, on every digest).
  std::unique_ptr<EVP_MD, MdFree> sha256{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx{EVP_MD_CTX_new()};
  std::unordered_map<Digest, CertificateFacts, DigestHash> facts;
  CertificateCacheStats stats;

  bool digest(util::Bytes der, Digest& out) {
    unsigned int len = 0;
    return sha256 && ctx && EVP_DigestInit_ex2(ctx.get(), sha256.get(), nullptr) == 1 &&
           EVP_DigestUpdate(ctx.get(), der.data(), der.size()) == 1 &&
           EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size();
  }
};

Cache& cache() {
  thread_local Cache c;
  return c;
}

}  // namespace

CertificateFacts read_certificate_cached(util::Bytes der) {
  Cache& c = cache();
  Digest key;
  if (der.empty() || !c.digest(der, key)) return read_certificate(der);
  if (auto it = c.facts.find(key); it != c.facts.end()) {
    ++c.stats.hits;
    return it->second;
  }
  ++c.stats.misses;
  CertificateFacts f = read_certificate(der);
  if (c.facts.size() >= kCertificateCacheEntries) c.facts.clear();
  c.facts.emplace(key, f);
  return f;
}

CertificateCacheStats certificate_cache_stats() {
  CertificateCacheStats s = cache().stats;
  s.entries = cache().facts.size();
  return s;
}

}  // namespace rdpcap::x509
