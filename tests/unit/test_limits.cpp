// The analyzer's limits (session::Limits) with small caps: compact half-open
// flows, the flow table and followed-connection caps, the capture-wide buffer
// budget, the cap on kept connection results and the notes that say each was
// hit; the reassembler's segment cap, a pending flow's kept segments and the
// port-88 Kerberos watch (InnerStream's caps: test_inner_stream.cpp,
// test_inner_scenarios.cpp). tests/limits/test_limits.sh checks the default
// caps on generated hostile captures with the CLI.
#include <catch2/catch.hpp>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "../../fuzz/fuzz_support.hpp"
#include "capture_support.hpp"
#include "net/packet.hpp"
#include "engine/analyzer.hpp"
#include "util/time.hpp"

namespace session = rdpcap::session;
namespace net = rdpcap::net;
namespace fuzz = rdpcap::fuzz;
using rdpcap::util::Bytes;

namespace {

constexpr uint32_t kServer = 0xC000020A;  // 192.0.2.10

struct Feed {
  session::Analyzer analyzer;
  uint64_t number = 0;
  int64_t now = 1'700'000'000'000'000;
  explicit Feed(session::AnalyzerOptions o) : analyzer(std::move(o)) {}
  void frame(const std::vector<uint8_t>& f) {
    session::FrameInfo info;
    info.number = ++number;
    info.time_us = (now += 1000);
    info.wire_length = static_cast<uint32_t>(f.size());
    analyzer.on_frame(info, Bytes(f));
  }
  void tcp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
           Bytes payload = {}) {
    frame(fuzz::ethernet_ipv4_tcp({src, dst, sport, dport, seq, ack, flags, payload}));
  }
  void syn(uint32_t client, uint16_t port) { tcp(client, port, kServer, 3389, 100, 0, net::tcp_flag::syn); }
};

std::vector<uint8_t> connection_request(const std::string& cookie) {
  std::string body = "Cookie: mstshash=" + cookie + "\r\n";
  body += std::string("\x01\x00\x08\x00\x03\x00\x00\x00", 8);  // RDP_NEG_REQ: SSL|HYBRID
  std::vector<uint8_t> pdu;
  pdu.reserve(11 + body.size());  // (an exact reserve also avoids a GCC 12 -Warray-bounds false positive)
  for (uint8_t b : {3, 0, 0, 0, static_cast<int>(6 + body.size()), 0xE0, 0, 0, 0, 0, 0}) pdu.push_back(b);
  for (char ch : body) pdu.push_back(static_cast<uint8_t>(ch));
  pdu[3] = static_cast<uint8_t>(pdu.size());
  return pdu;
}

// A handshake and an X.224 Connection Request from `client`.
void rdp_request(Feed& f, uint32_t client, uint16_t port, const std::string& cookie) {
  using namespace net::tcp_flag;
  f.tcp(client, port, kServer, 3389, 100, 0, syn);
  f.tcp(kServer, 3389, client, port, 500, 101, syn | ack);
  const auto cr = connection_request(cookie);
  f.tcp(client, port, kServer, 3389, 101, 501, ack | psh, Bytes(cr));
}

