// Each distinct certificate parsed once: a gateway's capture holds thousands
// of connections to a few servers, each sending the same chain, and parsing a
// DER with OpenSSL 3 (decoders, provider fetches, locks) costs far more than
// hashing it. The facts are cached by the SHA-256 of the DER (a hash
// collision would need a SHA-256 second preimage), per thread (the CLI's -j
// workers share nothing), bounded: at most kMaxEntries certificates, each
// with read_certificate()'s own bounds; when full it is emptied and refilled.
#pragma once

#include <cstddef>

#include "util/byte_reader.hpp"
#include "x509/certificate_facts.hpp"

namespace rdpcap::x509 {

constexpr size_t kCertificateCacheEntries = 256;

// read_certificate(der), from the cache when this DER was read before on
// this thread.
CertificateFacts read_certificate_cached(util::Bytes der);

// For tests and the bench: lookups answered from the cache / parsed, on this thread.
struct CertificateCacheStats {
  size_t hits = 0, misses = 0, entries = 0;
};
CertificateCacheStats certificate_cache_stats();

}  // namespace rdpcap::x509
