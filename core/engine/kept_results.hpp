// The finished connections kept for the whole-capture reports (finish()),
// within Limits::max_kept_connections and max_kept_bytes. Best first: those
// that got beyond TCP (X.224, TLS, any payload), then by first frame; the
// others are only counted, by what the rules say of each on its own (outcome
// and first finding code), for the capture note.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/analyzer.hpp"
#include "model/connection_summary.hpp"

namespace rdpcap::engine {

// (code, frame) of a finding already given for a connection (streaming).
using GivenFinding = std::pair<std::string, uint64_t>;

struct KeptConnection {
  model::ConnectionSummary summary;   // summary.id: the stream id
  std::vector<GivenFinding> given;    // findings already streamed / taken (empty when none)
};

class KeptResults {
 public:
  KeptResults(const AnalyzerOptions& options, CaptureStats& stats) : options_(options), stats_(stats) {}

  void keep(model::ConnectionSummary summary, std::vector<GivenFinding> given = {});
  // Streaming to a sink (every connection already reported as it ended): keep
  // only the connections the capture-wide pass can still change, to amend
  // them at the end; those over the caps are counted as not amended.
  void set_amendable_only(bool on) { amendable_only_ = on; }
  // What a later connection to the same server can change: a ClientHello the
  // server never answered is judged by what the server accepted from others
  // (rules/tls_rules.cpp). Certificates need no keeping: the streaming view
  // takes each one when it is seen (Analyzer), before any later connection ends.
  static bool amendable(const model::ConnectionSummary& s) { return s.tls.client_hello && !s.tls.server_hello; }
  // Everything kept, in no particular order; empties the store. One block
  // each, so that the capture-wide pass can free each one when it is done
  // with it (a vector of them all, beside the results, was the end-of-capture
  // peak with thousands of amendable connections).
  std::vector<std::unique_ptr<KeptConnection>> take();
  const std::map<std::string, uint64_t>& not_reported_by_outcome() const { return not_reported_by_outcome_; }

 private:
  using Key = std::tuple<int, uint64_t, std::string, uint16_t>;
  struct Entry {
    KeptConnection kept;
    size_t bytes = 0;
  };
  void not_reported(const model::ConnectionSummary& summary);

  bool amendable_only_ = false;
  const AnalyzerOptions& options_;
  CaptureStats& stats_;
  std::map<Key, Entry> kept_;
  size_t kept_bytes_ = 0;
  std::map<std::string, uint64_t> not_reported_by_outcome_;
  std::vector<model::ConnectionSummary> one_{1};  // diagnose() input for one connection
};

}  // namespace rdpcap::engine
