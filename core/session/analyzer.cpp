#include "session/analyzer.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "net/fast_path.hpp"
#include "net/packet.hpp"
#include "proto/rdp_negotiation.hpp"
#include "rules/diagnose.hpp"
#include "session/connection.hpp"
#include "session/flow_key.hpp"
#include "session/flow_table.hpp"

namespace rdpcap::session {

namespace {
constexpr size_t kMaxPendingSegments = 8;        // handshake segments kept for a not-yet-RDP flow
constexpr int64_t kQuietFlow_us = 120'000'000;   // closed/pending flows forgotten after 2 min of silence
constexpr uint64_t kSweepEvery = 16384;          // frames between sweeps
}  // namespace

struct Analyzer::Impl {
  // A flow on a non-RDP port whose first payload has not arrived yet: its
  // handshake is kept (bounded) in case the payload is an X.224 request.
  struct PendingSegment {
    net::TcpSegment seg;  // payload empty
    model::FrameRef at;
  };
  struct Flow {
    enum class Kind { live, closed, pending } kind = Kind::pending;
    std::unique_ptr<Connection> conn;
    std::vector<PendingSegment> pending;
    int64_t last_us = 0;
  };

  AnalyzerOptions options;
  CaptureStats stats;
  FlowTable<Flow> flows;
  std::vector<model::ConnectionSummary> finished;
  uint64_t next_id = 1;
  size_t live = 0;
  model::FrameRef last_frame;

  bool is_rdp_port(uint16_t port) const { return options.rdp_ports.count(port) != 0; }

  // Fast path: true when on_tcp() would do nothing with this segment but count
  // it (a flow not in the table, on no RDP port, that cannot start one).
  std::array<uint64_t, 1024> rdp_port_bits{};
  void index_rdp_ports() {
    for (uint16_t p : options.rdp_ports) rdp_port_bits[p >> 6] |= uint64_t{1} << (p & 63);
  }
  bool ignorable(const net::PlainTcp& t) const {
    const auto rdp = [this](uint16_t p) { return (rdp_port_bits[p >> 6] >> (p & 63)) & 1; };
    if (rdp(t.sport) || rdp(t.dport) || flows.may_hold(t.sport, t.dport)) return false;
    if (!t.payload.empty()) return !proto::looks_like_connection_request(t.payload);
    const bool syn_only = (t.flags & net::tcp_flag::syn) && !(t.flags & net::tcp_flag::ack);
    return !syn_only;  // a SYN may open a flow found by content later
  }

  void finalize(Flow& flow) {
    finished.push_back(flow.conn->take_summary());
    flow.conn.reset();
    flow.kind = Flow::Kind::closed;
    --live;
  }

  Flow* start_connection(const FlowKey& key, const net::TcpSegment& seg, bool client_is_source, bool by_port,
                         int64_t now) {
    if (live >= options.limits.max_connections) {
      ++stats.flows_dropped_at_cap;
      return nullptr;
    }
    Flow& flow = flows[key];
    flow.kind = Flow::Kind::live;
    flow.conn = std::make_unique<Connection>(next_id++, seg, client_is_source, by_port, options.limits);
    flow.last_us = now;
    ++live;
    ++stats.flows_seen;
    return &flow;
  }

  void deliver(Flow& flow, const net::TcpSegment& seg, const model::FrameRef& at) {
    flow.conn->on_segment(seg, at);
    flow.last_us = at.time_us;
    if (flow.conn->closed()) finalize(flow);
  }

  void on_tcp(const net::TcpSegment& seg, const model::FrameRef& at) {
    ++stats.tcp_segments;
    const FlowKey key = FlowKey::of(seg.src, seg.sport, seg.dst, seg.dport);
    const bool syn_only = (seg.flags & net::tcp_flag::syn) && !(seg.flags & net::tcp_flag::ack);
    auto it = flows.find(key);
    if (it != flows.end()) {
      Flow& flow = it->second;
      switch (flow.kind) {
        case Flow::Kind::live:
          deliver(flow, seg, at);
          return;
        case Flow::Kind::closed:
          if (!syn_only) {
            flow.last_us = at.time_us;
            return;
          }
          flows.erase(it);  // port reuse: a new SYN after FIN/RST is a new connection
          break;
        case Flow::Kind::pending:
          on_pending(it, seg, at);
          return;
      }
    }
    const bool to_rdp = is_rdp_port(seg.dport), from_rdp = is_rdp_port(seg.sport);
    if (to_rdp || from_rdp) {
      const bool meaningful = syn_only || !seg.payload.empty() || (seg.flags & net::tcp_flag::rst) ||
                              (seg.flags & net::tcp_flag::syn);
      if (!meaningful) return;  // stray ACK/FIN of a connection we never saw start
      if (Flow* flow = start_connection(key, seg, to_rdp, true, at.time_us)) deliver(*flow, seg, at);
      return;
    }
    if (!seg.payload.empty()) {
      if (proto::looks_like_connection_request(seg.payload)) {
        if (Flow* flow = start_connection(key, seg, true, false, at.time_us)) {
          flow->conn->set_rdp_by_content();
          deliver(*flow, seg, at);
        }
      }
      return;
    }
    if (syn_only && flows.size() < options.limits.max_connections * 2) {
      Flow& flow = flows[key];
      flow.kind = Flow::Kind::pending;
      flow.last_us = at.time_us;
      flow.pending.push_back({without_payload(seg), at});
    }
  }

