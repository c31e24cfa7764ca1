// Internal to the JSON reports (json_*.cpp, ndjson_records.cpp): the pieces
// of schema "rdpcap/1" (README.md, "JSON output") that the whole document and
// the NDJSON records are built from. Not part of the report layer's API: it
// includes nlohmann-json, which only rdpcap_report links (privately).
//
// Key order is fixed (ordered_json) and every capture string is made valid
// UTF-8, so the same input always gives byte-identical output.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/analyzer.hpp"
#include "text/time_text.hpp"
#include "util/escape.hpp"

namespace rdpcap::report::json {

using Json = nlohmann::ordered_json;

// A string from the capture, made valid UTF-8.
inline std::string text(const std::string& s) { return util::sanitize_utf8(s); }

// {"frame", "time"} of a frame reference, or null when it was not seen.
inline Json frame_json(const model::FrameRef& r) {
  if (!r.seen()) return nullptr;
  return Json{{"frame", r.frame}, {"time", text::iso_time(r.time_us)}};
}

// One connection (json_connection.cpp) and its parts.
Json connection_json(const session::ConnectionResult& r);
Json finding_json(const rules::Finding& f);
Json tls_json(const model::TlsFacts& t);          // json_tls.cpp
Json inner_json(const model::InnerFacts& f);      // json_inner.cpp

// Capture-wide records (json_capture.cpp).
Json capture_json(const session::AnalysisResult& result, const std::string& capture_name);
Json servers_json(const session::AnalysisResult& result);

// The text of a value (json_dump.cpp): indent < 0 is one line; terminal
// controls leave as \uXXXX escapes.
std::string dump(const Json& j, int indent);

}  // namespace rdpcap::report::json
