// Rule-level tests, X.224 negotiation and Standard RDP Security
// (core/rules/negotiation_rules.cpp, MS-RDPBCGR 2.2.1.1-2.2.1.4): one test per
// catalog code, on summaries built with summary_builder.hpp.
#include "summary_builder.hpp"

using namespace rdpcap;
using namespace rdpcap::testing;
using rules::Severity;
namespace protocol = proto::protocol;
namespace failure = proto::failure;

namespace {

// Request, RDP_NEG_FAILURE with `code`, the server closes.
void check_failure(std::string_view code, std::optional<uint32_t> requested, uint32_t failure_code) {
  SummaryBuilder b;
  const auto confirm = b.handshake().x224_request(requested).x224_failure(failure_code).last();
  auto d = diagnose_one(b.fin(kServer).build());
  expect_finding(d, code, Severity::error, confirm.frame);
  CHECK(d.verdict.outcome == rules::Outcome::failed_negotiation);
}

}  // namespace

RULE_TEST("x224.neg_failure.ssl_required_by_server", "the client asked for Standard RDP Security only") {
  check_failure(rule_code, protocol::rdp, failure::ssl_required_by_server);
}

RULE_TEST("x224.neg_failure.ssl_not_allowed_by_server", "the client asked for TLS") {
  check_failure(rule_code, protocol::ssl, failure::ssl_not_allowed_by_server);
}

RULE_TEST("x224.neg_failure.ssl_cert_not_on_server", "no usable certificate") {
  check_failure(rule_code, protocol::ssl | protocol::hybrid, failure::ssl_cert_not_on_server);
}

RULE_TEST("x224.neg_failure.inconsistent_flags", "inconsistent protocol flags") {
  check_failure(rule_code, protocol::hybrid_ex, failure::inconsistent_flags);
}

RULE_TEST("x224.neg_failure.hybrid_required_by_server", "the client offered TLS without NLA") {
  check_failure(rule_code, protocol::ssl, failure::hybrid_required_by_server);
}

RULE_TEST("x224.neg_failure.ssl_with_user_auth_required_by_server", "TLS with user authentication required") {
  check_failure(rule_code, protocol::ssl | protocol::hybrid, failure::ssl_with_user_auth_required_by_server);
}

RULE_TEST("x224.neg_failure.unknown", "a failure code MS-RDPBCGR does not define") {
  check_failure(rule_code, protocol::ssl | protocol::hybrid, 0x7f);
}

RULE_TEST("x224.no_confirm", "the server resets seconds after an unanswered Connection Request") {
  SummaryBuilder b;
  const auto rst = b.handshake().x224_request(protocol::ssl | protocol::hybrid).wait_s(5).rst(kServer).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, rst.frame);
}

RULE_TEST("x224.malformed", "a TPKT whose length is shorter than its header") {
  SummaryBuilder b;
  const auto bad = b.handshake().x224_malformed("TPKT length 3 is shorter than the TPKT header").last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, bad.frame);
}

RULE_TEST("x224.not_rdp", "an HTTP request on the RDP port") {
  SummaryBuilder b;
  const auto http = b.handshake().not_rdp("first bytes are not TPKT or TLS: GET / HTTP/1.1").last();
  auto d = diagnose_one(b.fin(kServer).build());
  expect_finding(d, rule_code, Severity::warning, http.frame);
  expect_no_finding(d, "x224.malformed");
}

TEST_CASE("x224.not_rdp is not given for a connection joined mid-stream", "[rules]") {
  // Its first bytes seen are not the start of the stream: fast-path PDUs of a
  // Standard RDP Security session, say (0x44: a fast-path output header).
  SummaryBuilder b;
  b.mid_stream().not_rdp("the server's first bytes are neither TPKT/X.224 nor TLS").data(kClient, 30);
  auto d = diagnose_one(b.fin(kServer).build());
  expect_no_finding(d, "x224.not_rdp");
  expect_finding(d, "tcp.mid_stream", Severity::info, 1);
}

