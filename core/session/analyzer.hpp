// The engine's entry point, shared by the CLI and the Wireshark plugin:
// frames in (in capture order), a diagnosis per connection out.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/connection_summary.hpp"
#include "rules/finding.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::session {

struct Limits {
  size_t max_connections = 200000;          // tracked TCP flows at once
  size_t reassembly_bytes = 256 * 1024;     // out-of-order bytes buffered per direction
  size_t handshake_message_bytes = 256 * 1024;
  size_t max_certificates = 10;
  size_t max_timeline = 64;
  size_t max_alerts = 16;
  int64_t idle_timeout_us = 0;              // 0 = never expire idle flows
};

struct AnalyzerOptions {
  std::set<uint16_t> rdp_ports{3389};
  std::optional<int64_t> reference_time_s;  // overrides capture time for certificate checks
  Limits limits;
};

struct FrameInfo {
  uint64_t number = 0;      // 1-based, as Wireshark counts
  int64_t time_us = 0;      // capture time
  uint32_t link_type = 1;   // pcap LINKTYPE_*
  uint32_t wire_length = 0; // original length
};

using rules::Outcome;
using rules::outcome_name;
using rules::Verdict;

struct ConnectionResult {
  model::ConnectionSummary summary;
  Verdict verdict;
  std::vector<rules::Finding> findings;  // sorted: severity desc, then frame, then code
};

struct CaptureStats {
  uint64_t frames = 0;
  uint64_t bytes = 0;
  uint64_t tcp_segments = 0;
  uint64_t undecodable_frames = 0;
  uint64_t unsupported_link_frames = 0;
  int64_t first_time_us = 0, last_time_us = 0;
  uint64_t flows_seen = 0;
  uint64_t flows_dropped_at_cap = 0;
};

struct AnalysisResult {
  CaptureStats stats;
  int64_t reference_time_s = 0;  // what certificate checks used
  std::vector<ConnectionResult> connections;  // sorted by first frame
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Feed one captured frame. `data` is the captured bytes (may be shorter
  // than wire_length). Never throws.
  void on_frame(const FrameInfo& frame, util::Bytes data);
  // End of capture: close every open connection and run the rules.
  AnalysisResult finish();
  // RDP connections started so far (for a progress display).
  uint64_t connections_seen() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rdpcap::session
