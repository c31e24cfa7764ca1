// Capture-wide JSON: the capture's statistics and notes (the document's
// "capture", the NDJSON "capture" record's "summary") and the per-server
// view of a whole-capture result (the document's "servers").
#include <map>

#include "report/json_parts.hpp"
#include "report/json_report.hpp"
#include "rules/rule_context.hpp"
#include "text/wire_text.hpp"

namespace rdpcap::report::json {

std::string completed_text(uint16_t version, uint16_t suite) {
  return text::version_text(version) + " " + text::suite_text(suite);
}

void write_server_entries(W& w, const std::map<std::string, ServerEntry>& servers,
                          const std::function<void()>& after_each) {
  w.begin_array();
  for (const auto& [server, e] : servers) {
    w.begin_object().field("server", server).key("connections").begin_array();
    for (uint64_t id : e.ids) w.value(id);
    w.end_array().key("outcomes").begin_object();  // never empty: a server has a connection
    for (const auto& [o, n] : e.outcomes) w.field(JsonKey::any(o), n);
    w.end_object().key("tls_completed").begin_array();
    for (const auto& [what, n] : e.completed) w.begin_object().field("tls", what).field("handshakes", n).end_object();
    w.end_array().end_object();
    if (after_each) after_each();
  }
  w.end_array();
}

void write_servers(W& w, const session::AnalysisResult& result) {
  std::map<std::string, ServerEntry> by_server;
  for (const auto& r : result.connections) {
    auto& e = by_server[rules::server_key(r.summary)];
    e.ids.push_back(r.summary.id);
    ++e.outcomes[rules::outcome_name(r.verdict.outcome)];
    const auto& t = r.summary.tls;
    if (t.handshake_complete())
      ++e.completed[completed_text(t.server_hello->negotiated_version(), t.server_hello->cipher_suite)];
  }
  write_server_entries(w, by_server);
}

void write_capture(W& w, const session::AnalysisResult& result, const std::string& capture_name, const Counts& n) {
  const auto& s = result.stats;
  w.begin_object().field_text("file", capture_name).field("frames", s.frames).field("bytes", s.bytes);
  if (s.frames)
    w.field("first_time", text::iso_time(s.first_time_us)).field("last_time", text::iso_time(s.last_time_us));
  else
    w.field_null("first_time").field_null("last_time");
  if (result.reference_time_s)
    w.field("reference_time", text::utc_seconds(*result.reference_time_s));
  else
    w.field_null("reference_time");
  w.field("tcp_segments", s.tcp_segments)
      .field("undecodable_frames", s.undecodable_frames)
      .field("unsupported_link_frames", s.unsupported_link_frames)
      .field("segments_over_flow_cap", s.segments_over_flow_cap)
      .field("connections", n.connections)
      .key("findings")
      .begin_object()
      .field("error", n.errors)
      .field("warning", n.warnings)
      .field("info", n.infos)
      .end_object();
  if (!s.notes.empty()) {  // a capture-wide cap was hit (session::Limits); absent otherwise
    w.field("connections_not_reported", s.connections_not_reported)
        .field("buffer_budget_hits", s.buffer_budget_hits)
        .key("notes")
        .begin_array();
    for (const auto& note : s.notes) w.text(note);
    w.end_array();
  }
  w.end_object();
}

Counts document_counts(const session::AnalysisResult& result) {
  StreamTotals t;
  for (const auto& r : result.connections) t.add(r);
  return {result.connections.size(), t.errors, t.warnings, t.infos};
}

}  // namespace rdpcap::report::json
