// Header-only TCP peek (see fast_path.hpp). Every bound decode_frame() checks
// is checked here too, in the same order of consequence: anything this code is
// not sure about returns false and goes to the full decoder.
#include "net/fast_path.hpp"

#include <cstddef>

namespace rdpcap::net {

namespace {

inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

constexpr uint8_t kProtoTcp = 6;

// `seg` is the captured part of the TCP header + payload, `wire_len` the TCP
// length the IP header declares (as decode_tcp() receives them).
inline bool peek_tcp(const uint8_t* seg, size_t captured, size_t wire_len, PlainTcp& out) {
  if (captured < 20) return false;
  const size_t hlen = size_t{static_cast<uint8_t>(seg[12] >> 4)} * 4;
  if (hlen < 20 || hlen > wire_len || hlen > captured) return false;
  out.sport = be16(seg);
  out.dport = be16(seg + 2);
  out.flags = seg[13];
  out.payload = util::Bytes(seg + hlen, captured - hlen);
  return true;
}

// RFC 791 3.1; mirrors decode_ipv4(): first fragment without "more fragments".
inline bool peek_ipv4(const uint8_t* ip, size_t size, PlainTcp& out) {
  if (size < 20 || (ip[0] >> 4) != 4 || ip[9] != kProtoTcp) return false;
  const size_t ihl = size_t{static_cast<uint8_t>(ip[0] & 0x0F)} * 4;
  if (ihl < 20 || size < ihl) return false;
  if ((be16(ip + 6) & 0x3FFF) != 0) return false;  // MF set or not the first fragment
  const uint16_t tot = be16(ip + 2);
  const size_t wire_total = tot == 0 ? size : size_t{tot};
  if (wire_total < ihl) return false;
  const size_t captured_total = wire_total < size ? wire_total : size;
  out.addresses = util::Bytes(ip + 12, 8);
  return peek_tcp(ip + ihl, captured_total - ihl, wire_total - ihl, out);
}

// RFC 8200 3; only TCP right after the fixed header (no extension headers).
inline bool peek_ipv6(const uint8_t* ip, size_t size, PlainTcp& out) {
  if (size < 40 || (ip[0] >> 4) != 6 || ip[6] != kProtoTcp) return false;
  const uint16_t plen = be16(ip + 4);
  if (plen == 0) return false;  // jumbogram / offload: full path
  const size_t wire_total = size_t{plen} + 40;
  const size_t captured_total = wire_total < size ? wire_total : size;
  out.addresses = util::Bytes(ip + 8, 32);
  return peek_tcp(ip + 40, captured_total - 40, wire_total - 40, out);
}

inline bool peek_ethertype(uint16_t type, const uint8_t* p, size_t size, PlainTcp& out) {
  if (type == 0x0800) return peek_ipv4(p, size, out);
  if (type == 0x86DD) return peek_ipv6(p, size, out);
  return false;  // VLAN tags, ARP, ...: full path
}

}  // namespace

bool peek_plain_tcp(uint32_t link_type, util::Bytes frame, PlainTcp& out) {
  const uint8_t* p = frame.data();
  const size_t n = frame.size();
  switch (link_type) {
    case 1:  // Ethernet: dst(6) src(6) EtherType(2)
      return n >= 14 && peek_ethertype(be16(p + 12), p + 14, n - 14, out);
    case 113:  // Linux SLL: protocol at 14, header 16
      return n >= 16 && peek_ethertype(be16(p + 14), p + 16, n - 16, out);
    case 276:  // Linux SLL2: protocol at 0, header 20
      return n >= 20 && peek_ethertype(be16(p), p + 20, n - 20, out);
    case 228:  // raw IPv4
      return peek_ipv4(p, n, out);
    case 229:  // raw IPv6
      return peek_ipv6(p, n, out);
    case 12: case 14: case 101:  // raw IP, version from the first nibble
      if (n == 0) return false;
      return (p[0] >> 4) == 4 ? peek_ipv4(p, n, out) : peek_ipv6(p, n, out);
    default:
      return false;
  }
}

}  // namespace rdpcap::net
