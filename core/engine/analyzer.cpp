#include "engine/analyzer.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "engine/capture_notes.hpp"
#include "engine/capture_pass.hpp"
#include "engine/end_queue.hpp"
#include "engine/flow_tracker.hpp"
#include "engine/kept_results.hpp"
#include "net/fast_path.hpp"
#include "net/packet.hpp"
#include "session/kerberos_watch.hpp"
#include "util/time.hpp"

namespace rdpcap::engine {

const char* end_reason_name(EndReason r) {
  switch (r) {
    case EndReason::closed: return "closed";
    case EndReason::idle_timeout: return "idle_timeout";
    case EndReason::capture_end: return "capture_end";
  }
  return "closed";
}

FindingAt finding_at(const model::ConnectionSummary& c, uint64_t stream_id, uint64_t known_at, bool withdrawn,
                     bool capture_wide, rules::Finding finding) {
  FindingAt f;
  f.connection_id = stream_id;
  f.known_at = known_at;
  f.withdrawn = withdrawn;
  f.capture_wide = capture_wide;
  f.finding = std::move(finding);
  f.client_ip = c.client_ip;
  f.server_ip = c.server_ip;
  f.client_port = c.client_port;
  f.server_port = c.server_port;
  f.ipv6 = c.ipv6;
  return f;
}

namespace {
// Changes when anything a rule reads about the connection's progress changed
// (not on every data segment): then the rules run again on the partial facts.
uint64_t progress_signature(const model::ConnectionSummary& s) {
  uint64_t h = 1469598103934665603ull;
  const auto mix = [&h](uint64_t v) { h = (h ^ v) * 1099511628211ull; };
  mix(static_cast<uint64_t>(s.stage));
  mix(s.timeline.size());
  mix(s.limits_hit.size());
  mix(s.tcp.icmp.size());
  mix(s.tcp.syn_ack.frame), mix(s.tcp.client_fin.frame), mix(s.tcp.server_fin.frame);
  mix(s.tcp.client_rst.frame), mix(s.tcp.server_rst.frame);
  mix(s.proxy.reply_at.frame);
  mix(s.negotiation.confirm_at.frame), mix(s.negotiation.parse_error_at.frame);
  mix(s.negotiation.disconnect_at.frame);
  mix(s.tls.client_hello_count), mix(s.tls.alerts.size()), mix(s.tls.certificates.size());
  mix(s.tls.client_error_at.frame), mix(s.tls.server_error_at.frame);
  mix(std::min<uint64_t>(s.tls.client_encrypted.records, 4)), mix(std::min<uint64_t>(s.tls.server_encrypted.records, 4));
  // Decrypted inner facts (model::InnerFacts): the NLA/RDP rules read these.
  const auto& in = *s.inner;
  mix(static_cast<uint64_t>(in.phase));
  mix(in.client_ts_requests), mix(in.server_ts_requests), mix(in.error_at.frame), mix(in.auth_info_at.frame);
  mix(in.kerberos_errors.size()), mix(in.kerberos_requests.size()), mix(in.ntlm_used), mix(in.euar_at.frame);
  mix(in.set_error_info_count), mix(in.license_at.frame), mix(in.dpu_at.frame), mix(in.parse_error_at.frame);
  mix(in.deactivate_all_at.frame), mix(in.logon_at.frame);
  return h;
}
}  // namespace

struct Analyzer::Impl final : FlowListener {
  explicit Impl(AnalyzerOptions opts)
      : options(std::move(opts)),
        kept(options, stats),
        tracker(options, stats, *this, /*notify_touched=*/true),
        view(options),
        kerberos(options.limits) {}

  AnalyzerOptions options;
  CaptureStats stats;
  KeptResults kept;
  FlowTracker tracker;
  StreamView view;  // used only when streaming()
  ResultSink* sink = nullptr;
  model::FrameRef last_frame;
  // Cleartext KRB-ERRORs on TCP/UDP 88: each connection takes those of its
  // client in its setup window when it ends (the window closes at its last
  // frame), so every report and the capture-wide pass see them.
  session::KerberosWatch kerberos;

  // What the rules see of a connection still open: with the Kerberos answers
  // of its client seen so far (a copy, only when there are any).
  template <typename F>
  auto with_kerberos(const model::ConnectionSummary& s, F&& use) {
    if (!kerberos.any_for(s.client_ip)) return use(s);
    model::ConnectionSummary copy = s;
    kerberos.attach(copy);
    return use(copy);
  }

  // findings_per_frame: what was given for each live connection.
  struct Progress {
    uint64_t signature = 0;
    std::vector<GivenFinding> given;
  };
  std::unordered_map<uint64_t, Progress> progress;
  std::vector<FindingAt> new_findings;

  bool streaming() const { return sink != nullptr || options.findings_per_frame; }

