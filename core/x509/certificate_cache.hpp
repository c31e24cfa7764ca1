// Each distinct certificate parsed once: a gateway's capture holds thousands
// of connections to a few servers, each sending the same chain, and parsing a
// DER with OpenSSL 3 (decoders, provider fetches, locks) costs far more than
// looking it up. The facts are kept with the DER itself and found by a plain
// (non-cryptographic) hash of it, then the whole DER compared: a hit is the
// same bytes, never a colliding certificate, and costs a hash and a memcmp
// (a SHA-256 of each DER was 40 % of the lookups' instructions). Per thread
// (the CLI's -j workers share nothing), bounded: at most
// kCertificateCacheEntries certificates of at most kCertificateCacheMaxDer
// bytes each (larger ones are read every time); when full it is emptied and
// refilled.
#pragma once

#include <cstddef>

#include "util/byte_reader.hpp"
#include "x509/certificate_chain.hpp"
#include "x509/certificate_facts.hpp"

namespace rdpcap::x509 {

constexpr size_t kCertificateCacheEntries = 256;
constexpr size_t kCertificateCacheMaxDer = 16 * 1024;  // real server certificates: 1-3 KB

// read_certificate(der), from the cache when this DER was read before on
// this thread: the facts the cache keeps, shared, never copied.
CertificateChain::Shared read_certificate_cached(util::Bytes der);

// For tests and the bench: lookups answered from the cache / parsed, on this thread.
struct CertificateCacheStats {
  size_t hits = 0, misses = 0, entries = 0;
};
CertificateCacheStats certificate_cache_stats();

}  // namespace rdpcap::x509
