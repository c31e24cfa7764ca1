// Rule-level tests, after TLS: the shape of a failed NLA (CredSSP) exchange or
// RDP security setup (core/rules/credssp_rules.cpp): one test per catalog
// code, on summaries built with summary_builder.hpp.
#include "summary_builder.hpp"

using namespace rdpcap;
using namespace rdpcap::testing;
using rules::Severity;
namespace protocol = proto::protocol;

namespace {

SummaryBuilder tls_done(uint32_t selected) {
  SummaryBuilder b;
  b.handshake().x224_request(protocol::ssl | protocol::hybrid).x224_confirm(selected).client_hello().server_hello()
      .certificate(ca_issued("rdp.example.com")).handshake_done();
  return b;
}

}  // namespace

RULE_TEST("credssp.server_closed", "CredSSP selected, a few records, the server resets") {
  auto b = tls_done(protocol::hybrid);
  const auto rst = b.application_data(3, 2).wait_ms(40).rst(kServer).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, rst.frame);
  CHECK(d.verdict.outcome == rules::Outcome::failed_after_tls);
}

RULE_TEST("credssp.client_closed", "CredSSP selected, the client leaves without close_notify") {
  auto b = tls_done(protocol::hybrid);
  const auto fin = b.application_data(2, 2).wait_s(3).fin(kClient).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::warning, fin.frame);
  expect_no_finding(d, "credssp.server_closed");
}

RULE_TEST("rdp.server_closed_after_tls", "TLS without NLA, a few records, the server closes") {
  auto b = tls_done(protocol::ssl);
  const auto fin = b.application_data(4, 3).wait_ms(10).fin(kServer).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, fin.frame);
  expect_no_finding(d, "credssp.server_closed");
}
