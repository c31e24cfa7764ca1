// Internal to the JSON reports (json_*.cpp, ndjson_records.cpp): the pieces
// of schema "rdpcap/1" (README.md, "JSON output") that the whole document and
// the NDJSON records are written from, each straight into a JsonWriter (no
// tree per connection). Not part of the report layer's API.
//
// Key order is fixed (the order of the writer calls) and every capture string
// goes through JsonWriter::text (invalid UTF-8 -> U+FFFD), so the same input
// always gives byte-identical output.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analyzer.hpp"
#include "report/json_writer.hpp"
#include "text/time_text.hpp"

namespace rdpcap::report::json {

using W = JsonWriter;

// A capture time as text::iso_time() says it, without an allocation.
inline W& time_field(W& w, JsonKey key, int64_t time_us) {
  const text::TimeChars t = text::iso_time_chars(time_us);
  return w.field(key, t.view());
}

// {"frame", "time"} of a frame reference, or null when it was not seen.
inline void frame(W& w, const model::FrameRef& r) {
  if (!r.seen()) {
    w.null();
    return;
  }
  time_field(w.begin_object().field("frame", r.frame), "time", r.time_us).end_object();
}
inline void frame_field(W& w, JsonKey key, const model::FrameRef& r) { frame(w.key(key), r); }

// A member holding a capture string, or null when the string is empty.
inline void text_or_null(W& w, JsonKey key, const std::string& s) {
  if (s.empty())
    w.field_null(key);
  else
    w.field_text(key, s);
}

// One connection (json_connection.cpp) and its parts.
void write_connection(W& w, const session::ConnectionResult& r);
void write_finding(W& w, const rules::Finding& f);
// json_tls.cpp; `certificates_judged_at_s`: the instant the capture-wide pass
// judged the certificates at (ConnectionResult), written after the TLS facts.
void write_tls(W& w, const model::TlsFacts& t, const std::optional<int64_t>& certificates_judged_at_s);
void write_inner(W& w, const model::InnerFacts& f);  // json_inner.cpp

// Capture-wide records (json_capture.cpp). The capture object's
// "connections" and "findings" counts are the document's connections
// (document_counts) or the NDJSON connection lines written (StreamTotals).
struct Counts {
  uint64_t connections = 0, errors = 0, warnings = 0, infos = 0;
};
Counts document_counts(const session::AnalysisResult& result);
void write_capture(W& w, const session::AnalysisResult& result, const std::string& capture_name, const Counts& counts);
void write_servers(W& w, const session::AnalysisResult& result);
// The document's opening: "{", "schema", "tool" and "capture" (json_document.cpp).
void write_head(W& w, const session::AnalysisResult& result, const std::string& capture_name, const Counts& counts);
// The same "servers" section from per-server entries (the streamed document).
struct ServerEntry {
  std::vector<uint64_t> ids;              // its connections' ids, in document order
  std::map<std::string, int> outcomes;    // outcome name -> connections
  std::map<std::string, int> completed;   // completed_text() -> handshakes
};
std::string completed_text(uint16_t version, uint16_t suite);  // "TLS 1.2 TLS_..."
// By server key; `after_each` (optional) is called after each entry (the
// --json stream hands the text written so far on: W's buffer then stays small).
void write_server_entries(W& w, const std::map<std::string, ServerEntry>& servers,
                          const std::function<void()>& after_each = {});

}  // namespace rdpcap::report::json
