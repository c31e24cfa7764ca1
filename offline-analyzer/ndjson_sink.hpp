// Streaming NDJSON (README "NDJSON records"): every record of one capture, as
// the engine hands them over (engine::ResultSink), written to a FILE*; used
// for files (file_runner.cpp) and live capture (live_capture.cpp).
#pragma once

#include <cstdio>
#include <string>

#include "engine/results.hpp"
#include "report/json_report.hpp"

namespace rdpcap::cli {

class NdjsonSink final : public engine::ResultSink {
 public:
  // flush_each_line: each line reaches `to` when written (a log shipper on a
  // pipe, live capture), by a flush after the whole line; otherwise stdio's
  // whole buffers. (Not _IOLBF: glibc then scans every byte for '\n', which
  // cost ~18% of a run.)
  NdjsonSink(std::FILE* to, const std::string& capture, report::StreamTotals& totals, bool flush_each_line)
      : to_(to), capture_(capture), totals_(totals), flush_(flush_each_line) {}
  void on_connection(const engine::ConnectionResult& r, engine::EndReason why) override {
    totals_.add(r);
    line_.clear();  // one buffer for every line: no allocation per connection
    report::append_ndjson_connection(line_, r, why, capture_);
    put(line_);
  }
  bool takes_finals() const override { return true; }  // each amendment says what changed
  void on_final(const engine::ConnectionResult& r) override { totals_.add_final(r); }
  void on_server(const engine::ServerRecord& server) override { put(report::render_ndjson_server(server, capture_)); }
  void on_amendment(const engine::Amendment& amendment) override {
    put(report::render_ndjson_amendment(amendment, capture_));
  }

 private:
  void put(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), to_);
    if (flush_) std::fflush(to_);
  }

  std::FILE* to_;
  const std::string& capture_;
  report::StreamTotals& totals_;
  bool flush_;
  std::string line_;
};

}  // namespace rdpcap::cli
