// The capture-level notes: one sentence for every capture-wide cap that was
// hit (CaptureStats::notes; every report prints them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "engine/results.hpp"
#include "session/limits.hpp"

namespace rdpcap::engine {

// "128 MiB", "64 KiB", "1000 bytes".
std::string size_text(size_t bytes);

// Appends to stats.notes. `not_reported_by_outcome`: connections over the
// kept-results caps, counted by "outcome first-finding-code"; servers_not_viewed:
// servers over Limits::max_streamed_servers (streaming API).
void write_capture_notes(CaptureStats& stats, const session::Limits& limits,
                         const std::map<std::string, uint64_t>& not_reported_by_outcome,
                         uint64_t servers_not_viewed = 0);

}  // namespace rdpcap::engine
