// Link, IP and TCP/ICMP decoding of one captured frame into the facts the
// analyzer needs. Link types are pcap LINKTYPE_* values
// (https://www.tcpdump.org/linktypes.html).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "util/byte_reader.hpp"

namespace rdpcap::net {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes
  std::string to_string() const;    // dotted quad / RFC 5952 text
  auto operator<=>(const IpAddress&) const = default;
};

namespace tcp_flag {
constexpr uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10;
}

struct TcpSegment {
  IpAddress src, dst;
  uint16_t sport = 0, dport = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  util::Bytes payload;     // borrows from the frame; empty when none
  uint32_t payload_wire_length = 0;  // from IP lengths; > payload.size() when snapped
};

// ICMP / ICMPv6 destination unreachable, with the TCP/UDP tuple of the packet
// it quotes (RFC 792, RFC 4443 3.1).
struct IcmpUnreachable {
  IpAddress reporter;     // who sent the ICMP message
  bool v6 = false;
  uint8_t type = 0, code = 0;
  uint8_t quoted_protocol = 0;  // 6 = TCP
  IpAddress quoted_src, quoted_dst;
  uint16_t quoted_sport = 0, quoted_dport = 0;
};

// A UDP datagram (RFC 768); only Kerberos on port 88 is read from it.
struct UdpDatagram {
  IpAddress src, dst;
  uint16_t sport = 0, dport = 0;
  util::Bytes payload;     // borrows from the frame; what was captured of it
};

enum class PacketKind { tcp, icmp_unreachable, udp, other };

struct DecodedPacket {
  PacketKind kind = PacketKind::other;
  TcpSegment tcp;
  IcmpUnreachable icmp;
  UdpDatagram udp;
};

enum class DecodeStatus {
  ok,                 // kind says what it was
  unsupported_link,   // link type not handled
  truncated,          // frame shorter than its headers
  malformed,          // header values inconsistent
};

bool link_type_supported(uint32_t link_type);
const char* link_type_name(uint32_t link_type);

// Decodes a frame. Never reads outside `frame`. VLAN tags (802.1Q, QinQ) and
// IPv6 extension headers are skipped; IP fragments other than the first give
// kind=other.
DecodeStatus decode_frame(uint32_t link_type, util::Bytes frame, DecodedPacket& out);

}  // namespace rdpcap::net
