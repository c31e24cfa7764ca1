#include "session/analyzer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <unordered_map>

#include "net/fast_path.hpp"
#include "net/packet.hpp"
#include "proto/rdp_negotiation.hpp"
#include "rules/diagnose.hpp"
#include "session/connection.hpp"
#include "session/flow_key.hpp"
#include "session/flow_table.hpp"
#include "session/kerberos_watch.hpp"
#include "util/time.hpp"

namespace rdpcap::session {

namespace {
constexpr size_t kMaxPendingSegments = 8;        // handshake segments kept for a not-yet-RDP flow
constexpr int64_t kQuietFlow_us = 120'000'000;   // closed/pending flows forgotten after 2 min of silence
constexpr uint64_t kSweepEvery = 16384;          // frames between sweeps

// Approximate heap size of a finished connection's facts, for
// Limits::max_kept_bytes. Counts the object and every string and vector that
// capture bytes can make large (names, cookies, lists, certificates, the
// timeline); small fixed-size members are in sizeof.
size_t str_bytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
template <typename T>
size_t vec_bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}
size_t strs_bytes(const std::vector<std::string>& v) {
  size_t n = vec_bytes(v);
  for (const auto& s : v) n += str_bytes(s);
  return n;
}
size_t approx_bytes(const model::ConnectionSummary& c) {
  size_t n = sizeof(c) + str_bytes(c.client_ip) + str_bytes(c.server_ip) + vec_bytes(c.tcp.icmp) +
             str_bytes(c.proxy.target) + str_bytes(c.negotiation.parse_error) + strs_bytes(c.limits_hit) +
             vec_bytes(c.timeline);
  for (const auto& i : c.tcp.icmp) n += str_bytes(i.reporter);
  for (const auto& e : c.timeline) n += str_bytes(e.detail);
  if (const auto& r = c.negotiation.request)
    n += str_bytes(r->cookie) + str_bytes(r->routing_token) + str_bytes(r->correlation_id_hex);
  if (const auto& g = c.negotiation.client_gcc) n += str_bytes(g->client_name);
  const auto& t = c.tls;
  if (const auto& h = t.client_hello)
    n += vec_bytes(h->cipher_suites) + vec_bytes(h->supported_versions) + str_bytes(h->sni) +
         vec_bytes(h->supported_groups) + vec_bytes(h->signature_algorithms) + strs_bytes(h->alpn) +
         vec_bytes(h->extension_types);
  if (t.hello_retry) n += vec_bytes(t.hello_retry->extension_types);
  if (t.server_hello) n += vec_bytes(t.server_hello->extension_types);
  if (const auto& r = t.certificate_request) n += vec_bytes(r->certificate_types) + vec_bytes(r->signature_algorithms);
  n += vec_bytes(t.certificates) + vec_bytes(t.alerts) + str_bytes(t.client_error) + str_bytes(t.server_error);
  for (const auto& f : t.certificates)
    n += str_bytes(f.parse_error) + str_bytes(f.subject) + str_bytes(f.subject_cn) + str_bytes(f.issuer) +
         str_bytes(f.serial_hex) + str_bytes(f.key_type) + str_bytes(f.ec_curve) + str_bytes(f.signature_algorithm) +
         str_bytes(f.signature_hash) + strs_bytes(f.san_dns) + strs_bytes(f.san_ip) + strs_bytes(f.eku_oids) +
         str_bytes(f.sha256_fingerprint);
  return n;
}

std::string size_text(size_t bytes) {
  if (bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}
}  // namespace

struct Analyzer::Impl {
  // A payload-less segment kept compactly (32 bytes) for replay into a
  // Connection created later; addresses and ports come from the flow key.
  struct PendingSegment {
    model::FrameRef at;
    uint32_t seq = 0, ack = 0;
    uint8_t flags = 0;
    bool from_a = false;  // sent by key.a:key.port_a
  };
  // live: a Connection follows the flow. half_open: a flow on an RDP port
  // that has only seen the client's SYN(s), kept compact until anything else
  // arrives (a SYN flood costs ~0.2 KB per flow, not a Connection's ~2.5 KB).
  // pending: a flow on another port whose first payload has not arrived yet:
  // its handshake is kept (bounded) in case the payload is an X.224 request.
  // closed: finished; remembered so that its stray segments start nothing.
  struct Flow {
    enum class Kind { live, closed, pending, half_open } kind = Kind::pending;
    std::unique_ptr<Connection> conn;
    std::vector<PendingSegment> pending;
    int64_t last_us = 0;
    size_t retained = 0;  // conn->retained_bytes() when last measured (counted in buffered_total)
  };
  using FlowIt = FlowTable<Flow>::iterator;

