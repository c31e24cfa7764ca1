// Machine report (schema "rdpcap/1", documented in README.md).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace rdpcap::report {

constexpr const char* json_schema = "rdpcap/1";

// One JSON document for the capture (pretty-printed, stable key order).
std::string render_json(const session::AnalysisResult& result, const std::string& capture_name);
// The same document written to `out` as it is made, one connection at a time
// (memory: one connection's text, not the document). Without final_newline it
// ends with "}" (a document inside the several-captures wrapper).
void write_json(const session::AnalysisResult& result, const std::string& capture_name, std::FILE* out,
                bool final_newline = true);
// One line per connection (NDJSON), each carrying the capture name: the
// "connection" records of a whole-capture result (used when the connections
// cannot be streamed: --redact, --report, --evidence need them all first).
std::string render_ndjson(const session::AnalysisResult& result, const std::string& capture_name);

// Streaming NDJSON (README "NDJSON records"): every line has "schema",
// "record" and "capture". A "connection" line is written when that connection
// ends (engine::ResultSink::on_connection; its id is the stream id); at the end
// of the capture, one "server" line per server (what all its connections
// showed together), one "amendment" line per connection whose findings the
// capture-wide pass changed, and one "capture" line (statistics, notes, and
// the totals of the connection lines).
struct StreamTotals {
  uint64_t connections = 0;
  uint64_t errors = 0, warnings = 0, infos = 0;
  // The most severe final finding of the connections the capture-wide pass
  // judged again (engine::ResultSink::on_final; -1: none): for --fail-on only,
  // their connections were counted when streamed.
  int final_severity = -1;
  void add(const session::ConnectionResult& r);
  void add_final(const session::ConnectionResult& r);
  // Any finding at or above `threshold` (0 info, 1 warning, 2 error; --fail-on).
  bool at_or_above(int threshold) const {
    return (threshold <= 2 && errors) || (threshold <= 1 && warnings) || (threshold == 0 && infos) ||
           final_severity >= threshold;
  }
};
// A connection's line, appended to `out` (a sink reuses one buffer for every line).
void append_ndjson_connection(std::string& out, const session::ConnectionResult& r, engine::EndReason why,
                              const std::string& capture_name);
std::string render_ndjson_server(const engine::ServerRecord& server, const std::string& capture_name);
std::string render_ndjson_amendment(const engine::Amendment& amendment, const std::string& capture_name);
// `result`: what finish() returned (its statistics and notes are used, not its connections).
std::string render_ndjson_capture(const session::AnalysisResult& result, const StreamTotals& totals,
                                  const std::string& capture_name);

}  // namespace rdpcap::report
