// Link-layer framing (pcap LINKTYPE_*): Ethernet with VLAN tags, BSD
// loopback, Linux cooked captures v1/v2, raw IP; then the IP decoders.
#include "net/ip_layer.hpp"
#include "net/packet.hpp"

namespace rdpcap::net {

using util::ByteReader;
using util::Bytes;

namespace {

// pcap LINKTYPE_* values (https://www.tcpdump.org/linktypes.html).
constexpr uint32_t kLinkNull = 0;        // BSD loopback, family in host byte order
constexpr uint32_t kLinkEthernet = 1;
constexpr uint32_t kLinkRawAlt1 = 12;    // LINKTYPE_RAW as some OSes number DLT_RAW
constexpr uint32_t kLinkRawAlt2 = 14;
constexpr uint32_t kLinkRaw = 101;
constexpr uint32_t kLinkLoop = 108;      // OpenBSD loopback, family big-endian
constexpr uint32_t kLinkSll = 113;       // Linux cooked capture v1
constexpr uint32_t kLinkIpv4 = 228;
constexpr uint32_t kLinkIpv6 = 229;
constexpr uint32_t kLinkSll2 = 276;      // Linux cooked capture v2

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86DD;
constexpr uint16_t kEtherVlan = 0x8100;   // IEEE 802.1Q
constexpr uint16_t kEtherQinQ = 0x88A8;   // IEEE 802.1ad
constexpr uint16_t kEtherQinQOld = 0x9100;
constexpr int kMaxVlanTags = 8;

bool is_vlan_type(uint16_t t) {
  return t == kEtherVlan || t == kEtherQinQ || t == kEtherQinQOld;
}

// Dispatch on an EtherType, skipping any stack of VLAN tags (IEEE 802.1Q:
// 2-byte TCI then the next EtherType).
DecodeStatus decode_ethertype(uint16_t type, ByteReader r, DecodedPacket& out) {
  for (int tags = 0; is_vlan_type(type); ++tags) {
    if (tags == kMaxVlanTags) return DecodeStatus::malformed;
    uint16_t tci = 0;
    if (!r.u16be(tci) || !r.u16be(type)) return DecodeStatus::truncated;
  }
  switch (type) {
    case kEtherIpv4: return decode_ipv4(r.rest(), out);
    case kEtherIpv6: return decode_ipv6(r.rest(), out);
    default: return DecodeStatus::ok;  // ARP, LLC (802.3 length), ...: not ours
  }
}

// BSD address families seen in DLT_NULL / DLT_LOOP headers.
DecodeStatus decode_af(uint32_t family, Bytes rest, DecodedPacket& out) {
  switch (family) {
    case 2: return decode_ipv4(rest, out);        // AF_INET everywhere
    case 24: case 28: case 30:                   // AF_INET6: NetBSD/OpenBSD, FreeBSD, macOS
      return decode_ipv6(rest, out);
    default: return DecodeStatus::ok;
  }
}

}  // namespace


bool link_type_supported(uint32_t link_type) {
  switch (link_type) {
    case kLinkNull: case kLinkEthernet: case kLinkRawAlt1: case kLinkRawAlt2:
    case kLinkRaw: case kLinkLoop: case kLinkSll: case kLinkIpv4: case kLinkIpv6:
    case kLinkSll2:
      return true;
    default:
      return false;
  }
}

const char* link_type_name(uint32_t link_type) {
  switch (link_type) {
    case kLinkNull: return "NULL (BSD loopback)";
    case kLinkEthernet: return "Ethernet";
    case kLinkRawAlt1: case kLinkRawAlt2: case kLinkRaw: return "Raw IP";
    case kLinkLoop: return "LOOP (OpenBSD loopback)";
    case kLinkSll: return "Linux cooked capture (SLL)";
    case kLinkIpv4: return "Raw IPv4";
    case kLinkIpv6: return "Raw IPv6";
    case kLinkSll2: return "Linux cooked capture v2 (SLL2)";
    default: return "unsupported";
  }
}

DecodeStatus decode_frame(uint32_t link_type, Bytes frame, DecodedPacket& out) {
  out = DecodedPacket{};
  ByteReader r(frame);
  switch (link_type) {
    case kLinkEthernet: {  // IEEE 802.3: dst(6) src(6) EtherType(2)
      uint16_t type = 0;
      if (!r.skip(12) || !r.u16be(type)) return DecodeStatus::truncated;
      return decode_ethertype(type, r, out);
    }
    case kLinkNull: {  // 4-byte family in the capturing host's byte order
      uint32_t family = 0;
      if (!r.u32le(family)) return DecodeStatus::truncated;
      if (family > 0xFFFF) family = __builtin_bswap32(family);
      return decode_af(family, r.rest(), out);
    }
    case kLinkLoop: {  // same as NULL but always big-endian
      uint32_t family = 0;
      if (!r.u32be(family)) return DecodeStatus::truncated;
      return decode_af(family, r.rest(), out);
    }
    case kLinkRaw: case kLinkRawAlt1: case kLinkRawAlt2:
      return decode_ip_by_version(frame, out);
    case kLinkIpv4:
      return decode_ipv4(frame, out);
    case kLinkIpv6:
      return decode_ipv6(frame, out);
    case kLinkSll: {  // packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2)
      uint16_t type = 0;
      if (!r.skip(14) || !r.u16be(type)) return DecodeStatus::truncated;
      return decode_ethertype(type, r, out);
    }
    case kLinkSll2: {  // protocol(2) reserved(2) ifindex(4) ARPHRD(2) pkttype(1) addrlen(1) addr(8)
      uint16_t type = 0;
      if (!r.u16be(type) || !r.skip(18)) return DecodeStatus::truncated;
      return decode_ethertype(type, r, out);
    }
    default:
      return DecodeStatus::unsupported_link;
  }
}

}  // namespace rdpcap::net
