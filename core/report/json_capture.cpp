// Capture-wide JSON: the capture's statistics and notes (the document's
// "capture", the NDJSON "capture" record's "summary") and the per-server
// view of a whole-capture result (the document's "servers").
#include <map>

#include "report/json_parts.hpp"
#include "rules/rule_context.hpp"
#include "text/wire_text.hpp"

namespace rdpcap::report::json {

Json servers_json(const session::AnalysisResult& result) {
  std::map<std::string, std::vector<const session::ConnectionResult*>> by_server;
  for (const auto& r : result.connections) by_server[rules::server_key(r.summary)].push_back(&r);
  Json out = Json::array();
  for (const auto& [server, conns] : by_server) {
    std::map<std::string, int> completed;
    std::map<std::string, int> outcomes;
    Json ids = Json::array();
    for (const auto* r : conns) {
      ids.push_back(r->summary.id);
      ++outcomes[rules::outcome_name(r->verdict.outcome)];
      const auto& t = r->summary.tls;
      if (t.handshake_complete())
        ++completed[text::version_text(t.server_hello->negotiated_version()) + " " +
                    text::suite_text(t.server_hello->cipher_suite)];
    }
    Json accepted = Json::array();
    for (const auto& [what, n] : completed) accepted.push_back({{"tls", what}, {"handshakes", n}});
    Json outcome_counts;
    for (const auto& [o, n] : outcomes) outcome_counts[o] = n;
    out.push_back({{"server", server}, {"connections", ids}, {"outcomes", outcome_counts}, {"tls_completed", accepted}});
  }
  return out;
}

Json capture_json(const session::AnalysisResult& result, const std::string& capture_name) {
  const auto& s = result.stats;
  std::map<std::string, int> sev;
  for (const auto& r : result.connections)
    for (const auto& f : r.findings) ++sev[rules::severity_name(f.severity)];
  Json j{{"file", text(capture_name)},
              {"frames", s.frames},
              {"bytes", s.bytes},
              {"first_time", s.frames ? Json(text::iso_time(s.first_time_us)) : Json(nullptr)},
              {"last_time", s.frames ? Json(text::iso_time(s.last_time_us)) : Json(nullptr)},
              {"reference_time", result.reference_time_s ? Json(text::utc_seconds(*result.reference_time_s))
                                                         : Json(nullptr)},
              {"tcp_segments", s.tcp_segments},
              {"undecodable_frames", s.undecodable_frames},
              {"unsupported_link_frames", s.unsupported_link_frames},
              {"segments_over_flow_cap", s.segments_over_flow_cap},
              {"connections", result.connections.size()},
              {"findings", {{"error", sev["error"]}, {"warning", sev["warning"]}, {"info", sev["info"]}}}};
  if (!s.notes.empty()) {  // a capture-wide cap was hit (session::Limits); absent otherwise
    j["connections_not_reported"] = s.connections_not_reported;
    j["buffer_budget_hits"] = s.buffer_budget_hits;
    Json notes = Json::array();
    for (const auto& n : s.notes) notes.push_back(text(n));
    j["notes"] = notes;
  }
  return j;
}

}  // namespace rdpcap::report::json