  // Finished connections kept for the report, best first: those that got
  // beyond TCP (X.224, TLS, any payload), then by first frame.
  using KeptKey = std::tuple<int, uint64_t, std::string, uint16_t>;
  struct Kept {
    model::ConnectionSummary summary;
    size_t bytes = 0;
  };

  AnalyzerOptions options;
  CaptureStats stats;
  FlowTable<Flow> flows;
  std::map<KeptKey, Kept> kept;
  size_t kept_bytes = 0;
  std::map<std::string, uint64_t> not_reported_by_outcome;
  std::vector<model::ConnectionSummary> one{1};  // diagnose() input for one connection
  size_t closed_flows = 0;      // closed markers in `flows`
  size_t buffered_total = 0;    // sum of Flow::retained over live flows
  uint64_t next_id = 1;
  size_t live = 0;
  model::FrameRef last_frame;
  KerberosWatch kerberos;  // cleartext KRB-ERRORs on TCP/UDP 88, attached to RDP connections at the end

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
    if (KerberosWatch::is_kerberos(t.sport, t.dport)) return false;
    if (!t.payload.empty()) return !proto::looks_like_connection_request(t.payload);
    const bool syn_only = (t.flags & net::tcp_flag::syn) && !(t.flags & net::tcp_flag::ack);
    return !syn_only;  // a SYN may open a flow found by content later
  }

  // --- finished connections ------------------------------------------------
  void keep(model::ConnectionSummary summary) {
    const bool beyond_tcp = summary.tcp.client_bytes + summary.tcp.server_bytes > 0 ||
                            summary.negotiation.request || summary.tls.client_hello;
    KeptKey key{beyond_tcp ? 0 : 1, summary.first.frame, summary.client_ip, summary.client_port};
    const size_t bytes = approx_bytes(summary);
    const auto& lim = options.limits;
    if (kept.size() >= lim.max_kept_connections && !kept.empty() && !(key < std::prev(kept.end())->first)) {
      not_reported(summary);  // worse than everything kept
      return;
    }
    kept_bytes += bytes;
    kept.insert_or_assign(std::move(key), Kept{std::move(summary), bytes});
    while (!kept.empty() && (kept.size() > lim.max_kept_connections || kept_bytes > lim.max_kept_bytes)) {
      auto worst = std::prev(kept.end());
      kept_bytes -= worst->second.bytes;
      not_reported(worst->second.summary);
      kept.erase(worst);
    }
  }

  // Counted by what the rules say of the connection on its own (no
  // capture-wide view): outcome and first finding code.
  void not_reported(const model::ConnectionSummary& summary) {
    ++stats.connections_not_reported;
    one[0] = summary;
    const auto d = rules::diagnose(one, options.reference_time_s);
    std::string what = rules::outcome_name(d[0].verdict.outcome);
    if (!d[0].findings.empty()) what += " " + d[0].findings.front().code;
    ++not_reported_by_outcome[what];
  }

  void finalize(Flow& flow) {
    buffered_total -= flow.retained;
    flow.retained = 0;
    keep(flow.conn->take_summary());
    flow.conn.reset();
    flow.kind = Flow::Kind::closed;
    ++closed_flows;
    --live;
  }

  // --- flow table ----------------------------------------------------------
  FlowIt erase(FlowIt it) {
    if (it->second.kind == Flow::Kind::closed) --closed_flows;
    return flows.erase(it);
  }

