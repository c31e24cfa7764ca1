// NDJSON records (--ndjson, README "NDJSON records"): one line per
// connection, then per server, per amendment and one for the capture. Every
// line starts with "schema", "record" and "capture".
#include <algorithm>

#include "report/json_parts.hpp"
#include "report/json_report.hpp"
#include "rules/rule_context.hpp"
#include "text/wire_text.hpp"

namespace rdpcap::report {

using json::W;

namespace {

// Opens a record's object with the three keys every record starts with.
W& record(W& w, const char* kind, const std::string& capture_name) {
  return w.begin_object().field("schema", json_schema).field("record", kind).field_text("capture", capture_name);
}

}  // namespace

std::string render_ndjson(const session::AnalysisResult& result, const std::string& capture_name) {
  std::string out;
  for (const auto& r : result.connections) {
    W w(out, W::Layout::compact);
    json::write_connection(record(w, "connection", capture_name).key("connection"), r);
    w.end_object();
    out += '\n';
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

void StreamTotals::add_final(const session::ConnectionResult& r) {
  for (const auto& f : r.findings) final_severity = std::max(final_severity, static_cast<int>(f.severity));
}

void append_ndjson_connection(std::string& out, const session::ConnectionResult& r, engine::EndReason why,
                              const std::string& capture_name) {
  W w(out, W::Layout::compact);
  record(w, "connection", capture_name).field("ended", engine::end_reason_name(why));
  json::write_connection(w.key("connection"), r);
  w.end_object();
  out += '\n';
}

std::string render_ndjson_server(const engine::ServerRecord& k, const std::string& capture_name) {
  std::string line;
  W w(line, W::Layout::compact);
  record(w, "server", capture_name)
      .key("server")
      .begin_object()
      .field("server", text::endpoint(k.server_ip, k.server_port))
      .field("connections", k.connections)
      .key("tls_versions")
      .begin_array();
  for (const auto& [v, n] : k.versions)
    w.begin_object().field("version", text::version_text(v)).field("handshakes", n).end_object();
  w.end_array().key("cipher_suites").begin_array();
  for (const auto& [c, n] : k.suites) w.begin_object().field("suite", text::suite_text(c)).field("handshakes", n).end_object();
  w.end_array().key("certificates").begin_array();
  for (const auto& c : k.certificates) {
    w.begin_object().field("sha256", c.sha256_fingerprint).field_text("subject", c.subject);
    json::frame_field(w, "first", c.first);
    w.end_object();
  }
  w.end_array().field("certificate_changed", k.certificates.size() > 1).end_object().end_object();
  line += '\n';
  return line;
}

std::string render_ndjson_amendment(const engine::Amendment& a, const std::string& capture_name) {
  std::string line;
  W w(line, W::Layout::compact);
  record(w, "amendment", capture_name).field("amends", a.connection_id).key("added").begin_array();
  for (const auto& f : a.added) json::write_finding(w, f);
  w.end_array().key("removed").begin_array();
  for (const auto& code : a.removed) w.value(code);
  w.end_array()
      .field("outcome", rules::outcome_name(a.verdict.outcome))
      .field_text("verdict", a.verdict.text)
      .end_object();
  line += '\n';
  return line;
}

std::string render_ndjson_capture(const session::AnalysisResult& result, const StreamTotals& totals,
                                  const std::string& capture_name) {
  std::string line;
  W w(line, W::Layout::compact);
  json::write_capture(record(w, "capture", capture_name).key("summary"), result, capture_name,
                      {totals.connections, totals.errors, totals.warnings, totals.infos});
  w.end_object();
  line += '\n';
  return line;
}

}  // namespace rdpcap::report
