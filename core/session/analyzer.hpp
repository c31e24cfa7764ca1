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
#include "tls/keylog.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::session {

// Memory is bounded by these caps whatever the capture holds (see
// README.md, "Hostile input"). Hitting a capture-wide cap adds a note to
// CaptureStats::notes; hitting a per-connection cap adds to the connection's
// limits_hit (finding capture.limit_reached).
struct Limits {
  // Capture-wide.
  size_t max_connections = 50000;           // connections followed at once (full state, ~2.5 KB each)
  size_t max_flows = 500000;                // flow table entries: followed connections, half-open RDP
                                            // flows (SYN only, compact: ~0.2 KB each), flows waiting for a
                                            // first payload, recently closed flows
  size_t max_buffered_bytes = 128u << 20;   // bytes held in all followed connections' buffers together
                                            // (reassembly, TLS record/handshake, X.224); over it, the
                                            // connection whose buffers grew stops being followed
  size_t max_kept_connections = 10000;      // finished connections kept for the report, and
  size_t max_kept_bytes = 64u << 20;        // their approximate size; beyond either, connections are
                                            // counted by stage instead (those that reached X.224/TLS kept
                                            // first, then by start)
  // Per connection.
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
  // TLS secrets (--keylog files, pcapng Decryption Secrets Blocks, Wireshark's
  // tls.keylog_file): matched by ClientHello random; null = no key material.
  std::shared_ptr<const tls::KeyLog> keys;
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
  std::optional<int64_t> certificates_judged_at_s;  // what its certificate checks used (rules::Diagnosis)
};

struct CaptureStats {
  uint64_t frames = 0;
  uint64_t bytes = 0;
  uint64_t tcp_segments = 0;
  uint64_t undecodable_frames = 0;
  uint64_t unsupported_link_frames = 0;
  int64_t first_time_us = 0, last_time_us = 0;
  uint64_t flows_seen = 0;
  uint64_t segments_over_flow_cap = 0;      // segments that would have started a flow over max_connections/max_flows
  uint64_t connections_not_reported = 0;    // finished beyond max_kept_connections/max_kept_bytes: counted by stage
  uint64_t buffer_budget_hits = 0;          // connections that stopped being followed at max_buffered_bytes
  std::vector<std::string> notes;           // every capture-wide cap that was hit, in words (the reports print them)
};

struct AnalysisResult {
  CaptureStats stats;
  std::optional<int64_t> reference_time_s;  // --reference-time, if given (else each certificate's frame time)
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