  static net::TcpSegment without_payload(net::TcpSegment seg) {
    seg.payload = {};
    return seg;
  }

  void on_pending(std::unordered_map<FlowKey, Flow, FlowKeyHash>::iterator it, const net::TcpSegment& seg,
                  const model::FrameRef& at) {
    Flow& flow = it->second;
    flow.last_us = at.time_us;
    if (seg.payload.empty()) {
      if (seg.flags & (net::tcp_flag::rst | net::tcp_flag::fin)) {
        flows.erase(it);
      } else if (flow.pending.size() < kMaxPendingSegments) {
        flow.pending.push_back({without_payload(seg), at});
      }
      return;
    }
    if (!proto::looks_like_connection_request(seg.payload)) {
      flows.erase(it);  // not RDP: forget it
      return;
    }
    // RDP found by content: replay the handshake kept so far, then this segment.
    std::vector<PendingSegment> handshake = std::move(flow.pending);
    const FlowKey key = it->first;
    flows.erase(it);
    Flow* started = start_connection(key, seg, true, false, handshake.empty() ? at.time_us : handshake.front().at.time_us);
    if (!started) return;
    started->conn->set_rdp_by_content();
    for (const auto& p : handshake)
      if (started->kind == Flow::Kind::live) deliver(*started, p.seg, p.at);
    if (started->kind == Flow::Kind::live) deliver(*started, seg, at);
  }

  void on_icmp(const net::IcmpUnreachable& icmp, const model::FrameRef& at) {
    if (icmp.quoted_protocol != 6) return;
    const FlowKey key = FlowKey::of(icmp.quoted_src, icmp.quoted_sport, icmp.quoted_dst, icmp.quoted_dport);
    auto it = flows.find(key);
    if (it == flows.end() || it->second.kind != Flow::Kind::live) return;
    it->second.conn->on_icmp(icmp, at);
    it->second.last_us = at.time_us;
  }

  void sweep(int64_t now) {
    for (auto it = flows.begin(); it != flows.end();) {
      Flow& f = it->second;
      const int64_t idle = now - f.last_us;
      if (f.kind != Flow::Kind::live && idle > kQuietFlow_us) {
        it = flows.erase(it);
        continue;
      }
      if (f.kind == Flow::Kind::live && options.limits.idle_timeout_us > 0 && idle > options.limits.idle_timeout_us) {
        f.conn->on_capture_end(last_frame);
        finalize(f);
        it = flows.erase(it);
        continue;
      }
      ++it;
    }
  }
};

Analyzer::Analyzer(AnalyzerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->index_rdp_ports();
}

Analyzer::~Analyzer() = default;

uint64_t Analyzer::connections_seen() const { return impl_->stats.flows_seen; }

void Analyzer::on_frame(const FrameInfo& frame, util::Bytes data) {
  Impl& s = *impl_;
  auto& st = s.stats;
  if (st.frames == 0) st.first_time_us = frame.time_us;
  ++st.frames;
  st.bytes += frame.wire_length ? frame.wire_length : data.size();
  st.last_time_us = frame.time_us;
  const model::FrameRef at{frame.number, frame.time_us};
  s.last_frame = at;

  if (net::PlainTcp tcp; net::peek_plain_tcp(frame.link_type, data, tcp) && s.ignorable(tcp)) {
    ++st.tcp_segments;  // what on_tcp() would have done with it
    if (st.frames % kSweepEvery == 0) s.sweep(frame.time_us);
    return;
  }

  net::DecodedPacket packet;
  switch (net::decode_frame(frame.link_type, data, packet)) {
    case net::DecodeStatus::ok:
      break;
    case net::DecodeStatus::unsupported_link:
      ++st.unsupported_link_frames;
      return;
    default:
      ++st.undecodable_frames;
      return;
  }
  if (packet.kind == net::PacketKind::tcp)
    s.on_tcp(packet.tcp, at);
  else if (packet.kind == net::PacketKind::icmp_unreachable)
    s.on_icmp(packet.icmp, at);
  if (st.frames % kSweepEvery == 0) s.sweep(frame.time_us);
}

AnalysisResult Analyzer::finish() {
  Impl& s = *impl_;
  for (auto& [key, flow] : s.flows) {
    if (flow.kind != Impl::Flow::Kind::live) continue;
    flow.conn->on_capture_end(s.last_frame);
    s.finalize(flow);
  }
  s.flows.clear();

  AnalysisResult result;
  result.stats = s.stats;
  result.reference_time_s = s.options.reference_time_s.value_or(s.stats.last_time_us / 1000000);
  auto summaries = std::move(s.finished);
  s.finished.clear();
  std::sort(summaries.begin(), summaries.end(), [](const auto& a, const auto& b) {
    if (a.first.frame != b.first.frame) return a.first.frame < b.first.frame;
    if (a.client_ip != b.client_ip) return a.client_ip < b.client_ip;
    return a.client_port < b.client_port;
  });
  for (size_t i = 0; i < summaries.size(); ++i) summaries[i].id = i + 1;
  auto diagnoses = rules::diagnose(summaries, s.options.reference_time_s);
  result.connections.reserve(summaries.size());
  for (size_t i = 0; i < summaries.size(); ++i)
    result.connections.push_back({std::move(summaries[i]), std::move(diagnoses[i].verdict),
                                  std::move(diagnoses[i].findings)});
  return result;
}

}  // namespace rdpcap::session
