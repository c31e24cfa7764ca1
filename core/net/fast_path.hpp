// The fast path for captures that are mostly not RDP: a header-only look at a
// frame that answers "is this a plain TCP segment, and which ports, flags and
// payload does it carry?" in a few dozen instructions, without filling a
// DecodedPacket. The analyzer uses it to drop the segments of flows it does
// not follow before the full decode and the flow table lookup.
//
// Contract (checked by tests/unit/test_fast_path.cpp on every sample frame and
// on mutated headers): when peek_plain_tcp() returns true, decode_frame() on
// the same frame returns DecodeStatus::ok with kind == tcp and the same ports,
// flags and payload. It returns false for everything else (VLAN tags, IP
// options are fine; IPv6 extension headers, fragments, truncated or odd
// headers, ICMP, UDP, other link types): the caller then takes the full path.
#pragma once

#include <cstdint>

#include "util/byte_reader.hpp"

namespace rdpcap::net {

struct PlainTcp {
  uint16_t sport = 0, dport = 0;
  uint8_t flags = 0;
  util::Bytes payload;  // borrows from the frame
  util::Bytes addresses;  // source then destination address (4 + 4 or 16 + 16 bytes), borrowed
};

bool peek_plain_tcp(uint32_t link_type, util::Bytes frame, PlainTcp& out);

}  // namespace rdpcap::net