  // Room for one more flow table entry? Closed markers go first (without
  // them a late stray segment of a finished flow may start a mid-stream
  // connection); swept only when they are a quarter of the table, so each
  // sweep frees that much (no quadratic work under a flood).
  bool room_for_flow() {
    const auto& lim = options.limits;
    if (flows.size() < lim.max_flows) return true;
    if (closed_flows == 0 || closed_flows < lim.max_flows / 4) return false;
    for (auto it = flows.begin(); it != flows.end();)
      it = it->second.kind == Flow::Kind::closed ? erase(it) : std::next(it);
    return flows.size() < lim.max_flows;
  }

  Flow* start_connection(const FlowKey& key, const net::TcpSegment& seg, bool client_is_source, bool by_port,
                         int64_t now) {
    if (live >= options.limits.max_connections || (flows.find(key) == flows.end() && !room_for_flow())) {
      ++stats.segments_over_flow_cap;
      return nullptr;
    }
    Flow& flow = flows[key];
    if (flow.kind == Flow::Kind::closed) --closed_flows;
    flow.kind = Flow::Kind::live;
    flow.conn = std::make_unique<Connection>(next_id++, seg, client_is_source, by_port, options.limits);
    flow.conn->set_keys(options.keys);
    flow.pending.clear();
    flow.pending.shrink_to_fit();
    flow.last_us = now;
    flow.retained = 0;
    ++live;
    ++stats.flows_seen;
    return &flow;
  }

  // After anything that may grow or shrink a connection's buffers: keep the
  // capture-wide total, and stop following the connection that made it go
  // over Limits::max_buffered_bytes.
  void account(Flow& flow, const model::FrameRef& at) {
    const size_t now = flow.conn->retained_bytes();
    buffered_total = buffered_total - flow.retained + now;
    const bool grew = now > flow.retained;
    flow.retained = now;
    if (grew && buffered_total > options.limits.max_buffered_bytes) {
      flow.conn->shed_buffers(at, "capture-wide buffer budget (" + size_text(options.limits.max_buffered_bytes) + ")");
      ++stats.buffer_budget_hits;
      const size_t after = flow.conn->retained_bytes();
      buffered_total = buffered_total - flow.retained + after;
      flow.retained = after;
    }
  }

  void deliver(Flow& flow, const net::TcpSegment& seg, const model::FrameRef& at) {
    flow.conn->on_segment(seg, at);
    flow.last_us = at.time_us;
    account(flow, at);
    if (flow.conn->closed()) finalize(flow);
  }

