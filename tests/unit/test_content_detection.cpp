// RDP found by content (an X.224 Connection Request on a port that is not an
// RDP port) only where the start of the client's byte stream was seen: never
// in a flow joined mid-stream, never from the server side, never from a later
// segment. Random bulk payloads generated here (tens of MB, with TPKT-looking
// bytes planted where a false alarm used to come from) must give no
// connection; the positive control shows the same frames can give one.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/frame_prefilter.hpp"

using namespace rdpcap;

namespace {

// Ethernet II + IPv4 (20 bytes) + TCP (20 bytes) + payload; checksums are
// not checked by the engine and left 0.
std::vector<uint8_t> tcp_frame(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq,
                               uint32_t ack, uint8_t flags, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> f(14, 0);
  f[12] = 0x08;  // EtherType IPv4
  const size_t ip_len = 20 + 20 + payload.size();
  const uint8_t ip[20] = {0x45, 0, uint8_t(ip_len >> 8), uint8_t(ip_len), 0, 0, 0x40, 0, 64, 6, 0, 0,
                          uint8_t(src >> 24), uint8_t(src >> 16), uint8_t(src >> 8), uint8_t(src),
                          uint8_t(dst >> 24), uint8_t(dst >> 16), uint8_t(dst >> 8), uint8_t(dst)};
  f.insert(f.end(), ip, ip + 20);
  const uint8_t tcp[20] = {uint8_t(sport >> 8), uint8_t(sport), uint8_t(dport >> 8), uint8_t(dport),
                           uint8_t(seq >> 24), uint8_t(seq >> 16), uint8_t(seq >> 8), uint8_t(seq),
                           uint8_t(ack >> 24), uint8_t(ack >> 16), uint8_t(ack >> 8), uint8_t(ack),
                           0x50, flags, 0xff, 0xff, 0, 0, 0, 0};
  f.insert(f.end(), tcp, tcp + 20);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

constexpr uint8_t kSyn = 0x02, kAck = 0x10, kPsh = 0x08, kFin = 0x01;

// A TPKT + X.224 Connection Request header followed by random bytes: what
// looks_like_connection_request() accepts.
std::vector<uint8_t> tpkt_lookalike(std::mt19937& rng, size_t size) {
  std::vector<uint8_t> p(size);
  for (auto& b : p) b = static_cast<uint8_t>(rng());
  const uint8_t head[] = {0x03, 0x00, uint8_t(size >> 8), uint8_t(size), 0x0e, 0xe0};
  std::copy(head, head + sizeof head, p.begin());
  return p;
}

// Feeds frames as a reader does: with a prefilter (engine/frame_prefilter.hpp,
// as capture/read_ahead), the frames it surely ignores reach the analyzer
// flagged and without their bytes; every test runs both ways.
struct Feeder {
  explicit Feeder(bool prefiltered = false) {
    if (prefiltered) prefilter.emplace(analyzer.options());
  }
  session::Analyzer analyzer;
  std::optional<engine::FramePrefilter> prefilter;
  uint64_t n = 0, flagged = 0;
  int64_t t = 1'700'000'000'000'000;
  void operator()(const std::vector<uint8_t>& frame) {
    session::FrameInfo info;
    info.number = ++n;
    info.time_us = t += 100;
    info.wire_length = static_cast<uint32_t>(frame.size());
    info.surely_ignored = prefilter && prefilter->surely_ignored(info.link_type, frame);
    flagged += info.surely_ignored;
    analyzer.on_frame(info, info.surely_ignored ? util::Bytes() : util::Bytes(frame));
  }
};

enum class Plant { none, mid_stream_client, server_first, client_later, client_first };

// One bulk TCP connection on port 80 with `segments` random 1460-byte client
// and server segments; `plant` decides where a TPKT look-alike goes.
void bulk_flow(Feeder& feed, std::mt19937& rng, uint32_t client, uint16_t cport, int segments, Plant plant) {
  const uint32_t server = 0xac100001;  // 172.16.0.1
  uint32_t cseq = rng(), sseq = rng();
  const bool handshake = plant != Plant::mid_stream_client;
  if (handshake) {
    feed(tcp_frame(client, cport, server, 80, cseq, 0, kSyn, {}));
    feed(tcp_frame(server, 80, client, cport, sseq, cseq + 1, kSyn | kAck, {}));
    ++cseq, ++sseq;
    feed(tcp_frame(client, cport, server, 80, cseq, sseq, kAck, {}));
  }
  auto random_payload = [&] {
    std::vector<uint8_t> p(1460);
    for (auto& b : p) b = static_cast<uint8_t>(rng());
    return p;
  };
  for (int i = 0; i < segments; ++i) {
    std::vector<uint8_t> c = random_payload(), s = random_payload();
    if (i == 0 && (plant == Plant::mid_stream_client || plant == Plant::client_first)) c = tpkt_lookalike(rng, 1460);
    if (i == 1 && plant == Plant::client_later) c = tpkt_lookalike(rng, 1460);
    if (i == 0 && plant == Plant::server_first) {
      s = tpkt_lookalike(rng, 1460);
      feed(tcp_frame(server, 80, client, cport, sseq, cseq, kAck | kPsh, s));  // server speaks first
      sseq += 1460;
      feed(tcp_frame(client, cport, server, 80, cseq, sseq, kAck | kPsh, c));
      cseq += 1460;
      continue;
    }
    feed(tcp_frame(client, cport, server, 80, cseq, sseq, kAck | kPsh, c));
    cseq += 1460;
    feed(tcp_frame(server, 80, client, cport, sseq, cseq, kAck | kPsh, s));
    sseq += 1460;
  }
  feed(tcp_frame(client, cport, server, 80, cseq, sseq, kFin | kAck, {}));
  feed(tcp_frame(server, 80, client, cport, sseq, cseq + 1, kFin | kAck, {}));
}

}  // namespace

TEST_CASE("Random bulk payloads on non-RDP ports never become RDP connections", "[engine][content]") {
  const bool prefiltered = GENERATE(false, true);
  std::mt19937 rng(20261130);
  Feeder feed(prefiltered);
  uint16_t port = 20000;
  // ~35 MB of random payload in 400 flows, plus every planted look-alike.
  for (int i = 0; i < 400; ++i)
    bulk_flow(feed, rng, 0xc0a80000 + i, port++, 30, i % 5 == 0 ? Plant::mid_stream_client : Plant::none);
  for (int i = 0; i < 50; ++i) {
    bulk_flow(feed, rng, 0xc0a81000 + i, port++, 4, Plant::mid_stream_client);
    bulk_flow(feed, rng, 0xc0a82000 + i, port++, 4, Plant::server_first);
    bulk_flow(feed, rng, 0xc0a83000 + i, port++, 4, Plant::client_later);
  }
  const auto r = feed.analyzer.finish();
  CHECK(r.stats.frames == feed.n);
  CHECK(r.connections.empty());
  CHECK(r.stats.flows_seen == 0);
  CHECK(r.stats.tcp_segments == feed.n);
  if (prefiltered) CHECK(feed.flagged > feed.n * 9 / 10);  // all but SYNs and first payloads
}

TEST_CASE("A Connection Request that starts the client's stream after a seen SYN is RDP by content",
          "[engine][content]") {
  const bool prefiltered = GENERATE(false, true);
  std::mt19937 rng(7);
  Feeder feed(prefiltered);
  bulk_flow(feed, rng, 0xc0a80001, 40000, 3, Plant::client_first);
  bulk_flow(feed, rng, 0xc0a80002, 40001, 3, Plant::mid_stream_client);  // the same bytes, no SYN seen
  const auto r = feed.analyzer.finish();
  REQUIRE(r.connections.size() == 1);
  // Every segment of the RDP flow reached the connection (none flagged).
  CHECK(r.connections[0].summary.tcp.client_packets + r.connections[0].summary.tcp.server_packets == 3 * 2 + 5);
  CHECK(r.connections[0].summary.rdp_by_content);
  CHECK(r.connections[0].summary.client_port == 40000);
  CHECK(r.connections[0].summary.server_port == 80);
}

TEST_CASE("The prefilter never flags RDP ports, Kerberos, a SYN, or a flow that may still be RDP by content",
          "[engine][content]") {
  session::AnalyzerOptions options;
  options.rdp_ports.insert(3390);
  engine::FramePrefilter pre(options);
  const auto flagged = [&](const std::vector<uint8_t>& f) { return pre.surely_ignored(1, f); };
  const std::vector<uint8_t> data(100, 0x41);
  const uint32_t c = 0x0a000001, s = 0x0a000002;
  for (uint16_t port : {uint16_t(3389), uint16_t(3390), uint16_t(88)}) {
    CHECK_FALSE(flagged(tcp_frame(c, 50000, s, port, 1, 1, kAck, data)));
    CHECK_FALSE(flagged(tcp_frame(s, port, c, 50000, 1, 1, kAck, data)));
  }
  CHECK(flagged(tcp_frame(c, 50001, s, 80, 1, 1, kAck, data)));  // no SYN seen: joined mid-stream
  // A SYN on port 80: its handshake and first payload go the full way.
  CHECK_FALSE(flagged(tcp_frame(c, 50002, s, 80, 100, 0, kSyn, {})));
  CHECK_FALSE(flagged(tcp_frame(s, 80, c, 50002, 500, 101, kSyn | kAck, {})));
  CHECK_FALSE(flagged(tcp_frame(c, 50002, s, 80, 101, 501, kAck, {})));
  CHECK(flagged(tcp_frame(c, 50003, s, 80, 1, 1, kAck, data)));  // another flow on the same ports' neighbour
  std::mt19937 rng(1);
  CHECK_FALSE(flagged(tcp_frame(c, 50002, s, 80, 101, 501, kAck | kPsh, tpkt_lookalike(rng, 60))));
  for (int i = 0; i < 5; ++i)  // maybe RDP by content: followed for good
    CHECK_FALSE(flagged(tcp_frame(s, 80, c, 50002, 501, 161, kAck, data)));
  // A flow whose first payload is not a Connection Request: only counted afterwards.
  CHECK_FALSE(flagged(tcp_frame(c, 50004, s, 80, 100, 0, kSyn, {})));
  CHECK_FALSE(flagged(tcp_frame(c, 50004, s, 80, 101, 1, kAck | kPsh, data)));
  CHECK(flagged(tcp_frame(s, 80, c, 50004, 1, 201, kAck | kPsh, data)));
  // RST before any payload: forgotten, as the flow table forgets a pending flow.
  CHECK_FALSE(flagged(tcp_frame(c, 50005, s, 80, 100, 0, kSyn, {})));
  CHECK_FALSE(flagged(tcp_frame(s, 80, c, 50005, 0, 101, 0x04 | kAck, {})));
  CHECK(flagged(tcp_frame(c, 50005, s, 80, 101, 1, kAck | kPsh, data)));
  // A SYN the fast path cannot read (VLAN-tagged: a trunk tagging one
  // direction) still opens its flow for the untagged frames that follow.
  std::vector<uint8_t> tagged = tcp_frame(c, 50006, s, 80, 100, 0, kSyn, {});
  const uint8_t tag[] = {0x81, 0x00, 0x00, 0x07};
  tagged.insert(tagged.begin() + 12, tag, tag + 4);
  CHECK_FALSE(flagged(tagged));
  CHECK_FALSE(flagged(tcp_frame(s, 80, c, 50006, 500, 101, kSyn | kAck, {})));
  CHECK_FALSE(flagged(tcp_frame(c, 50006, s, 80, 101, 501, kAck | kPsh, tpkt_lookalike(rng, 60))));
  // Over kMaxFlows SYNs held: nothing is flagged any more.
  for (uint32_t i = 0; i <= engine::FramePrefilter::kMaxFlows; ++i)
    pre.surely_ignored(1, tcp_frame(0x0b000000 + i, 1024, s, 8080, 1, 0, kSyn, {}));
  CHECK_FALSE(flagged(tcp_frame(c, 50001, s, 80, 1, 1, kAck, data)));
}
