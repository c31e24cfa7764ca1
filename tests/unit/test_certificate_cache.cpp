// The certificate cache (x509/certificate_cache): a DER seen before is not
// parsed again, and the facts given from the cache are the parser's.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "capture_support.hpp"
#include "x509/certificate_cache.hpp"

using namespace rdpcap;

namespace {

std::string sample(const char* name) { return std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/" + name; }

bool same(const x509::CertificateFacts& a, const x509::CertificateFacts& b) {
  const auto fields = [](const x509::CertificateFacts& c) {
    return std::tie(c.parsed, c.parse_error, c.der_size, c.subject, c.subject_cn, c.issuer, c.serial_hex,
                    c.not_before, c.not_after, c.key_type, c.key_bits, c.ec_curve, c.signature_algorithm,
                    c.signature_hash, c.san_dns, c.san_ip, c.san_truncated, c.has_eku, c.eku_oids,
                    c.issuer_equals_subject, c.self_signed, c.is_ca, c.sha256_fingerprint);
  };
  return fields(a) == fields(b);
}

// A self-signed P-256 certificate for `cn`, made here with OpenSSL.
std::vector<uint8_t> make_der(const char* cn) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  REQUIRE((key && cert));
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
  const int n = i2d_X509(cert.get(), nullptr);
  REQUIRE(n > 0);
  std::vector<uint8_t> der(static_cast<size_t>(n));
  unsigned char* p = der.data();
  i2d_X509(cert.get(), &p);
  return der;
}

}  // namespace

TEST_CASE("The cache answers only for the same bytes; certificates over its size bound are read every time",
          "[x509][cache]") {
  const std::vector<uint8_t> a = make_der("a.example");
  std::vector<uint8_t> b = a;
  b[b.size() - 3] ^= 0x01;  // one byte of the signature: another certificate, same length
  const std::vector<uint8_t> big(x509::kCertificateCacheMaxDer + 1, 0x30);
  x509::CertificateChain::Shared fa, fb, fa2, fbig;
  x509::CertificateCacheStats stats, after;
  std::thread([&] {  // a thread of its own: an empty cache (Catch assertions stay in this thread)
    fa = x509::read_certificate_cached(a);
    fb = x509::read_certificate_cached(b);
    fa2 = x509::read_certificate_cached(a);
    stats = x509::certificate_cache_stats();
    fbig = x509::read_certificate_cached(big);  // over kCertificateCacheMaxDer: read each time, never kept
    x509::read_certificate_cached(big);
    after = x509::certificate_cache_stats();
  }).join();
  CHECK(stats.misses == 2);
  CHECK(stats.hits == 1);
  CHECK(stats.entries == 2);
  REQUIRE((fa && fb && fa2 && fbig));
  CHECK(fa->parsed);
  CHECK(same(*fa, x509::read_certificate(a)));
  CHECK(same(*fb, x509::read_certificate(b)));
  CHECK(fb->sha256_fingerprint != fa->sha256_fingerprint);
  CHECK(fa2 == fa);  // the same facts handed out again, not a copy
  CHECK(same(*fbig, x509::read_certificate(big)));
  CHECK(after.entries == 2);
  CHECK(after.misses == 2);
  CHECK(after.hits == 1);
}

TEST_CASE("Each distinct certificate is parsed once per thread; cached facts equal parsed ones", "[x509][cache]") {
  // A thread of its own: the cache is per thread, so this one starts empty.
  // (Catch assertions stay in this thread.)
  session::AnalysisResult first, second;
  x509::CertificateCacheStats after_first, after_second;
  std::thread([&] {
    first = testing::analyze_file(sample("22-mixed-two-servers.pcap"));
    after_first = x509::certificate_cache_stats();
    second = testing::analyze_file(sample("22-mixed-two-servers.pcap"));
    after_second = x509::certificate_cache_stats();
  }).join();
  std::set<std::string> distinct;
  size_t read = 0;
  for (const auto& c : first.connections)
    for (const auto& f : c.summary.tls.certificates) {
      distinct.insert(f.sha256_fingerprint);
      ++read;
    }
  REQUIRE(read >= 2);
  CHECK(after_first.misses == distinct.size());
  CHECK(after_first.hits == read - distinct.size());
  CHECK(after_first.entries == distinct.size());
  CHECK(after_second.misses == after_first.misses);  // nothing parsed again
  CHECK(after_second.hits == after_first.hits + read);
  REQUIRE(second.connections.size() == first.connections.size());
  for (size_t i = 0; i < first.connections.size(); ++i) {
    const auto& a = first.connections[i].summary.tls.certificates;
    const auto& b = second.connections[i].summary.tls.certificates;
    REQUIRE(a.size() == b.size());
    for (size_t j = 0; j < a.size(); ++j) CHECK(same(a[j], b[j]));
  }
}
