#include "engine/flow_tracker.hpp"

#include "engine/capture_notes.hpp"
#include "proto/rdp_negotiation.hpp"

namespace rdpcap::engine {

namespace {
constexpr int64_t kQuietFlow_us = 120'000'000;   // closed/pending flows forgotten after 2 min of silence
constexpr int64_t kIdleEndedMarker_us = 86'400'000'000;  // ... those the idle timeout ended after 24 h
constexpr uint64_t kSweepEvery = 16384;          // frames between sweeps
constexpr uint64_t kSweepSpacing = 8;            // and at least 8 frames per table entry
}  // namespace

FlowTracker::FlowTracker(const AnalyzerOptions& options, CaptureStats& stats, FlowListener& listener,
                         bool notify_touched)
    : options_(options), stats_(stats), listener_(listener), notify_touched_(notify_touched) {
  for (uint16_t p : options_.rdp_ports) rdp_port_bits_[p >> 6] |= uint64_t{1} << (p & 63);
}

bool FlowTracker::ignorable(const net::PlainTcp& t) const {
  const auto rdp = [this](uint16_t p) { return (rdp_port_bits_[p >> 6] >> (p & 63)) & 1; };
  if (rdp(t.sport) || rdp(t.dport) || flows_.may_hold(t.sport, t.dport)) return false;
  if (!t.payload.empty()) return true;  // joined mid-stream: never RDP by content (see on_tcp)
  const bool syn_only = (t.flags & net::tcp_flag::syn) && !(t.flags & net::tcp_flag::ack);
  return !syn_only;  // a SYN may open a flow found by content later
}

void FlowTracker::finalize(Flow& flow, EndReason why) {
  buffered_total_ -= flow.retained;
  flow.retained = 0;
  model::ConnectionSummary summary = flow.conn->take_summary();
  flow.conn.reset();
  flow.kind = Flow::Kind::closed;
  ++closed_flows_;
  --live_;
  listener_.connection_ended(std::move(summary), why);
}

FlowTracker::FlowIt FlowTracker::erase(FlowIt it) {
  if (it->second.kind == Flow::Kind::closed) --closed_flows_;
  if (it->second.idle_ended) idle_ended_.erase(it->first);
  return flows_.erase(it);
}

// Room for one more flow table entry? Closed markers go first (without them a
// late stray segment of a finished flow may start a mid-stream connection);
// swept only when they are a quarter of the table, so each sweep frees that
// much (no quadratic work under a flood).
bool FlowTracker::room_for_flow() {
  const auto& lim = options_.limits;
  if (flows_.size() < lim.max_flows) return true;
  if (closed_flows_ == 0 || closed_flows_ < lim.max_flows / 4) return false;
  for (auto it = flows_.begin(); it != flows_.end();)
    it = it->second.kind == Flow::Kind::closed ? erase(it) : std::next(it);
  return flows_.size() < lim.max_flows;
}

FlowTracker::Flow* FlowTracker::start_connection(const FlowKey& key, const net::TcpSegment& seg,
                                                 bool client_is_source, bool by_port, int64_t now) {
  if (live_ >= options_.limits.max_connections || (flows_.find(key) == flows_.end() && !room_for_flow())) {
    ++stats_.segments_over_flow_cap;
    return nullptr;
  }
  Flow& flow = flows_[key];
  if (flow.kind == Flow::Kind::closed) --closed_flows_;
  flow.kind = Flow::Kind::live;
  flow.conn = std::make_unique<session::Connection>(next_id_++, seg, client_is_source, by_port, options_.limits);
  flow.conn->set_keys(options_.keys);
  flow.pending.clear();
  flow.pending.shrink_to_fit();
  if (flow.idle_ended) idle_ended_.erase(key);
  flow.idle_ended = false;
  flow.last_us = now;
  flow.retained = 0;
  ++live_;
  ++stats_.flows_seen;
  return &flow;
}

// After anything that may grow or shrink a connection's buffers: keep the
// capture-wide total, and stop following the connection that made it go over
// Limits::max_buffered_bytes.
void FlowTracker::account(Flow& flow, const model::FrameRef& at) {
  const size_t now = flow.conn->retained_bytes();
  buffered_total_ = buffered_total_ - flow.retained + now;
  const bool grew = now > flow.retained;
  flow.retained = now;
  if (grew && buffered_total_ > options_.limits.max_buffered_bytes) {
    flow.conn->shed_buffers(at, "capture-wide buffer budget (" + size_text(options_.limits.max_buffered_bytes) + ")");
    ++stats_.buffer_budget_hits;
    const size_t after = flow.conn->retained_bytes();
    buffered_total_ = buffered_total_ - flow.retained + after;
    flow.retained = after;
  }
}

void FlowTracker::deliver(Flow& flow, const net::TcpSegment& seg, const model::FrameRef& at) {
  flow.conn->on_segment(seg, at);
  flow.last_us = at.time_us;
  account(flow, at);
  if (flow.conn->closed())
    finalize(flow, EndReason::closed);
  else if (notify_touched_)
    listener_.connection_touched(*flow.conn, at);
}

FlowTracker::PendingSegment FlowTracker::compact(const FlowKey& key, const net::TcpSegment& seg,
                                                 const model::FrameRef& at) {
  return {at, seg.seq, seg.ack, seg.flags, seg.src == key.a && seg.sport == key.port_a};
}

net::TcpSegment FlowTracker::expand(const FlowKey& key, const PendingSegment& p) {
  net::TcpSegment seg;
  seg.src = p.from_a ? key.a : key.b;
  seg.dst = p.from_a ? key.b : key.a;
  seg.sport = p.from_a ? key.port_a : key.port_b;
  seg.dport = p.from_a ? key.port_b : key.port_a;
  seg.seq = p.seq;
  seg.ack = p.ack;
  seg.flags = p.flags;
  return seg;
}

// A half-open RDP flow gets its Connection: the SYN(s) kept are replayed.
// `anyway` (capture end, idle timeout) ignores max_connections: the
// connection is finalized right after.
FlowTracker::Flow* FlowTracker::open_half_open(FlowIt it, bool anyway) {
  const FlowKey key = it->first;
  Flow& flow = it->second;
  if (!anyway && live_ >= options_.limits.max_connections) {
    ++stats_.segments_over_flow_cap;
    erase(it);
    return nullptr;
  }
  std::vector<PendingSegment> syns = std::move(flow.pending);
  const net::TcpSegment first = expand(key, syns.front());
  flow.kind = Flow::Kind::live;
  flow.pending = {};
  flow.conn = std::make_unique<session::Connection>(next_id_++, first, is_rdp_port(first.dport), true,
                                                    options_.limits);
  flow.conn->set_keys(options_.keys);
  flow.retained = 0;
  ++live_;
  ++stats_.flows_seen;
  for (const auto& p : syns)
    if (flow.kind == Flow::Kind::live) deliver(flow, expand(key, p), p.at);
  return flow.kind == Flow::Kind::live ? &flow : nullptr;
}

void FlowTracker::on_tcp(const net::TcpSegment& seg, const model::FrameRef& at) {
  ++stats_.tcp_segments;
  const FlowKey key = FlowKey::of(seg.src, seg.sport, seg.dst, seg.dport);
  const bool syn_only = (seg.flags & net::tcp_flag::syn) && !(seg.flags & net::tcp_flag::ack);
  auto it = flows_.find(key);
  if (it != flows_.end()) {
    Flow& flow = it->second;
    switch (flow.kind) {
      case Flow::Kind::live:
        deliver(flow, seg, at);
        return;
      case Flow::Kind::closed:
        if (!syn_only) {
          if (flow.idle_ended && continue_idle_ended(it, seg, at)) return;
          flow.last_us = at.time_us;
          return;
        }
        erase(it);  // port reuse: a new SYN after FIN/RST is a new connection
        break;
      case Flow::Kind::pending:
        on_pending(it, seg, at);
        return;
      case Flow::Kind::half_open: {
        const auto& first = flow.pending.front();
        const bool same_syn_again = syn_only && seg.payload.empty() && compact(key, seg, at).from_a == first.from_a;
        flow.last_us = at.time_us;
        if (same_syn_again && flow.pending.size() < options_.limits.pending_flow_segments) {
          flow.pending.push_back(compact(key, seg, at));  // a SYN retransmission
          return;
        }
        if (Flow* live_flow = open_half_open(it, false)) deliver(*live_flow, seg, at);
        return;
      }
    }
  }
  const bool to_rdp = is_rdp_port(seg.dport), from_rdp = is_rdp_port(seg.sport);
  if (to_rdp || from_rdp) {
    const bool meaningful = syn_only || !seg.payload.empty() || (seg.flags & net::tcp_flag::rst) ||
                            (seg.flags & net::tcp_flag::syn);
    if (!meaningful) return;  // stray ACK/FIN of a connection we never saw start
    if (syn_only && to_rdp && seg.payload.empty()) {  // keep it compact until the server answers
      if (!room_for_flow()) {
        ++stats_.segments_over_flow_cap;
        return;
      }
      Flow& flow = flows_[key];
      flow.kind = Flow::Kind::half_open;
      flow.last_us = at.time_us;
      flow.pending.push_back(compact(key, seg, at));
      return;
    }
    if (Flow* flow = start_connection(key, seg, to_rdp, true, at.time_us)) deliver(*flow, seg, at);
    return;
  }
  // Content detection (RDP on a port that is not an RDP port) needs the start
  // of the client's byte stream: a flow first seen with payload was joined
  // mid-stream, and bytes in the middle of a stream that happen to look like a
  // TPKT-framed X.224 Connection Request are not one (bulk traffic gave false
  // alarms, issue 13). Only a flow whose SYN was seen can become RDP by
  // content (on_pending).
  if (syn_only && seg.payload.empty() && room_for_flow()) {
    Flow& flow = flows_[key];
    flow.kind = Flow::Kind::pending;
    flow.last_us = at.time_us;
    flow.pending.push_back(compact(key, seg, at));
  }
}

// Live capture: a flow the idle timeout ended carries on (a session left idle,
// then used again). Payload or a RST starts its continuation (a bare ACK, e.g.
// a TCP keep-alive, does not): a connection without SYN, marked as such, so
// that the rules do not say the capture started late.
bool FlowTracker::continue_idle_ended(FlowIt it, const net::TcpSegment& seg, const model::FrameRef& at) {
  if (seg.payload.empty() && !(seg.flags & net::tcp_flag::rst)) return false;
  const FlowKey key = it->first;
  const IdleEnded earlier = idle_ended_.at(key);
  const bool client_is_source = compact(key, seg, at).from_a == earlier.client_is_a;
  const bool by_port = is_rdp_port(client_is_source ? seg.dport : seg.sport);
  Flow* flow = start_connection(key, seg, client_is_source, by_port, at.time_us);
  if (!flow) return true;  // over a cap: counted; the marker stays
  if (!by_port) flow->conn->set_rdp_by_content();
  flow->conn->set_continues(earlier.first, earlier.last);
  deliver(*flow, seg, at);
  return true;
}

void FlowTracker::on_pending(FlowIt it, const net::TcpSegment& seg, const model::FrameRef& at) {
  Flow& flow = it->second;
  flow.last_us = at.time_us;
  if (seg.payload.empty()) {
    if (seg.flags & (net::tcp_flag::rst | net::tcp_flag::fin)) {
      erase(it);
    } else if (flow.pending.size() < options_.limits.pending_flow_segments) {
      flow.pending.push_back(compact(it->first, seg, at));
    }
    return;
  }
  // RDP by content only from the first payload byte of the SYN sender's
  // stream (sequence number ISN + 1, RFC 9293 3.4): the client speaks first in
  // RDP (MS-RDPBCGR 1.3.1.1, X.224 Connection Request), so a first payload
  // from the other side, or one that does not start the stream (its start
  // not captured), means not RDP.
  const PendingSegment& syn = flow.pending.front();
  const bool from_syn_sender = compact(it->first, seg, at).from_a == syn.from_a;
  if (!from_syn_sender || seg.seq != syn.seq + 1 || !proto::looks_like_connection_request(seg.payload)) {
    erase(it);  // not RDP: forget it
    return;
  }
  // RDP found by content: replay the handshake kept so far, then this segment.
  std::vector<PendingSegment> handshake = std::move(flow.pending);
  const FlowKey key = it->first;
  erase(it);
  Flow* started =
      start_connection(key, seg, true, false, handshake.empty() ? at.time_us : handshake.front().at.time_us);
  if (!started) return;
  started->conn->set_rdp_by_content();
  for (const auto& p : handshake)
    if (started->kind == Flow::Kind::live) deliver(*started, expand(key, p), p.at);
  if (started->kind == Flow::Kind::live) deliver(*started, seg, at);
}

void FlowTracker::on_icmp(const net::IcmpUnreachable& icmp, const model::FrameRef& at) {
  if (icmp.quoted_protocol != 6) return;
  const FlowKey key = FlowKey::of(icmp.quoted_src, icmp.quoted_sport, icmp.quoted_dst, icmp.quoted_dport);
  auto it = flows_.find(key);
  if (it == flows_.end()) return;
  Flow* flow = &it->second;
  if (flow->kind == Flow::Kind::half_open) flow = open_half_open(it, false);
  if (!flow || flow->kind != Flow::Kind::live) return;
  flow->conn->on_icmp(icmp, at);
  flow->last_us = at.time_us;
  if (notify_touched_) listener_.connection_touched(*flow->conn, at);
}

// A flow that ends here (capture end, idle timeout): half-open flows get their
// Connection first.
void FlowTracker::end_flow(FlowIt it, const model::FrameRef& last, EndReason why) {
  Flow* flow = &it->second;
  if (flow->kind == Flow::Kind::half_open) flow = open_half_open(it, true);
  if (!flow || flow->kind != Flow::Kind::live) return;
  flow->conn->on_capture_end(last);
  finalize(*flow, why);
}

// A sweep visits every table entry: every kSweepEvery frames, but not more
// often than once per kSweepSpacing x table size in frames (linear time
// overall, an eighth of a visit per frame, when many connections or a flood
// fill the table; a full table drops its closed entries at once, room_for_flow).
void FlowTracker::maybe_sweep(const model::FrameRef& now) {
  if (stats_.frames % kSweepEvery != 0 || stats_.frames - last_sweep_frame_ < kSweepSpacing * flows_.size()) return;
  last_sweep_frame_ = stats_.frames;
  sweep(now, now.time_us);
}

void FlowTracker::sweep(const model::FrameRef& end_at, int64_t now_us) {
  for (auto it = flows_.begin(); it != flows_.end();) {
    Flow& f = it->second;
    const int64_t idle = now_us - f.last_us;
    const bool followed = f.kind == Flow::Kind::live || f.kind == Flow::Kind::half_open;
    if (!followed && idle > (f.idle_ended ? kIdleEndedMarker_us : kQuietFlow_us)) {
      it = erase(it);
      continue;
    }
    if (followed && options_.limits.idle_timeout_us > 0 && idle > options_.limits.idle_timeout_us) {
      IdleEnded ended;  // what its continuation will need, if it has one
      if (f.kind == Flow::Kind::live) {
        ended.first = f.conn->summary().first;
        ended.last = f.conn->summary().last;
        ended.client_is_a = f.conn->direction_of(expand(it->first, PendingSegment{{}, 0, 0, 0, true})) ==
                            model::Direction::client_to_server;
      }
      end_flow(it, end_at, EndReason::idle_timeout);  // leaves it closed
      if (ended.first.seen() && it->second.kind == Flow::Kind::closed) {
        idle_ended_[it->first] = ended;  // kept as a marker
        it->second.idle_ended = true;
        ++it;
      } else {
        it = erase(it);
      }
      continue;
    }
    ++it;
  }
}

void FlowTracker::end_all(const model::FrameRef& last) {
  for (auto it = flows_.begin(); it != flows_.end(); ++it) end_flow(it, last, EndReason::capture_end);
  flows_.clear();
  idle_ended_.clear();
  closed_flows_ = 0;
}

}  // namespace rdpcap::engine
