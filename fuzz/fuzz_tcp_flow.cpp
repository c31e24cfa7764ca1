// The whole pipeline from one TCP connection: the two directions' streams and
// a list of segments (offset, length, flags, ack) in fuzzer-chosen order and
// splits, synthesized as Ethernet/IPv4/TCP frames into Analyzer::on_frame.
// Format: fuzz_support.hpp. Retransmissions, overlaps, holes, reordering,
// bogus acks, RST/FIN anywhere and ICMP errors all come from the op list.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "net/packet.hpp"
#include "report_checks.hpp"
#include "engine/analyzer.hpp"

using namespace rdpcap;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fuzz::FlowInput in = fuzz::parse_flow_input(util::Bytes(data, size));
  constexpr uint32_t client = 0x0a000001, server = 0x0a000002, router = 0x0a0000fe;
  constexpr uint16_t client_port = 49152;
  const uint16_t server_port = (in.mode & 2) ? 3390 : 3389;
  const bool slow = in.mode & 16;

  session::AnalyzerOptions options;
  if (slow) options.limits.idle_timeout_us = 1'000'000;
  session::Analyzer analyzer(options);
  uint64_t number = 0;
  int64_t now = 1'700'000'000'000'000;
  auto send = [&](const std::vector<uint8_t>& frame) {
    session::FrameInfo info;
    info.number = ++number;
    info.time_us = now;
    now += slow ? 1'000'000 : 1000;
    info.wire_length = static_cast<uint32_t>(frame.size());
    analyzer.on_frame(info, util::Bytes(frame));
  };
  fuzz::TcpFrameSpec c2s{client, server, client_port, server_port, 0, 0, 0, {}};
  fuzz::TcpFrameSpec s2c{server, client, server_port, client_port, 0, 0, 0, {}};
  uint64_t client_sent = 0, server_sent = 0;  // highest stream offset sent per direction

  if (in.mode & 1) {
    c2s.seq = in.client_isn, c2s.flags = net::tcp_flag::syn;
    send(fuzz::ethernet_ipv4_tcp(c2s));
    s2c.seq = in.server_isn, s2c.ack = in.client_isn + 1, s2c.flags = net::tcp_flag::syn | net::tcp_flag::ack;
    send(fuzz::ethernet_ipv4_tcp(s2c));
    c2s.seq = in.client_isn + 1, c2s.ack = in.server_isn + 1, c2s.flags = net::tcp_flag::ack;
    send(fuzz::ethernet_ipv4_tcp(c2s));
  }
  for (const auto& op : in.ops) {
    const bool from_server = op.ctl & 1;
    if (op.ctl & 32) {
      send(fuzz::ethernet_icmp_unreachable(router, client, client, client_port, server, server_port, 3));
      continue;
    }
    util::Bytes stream = from_server ? in.server : in.client;
    const size_t off = std::min<size_t>(op.offset, stream.size());
    const size_t len = std::min<size_t>({op.length, stream.size() - off, fuzz::kMaxSegment});
    fuzz::TcpFrameSpec s = from_server ? s2c : c2s;
    const uint32_t isn = from_server ? in.server_isn : in.client_isn;
    const uint32_t peer_isn = from_server ? in.client_isn : in.server_isn;
    uint64_t& sent = from_server ? server_sent : client_sent;
    const uint64_t peer_sent = from_server ? client_sent : server_sent;
    static constexpr uint32_t ack_delta[4] = {0, 0xffffffffu, 1000, 1u << 20};
    s.seq = isn + 1 + static_cast<uint32_t>(off);
    s.ack = peer_isn + 1 + static_cast<uint32_t>(peer_sent) + ack_delta[op.ctl >> 6];
    s.flags = 0;
    if (!(op.ctl & 16)) s.flags |= net::tcp_flag::ack;
    if (op.ctl & 2) s.flags |= net::tcp_flag::fin;
    if (op.ctl & 4) s.flags |= net::tcp_flag::rst;
    if (op.ctl & 8) s.flags |= net::tcp_flag::syn;
    if (len) s.flags |= net::tcp_flag::psh;
    s.payload = stream.subspan(off, len);
    send(fuzz::ethernet_ipv4_tcp(s));
    sent = std::max<uint64_t>(sent, off + len);
  }
  if (in.mode & 4) {
    c2s.seq = in.client_isn + 1 + static_cast<uint32_t>(client_sent);
    c2s.ack = in.server_isn + 1 + static_cast<uint32_t>(server_sent);
    c2s.flags = net::tcp_flag::fin | net::tcp_flag::ack;
    send(fuzz::ethernet_ipv4_tcp(c2s));
    s2c.seq = in.server_isn + 1 + static_cast<uint32_t>(server_sent);
    s2c.ack = c2s.seq + 1;
    s2c.flags = net::tcp_flag::fin | net::tcp_flag::ack;
    send(fuzz::ethernet_ipv4_tcp(s2c));
  }
  const auto result = analyzer.finish();
  if (result.connections.size() > 1 + in.ops.size()) abort();  // a new SYN after a close may start another
  if ((in.mode & 8) && result.connections.size() <= 4) {  // fuzz_pcap renders many; keep this one fast
    fuzz::render_and_check_reports(result, "flow");
  }
  return 0;
}
