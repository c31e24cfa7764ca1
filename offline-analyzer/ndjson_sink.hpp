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
  NdjsonSink(std::FILE* to, const std::string& capture, report::StreamTotals& totals)
      : to_(to), capture_(capture), totals_(totals) {}
  void on_connection(const engine::ConnectionResult& r, engine::EndReason why) override {
    totals_.add(r);
    std::fputs(report::render_ndjson_connection(r, why, capture_).c_str(), to_);
  }
  void on_server(const engine::ServerRecord& server) override {
    std::fputs(report::render_ndjson_server(server, capture_).c_str(), to_);
  }
  void on_amendment(const engine::Amendment& amendment) override {
    std::fputs(report::render_ndjson_amendment(amendment, capture_).c_str(), to_);
  }

 private:
  std::FILE* to_;
  const std::string& capture_;
  report::StreamTotals& totals_;
};

}  // namespace rdpcap::cli
