// Machine report (schema "rdpcap/1", documented in README.md).
#pragma once

#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace rdpcap::report {

constexpr const char* json_schema = "rdpcap/1";

// One JSON document for the capture (pretty-printed, stable key order).
std::string render_json(const session::AnalysisResult& result, const std::string& capture_name);
// One line per connection (NDJSON), each carrying the capture name.
std::string render_ndjson(const session::AnalysisResult& result, const std::string& capture_name);

}  // namespace rdpcap::report
