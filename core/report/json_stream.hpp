// The --json document written from the streaming result API: no connection is
// dropped, however many the capture holds, and memory stays flat.
//
// Each connection is rendered when it ends (engine::ResultSink) into a spool
// file (util::open_spool_file: $TMPDIR, else /var/tmp), and only a small index entry stays in memory (~80 bytes: its sort key,
// where its text is, its server, outcome and finding counts). At the end,
// write() puts the document together in the same form and byte for byte as
// write_json() of a whole-capture result: connections in first-frame order,
// numbered from 1, the capture's counts and the servers section from the index,
// and the connections that the capture-wide pass judged again (on_final:
// those it can amend) written from their final diagnosis, spooled again.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "report/json_report.hpp"
#include "util/stdio_buffer.hpp"

namespace rdpcap::report {

class JsonDocumentStream final : public engine::ResultSink {
 public:
  JsonDocumentStream();  // throws std::runtime_error when no spool file can be made
  ~JsonDocumentStream() override;
  JsonDocumentStream(const JsonDocumentStream&) = delete;
  JsonDocumentStream& operator=(const JsonDocumentStream&) = delete;

  void on_connection(const engine::ConnectionResult& result, engine::EndReason why) override;
  // A connection the capture-wide pass judged again: its final text is
  // spooled in place of the streamed one.
  bool takes_finals() const override { return true; }
  void on_final(const engine::ConnectionResult& result) override;

  // `result`: what finish() returned (its statistics and notes; its
  // connections are empty, they came through on_final). Without
  // final_newline the document ends with "}" (inside the several-captures
  // wrapper). Returns false when the spool could not be
  // written or read back (the document is then incomplete; the caller says so).
  bool write(const session::AnalysisResult& result, const std::string& capture_name, std::FILE* out,
             bool final_newline);
  size_t connections() const { return index_.size(); }
  // Every connection and its findings by severity, as the document counts them (after write()).
  const StreamTotals& totals() const { return totals_; }

 private:
  struct Entry {
    uint64_t first_frame = 0;
    std::string client_ip;  // sort key, with the port (as the capture-wide pass sorts)
    uint16_t client_port = 0;
    uint32_t server = 0;    // index into servers_
    uint64_t offset = 0;    // the spooled text after its "id" value
    uint32_t length = 0;
    uint8_t outcome = 0;    // rules::Outcome
    uint16_t tls_version = 0, tls_suite = 0;  // the completed handshake (0: none)
    uint32_t errors = 0, warnings = 0, infos = 0;
  };
  void fill(Entry& e, const engine::ConnectionResult& r);
  void sort_index();
  void spool(Entry& e, const engine::ConnectionResult& r);

  std::FILE* spool_ = nullptr;
  util::StdioBuffer spool_buffer_;  // destroyed after ~JsonDocumentStream() closes spool_
  uint64_t spool_size_ = 0;
  bool failed_ = false;
  std::vector<Entry> index_;
  bool index_sorted_ = false;  // in document order (on_final and write() need it)
  std::map<std::string, uint32_t> server_ids_;
  std::vector<std::string> servers_;
  std::string piece_;  // reused for each connection's text
  StreamTotals totals_;
};

}  // namespace rdpcap::report
