// Rule-level tests, TCP / proxy / capture families (core/rules/tcp_rules.cpp):
// one test per catalog code, on summaries built with summary_builder.hpp.
#include "summary_builder.hpp"

using namespace rdpcap;
using namespace rdpcap::testing;
using rules::Severity;
namespace protocol = proto::protocol;

RULE_TEST("tcp.syn_unanswered", "three SYNs, no answer, capture ends") {
  auto c = SummaryBuilder().syn(3).capture_ends().build();
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::error, c.tcp.syn.frame);  // the first SYN
  CHECK(d.verdict.outcome == rules::Outcome::failed_tcp);
}

RULE_TEST("tcp.refused", "the SYN answered by a reset") {
  SummaryBuilder b;
  const auto rst = b.syn().rst(kServer).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, rst.frame);
  expect_no_finding(d, "tcp.syn_unanswered");
}

RULE_TEST("tcp.icmp_unreachable", "SYNs answered by an ICMP port unreachable from a router") {
  SummaryBuilder b;
  const auto icmp = b.syn(2).icmp_unreachable(3, 13).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, icmp.frame);
  expect_no_finding(d, "tcp.syn_unanswered");
}

RULE_TEST("tcp.closed_before_request", "the server closes right after the TCP handshake") {
  SummaryBuilder b;
  const auto fin = b.handshake().wait_ms(20).fin(kServer).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, fin.frame);
}

RULE_TEST("tcp.client_left_before_request", "the client closes right after the TCP handshake (a probe)") {
  SummaryBuilder b;
  const auto fin = b.handshake().fin(kClient).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::info, fin.frame);
  expect_no_finding(d, "tcp.closed_before_request");
}

RULE_TEST("tcp.closed_before_tls", "the server resets after its X.224 Confirm, no ClientHello") {
  SummaryBuilder b;
  const auto rst = b.handshake()
                       .x224_request(protocol::ssl | protocol::hybrid)
                       .x224_confirm(protocol::hybrid)
                       .wait_ms(5)
                       .rst(kServer)
                       .last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, rst.frame);
}

RULE_TEST("tcp.mid_stream", "the capture starts with data of an open connection") {
  auto c = SummaryBuilder().mid_stream().data(kClient, 500).data(kServer, 900).capture_ends().build();
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::info, c.first.frame);
}

RULE_TEST("tcp.continued_after_idle", "live: an idle session is used again after the idle timeout ended it") {
  auto c = SummaryBuilder()
               .starting_at(1'700'000'400, 5000)
               .continues({12, 1'700'000'000'000'000}, {40, 1'700'000'090'000'000})
               .data(kClient, 41)
               .data(kServer, 44)
               .fin(kClient)
               .fin(kServer)
               .build();
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::info, c.first.frame);
  for (const auto& f : d.findings) CHECK(f.code != "tcp.mid_stream");  // the capture did not start late
  const auto& f = *std::find_if(d.findings.begin(), d.findings.end(), [&](const auto& x) { return x.code == rule_code; });
  REQUIRE(f.evidence.size() == 3);
  CHECK(f.evidence[0].frame == 12);
  CHECK(f.evidence[1].frame == 40);
  CHECK(f.evidence[2].value == "5 minutes");
}

RULE_TEST("tcp.gap", "segments missing in the server's direction") {
  auto c = SummaryBuilder()
               .handshake()
               .x224_request(protocol::ssl | protocol::hybrid)
               .x224_confirm(protocol::hybrid)
               .gaps(0, 2)
               .capture_ends()
               .build();
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::warning, c.first.frame);
}

RULE_TEST("proxy.socks_refused", "a SOCKS5 proxy answers CONNECT with 'connection refused'") {
  SummaryBuilder b(1080);
  const auto reply = b.handshake().socks5("10.0.0.2:3389", 5).last();
  b.fin(kServer);
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, reply.frame);
  // The proxy explains the close: no "closed before the X.224 request" on top.
  expect_no_finding(d, "tcp.closed_before_request");
}

RULE_TEST("capture.ended_during_setup", "the capture ends while the X.224 request waits for an answer") {
  SummaryBuilder b;
  const auto request = b.handshake().x224_request(protocol::ssl | protocol::hybrid).last();
  auto d = diagnose_one(b.wait_s(2).capture_ends().build());
  expect_finding(d, rule_code, Severity::warning, request.frame);
  expect_no_finding(d, "x224.no_confirm");
}

RULE_TEST("capture.ended_mid_record", "the capture ends inside the server's first TLS record") {
  SummaryBuilder b;
  b.handshake().x224_request(protocol::ssl | protocol::hybrid).x224_confirm(protocol::hybrid).client_hello();
  const auto cut = b.pending_record_bytes(kServer, 700).last();
  auto c = b.capture_ends().build();
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::warning, cut.frame);  // the connection's last frame
  CHECK(c.last.frame == cut.frame);
}

RULE_TEST("capture.one_sided", "only the client's packets are in the capture") {
  auto c = SummaryBuilder().syn().x224_request(protocol::ssl | protocol::hybrid).client_hello().capture_ends().build();
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::warning, c.first.frame);
  // Not misread as an unanswered SYN: the client sent data, so the server answered.
  expect_no_finding(d, "tcp.syn_unanswered");
}

RULE_TEST("capture.limit_reached", "a per-connection cap was hit") {
  auto c = SummaryBuilder()
               .handshake()
               .x224_request(protocol::ssl | protocol::hybrid)
               .x224_confirm(protocol::hybrid)
               .limit("reassembly buffer (client)")
               .capture_ends()
               .build();
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::warning, c.first.frame);
  REQUIRE(find_finding(d, rule_code) != nullptr);
  CHECK(find_finding(d, rule_code)->title.find("reassembly buffer (client)") != std::string::npos);
}