  // Reports the difference between what was given for connection `id` and
  // `now`; `by_content`: a finding whose content changed counts as new.
  void report_difference(const model::ConnectionSummary& c, uint64_t frame, std::vector<GivenFinding>& given,
                         const std::vector<rules::Finding>& now, bool by_content) {
    const uint64_t id = c.id;
    std::vector<GivenFinding> next;
    for (const auto& f : now) {
      const GivenFinding g{f.code, finding_digest(f)};
      const auto same = std::find_if(given.begin(), given.end(), [&](const GivenFinding& x) {
        return x.first == g.first && (!by_content || x.second == g.second);
      });
      if (same == given.end()) new_findings.push_back(finding_at(c, id, frame, false, false, f));
      next.push_back(by_content || same == given.end() ? g : *same);
    }
    for (const auto& was : given) {
      const std::string& code = was.first;  // not a structured binding: clang 14 cannot capture one
      const bool still = std::any_of(now.begin(), now.end(), [&](const rules::Finding& f) { return f.code == code; });
      if (still) continue;
      rules::Finding gone;
      gone.code = code;
      new_findings.push_back(finding_at(c, id, frame, true, false, std::move(gone)));
    }
    given = std::move(next);
  }

  // Streaming: the ids whose certificate is already in the view.
  std::unordered_set<uint64_t> certificate_noted;

  void connection_touched(const session::Connection& conn, const model::FrameRef& at) override {
    const auto& s = conn.summary();
    // A certificate goes into its server's view when it is seen, not when its
    // connection ends: a connection that ends is then judged against every
    // certificate its server presented at an earlier frame, as the
    // capture-wide pass would (cert.changed needs no amendment).
    if (streaming() && !s.tls.certificates.empty() && !s.tls.certificates.front().sha256_fingerprint.empty() &&
        certificate_noted.insert(s.id).second) {
      if (ends) {
        EndJob job{EndJob::Kind::certificate, {}, EndReason::closed};
        job.summary.server_ip = s.server_ip;
        job.summary.server_port = s.server_port;
        job.summary.ipv6 = s.ipv6;
        job.summary.tls.certificate_at = s.tls.certificate_at;
        job.summary.tls.certificates.push_back(s.tls.certificates.shared(0));
        ends->push(std::move(job));
      } else {
        view.add_certificate(s);
      }
    }
    if (!options.findings_per_frame) return;
    // New port-88 Kerberos answers may concern this connection too.
    const uint64_t sig = progress_signature(s) ^ (kerberos.events() * 0x9e3779b97f4a7c15ull);
    auto [it, inserted] = progress.try_emplace(s.id);
    if (!inserted && it->second.signature == sig) return;
    it->second.signature = sig;
    const auto d = with_kerberos(s, [this](const model::ConnectionSummary& c) { return view.diagnose(c); });
    // `at` may be an earlier frame replayed from a pending flow: known now.
    report_difference(s, last_frame.frame, it->second.given, d.findings, false);
  }

  void connection_ended(model::ConnectionSummary&& s, EndReason why) override {
    kerberos.attach(s);
    certificate_noted.erase(s.id);
    if (!streaming()) {
      kept.keep(std::move(s));
      return;
    }
    if (ends) {
      ends->push({EndJob::Kind::ended, std::move(s), why});
      return;
    }
    end_streamed(std::move(s), why);
  }

  // Diagnosed with what the capture showed so far, given to the sink, kept
  // when the capture-wide pass may amend it (on the EndQueue's thread when
  // there is one).
  void end_streamed(model::ConnectionSummary&& s, EndReason why) {
    auto d = view.diagnose(s);
    if (options.findings_per_frame) {
      std::vector<GivenFinding> given;
      if (auto it = progress.find(s.id); it != progress.end()) {
        given = std::move(it->second.given);
        progress.erase(it);
      }
      report_difference(s, last_frame.frame, given, d.findings, true);
    }
    view.add(s);
    std::vector<GivenFinding> given = given_of(d.findings);
    if (sink) {
      ConnectionResult result{std::move(s), std::move(d.verdict), std::move(d.findings), d.certificates_judged_at_s};
      sink->on_connection(result, why);
      s = std::move(result.summary);  // kept for the capture-wide pass
    }
    kept.keep(std::move(s), std::move(given));
  }

  void handle(EndJob& job) {
    if (job.kind == EndJob::Kind::certificate)
      view.add_certificate(job.summary);
    else
      end_streamed(std::move(job.summary), job.why);
  }