RULE_TEST("x224.selected_not_requested", "the client asked for TLS only, the server selected CredSSP") {
  SummaryBuilder b;
  const auto confirm = b.handshake().x224_request(protocol::ssl).x224_confirm(protocol::hybrid).last();
  auto d = diagnose_one(b.client_hello().build());
  expect_finding(d, rule_code, Severity::error, confirm.frame);
}

RULE_TEST("x224.legacy_server", "a Connection Confirm without RDP_NEG_RSP to a negotiating client") {
  SummaryBuilder b;
  const auto confirm = b.handshake().x224_request(protocol::ssl | protocol::hybrid).x224_legacy_confirm().last();
  auto d = diagnose_one(b.mcs_connect_initial().build());
  expect_finding(d, rule_code, Severity::warning, confirm.frame);
  expect_finding(d, "x224.standard_security", Severity::warning, confirm.frame);
}

RULE_TEST("x224.standard_security", "the client asked for Standard RDP Security and got it") {
  SummaryBuilder b;
  const auto confirm = b.handshake().x224_request(protocol::rdp).x224_confirm(protocol::rdp).last();
  auto d = diagnose_one(b.mcs_connect_initial().mcs_connect_response(proto::encryption::bits128, 2).build());
  expect_finding(d, rule_code, Severity::warning, confirm.frame);
  expect_no_finding(d, "x224.downgraded");
  expect_no_finding(d, "rdp.weak_encryption");
}

RULE_TEST("x224.downgraded", "the client asked for TLS/NLA, the server chose Standard RDP Security") {
  SummaryBuilder b;
  const auto confirm =
      b.handshake().x224_request(protocol::ssl | protocol::hybrid).x224_confirm(protocol::rdp).last();
  auto d = diagnose_one(b.mcs_connect_initial().mcs_connect_response(proto::encryption::bits128, 2).build());
  expect_finding(d, rule_code, Severity::warning, confirm.frame);
  expect_no_finding(d, "x224.downgrade_refused");
}

RULE_TEST("x224.downgrade_refused", "the client closes instead of continuing the downgraded connection") {
  SummaryBuilder b;
  const auto fin = b.handshake()
                       .x224_request(protocol::ssl | protocol::hybrid)
                       .x224_confirm(protocol::rdp)
                       .fin(kClient)
                       .last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, fin.frame);
  expect_no_finding(d, "x224.downgraded");
}

RULE_TEST("x224.no_nla", "TLS selected, no CredSSP") {
  SummaryBuilder b;
  const auto confirm = b.handshake().x224_request(protocol::ssl).x224_confirm(protocol::ssl).last();
  auto d = diagnose_one(b.client_hello().server_hello().certificate(ca_issued("rdp.example.com")).handshake_done()
                            .application_data(20, 20).build());
  expect_finding(d, rule_code, Severity::warning, confirm.frame);
}

RULE_TEST("rdp.weak_encryption", "Standard RDP Security with 56-bit RC4") {
  SummaryBuilder b;
  b.handshake().x224_request(protocol::rdp).x224_confirm(protocol::rdp).mcs_connect_initial(0x1b);
  const auto response = b.mcs_connect_response(proto::encryption::bits56, 2).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::warning, response.frame);
}

RULE_TEST("rdp.weak_encryption", "Standard RDP Security with encryption level NONE") {
  SummaryBuilder b;
  b.handshake().x224_request(protocol::rdp).x224_confirm(protocol::rdp).mcs_connect_initial(0x1b);
  const auto response = b.mcs_connect_response(proto::encryption::none, 0).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::warning, response.frame);
}

RULE_TEST("rdp.server_closed_early", "the server closes after the MCS Connect Initial") {
  SummaryBuilder b;
  b.handshake().x224_request(protocol::rdp).x224_confirm(protocol::rdp).mcs_connect_initial();
  const auto fin = b.wait_ms(3).fin(kServer).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, fin.frame);
}