bool has_note(const session::AnalysisResult& r, const std::string& text) {
  for (const auto& n : r.stats.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("limits: half-open flows are kept compact and all reported", "[session][limits]") {
  session::AnalyzerOptions o;
  o.limits.max_connections = 2;  // followed connections: half-open flows are not counted
  Feed f(o);
  for (uint32_t i = 0; i < 5; ++i) f.syn(0x0A000001 + i, 1000);
  f.syn(0x0A000001, 1000);  // a retransmission of the first
  const auto r = f.analyzer.finish();
  REQUIRE(r.connections.size() == 5);
  CHECK(r.stats.segments_over_flow_cap == 0);
  CHECK(r.stats.notes.empty());
  CHECK(r.connections[0].summary.tcp.syn_count == 2);
  CHECK(r.connections[0].summary.first.frame == 1);
  CHECK(r.connections[0].summary.last.frame == 6);
  for (const auto& c : r.connections) {
    CHECK(c.summary.stage == rdpcap::model::Stage::tcp_connecting);
    CHECK(c.findings.front().code == "tcp.syn_unanswered");
  }
}

TEST_CASE("limits: a half-open flow answered later becomes a followed connection", "[session][limits]") {
  using namespace net::tcp_flag;
  session::AnalyzerOptions o;
  o.limits.max_connections = 1;
  Feed f(o);
  f.syn(0x0A000001, 1000);
  f.syn(0x0A000002, 1000);
  f.tcp(kServer, 3389, 0x0A000001, 1000, 0, 101, syn | ack);  // followed: 1 of 1
  f.tcp(kServer, 3389, 0x0A000002, 1000, 0, 101, rst | ack);  // over max_connections: dropped
  const auto r = f.analyzer.finish();
  REQUIRE(r.connections.size() == 1);
  CHECK(r.connections[0].summary.tcp.syn_ack.frame == 3);
  CHECK(r.stats.segments_over_flow_cap == 1);
  CHECK(has_note(r, "1 TCP segment that would have started a new flow was not followed"));
}

TEST_CASE("limits: the flow table cap drops new flows and says so", "[session][limits]") {
  session::AnalyzerOptions o;
  o.limits.max_flows = 4;
  Feed f(o);
  for (uint32_t i = 0; i < 6; ++i) f.syn(0x0A000001 + i, 1000);
  const auto r = f.analyzer.finish();
  CHECK(r.connections.size() == 4);
  CHECK(r.stats.segments_over_flow_cap == 2);
  CHECK(has_note(r, "2 TCP segments that would have started a new flow were not followed"));
}

TEST_CASE("limits: closed flows make room in a full flow table", "[session][limits]") {
  using namespace net::tcp_flag;
  session::AnalyzerOptions o;
  o.limits.max_flows = 8;
  Feed f(o);
  for (uint32_t i = 0; i < 20; ++i) {  // refused connections: each leaves a closed marker
    f.syn(0x0A000001 + i, 1000);
    f.tcp(kServer, 3389, 0x0A000001 + i, 1000, 0, 101, rst | ack);
  }
  const auto r = f.analyzer.finish();
  CHECK(r.connections.size() == 20);
  CHECK(r.stats.segments_over_flow_cap == 0);
  for (const auto& c : r.connections) {  // an RST-ACK answering the SYN is no handshake
    CHECK(c.summary.stage == rdpcap::model::Stage::tcp_connecting);
    CHECK(c.findings.front().code.rfind("tcp.refused", 0) == 0);
  }
}

// 10 000 bytes of client data after the Connection Request, with a 4 KiB
// reassembly cap; `hole`: they start one byte late (a hole never filled).
static session::AnalysisResult client_data_after_request(bool hole) {
  session::AnalyzerOptions o;
  o.limits.reassembly_bytes = 4 * 1024;
  Feed f(o);
  rdp_request(f, 0x0A000001, 1000, "u");
  const std::vector<uint8_t> chunk(1000, 0x17);
  const uint32_t first = 101 + static_cast<uint32_t>(connection_request("u").size()) + (hole ? 1 : 0);
  for (uint32_t i = 0; i < 10; ++i)
    f.tcp(0x0A000001, 1000, kServer, 3389, first + i * 1000, 501, net::tcp_flag::ack, Bytes(chunk));
  return f.analyzer.finish();
}

TEST_CASE("limits: a direction whose out-of-order bytes outgrow the reassembly cap says so", "[session][limits]") {
  const auto r = client_data_after_request(true);
  REQUIRE(r.connections.size() == 1);
  const auto& hit = r.connections[0].summary.limits_hit;
  REQUIRE(hit.size() == 1);
  CHECK(hit[0] == "out-of-order bytes waiting per direction (4 KiB): holes given up");
  CHECK(r.connections[0].summary.tcp.client_gaps >= 1);
}

TEST_CASE("limits: in-order data never reports the reassembly cap", "[session][limits]") {
  const auto r = client_data_after_request(false);
  REQUIRE(r.connections.size() == 1);
  CHECK(r.connections[0].summary.limits_hit.empty());
}

TEST_CASE("limits: kept results are capped, RDP connections first, the rest counted", "[session][limits]") {
  session::AnalyzerOptions o;
  o.limits.max_kept_connections = 3;
  Feed f(o);
  for (uint32_t i = 0; i < 10; ++i) f.syn(0x0A000001 + i, 1000);
  rdp_request(f, 0x0A0000FF, 2000, "real");
  const auto r = f.analyzer.finish();
  REQUIRE(r.connections.size() == 3);
  CHECK(r.stats.connections_not_reported == 8);
  // The RDP connection started last but is kept; then the earliest others.
  CHECK(r.connections[0].summary.first.frame == 1);
  CHECK(r.connections[1].summary.first.frame == 2);
  CHECK(r.connections[2].summary.negotiation.request->cookie == "real");
  CHECK(r.connections[2].summary.id == 3);
  CHECK(has_note(r, "8 finished connections over the report limit (3 connections"));
  CHECK(has_note(r, "8 failed_tcp tcp.syn_unanswered"));
}

TEST_CASE("limits: kept results are capped by their size too", "[session][limits]") {
  session::AnalyzerOptions o;
  o.limits.max_kept_bytes = 1;  // no connection fits
  Feed f(o);
  rdp_request(f, 0x0A000001, 2000, "x");
  const auto r = f.analyzer.finish();
  CHECK(r.connections.empty());
  CHECK(r.stats.connections_not_reported == 1);
  CHECK(has_note(r, "1 finished connection over the report limit"));
}

TEST_CASE("limits: the capture-wide buffer budget stops the connection that grows", "[session][limits]") {
  using namespace net::tcp_flag;
  session::AnalyzerOptions o;
  o.limits.max_buffered_bytes = 100 * 1024;
  Feed f(o);
  const std::vector<uint8_t> chunk(40 * 1024, 0x16);
  for (uint32_t i = 0; i < 3; ++i) {
    const uint32_t client = 0x0A000001 + i;
    rdp_request(f, client, 2000, "c" + std::to_string(i));
    // 40 KiB behind a one-byte hole, twice: 80 KiB buffered per connection.
    const uint32_t next = 101 + static_cast<uint32_t>(connection_request("c0").size());
    f.tcp(client, 2000, kServer, 3389, next + 1, 501, ack | psh, Bytes(chunk));
    f.tcp(client, 2000, kServer, 3389, next + 1 + 40 * 1024, 501, ack | psh, Bytes(chunk));
  }
  const auto r = f.analyzer.finish();
  REQUIRE(r.connections.size() == 3);
  CHECK(r.stats.buffer_budget_hits == 2);  // the first fits (80 KiB); the next two would not
  CHECK(r.connections[0].summary.limits_hit.empty());
  for (int i = 1; i < 3; ++i) {
    REQUIRE(r.connections[i].summary.limits_hit.size() == 1);
    CHECK(r.connections[i].summary.limits_hit[0] == "capture-wide buffer budget (100 KiB)");
  }
  CHECK(has_note(r, "2 connections stopped being followed"));
}

TEST_CASE("limits: extreme capture times do not overflow", "[session][limits]") {
  // A front end may pass any 64-bit time; the analyzer clamps it (util/time.hpp),
  // so idle times and durations cannot overflow (UBSan checks it in build-asan).
  using namespace net::tcp_flag;
  session::AnalyzerOptions o;
  o.limits.idle_timeout_us = 1'000'000;
  session::Analyzer analyzer(o);
  const int64_t times[] = {INT64_MIN, INT64_MAX, 0, INT64_MIN + 1, INT64_MAX};
  uint64_t n = 0;
  for (int64_t t : times) {
    const auto f = fuzz::ethernet_ipv4_tcp({0x0A000001, kServer, 1000, 3389, 100, 0, syn, {}});
    session::FrameInfo info;
    info.number = ++n;
    info.time_us = t;
    analyzer.on_frame(info, Bytes(f));
  }
  const auto r = analyzer.finish();
  REQUIRE(r.connections.size() == 1);
  CHECK(r.stats.first_time_us == -rdpcap::util::kMaxTimeMicros);
  CHECK(r.stats.last_time_us == rdpcap::util::kMaxTimeMicros);
  CHECK(r.connections[0].summary.tcp.syn_count == 5);
}

TEST_CASE("limits: out-of-order segments are capped by count as well as bytes", "[session][limits]") {
  // Ten 10-byte client segments, each behind its own one-byte hole: 100 bytes
  // (far below reassembly_bytes) in ten pending entries.
  const auto run = [](size_t segments) {
    session::AnalyzerOptions o;
    o.limits.reassembly_segments = segments;
    Feed f(o);
    rdp_request(f, 0x0A000001, 1000, "u");
    const std::vector<uint8_t> chunk(10, 0x17);
    const uint32_t next = 101 + static_cast<uint32_t>(connection_request("u").size());
    for (uint32_t i = 0; i < 10; ++i)
      f.tcp(0x0A000001, 1000, kServer, 3389, next + 1 + i * 11, 501, net::tcp_flag::ack, Bytes(chunk));
    return f.analyzer.finish();
  };
  const auto within = run(1024);
  REQUIRE(within.connections.size() == 1);
  CHECK(within.connections[0].summary.limits_hit.empty());
  const auto over = run(2);
  REQUIRE(over.connections.size() == 1);
  REQUIRE(over.connections[0].summary.limits_hit.size() == 1);
  CHECK(over.connections[0].summary.limits_hit[0].find("holes given up") != std::string::npos);
}

TEST_CASE("limits: a flow on another port keeps at most pending_flow_segments before its first payload",
          "[session][limits]") {
  using namespace net::tcp_flag;
  const auto run = [](size_t segments) {
    session::AnalyzerOptions o;
    o.limits.pending_flow_segments = segments;
    Feed f(o);
    const uint32_t client = 0x0A000001;
    f.tcp(client, 1000, kServer, 5000, 100, 0, syn);
    f.tcp(kServer, 5000, client, 1000, 500, 101, syn | ack);
    f.tcp(client, 1000, kServer, 5000, 101, 501, ack);
    const auto cr = connection_request("p");
    f.tcp(client, 1000, kServer, 5000, 101, 501, ack | psh, Bytes(cr));
    return f.analyzer.finish();
  };
  const auto all = run(8);
  REQUIRE(all.connections.size() == 1);
  CHECK(all.connections[0].summary.rdp_by_content);
  CHECK(all.connections[0].summary.tcp.syn_ack.frame == 2);
  const auto syn_only = run(1);  // the SYN only: the SYN-ACK was not kept to replay
  REQUIRE(syn_only.connections.size() == 1);
  CHECK(syn_only.connections[0].summary.rdp_by_content);
  CHECK(syn_only.connections[0].summary.tcp.syn.frame == 1);
  CHECK_FALSE(syn_only.connections[0].summary.tcp.syn_ack.seen());
}

// Sample 31: two AS-REQs and two KRB-ERRORs (25, then 24) on TCP port 88
// before the RDP connection's NLA.
static const rdpcap::model::InnerFacts& sample31_inner(const session::AnalysisResult& r) {
  for (const auto& c : r.connections)
    if (c.summary.server_port == 3389) return *c.summary.inner;
  FAIL("no RDP connection");
  return *r.connections.at(0).summary.inner;
}

TEST_CASE("limits: the port-88 Kerberos watch honours its Limits fields", "[session][limits][kerberos]") {
  const std::string path = std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/31-kerberos-preauth-failed-then-ntlm.pcap";
  const auto run = [&](auto&& set) {
    session::AnalyzerOptions o;
    set(o.limits);
    return rdpcap::testing::analyze_file_with(path, o);
  };
  {
    const auto r = run([](session::Limits&) {});
    const auto& in = sample31_inner(r);
    REQUIRE(in.kerberos_errors.size() == 2);
    CHECK(in.kerberos_requests.size() == 2);
  }
  {
    const auto r = run([](session::Limits& l) { l.kerberos_attached = 1; });
    const auto& in = sample31_inner(r);
    REQUIRE(in.kerberos_errors.size() == 1);
    CHECK(in.kerberos_errors[0].error_code == 25);
    CHECK(in.kerberos_requests.size() == 1);
  }
  {
    const auto r = run([](session::Limits& l) { l.kerberos_events = 1; });  // only the newest: error 24
    const auto& in = sample31_inner(r);
    REQUIRE(in.kerberos_errors.size() == 1);
    CHECK(in.kerberos_errors[0].error_code == 24);
    CHECK(in.kerberos_requests.empty());
  }
  {
    // In arrival order: request, error 25, request, error 24. The newest
    // three, then the newest two (the oldest dropped one by one).
    const auto three = run([](session::Limits& l) { l.kerberos_events = 3; });
    const auto& in3 = sample31_inner(three);
    REQUIRE(in3.kerberos_errors.size() == 2);
    CHECK(in3.kerberos_errors[0].error_code == 25);
    CHECK(in3.kerberos_errors[1].error_code == 24);
    CHECK(in3.kerberos_requests.size() == 1);
    const auto two = run([](session::Limits& l) { l.kerberos_events = 2; });
    const auto& in2 = sample31_inner(two);
    REQUIRE(in2.kerberos_errors.size() == 1);
    CHECK(in2.kerberos_errors[0].error_code == 24);
    CHECK(in2.kerberos_requests.size() == 1);
  }
  for (const auto& none : {+[](session::Limits& l) { l.kerberos_events = 0; },
                           +[](session::Limits& l) { l.kerberos_tcp_streams = 0; },
                           +[](session::Limits& l) { l.kerberos_message_bytes = 16; }}) {
    const auto r = run(none);
    const auto& in = sample31_inner(r);
    CHECK(in.kerberos_errors.empty());
    CHECK(in.kerberos_requests.empty());
  }
}
