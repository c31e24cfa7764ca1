// A certificate is judged at one instant (--reference-time, else the capture
// time of the frame that carried it), every certificate finding records that
// instant, and every report shows that one: never the capture's last frame.
#include <catch2/catch.hpp>

#include <string>

#include "capture_support.hpp"
#include "report/json_report.hpp"
#include "report/markdown_report.hpp"
#include "report/report_facts.hpp"
#include "text/time_text.hpp"

using namespace rdpcap;

namespace {

const std::string kSamples = std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/";

// Every connection with a certificate: the instant, its findings, its report lines agree.
void check_one_instant(const session::AnalysisResult& result, std::optional<int64_t> reference) {
  int with_certificate = 0;
  for (const auto& r : result.connections) {
    const auto& t = r.summary.tls;
    if (t.certificates.empty()) {
      CHECK_FALSE(r.certificates_judged_at_s);
      continue;
    }
    ++with_certificate;
    REQUIRE(r.certificates_judged_at_s);
    const int64_t judged = *r.certificates_judged_at_s;
    CHECK(judged == reference.value_or(t.certificate_at.time_us / 1000000));
    for (const auto& f : r.findings) {
      if (f.code.rfind("cert.", 0) == 0 && f.code != "cert.unparsable") {
        REQUIRE(f.judged_at_s);
        CHECK(*f.judged_at_s == judged);
      }
    }
    // The validity line of the report says the same as the findings.
    const bool expired = testing::has_finding(r, "cert.expired");
    for (const auto& fact : report::connection_facts(r)) {
      if (fact.label != "Certificate validity") continue;
      CHECK(fact.value.find(text::utc_seconds(judged)) != std::string::npos);
      CHECK((fact.value.find("EXPIRED at") != std::string::npos) == expired);
    }
  }
  CHECK(with_certificate > 0);
}

}  // namespace

TEST_CASE("judged instant: the certificate's frame time, in findings and reports", "[report][judged]") {
  for (const char* name : {"03-cert-expired-selfsigned.pcap", "05-cert-expiring-soon.pcap", "22-mixed-two-servers.pcap",
                           "13c-client-rejects-cert-expired.pcap"}) {
    INFO(name);
    const auto result = testing::analyze_file(kSamples + name);
    REQUIRE_FALSE(result.connections.empty());
    CHECK_FALSE(result.reference_time_s);
    check_one_instant(result, std::nullopt);
    const std::string md = report::render_markdown(result, name);
    CHECK(md.find("the capture time of the frame that carried each") != std::string::npos);
    CHECK(report::render_json(result, name).find("\"reference_time\": null") != std::string::npos);
  }
}

TEST_CASE("judged instant: --reference-time everywhere", "[report][judged]") {
  const int64_t reference = 1741597200;  // 2025-03-10T09:00:00Z
  const auto result = testing::analyze_file(kSamples + "22-mixed-two-servers.pcap", {}, reference);
  REQUIRE(result.reference_time_s == reference);
  check_one_instant(result, reference);
  const std::string json = report::render_json(result, "x");
  CHECK(json.find("\"reference_time\": \"2025-03-10T09:00:00Z\"") != std::string::npos);
  CHECK(json.find("\"certificates_checked_at\": \"2025-03-10T09:00:00Z\"") != std::string::npos);
}

TEST_CASE("judged instant: a certificate that expired hours before is said in hours", "[report][judged]") {
  const auto result = testing::analyze_file(kSamples + "03-cert-expired-selfsigned.pcap");
  for (const auto& r : result.connections) {
    const auto* f = testing::finding(r, "cert.expired");
    if (!f) continue;
    const auto& leaf = r.summary.tls.certificates.front();
    // Judge the same connection a few hours after expiry: hours, not "0 days".
    const auto later = testing::analyze_file(kSamples + "03-cert-expired-selfsigned.pcap", {}, leaf.not_after + 5 * 3600);
    const auto* g = testing::finding(later.connections.at(r.summary.id - 1), "cert.expired");
    REQUIRE(g);
    CHECK(g->title == "The server certificate expired 5 hours before the connection");
    return;
  }
  FAIL("no cert.expired in 03-cert-expired-selfsigned.pcap");
}
