// The whole-capture JSON document (--json): header, capture, servers, then
// the connections, written one connection at a time so that memory stays
// flat however many connections a capture holds.
#include "report/json_parts.hpp"
#include "report/json_report.hpp"

namespace rdpcap::report {

namespace {

// The document, handed to `emit` piece by piece: the header, then each
// connection as soon as it is written (no tree, no copy of the connections).
template <typename Emit>
void emit_json(const session::AnalysisResult& result, const std::string& capture_name, Emit&& emit) {
  std::string out;
  json::W w(out, json::W::Layout::pretty);
  json::write_head(w, result, capture_name, json::document_counts(result));
  json::write_servers(w.key("servers"), result);
  w.key("connections").begin_array();
  for (const auto& r : result.connections) {
    w.flush();
    emit(out);
    out.clear();
    json::write_connection(w, r);
  }
  w.end_array().end_object();
  emit(out);
}

}  // namespace

namespace json {
void write_head(W& w, const session::AnalysisResult& result, const std::string& capture_name, const Counts& counts) {
  w.begin_object().field("schema", json_schema);
  w.key("tool").begin_object().field("name", "rdpcap-analyze").field("version", RDPCAP_VERSION).end_object();
  write_capture(w.key("capture"), result, capture_name, counts);
}
}  // namespace json

std::string render_json(const session::AnalysisResult& result, const std::string& capture_name) {
  std::string out;
  emit_json(result, capture_name, [&out](const std::string& piece) { out += piece; });
  return out + "\n";
}

void write_json(const session::AnalysisResult& result, const std::string& capture_name, std::FILE* out,
                bool final_newline) {
  emit_json(result, capture_name, [out](const std::string& piece) { std::fwrite(piece.data(), 1, piece.size(), out); });
  if (final_newline) std::fputc('\n', out);
}

}  // namespace rdpcap::report
