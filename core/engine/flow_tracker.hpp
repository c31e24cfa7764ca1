// Which TCP flows the engine follows, and for how long. Every segment goes to
// its flow's entry in one table; the entry's kind says what is kept:
//
//            SYN to an RDP port                  SYN elsewhere (RDP may be found by content)
//                   |                                       |
//                   v                                       v
//             +-----------+  SYN again (<= 8)       +-----------+  payload-less segments (<= 8 kept)
//             | half_open |<-----+                  |  pending  |<-----+
//             +-----------+------+                  +-----------+------+
//   anything else |   | ICMP,                  X.224 CR |     | RST/FIN, other payload,
//   (SYN-ACK, data,   | capture end,                    |     | 2 min quiet: forgotten
//   RST ...)      |   | idle timeout                    |     v
//                 v   v                                 |   (gone)
//   payload or  +-----------+ <-------------------------+  (kept segments replayed
//   SYN/RST on  |   live    |                                 into the new Connection)
//   an RDP port | Connection|  segments, ICMP -> Connection
//   ----------->+-----------+
//                     | FIN/RST exchange done, idle timeout, capture end:
//                     |   summary handed to the FlowListener
//                     v
//               +-----------+  stray segments: ignored;  a new SYN: port reuse,
//               |  closed   |  a new flow;  2 min quiet: forgotten;  swept first
//               +-----------+  when the table is full. Ended by the idle timeout:
//                              payload or RST starts its continuation (live,
//                              no SYN, Connection::set_continues); kept 24 h
//
// RDP by content (X.224 CR on a port that is not an RDP port) only where the
// start of the client's byte stream was seen: a pending flow (its SYN seen)
// whose first payload comes from the SYN sender at ISN + 1. A flow first seen
// with payload (joined mid-stream) or whose server speaks first never becomes
// RDP by content, and the fast path drops such segments (ignorable()).
//
// Capture-wide caps (Limits): live connections (max_connections), table
// entries (max_flows) and bytes buffered by all live connections together
// (max_buffered_bytes: the connection whose buffers grew over it stops being
// followed in detail).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "engine/analyzer.hpp"
#include "model/connection_summary.hpp"
#include "net/fast_path.hpp"
#include "net/packet.hpp"
#include "session/connection.hpp"
#include "session/flow_key.hpp"
#include "session/flow_table.hpp"

namespace rdpcap::engine {

// Told when a connection ends (its final facts) and, when asked for, after
// each frame that reached a live connection.
class FlowListener {
 public:
  virtual ~FlowListener() = default;
  virtual void connection_ended(model::ConnectionSummary&& summary, EndReason why) = 0;
  virtual void connection_touched(const session::Connection& conn, const model::FrameRef& at) {}
};

class FlowTracker {
 public:
  FlowTracker(const AnalyzerOptions& options, CaptureStats& stats, FlowListener& listener, bool notify_touched);

  // True when on_tcp() would do nothing with this segment but count it (a
  // flow not in the table, on no RDP port, that cannot start one).
  bool ignorable(const net::PlainTcp& t) const;
  void on_tcp(const net::TcpSegment& seg, const model::FrameRef& at);
  void on_icmp(const net::IcmpUnreachable& icmp, const model::FrameRef& at);
  // Every kSweepEvery frames (and not more often than once per table size):
  // forget quiet flows, end idle ones (Limits::idle_timeout_us).
  void maybe_sweep(const model::FrameRef& now);
  // A sweep now (live capture, Analyzer::expire_idle): idle times measured to
  // `now_us`; the flows that end, end at `last` (the last frame seen).
  void expire_idle(const model::FrameRef& last, int64_t now_us) { sweep(last, now_us); }
  // Capture end: every flow still followed ends at `last`.
  void end_all(const model::FrameRef& last);

 private:
  // A payload-less segment kept compactly (32 bytes) for replay into a
  // Connection created later; addresses and ports come from the flow key.
  struct PendingSegment {
    model::FrameRef at;
    uint32_t seq = 0, ack = 0;
    uint8_t flags = 0;
    bool from_a = false;  // sent by key.a:key.port_a
  };
  // A closed flow the idle timeout ended (live capture): its later packets
  // continue it (Connection::set_continues), kept for kIdleEndedMarker_us.
  struct IdleEnded {
    model::FrameRef first, last;  // of the part that ended
    bool client_is_a = false;     // the client is key.a:key.port_a
  };
  // One table entry; a closed marker (most entries when connections are many
  // and short) is 56 bytes of it.
  struct Flow {
    enum class Kind : uint8_t { live, closed, pending, half_open } kind = Kind::pending;
    bool idle_ended = false;  // a closed marker with an entry in idle_ended_
    std::unique_ptr<session::Connection> conn;
    std::vector<PendingSegment> pending;
    int64_t last_us = 0;
    size_t retained = 0;  // conn->retained_bytes() when last measured (counted in buffered_total_)
  };
  using FlowIt = session::FlowTable<Flow>::iterator;
  using FlowKey = session::FlowKey;

  bool is_rdp_port(uint16_t port) const { return options_.rdp_ports.count(port) != 0; }
  void finalize(Flow& flow, EndReason why);
  FlowIt erase(FlowIt it);
  bool room_for_flow();
  Flow* start_connection(const FlowKey& key, const net::TcpSegment& seg, bool client_is_source, bool by_port,
                         int64_t now);
  void account(Flow& flow, const model::FrameRef& at);
  void deliver(Flow& flow, const net::TcpSegment& seg, const model::FrameRef& at);
  static PendingSegment compact(const FlowKey& key, const net::TcpSegment& seg, const model::FrameRef& at);
  static net::TcpSegment expand(const FlowKey& key, const PendingSegment& p);
  Flow* open_half_open(FlowIt it, bool anyway);
  bool continue_idle_ended(FlowIt it, const net::TcpSegment& seg, const model::FrameRef& at);
  void on_pending(FlowIt it, const net::TcpSegment& seg, const model::FrameRef& at);
  void end_flow(FlowIt it, const model::FrameRef& last, EndReason why);
  void sweep(const model::FrameRef& end_at, int64_t now_us);

  const AnalyzerOptions& options_;
  CaptureStats& stats_;
  FlowListener& listener_;
  const bool notify_touched_;
  session::FlowTable<Flow> flows_;
  std::unordered_map<FlowKey, IdleEnded, session::FlowKeyHash> idle_ended_;  // live capture only
  std::array<uint64_t, 1024> rdp_port_bits_{};
  size_t closed_flows_ = 0;    // closed markers in flows_
  size_t buffered_total_ = 0;  // sum of Flow::retained over live flows
  uint64_t next_id_ = 1;
  size_t live_ = 0;
  uint64_t last_sweep_frame_ = 0;
};

}  // namespace rdpcap::engine
