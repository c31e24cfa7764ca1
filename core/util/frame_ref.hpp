// Where something was seen in the capture: frame number (1-based, as Wireshark
// counts) and capture timestamp in microseconds since the Unix epoch.
#pragma once

#include <cstdint>

namespace rdpcap::util {

struct FrameRef {
  uint64_t frame = 0;   // 0 = not seen
  int64_t time_us = 0;  // capture time, microseconds since 1970-01-01 UTC
  bool seen() const { return frame != 0; }
};

enum class Direction { client_to_server, server_to_client };

inline const char* direction_name(Direction d) {
  return d == Direction::client_to_server ? "client" : "server";
}

}  // namespace rdpcap::util

// The model layer and everything above it name these as model::FrameRef and
// model::Direction (the summary's vocabulary); the parsers below the model use them too,
// which is why they live in util/.
namespace rdpcap::model {
using util::Direction;
using util::direction_name;
using util::FrameRef;
}  // namespace rdpcap::model
