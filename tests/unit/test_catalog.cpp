// Every finding the rules emit on the samples and the shared captures has its
// code in the catalog (README table, plugin expert infos), with the same
// severity; the catalog has no duplicates.
#include <catch2/catch.hpp>


#include <set>
#include <string>
#include <vector>

#include "capture_support.hpp"
#include "shared_pcaps.hpp"
#include "rules/catalog.hpp"

using namespace rdpcap;

TEST_CASE("The catalog has unique codes with a meaning", "[catalog]") {
  std::set<std::string> seen;
  for (const auto& info : rules::finding_catalog()) {
    INFO(info.code);
    CHECK(seen.insert(info.code).second);
    CHECK(std::string(info.meaning).size() > 10);
    CHECK(rules::find_code(info.code) == &info);
  }
  CHECK(rules::find_code("no.such_code") == nullptr);
}

TEST_CASE("Every emitted finding is in the catalog with its severity", "[catalog]") {
  auto files = testing::captures_in(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps");
  REQUIRE(files.size() >= 30);
  // The shared captures add codes the samples lack; without them (a user's clone) the samples alone are checked.
  if (testing::shared_pcaps_present_else_note("samples/pcaps"))
    for (const auto& f : testing::captures_in(testing::shared_pcaps_dir())) files.push_back(f);
  std::set<std::string> emitted;
  for (const auto& file : files) {
    const auto result = testing::analyze_file(file, {443, 3000, 3001, 4433, 8443, 8888, 80, 42356});
    for (const auto& c : result.connections)
      for (const auto& f : c.findings) {
        INFO(file << ": " << f.code);
        const auto* info = rules::find_code(f.code);
        REQUIRE(info != nullptr);
        CHECK(info->severity == f.severity);
        emitted.insert(f.code);
      }
  }
  // The samples exercise the main families.
  for (const char* code : {"tcp.refused", "tcp.syn_unanswered", "tcp.icmp_unreachable", "x224.no_confirm",
                           "x224.neg_failure.hybrid_required_by_server", "tls.no_shared_cipher",
                           "tls.version_mismatch", "tls.certificate_rejected", "cert.expired", "cert.self_signed",
                           "credssp.server_closed"})
    CHECK(emitted.count(code) == 1);
}
