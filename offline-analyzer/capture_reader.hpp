// Reads one capture file (pcap or pcapng, "-" for standard input) with
// libpcap and streams its frames into an Analyzer.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "engine/analyzer.hpp"

namespace rdpcap::cli {

struct ReadResult {
  bool opened = false;     // false: error says why (unreadable, unsupported link type)
  bool complete = true;    // false: the file is cut or corrupt after some frames
  std::string error;       // one line, without the file name
  uint64_t frames = 0;
};

// What a reader has done so far, for a progress display in another thread.
struct ReadProgress {
  std::atomic<uint64_t> bytes{0};        // file bytes consumed (pcap record headers included)
  std::atomic<uint64_t> connections{0};  // Analyzer::connections_seen()
};

// `progress` (optional) is updated every few thousand frames and at the end.
ReadResult read_capture(const std::string& path, session::Analyzer& analyzer, ReadProgress* progress = nullptr);

}  // namespace rdpcap::cli
