// The whole-capture JSON document (--json): header, capture, servers, then
// the connections, written one connection at a time so that memory stays
// flat however many connections a capture holds.
#include "report/json_parts.hpp"
#include "report/json_report.hpp"

namespace rdpcap::report {

using json::Json;

namespace {

// The document, handed to `emit` piece by piece (header, then each connection).
template <typename Emit>
void emit_json(const session::AnalysisResult& result, const std::string& capture_name, Emit&& emit) {
  Json doc;
  doc["schema"] = json_schema;
  doc["tool"] = {{"name", "rdpcap-analyze"}, {"version", RDPCAP_VERSION}};
  doc["capture"] = json::capture_json(result, capture_name);
  doc["servers"] = json::servers_json(result);
  doc["connections"] = Json::array();
  std::string out = json::dump(doc, 2);  // ends with `"connections": []` and `}`
  if (result.connections.empty()) {
    emit(out);
    return;
  }
  // One connection's DOM at a time (about 55 KB each), dumped and indented as
  // it would be inside the whole document: memory stays flat however many
  // connections a capture holds, and the text is the same.
  const size_t tail = out.rfind("[]");
  out.resize(tail);
  out += "[\n";
  emit(out);
  for (size_t i = 0; i < result.connections.size(); ++i) {
    const std::string one = json::dump(json::connection_json(result.connections[i]), 2);
    out.clear();
    size_t from = 0;
    while (from < one.size()) {  // JSON strings hold no raw newline: lines are structure
      const size_t nl = one.find('\n', from);
      const size_t end = nl == std::string::npos ? one.size() : nl;
      out.append(4, ' ').append(one, from, end - from);
      if (nl == std::string::npos) break;
      out += '\n';
      from = nl + 1;
    }
    out += i + 1 < result.connections.size() ? ",\n" : "\n";
    emit(out);
  }
  emit(std::string("  ]\n}"));
}

}  // namespace

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