  // Streaming to a sink without findings per frame: the ends of connections
  // on a thread of their own (engine/end_queue.hpp). Last: stopped first.
  std::unique_ptr<EndQueue> ends;
};

Analyzer::Analyzer(AnalyzerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Analyzer::~Analyzer() = default;

void Analyzer::set_sink(ResultSink* sink) {
  Impl& s = *impl_;
  if (s.ends) s.ends->drain();
  s.ends.reset();
  s.sink = sink;
  // The sink has every connection; finish() keeps only what it can amend
  // (the plugin, with findings per frame, shows finish()'s connections).
  const bool stream_only = sink && !s.options.findings_per_frame;
  s.kept.set_amendable_only(stream_only);
  if (stream_only) s.ends = std::make_unique<EndQueue>([&s](EndJob& job) { s.handle(job); });
}

const AnalyzerOptions& Analyzer::options() const { return impl_->options; }

uint64_t Analyzer::connections_seen() const { return impl_->stats.flows_seen; }

void Analyzer::expire_idle(int64_t now_us) {
  Impl& s = *impl_;
  if (s.options.limits.idle_timeout_us <= 0 || s.stats.frames == 0) return;
  s.tracker.expire_idle(s.last_frame, std::clamp(now_us, -util::kMaxTimeMicros, util::kMaxTimeMicros));
  if (s.ends) s.ends->drain();  // handed to the sink before this returns
}

std::vector<FindingAt> Analyzer::take_new_findings() {
  std::vector<FindingAt> found = std::exchange(impl_->new_findings, {});
  // A finding given and withdrawn at the same frame was never true at any
  // frame the caller saw (e.g. "SYN unanswered" on a pending flow's replayed
  // SYN, answered by the SYN-ACK that made the flow live): drop both.
  std::vector<bool> drop(found.size(), false);
  for (size_t w = 0; w < found.size(); ++w) {
    if (!found[w].withdrawn) continue;
    for (size_t g = w; g-- > 0;) {
      const FindingAt& x = found[g];
      if (drop[g] || x.withdrawn || x.connection_id != found[w].connection_id || x.known_at != found[w].known_at ||
          x.capture_wide != found[w].capture_wide || x.finding.code != found[w].finding.code)
        continue;
      drop[g] = drop[w] = true;
      break;
    }
  }
  std::vector<FindingAt> out;
  out.reserve(found.size());
  for (size_t i = 0; i < found.size(); ++i)
    if (!drop[i]) out.push_back(std::move(found[i]));
  return out;
}

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

  // Only counted: a frame the reader's prefilter flagged, or one the fast path sees is.
  if (net::PlainTcp tcp; frame.surely_ignored || (net::peek_plain_tcp(frame.link_type, data, tcp) &&
                                                  !session::KerberosWatch::is_kerberos(tcp.sport, tcp.dport) &&
                                                  s.tracker.ignorable(tcp))) {
    ++st.tcp_segments;  // what on_tcp() would have done with it
    s.tracker.maybe_sweep(at);
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
  if (packet.kind == net::PacketKind::tcp && session::KerberosWatch::is_kerberos(packet.tcp.sport, packet.tcp.dport))
    s.kerberos.on_tcp(packet.tcp, at);
  if (packet.kind == net::PacketKind::tcp)
    s.tracker.on_tcp(packet.tcp, at);
  else if (packet.kind == net::PacketKind::udp)
    s.kerberos.on_udp(packet.udp, at);
  else if (packet.kind == net::PacketKind::icmp_unreachable)
    s.tracker.on_icmp(packet.icmp, at);
  s.tracker.maybe_sweep(at);
}

AnalysisResult Analyzer::finish() {
  Impl& s = *impl_;
  const size_t given_at_finish = s.new_findings.size();  // what end_all() gives comes after
  s.tracker.end_all(s.last_frame);
  if (s.ends) s.ends->drain();  // every connection handed to the sink and the view
  write_capture_notes(s.stats, s.options.limits, s.kept.not_reported_by_outcome(),
                      s.streaming() ? s.view.servers_not_viewed() : 0);

  AnalysisResult result;
  result.stats = s.stats;
  result.reference_time_s = s.options.reference_time_s;
  FinalResult on_final;
  if (s.sink && s.sink->takes_finals()) on_final = [&s](const ConnectionResult& r) { s.sink->on_final(r); };
  CapturePass pass = run_capture_pass(s.kept.take(), s.options.reference_time_s, s.streaming(), s.last_frame.frame,
                                      s.streaming() ? &s.view : nullptr, on_final);
  if (s.sink) {
    s.view.for_each_record([&](const ServerRecord& server) { s.sink->on_server(server); });
    for (const auto& amendment : pass.amendments) s.sink->on_amendment(amendment);
  }
  if (s.options.findings_per_frame) {
    for (size_t i = given_at_finish; i < s.new_findings.size(); ++i)
      if (auto it = pass.result_ids.find(s.new_findings[i].connection_id); it != pass.result_ids.end())
        s.new_findings[i].result_id = it->second;
    for (auto& f : pass.refinements) s.new_findings.push_back(std::move(f));
  }
  result.connections = std::move(pass.connections);
  return result;
}

}  // namespace rdpcap::engine
