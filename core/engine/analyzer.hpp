// The engine's entry point, shared by the CLI and the Wireshark plugin:
// frames in (in capture order), a diagnosis per connection out.
//
// Two ways to get results, usable together:
//
// 1. Whole capture: finish() returns every kept connection (Limits::max_kept_*;
//    the rest are counted in CaptureStats::connections_not_reported and a note),
//    diagnosed with the capture-wide view. The text/JSON/HTML reports use this.
//
// 2. Streaming (set_sink): each connection's ConnectionResult is sent the moment
//    the connection ends (FIN/RST exchange, idle timeout, or the capture's end in
//    finish()), diagnosed from its own facts plus what the capture showed so far
//    (other connections to the same server that ended before it). No connection
//    is left out of the stream, whatever the kept-results caps. At finish() the
//    sink then receives one ServerRecord per server (what the whole capture
//    showed of it), and an Amendment for each kept connection whose findings the
//    capture-wide pass changed. With a sink (and no findings per frame), finish()
//    keeps only the connections such a pass can change (KeptResults::amendable:
//    a ClientHello the server never answered) and returns only those; a server
//    certificate enters the streaming view when it is seen, so cert.changed is
//    final when its connection ends. Stream ids (summary.id) are given in the
//    order the engine starts following connections; finish() renumbers its own
//    results by first frame, so the two numberings can differ.
//    The ends of connections (diagnosis, the sink's work) then run on a thread
//    of their own, beside the reading of the next frames (engine/end_queue.hpp).
//    Memory then depends on the connections open at once, one small record per
//    server and the amendable connections (within Limits::max_kept_*), not on
//    the capture's total.
//
// 3. Findings per frame (options.findings_per_frame, off by default so the CLI
//    pays nothing): after on_frame(N), take_new_findings() returns the findings
//    that became known at frame N. The per-connection rules run on the
//    in-progress summary of a connection only when its state changed at this
//    frame (stage, timeline, alerts, certificates, closure, limits), and once
//    more when it ends. A finding given on a partial connection that the later
//    facts contradict is returned again with withdrawn = true. finish() adds the
//    capture-wide refinements (capture_wide = true) of the kept connections.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "engine/results.hpp"
#include "session/limits.hpp"
#include "tls/keylog.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::engine {

using session::Limits;

struct AnalyzerOptions {
  std::set<uint16_t> rdp_ports{3389};
  std::optional<int64_t> reference_time_s;  // overrides capture time for certificate checks
  Limits limits;
  bool findings_per_frame = false;          // enables take_new_findings()
  // TLS secrets (--keylog files, pcapng Decryption Secrets Blocks, Wireshark's
  // tls.keylog_file): matched by ClientHello random; null = no key material.
  std::shared_ptr<const tls::KeyLog> keys;
};

struct FrameInfo {
  uint64_t number = 0;      // 1-based, as Wireshark counts
  int64_t time_us = 0;      // capture time
  uint32_t link_type = 1;   // pcap LINKTYPE_*
  uint32_t wire_length = 0; // original length
  // Set by a reader that asked a FramePrefilter (engine/frame_prefilter.hpp)
  // about this frame, in capture order: only counted; `data` may be empty.
  bool surely_ignored = false;
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Streaming results (see above). Set before the first frame; the sink must
  // outlive the analyzer (declare it first). nullptr: none. Without findings
  // per frame, the sink is called on a thread of the analyzer's own, one call
  // at a time and in order (engine/end_queue.hpp); every call has returned
  // when finish() or expire_idle() returns.
  void set_sink(ResultSink* sink);

  // Feed one captured frame. `data` is the captured bytes (may be shorter
  // than wire_length). Never throws.
  void on_frame(const FrameInfo& frame, util::Bytes data);
  // End of capture: close every open connection and run the rules.
  AnalysisResult finish();
  const AnalyzerOptions& options() const;
  // RDP connections started so far (for a progress display).
  uint64_t connections_seen() const;
  // Live capture: end (and hand to the sink) the connections silent for longer
  // than Limits::idle_timeout_us at time `now_us` (the clock frame times are
  // in), also when no frame arrives to trigger the periodic check. They end at
  // the last frame seen. Nothing when idle_timeout_us is 0.
  void expire_idle(int64_t now_us);

  // With options.findings_per_frame: the findings that became known since the
  // last call (after on_frame(N): at frame N; after finish(): those of the
  // connections still open and the capture-wide refinements). Empty otherwise.
  std::vector<FindingAt> take_new_findings();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rdpcap::engine

// The names callers used before the engine layer existed.
namespace rdpcap::session {
using engine::AnalysisResult;
using engine::Analyzer;
using engine::AnalyzerOptions;
using engine::CaptureStats;
using engine::ConnectionResult;
using engine::FrameInfo;
using engine::Outcome;
using engine::outcome_name;
using engine::Verdict;
}  // namespace rdpcap::session