  static PendingSegment compact(const FlowKey& key, const net::TcpSegment& seg, const model::FrameRef& at) {
    return {at, seg.seq, seg.ack, seg.flags, seg.src == key.a && seg.sport == key.port_a};
  }
  static net::TcpSegment expand(const FlowKey& key, const PendingSegment& p) {
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
  Flow* open_half_open(FlowIt it, bool anyway) {
    const FlowKey key = it->first;
    Flow& flow = it->second;
    if (!anyway && live >= options.limits.max_connections) {
      ++stats.segments_over_flow_cap;
      erase(it);
      return nullptr;
    }
    std::vector<PendingSegment> syns = std::move(flow.pending);
    const net::TcpSegment first = expand(key, syns.front());
    flow.kind = Flow::Kind::live;
    flow.pending = {};
    flow.conn = std::make_unique<Connection>(next_id++, first, is_rdp_port(first.dport), true, options.limits);
    flow.conn->set_keys(options.keys);
    flow.retained = 0;
    ++live;
    ++stats.flows_seen;
    for (const auto& p : syns)
      if (flow.kind == Flow::Kind::live) deliver(flow, expand(key, p), p.at);
    return flow.kind == Flow::Kind::live ? &flow : nullptr;
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
          erase(it);  // port reuse: a new SYN after FIN/RST is a new connection
          break;
        case Flow::Kind::pending:
          on_pending(it, seg, at);
          return;
        case Flow::Kind::half_open: {
          const auto& first = flow.pending.front();
          const bool same_syn_again =
              syn_only && seg.payload.empty() && compact(key, seg, at).from_a == first.from_a;
          flow.last_us = at.time_us;
          if (same_syn_again && flow.pending.size() < kMaxPendingSegments) {
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
          ++stats.segments_over_flow_cap;
          return;
        }
        Flow& flow = flows[key];
        flow.kind = Flow::Kind::half_open;
        flow.last_us = at.time_us;
        flow.pending.push_back(compact(key, seg, at));
        return;
      }
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
    if (syn_only && room_for_flow()) {
      Flow& flow = flows[key];
      flow.kind = Flow::Kind::pending;
      flow.last_us = at.time_us;
      flow.pending.push_back(compact(key, seg, at));
    }
  }

  void on_pending(FlowIt it, const net::TcpSegment& seg, const model::FrameRef& at) {
    Flow& flow = it->second;
    flow.last_us = at.time_us;
    if (seg.payload.empty()) {
      if (seg.flags & (net::tcp_flag::rst | net::tcp_flag::fin)) {
        erase(it);
      } else if (flow.pending.size() < kMaxPendingSegments) {
        flow.pending.push_back(compact(it->first, seg, at));
      }
      return;
    }
    if (!proto::looks_like_connection_request(seg.payload)) {
      erase(it);  // not RDP: forget it
      return;
    }
    // RDP found by content: replay the handshake kept so far, then this segment.
    std::vector<PendingSegment> handshake = std::move(flow.pending);
    const FlowKey key = it->first;
    erase(it);
    Flow* started = start_connection(key, seg, true, false, handshake.empty() ? at.time_us : handshake.front().at.time_us);
    if (!started) return;
    started->conn->set_rdp_by_content();
    for (const auto& p : handshake)
      if (started->kind == Flow::Kind::live) deliver(*started, expand(key, p), p.at);
    if (started->kind == Flow::Kind::live) deliver(*started, seg, at);
  }

  void on_icmp(const net::IcmpUnreachable& icmp, const model::FrameRef& at) {
    if (icmp.quoted_protocol != 6) return;
    const FlowKey key = FlowKey::of(icmp.quoted_src, icmp.quoted_sport, icmp.quoted_dst, icmp.quoted_dport);
    auto it = flows.find(key);
    if (it == flows.end()) return;
    Flow* flow = &it->second;
    if (flow->kind == Flow::Kind::half_open) flow = open_half_open(it, false);
    if (!flow || flow->kind != Flow::Kind::live) return;
    flow->conn->on_icmp(icmp, at);
    flow->last_us = at.time_us;
  }

  // A flow that ends here (capture end, idle timeout): half-open flows get
  // their Connection first.
  void end_flow(FlowIt it) {
    Flow* flow = &it->second;
    if (flow->kind == Flow::Kind::half_open) flow = open_half_open(it, true);
    if (!flow || flow->kind != Flow::Kind::live) return;
    flow->conn->on_capture_end(last_frame);
    finalize(*flow);
  }

  // A sweep visits every table entry: every kSweepEvery frames, but not
  // more often than once per table size in frames (linear time overall
  // when a flood fills the table).
  uint64_t last_sweep_frame = 0;
  void maybe_sweep(int64_t now) {
    if (stats.frames % kSweepEvery != 0 || stats.frames - last_sweep_frame < flows.size()) return;
    last_sweep_frame = stats.frames;
    sweep(now);
  }

  void sweep(int64_t now) {
    for (auto it = flows.begin(); it != flows.end();) {
      Flow& f = it->second;
      const int64_t idle = now - f.last_us;
      const bool followed = f.kind == Flow::Kind::live || f.kind == Flow::Kind::half_open;
      if (!followed && idle > kQuietFlow_us) {
        it = erase(it);
        continue;
      }
      if (followed && options.limits.idle_timeout_us > 0 && idle > options.limits.idle_timeout_us) {
        end_flow(it);  // leaves it closed
        it = erase(it);
        continue;
      }
      ++it;
    }
  }

  // Capture-level notes for every capture-wide cap that was hit.
  void write_notes() {
    const auto& lim = options.limits;
    auto& notes = stats.notes;
    if (stats.segments_over_flow_cap)
      notes.push_back(fmt::format("{} TCP segment{} that would have started a new flow {} not followed: at most {} "
                                  "connections are followed at once and {} flows tracked",
                                  stats.segments_over_flow_cap, stats.segments_over_flow_cap == 1 ? "" : "s",
                                  stats.segments_over_flow_cap == 1 ? "was" : "were",
                                  lim.max_connections, lim.max_flows));
    if (stats.buffer_budget_hits)
      notes.push_back(fmt::format("{} connection{} stopped being followed when all connections together held {} of "
                                  "buffered bytes; their findings may be incomplete",
                                  stats.buffer_budget_hits, stats.buffer_budget_hits == 1 ? "" : "s",
                                  size_text(lim.max_buffered_bytes)));
    if (stats.connections_not_reported) {
      std::string counts;
      for (const auto& [what, n] : not_reported_by_outcome)
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, what);
      notes.push_back(fmt::format("{} finished connection{} over the report limit ({} connections, {} of facts) {} "
                                  "only counted, by outcome and first finding (those that got beyond TCP are "
                                  "listed first, then by start): {}",
                                  stats.connections_not_reported, stats.connections_not_reported == 1 ? "" : "s",
                                  lim.max_kept_connections, size_text(lim.max_kept_bytes),
                                  stats.connections_not_reported == 1 ? "is" : "are", counts));
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
  // Whatever the front end passes, times stay within +/- 2^53 us so that
  // differences between them (idle times, durations) cannot overflow.
  const int64_t time_us = std::clamp(frame.time_us, -util::kMaxTimeMicros, util::kMaxTimeMicros);
  if (st.frames == 0) st.first_time_us = time_us;
  ++st.frames;
  st.bytes += frame.wire_length ? frame.wire_length : data.size();
  st.last_time_us = time_us;
  const model::FrameRef at{frame.number, time_us};
  s.last_frame = at;

  if (net::PlainTcp tcp; net::peek_plain_tcp(frame.link_type, data, tcp) && s.ignorable(tcp)) {
    ++st.tcp_segments;  // what on_tcp() would have done with it
    s.maybe_sweep(time_us);
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
  if (packet.kind == net::PacketKind::tcp && KerberosWatch::is_kerberos(packet.tcp.sport, packet.tcp.dport))
    s.kerberos.on_tcp(packet.tcp, at);
  if (packet.kind == net::PacketKind::tcp)
    s.on_tcp(packet.tcp, at);
  else if (packet.kind == net::PacketKind::udp)
    s.kerberos.on_udp(packet.udp, at);
  else if (packet.kind == net::PacketKind::icmp_unreachable)
    s.on_icmp(packet.icmp, at);
  s.maybe_sweep(time_us);
}

AnalysisResult Analyzer::finish() {
  Impl& s = *impl_;
  for (auto it = s.flows.begin(); it != s.flows.end(); ++it) s.end_flow(it);
  s.flows.clear();
  s.closed_flows = 0;
  s.write_notes();

  AnalysisResult result;
  result.stats = s.stats;
  result.reference_time_s = s.options.reference_time_s;
  std::vector<model::ConnectionSummary> summaries;
  summaries.reserve(s.kept.size());
  for (auto& [key, k] : s.kept) summaries.push_back(std::move(k.summary));
  s.kept.clear();
  s.kept_bytes = 0;
  std::sort(summaries.begin(), summaries.end(), [](const auto& a, const auto& b) {
    if (a.first.frame != b.first.frame) return a.first.frame < b.first.frame;
    if (a.client_ip != b.client_ip) return a.client_ip < b.client_ip;
    return a.client_port < b.client_port;
  });
  for (size_t i = 0; i < summaries.size(); ++i) {
    summaries[i].id = i + 1;
    s.kerberos.attach(summaries[i]);
  }
  auto diagnoses = rules::diagnose(summaries, s.options.reference_time_s);
  result.connections.reserve(summaries.size());
  for (size_t i = 0; i < summaries.size(); ++i)
    result.connections.push_back({std::move(summaries[i]), std::move(diagnoses[i].verdict),
                                  std::move(diagnoses[i].findings), diagnoses[i].certificates_judged_at_s});
  return result;
}

}  // namespace rdpcap::session
