#include "x509/certificate_cache.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rdpcap::x509 {

namespace {

// Looked up by a view of the DER (no copy of it per lookup).
struct DerHash {
  using is_transparent = void;
  size_t operator()(std::string_view der) const { return std::hash<std::string_view>{}(der); }
};

struct Cache {
  // Keyed by the DER's bytes: hashed by std::hash, compared whole on a match.
  std::unordered_map<std::string, CertificateChain::Shared, DerHash, std::equal_to<>> facts;
  CertificateCacheStats stats;
};

Cache& cache() {
  thread_local Cache c;
  return c;
}

}  // namespace

CertificateChain::Shared read_certificate_cached(util::Bytes der) {
  if (der.empty() || der.size() > kCertificateCacheMaxDer) return std::make_shared<CertificateFacts>(read_certificate(der));
  Cache& c = cache();
  const std::string_view key(reinterpret_cast<const char*>(der.data()), der.size());
  if (auto it = c.facts.find(key); it != c.facts.end()) {
    ++c.stats.hits;
    return it->second;
  }
  ++c.stats.misses;
  CertificateChain::Shared f = std::make_shared<CertificateFacts>(read_certificate(der));
  if (c.facts.size() >= kCertificateCacheEntries) c.facts.clear();
  c.facts.emplace(std::string(key), f);
  return f;
}

CertificateCacheStats certificate_cache_stats() {
  CertificateCacheStats s = cache().stats;
  s.entries = cache().facts.size();
  return s;
}

}  // namespace rdpcap::x509
