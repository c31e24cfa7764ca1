// Where the engine calls the rules.
//
// The capture-wide pass (finish()): the kept connections in first-frame order,
// numbered from 1, each diagnosed with the view of its server across the whole
// capture (rules::diagnose). With the streaming API on, it also says what it
// changed compared with what was streamed (amendments, refinements).
//
// The streaming view: what the capture showed of each server so far, from the
// connections that ended; a connection that ends is diagnosed against it, then
// added to it. Bounded by Limits::max_streamed_servers; per server, the rules
// need only whether another handshake completed, not which ones.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/kept_results.hpp"
#include "rules/diagnose.hpp"

namespace rdpcap::engine {

// A fingerprint of a finding's content (title, evidence, frame), to tell a
// changed finding from the one given earlier.
uint64_t finding_digest(const rules::Finding& f);
std::vector<GivenFinding> given_of(const std::vector<rules::Finding>& findings);

class StreamView {
 public:
  explicit StreamView(const AnalyzerOptions& options) : options_(options) {}
  rules::Diagnosis diagnose(const model::ConnectionSummary& c) const;
  void add(const model::ConnectionSummary& c);
  // The certificate of a connection still open (it is added again, harmlessly, when it ends).
  void add_certificate(const model::ConnectionSummary& c);
  // Each server's record in turn (by address), built one at a time: a copy of
  // them all was the end-of-capture peak with thousands of servers.
  void for_each_record(const std::function<void(const ServerRecord&)>& on_record) const;
  uint64_t servers_not_viewed() const { return servers_not_viewed_; }

 private:
  // Keyed by rules::server_key ("ip:port", "[ip6]:port"), which gives the address too.
  struct Server {
    uint64_t connections = 0;
    uint16_t port = 0;
    std::string view;  // rules::ServerView, packed (engine/packed_server_view.hpp)
  };
  Server* server_for(const model::ConnectionSummary& c);  // null beyond max_streamed_servers
  // Unpacked into scratch_, unless it is already there (a connection's end
  // is judged against its server's view, then added to it).
  const rules::ServerView& view_of(const Server& server) const;

  const AnalyzerOptions& options_;
  std::map<std::string, Server> servers_;
  rules::ServerView empty_;
  mutable rules::ServerView scratch_;  // one thread uses the view at a time (Analyzer)
  mutable const Server* scratch_of_ = nullptr;  // whose view scratch_ holds (map nodes stay put)
  uint64_t servers_not_viewed_ = 0;
};

struct CapturePass {
  std::vector<ConnectionResult> connections;  // first-frame order, ids from 1 (empty with on_final)
  std::vector<Amendment> amendments;          // when compared: per changed connection
  std::vector<FindingAt> refinements;         // the same, one per finding (capture_wide = true)
  std::map<uint64_t, uint64_t> result_ids;    // when compared: stream id -> id in `connections`
};

// `compare`: every kept connection carries what was given for it (its
// `given`, keyed by its stream id in summary.id); say what the pass changed.
// `view`: the streaming view, which has seen every connection that ended
// (kept or not); without it, the servers are viewed from `kept` alone.
// `on_final` (with `view` only): each result is handed to it, in order, and
// not kept; each kept connection is freed as soon as it is judged.
using FinalResult = std::function<void(const ConnectionResult&)>;
CapturePass run_capture_pass(std::vector<std::unique_ptr<KeptConnection>> kept,
                             std::optional<int64_t> reference_time_s, bool compare, uint64_t last_frame,
                             const StreamView* view = nullptr, const FinalResult& on_final = {});

}  // namespace rdpcap::engine
