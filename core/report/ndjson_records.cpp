// NDJSON records (--ndjson, README "NDJSON records"): one line per
// connection, then per server, per amendment and one for the capture. Every
// line starts with "schema", "record" and "capture".
#include "report/json_parts.hpp"
#include "report/json_report.hpp"
#include "rules/rule_context.hpp"
#include "text/wire_text.hpp"

namespace rdpcap::report {

using json::Json;
using json::text;

namespace {

// The three keys every record starts with.
Json record(const char* kind, const std::string& capture_name) {
  Json line;
  line["schema"] = json_schema;
  line["record"] = kind;
  line["capture"] = text(capture_name);
  return line;
}

std::string line_text(const Json& line) { return json::dump(line, -1) + "\n"; }

}  // namespace

std::string render_ndjson(const session::AnalysisResult& result, const std::string& capture_name) {
  std::string out;
  for (const auto& r : result.connections) {
    Json line = record("connection", capture_name);
    line["connection"] = json::connection_json(r);
    out += line_text(line);
  }
  return out;
}

void StreamTotals::add(const session::ConnectionResult& r) {
  ++connections;
  for (const auto& f : r.findings) {
    if (f.severity == rules::Severity::error)
      ++errors;
    else if (f.severity == rules::Severity::warning)
      ++warnings;
    else
      ++infos;
  }
}

std::string render_ndjson_connection(const session::ConnectionResult& r, engine::EndReason why,
                                     const std::string& capture_name) {
  Json line = record("connection", capture_name);
  line["ended"] = engine::end_reason_name(why);
  line["connection"] = json::connection_json(r);
  return line_text(line);
}

std::string render_ndjson_server(const engine::ServerRecord& k, const std::string& capture_name) {
  Json versions = Json::array(), suites = Json::array(), certificates = Json::array();
  for (const auto& [v, n] : k.versions) versions.push_back({{"version", text::version_text(v)}, {"handshakes", n}});
  for (const auto& [c, n] : k.suites) suites.push_back({{"suite", text::suite_text(c)}, {"handshakes", n}});
  for (const auto& c : k.certificates)
    certificates.push_back({{"sha256", c.sha256_fingerprint}, {"subject", text(c.subject)}, {"first", json::frame_json(c.first)}});
  Json line = record("server", capture_name);
  line["server"] = {{"server", text::endpoint(k.server_ip, k.server_port)},
                    {"connections", k.connections},
                    {"tls_versions", versions},
                    {"cipher_suites", suites},
                    {"certificates", certificates},
                    {"certificate_changed", k.certificates.size() > 1}};
  return line_text(line);
}

std::string render_ndjson_amendment(const engine::Amendment& a, const std::string& capture_name) {
  Json added = Json::array(), removed = Json::array();
  for (const auto& f : a.added) added.push_back(json::finding_json(f));
  for (const auto& code : a.removed) removed.push_back(code);
  Json line = record("amendment", capture_name);
  line["amends"] = a.connection_id;
  line["added"] = added;
  line["removed"] = removed;
  line["outcome"] = rules::outcome_name(a.verdict.outcome);
  line["verdict"] = text(a.verdict.text);
  return line_text(line);
}

std::string render_ndjson_capture(const session::AnalysisResult& result, const StreamTotals& totals,
                                  const std::string& capture_name) {
  Json summary = json::capture_json(result, capture_name);
  summary["connections"] = totals.connections;
  summary["findings"] = {{"error", totals.errors}, {"warning", totals.warnings}, {"info", totals.infos}};
  Json line = record("capture", capture_name);
  line["summary"] = summary;
  return line_text(line);
}

}  // namespace rdpcap::report
