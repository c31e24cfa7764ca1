// What the engine reports: a diagnosis per connection, capture statistics and
// notes, and (engine/analyzer.hpp) the records of the streaming result API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/connection_summary.hpp"
#include "rules/finding.hpp"

namespace rdpcap::engine {

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
  uint64_t connections_not_amended = 0;     // streamed to a sink, amendable, beyond the same caps: no amendment
  uint64_t buffer_budget_hits = 0;          // connections that stopped being followed at max_buffered_bytes
  std::vector<std::string> notes;           // every capture-wide cap that was hit, in words (the reports print them)
};

struct AnalysisResult {
  CaptureStats stats;
  std::optional<int64_t> reference_time_s;  // --reference-time, if given (else each certificate's frame time)
  std::vector<ConnectionResult> connections;  // sorted by first frame
};

// ---- streaming records (see Analyzer::set_sink, Analyzer::take_new_findings) ----

// Why a connection's result was delivered to the sink.
enum class EndReason {
  closed,        // FIN/RST exchange done
  idle_timeout,  // Limits::idle_timeout_us passed without a segment
  capture_end,   // still open when the capture ended (finish())
};
const char* end_reason_name(EndReason r);

// What the whole capture showed of one server (ip:port), sent at finish():
// the capture-wide knowledge that per-connection records streamed earlier
// could only have in part.
struct ServerRecord {
  std::string server_ip;
  uint16_t server_port = 0;
  uint64_t connections = 0;                 // connections to it that ended
  std::map<uint16_t, int> versions;         // negotiated TLS version -> completed handshakes
  std::map<uint16_t, int> suites;           // negotiated cipher suite -> completed handshakes
  struct Certificate {
    std::string sha256_fingerprint;
    std::string subject;
    model::FrameRef first;                  // first frame that carried it
  };
  std::vector<Certificate> certificates;    // by fingerprint
};

// A connection streamed earlier whose findings the capture-wide pass changed
// (e.g. cert.changed, or what the server accepted from other clients).
// Sent at finish() for the connections finish() keeps (Limits::max_kept_*).
struct Amendment {
  uint64_t connection_id = 0;               // ConnectionResult::summary.id as streamed
  std::vector<rules::Finding> added;        // findings the capture-wide pass added or changed
  std::vector<std::string> removed;         // codes of streamed findings it no longer gives
  Verdict verdict;                          // the final verdict
};

// A finding and when it became known (Analyzer::take_new_findings).
struct FindingAt {
  uint64_t connection_id = 0;  // stream id (as ConnectionResult::summary.id in the sink)
  uint64_t known_at = 0;       // frame after which it was computed
  bool withdrawn = false;      // given earlier on a partial connection, no longer holds
  bool capture_wide = false;   // from the capture-wide pass at finish() (refines an earlier one)
  rules::Finding finding;
  // The connection, so that a front end can name it without its summary.
  std::string client_ip, server_ip;
  uint16_t client_port = 0, server_port = 0;
  bool ipv6 = false;
  // Those given by finish() (connections still open at the capture's end, and
  // the capture-wide refinements): the connection's id in finish()'s result
  // (ConnectionResult::summary.id); 0 for those given by on_frame().
  uint64_t result_id = 0;
};

// A FindingAt for connection `c` (its endpoints copied).
FindingAt finding_at(const model::ConnectionSummary& c, uint64_t stream_id, uint64_t known_at, bool withdrawn,
                     bool capture_wide, rules::Finding finding);

// Receives each connection's result when the connection ends, then at
// finish() the capture-wide records. Called from inside on_frame()/finish().
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void on_connection(const ConnectionResult& result, EndReason why) = 0;
  virtual void on_server(const ServerRecord& server) {}
  virtual void on_amendment(const Amendment& amendment) {}
  // A sink that says yes takes the connections the capture-wide pass judged
  // again (those it can amend), each with its final diagnosis, one at a time
  // (on_final, during finish(), before on_server): finish() then keeps none
  // of them, and AnalysisResult::connections is empty. Memory then holds one
  // such connection at a time instead of all of them beside their results.
  virtual bool takes_finals() const { return false; }
  virtual void on_final(const ConnectionResult& result) {}
};

}  // namespace rdpcap::engine
