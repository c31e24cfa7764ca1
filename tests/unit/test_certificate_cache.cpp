// The certificate cache (x509/certificate_cache): a DER seen before is not
// parsed again, and the facts given from the cache are the parser's.
#include <catch2/catch.hpp>

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

}  // namespace

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
