// Every code in the catalog (core/rules/catalog.cpp) has a rule-level test
// (RULE_TEST in tests/unit/test_rules_*.cpp), and every RULE_TEST names a
// catalog code. The codes are registered when the test binary starts, so
// this holds whichever test cases run.
#include <set>
#include <string>

#include "summary_builder.hpp"

using namespace rdpcap;

TEST_CASE("rules: every catalog code has a rule-level test", "[rules][catalog]") {
  const auto& tested = testing::rule_tested_codes();
  std::set<std::string> catalog;
  for (const auto& info : rules::finding_catalog()) catalog.insert(info.code);
  REQUIRE(catalog.size() >= 62);
  for (const auto& code : catalog) {
    INFO("catalog code " << code << " has no rule-level test. Add one to tests/unit/test_rules_<family>.cpp:\n"
         "  RULE_TEST(\"" << code << "\", \"the situation\") {\n"
         "    auto c = SummaryBuilder().handshake()....build();   // tests/unit/summary_builder.hpp\n"
         "    expect_finding(diagnose_one(c), rule_code, Severity::..., <frame the finding must point at>);\n"
         "  }\n"
         "(add builder steps to summary_builder.hpp for new summary facts)");
    CHECK(tested.count(code) == 1);
  }
  for (const auto& code : tested) {
    INFO("RULE_TEST names " << code << ", which is not in core/rules/catalog.cpp");
    CHECK(catalog.count(code) == 1);
  }
}
