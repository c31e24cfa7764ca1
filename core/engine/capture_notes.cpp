#include "engine/capture_notes.hpp"

#include <fmt/format.h>

namespace rdpcap::engine {

std::string size_text(size_t bytes) {
  if (bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

void write_capture_notes(CaptureStats& stats, const session::Limits& lim,
                         const std::map<std::string, uint64_t>& not_reported_by_outcome,
                         uint64_t servers_not_viewed) {
  auto& notes = stats.notes;
  if (stats.segments_over_flow_cap)
    notes.push_back(fmt::format("{} TCP segment{} that would have started a new flow {} not followed: at most {} "
                                "connections are followed at once and {} flows tracked",
                                stats.segments_over_flow_cap, stats.segments_over_flow_cap == 1 ? "" : "s",
                                stats.segments_over_flow_cap == 1 ? "was" : "were", lim.max_connections,
                                lim.max_flows));
  if (stats.buffer_budget_hits)
    notes.push_back(fmt::format("{} connection{} stopped being followed when all connections together held {} of "
                                "buffered bytes; their findings may be incomplete",
                                stats.buffer_budget_hits, stats.buffer_budget_hits == 1 ? "" : "s",
                                size_text(lim.max_buffered_bytes)));
  if (stats.connections_not_reported) {
    std::string counts;
    for (const auto& [what, n] : not_reported_by_outcome)
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, what);
    notes.push_back(fmt::format("{} finished connection{} over the report limit ({} connections, {} of facts) {} "
                                "only counted, by outcome and first finding (those that got beyond TCP are "
                                "listed first, then by start): {}",
                                stats.connections_not_reported, stats.connections_not_reported == 1 ? "" : "s",
                                lim.max_kept_connections, size_text(lim.max_kept_bytes),
                                stats.connections_not_reported == 1 ? "is" : "are", counts));
  }
  if (stats.connections_not_amended)
    notes.push_back(fmt::format("{} connection{} whose ClientHello the server never answered {} streamed with what "
                                "the capture showed of {} server up to {} end, and {} no amendment: the capture-wide "
                                "pass keeps at most {} connections ({} of facts)",
                                stats.connections_not_amended, stats.connections_not_amended == 1 ? "" : "s",
                                stats.connections_not_amended == 1 ? "was" : "were",
                                stats.connections_not_amended == 1 ? "its" : "their",
                                stats.connections_not_amended == 1 ? "its" : "their",
                                stats.connections_not_amended == 1 ? "gets" : "get", lim.max_kept_connections,
                                size_text(lim.max_kept_bytes)));
  if (servers_not_viewed)
    notes.push_back(fmt::format("{} connection{} to servers beyond the first {} were streamed without what other "
                                "connections showed of their server",
                                servers_not_viewed, servers_not_viewed == 1 ? "" : "s", lim.max_streamed_servers));
}

}  // namespace rdpcap::engine
