// x509::CertificateChain: a chain of shared, read-only certificate facts that
// reads like a vector, and whose writes never reach another chain.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include "x509/certificate_chain.hpp"

using namespace rdpcap;

namespace {
x509::CertificateFacts facts(const char* cn) {
  x509::CertificateFacts f;
  f.parsed = true;
  f.subject_cn = cn;
  f.subject = std::string("CN=") + cn;
  return f;
}
}  // namespace

TEST_CASE("A certificate chain reads like a vector of facts, leaf first", "[x509][chain]") {
  x509::CertificateChain chain{facts("leaf"), facts("ca")};
  REQUIRE(chain.size() == 2);
  CHECK_FALSE(chain.empty());
  CHECK(chain.front().subject_cn == "leaf");
  CHECK(chain.back().subject_cn == "ca");
  CHECK(chain[1].subject == "CN=ca");
  CHECK(chain.at(0).subject == "CN=leaf");
  CHECK_THROWS_AS(chain.at(2), std::out_of_range);
  std::vector<std::string> names;
  for (const auto& c : chain) names.push_back(c.subject_cn);
  CHECK(names == std::vector<std::string>{"leaf", "ca"});
  CHECK(std::find_if(chain.begin(), chain.end(), [](const auto& c) { return c.subject_cn == "ca"; }) - chain.begin() == 1);
  chain.push_back(x509::CertificateChain::Shared());  // null: not added
  CHECK(chain.size() == 2);
  chain.clear();
  CHECK(chain.empty());
  CHECK(x509::CertificateChain().begin() == x509::CertificateChain().end());
}

TEST_CASE("Chains share facts; a write changes only the chain written", "[x509][chain]") {
  const auto shared = std::make_shared<const x509::CertificateFacts>(facts("rdp01"));
  x509::CertificateChain a, b;
  a.push_back(shared);
  b.push_back(a.shared(0));
  CHECK(&a.front() == &b.front());  // one copy of the facts for both
  CHECK(a == b);

  b.mut(0).subject_cn = "redacted";
  CHECK(b.front().subject_cn == "redacted");
  CHECK(a.front().subject_cn == "rdp01");
  CHECK(shared->subject_cn == "rdp01");
  CHECK_FALSE(a == b);

  // Equal facts held apart compare equal; the order counts.
  x509::CertificateChain c{facts("rdp01")}, d{facts("rdp01"), facts("ca")}, e{facts("ca"), facts("rdp01")};
  CHECK(a == c);
  CHECK_FALSE(a == d);
  CHECK_FALSE(d == e);
}
