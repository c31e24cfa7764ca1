// Which frames the analyzer will surely only count, told from the frame alone
// and from the earlier frames this filter saw, so that a reading thread need
// not copy them (capture/read_ahead.hpp) and the analyzer need not look at
// them (FrameInfo::surely_ignored).
//
// The flow tracker (flow_tracker.hpp) only counts a plain TCP segment
// (net/fast_path.hpp) on ports that are neither RDP ports nor Kerberos (88)
// when its flow is not in its table and it is not a SYN without ACK. A flow on
// such ports enters the table only as "pending": a SYN without ACK and
// without payload. It stays pending until its first payload (an X.224
// Connection Request: RDP by content, followed from then on; anything else:
// forgotten) or a payload-less RST/FIN (forgotten). This filter keeps every
// such flow from its SYN: until its first payload when that is not a
// Connection Request, until its RST/FIN before any payload, else for good. So
// it holds at least every flow the table can hold on those ports, and a
// segment of no flow it holds is surely only counted.
//
// Frames the fast path cannot read (VLAN tags, IPv6 extension headers...)
// are never flagged, but their TCP segments are decoded and noted too: a
// flow whose SYN is tagged and whose other frames are not is still held.
//
// Bounded: beyond kMaxFlows flows held, it stops saying "surely" for good
// (every frame then goes the full way; nothing is lost, only speed).
#pragma once

#include <array>
#include <cstdint>

#include "engine/analyzer.hpp"
#include "session/flow_table.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::engine {

class FramePrefilter {
 public:
  static constexpr size_t kMaxFlows = 65536;

  explicit FramePrefilter(const AnalyzerOptions& options);
  // Call for every frame, in capture order.
  bool surely_ignored(uint32_t link_type, util::Bytes frame);

 private:
  enum class State : uint8_t { awaiting_payload, maybe_rdp };
  // Updates the flows held with this TCP segment; true when the tracker
  // surely only counts it (not counting the bound).
  bool note(const session::FlowKey& key, uint16_t sport, uint16_t dport, uint8_t flags, util::Bytes payload);
  bool followed_port(uint16_t p) const { return (port_bits_[p >> 6] >> (p & 63)) & 1; }

  std::array<uint64_t, 1024> port_bits_{};  // RDP ports and 88
  session::FlowTable<State> flows_;
  bool full_ = false;
};

}  // namespace rdpcap::engine
