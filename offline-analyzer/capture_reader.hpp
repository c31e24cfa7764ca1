// Reads one capture file (pcap or pcapng, "-" for standard input) with
// libpcap and streams its frames into an Analyzer.
#pragma once

#include <string>

#include "session/analyzer.hpp"

namespace rdpcap::cli {

struct ReadResult {
  bool opened = false;     // false: error says why (unreadable, unsupported link type)
  bool complete = true;    // false: the file is cut or corrupt after some frames
  std::string error;       // one line, without the file name
  uint64_t frames = 0;
};

ReadResult read_capture(const std::string& path, session::Analyzer& analyzer);

}  // namespace rdpcap::cli
