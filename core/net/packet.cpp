// IPv4 / IPv6 / TCP / UDP / ICMP decoding (the link layer: link_layer.cpp). Every read goes through
// util::ByteReader; nothing is allocated and no payload byte is copied.
#include "net/packet.hpp"

#include "net/ip_layer.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace rdpcap::net {

using util::ByteReader;
using util::Bytes;

std::string IpAddress::to_string() const {
  if (!v6) {  // dotted quad by hand: inet_ntop formats through sprintf (a few thousand instructions)
    char buf[16];
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      const unsigned b = bytes[i];
      if (b >= 100) *p++ = static_cast<char>('0' + b / 100);
      if (b >= 10) *p++ = static_cast<char>('0' + b / 10 % 10);
      *p++ = static_cast<char>('0' + b % 10);
      if (i < 3) *p++ = '.';
    }
    return std::string(buf, p);
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf)) return "?";
  return buf;
}

namespace {

constexpr uint8_t kProtoHopByHop = 0;
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoRouting = 43;
constexpr uint8_t kProtoFragment = 44;
constexpr uint8_t kProtoAh = 51;
constexpr uint8_t kProtoIcmpv6 = 58;
constexpr uint8_t kProtoDestOpts = 60;
constexpr int kMaxIpv6ExtHeaders = 16;

constexpr uint8_t kIcmpDestUnreachable = 3;    // RFC 792
constexpr uint8_t kIcmpv6DestUnreachable = 1;  // RFC 4443 3.1

void read_v4(ByteReader& r, IpAddress& a) {
  Bytes b;
  r.bytes(4, b);  // caller checked the length
  a.v6 = false;
  a.bytes.fill(0);
  std::memcpy(a.bytes.data(), b.data(), 4);
}

void read_v6(ByteReader& r, IpAddress& a) {
  Bytes b;
  r.bytes(16, b);
  a.v6 = true;
  std::memcpy(a.bytes.data(), b.data(), 16);
}

// RFC 8200 3: the 40-byte fixed IPv6 header (a packet's own, or one quoted in
// an ICMPv6 error).
struct Ipv6Header {
  uint16_t payload_length = 0;
  uint8_t next = 0;
  IpAddress src, dst;
};
DecodeStatus read_ipv6_header(ByteReader& r, Ipv6Header& h) {
  if (r.remaining() < 40) return DecodeStatus::truncated;
  uint32_t vtcfl = 0;
  uint8_t hop = 0;
  r.u32be(vtcfl);
  r.u16be(h.payload_length);
  r.u8(h.next);
  r.u8(hop);
  if ((vtcfl >> 28) != 6) return DecodeStatus::malformed;
  read_v6(r, h.src);
  read_v6(r, h.dst);
  return DecodeStatus::ok;
}

// --- IPv6 extension header walk (RFC 8200 4) -------------------------------
struct Ipv6Upper {
  uint8_t protocol = 0;
  bool non_first_fragment = false;
  bool more_fragments = false;
  bool too_many = false;
};

// `r` is positioned just after the fixed IPv6 header; on success it is
// positioned at the upper-layer header. Returns ok / truncated.
DecodeStatus walk_ipv6_ext(ByteReader& r, uint8_t next, Ipv6Upper& up) {
  for (int i = 0; i < kMaxIpv6ExtHeaders; ++i) {
    switch (next) {
      case kProtoHopByHop:
      case kProtoRouting:
      case kProtoDestOpts: {
        uint8_t nh = 0, len = 0;
        if (!r.peek_u8(0, nh) || !r.peek_u8(1, len)) return DecodeStatus::truncated;
        if (!r.skip((size_t{len} + 1) * 8)) return DecodeStatus::truncated;
        next = nh;
        break;
      }
      case kProtoAh: {  // RFC 4302 2.2: length in 4-octet units minus 2
        uint8_t nh = 0, len = 0;
        if (!r.peek_u8(0, nh) || !r.peek_u8(1, len)) return DecodeStatus::truncated;
        if (!r.skip((size_t{len} + 2) * 4)) return DecodeStatus::truncated;
        next = nh;
        break;
      }
      case kProtoFragment: {  // RFC 8200 4.5: fixed 8 bytes
        uint8_t nh = 0, reserved = 0;
        uint16_t off_flags = 0;
        uint32_t id = 0;
        if (r.remaining() < 8) return DecodeStatus::truncated;
        r.u8(nh);
        r.u8(reserved);
        r.u16be(off_flags);
        r.u32be(id);
        if ((off_flags >> 3) != 0) up.non_first_fragment = true;
        if (off_flags & 1) up.more_fragments = true;
        next = nh;
        if (up.non_first_fragment) {
          up.protocol = next;
          return DecodeStatus::ok;
        }
        break;
      }
      default:
        up.protocol = next;
        return DecodeStatus::ok;
    }
  }
  up.too_many = true;
  up.protocol = next;
  return DecodeStatus::ok;
}

// RFC 791 3.1: the fixed 20-byte IPv4 header. The caller has checked that
// 20 bytes are there.
struct Ipv4Header {
  uint8_t vihl = 0, proto = 0;
  uint16_t total_length = 0, frag = 0;
  IpAddress src, dst;
  size_t ihl() const { return size_t{static_cast<uint8_t>(vihl & 0x0F)} * 4; }
};

Ipv4Header read_ipv4_header(ByteReader& r) {
  Ipv4Header h;
  uint8_t tos = 0, ttl = 0;
  uint16_t id = 0, cksum = 0;
  r.u8(h.vihl);
  r.u8(tos);
  r.u16be(h.total_length);
  r.u16be(id);
  r.u16be(h.frag);
  r.u8(ttl);
  r.u8(h.proto);
  r.u16be(cksum);
  read_v4(r, h.src);
  read_v4(r, h.dst);
  return h;
}

// --- UDP (RFC 768) -------------------------------------------------------------
// Only whole first fragments: the payload is what the UDP length covers of
// the captured bytes.
DecodeStatus decode_udp(ByteReader r, const IpAddress& src, const IpAddress& dst, DecodedPacket& out) {
  uint16_t length = 0, cksum = 0;
  UdpDatagram& u = out.udp;
  if (!r.u16be(u.sport) || !r.u16be(u.dport) || !r.u16be(length) || !r.u16be(cksum)) return DecodeStatus::truncated;
  if (length != 0 && length < 8) return DecodeStatus::malformed;  // 0: jumbogram / offload, use what was captured
  const size_t body = length == 0 ? r.remaining() : std::min<size_t>(length - 8u, r.remaining());
  r.bytes(body, u.payload);
  u.src = src;
  u.dst = dst;
  out.kind = PacketKind::udp;
  return DecodeStatus::ok;
}

// --- TCP (RFC 9293 3.1) ------------------------------------------------------
// `r` covers the captured TCP bytes, `wire_len` the TCP length from IP.
// For a first fragment (`partial`) an incomplete header is not an error.
DecodeStatus decode_tcp(ByteReader r, uint32_t wire_len, bool partial, DecodedPacket& out) {
  if (r.remaining() < 20) {
    if (partial) {  // header cut by fragmentation: kind stays other
      out.tcp = TcpSegment{};
      return DecodeStatus::ok;
    }
    return wire_len < 20 ? DecodeStatus::malformed : DecodeStatus::truncated;
  }
  TcpSegment& t = out.tcp;
  uint8_t doff_byte = 0, flags = 0;
  uint16_t window = 0, cksum = 0, urg = 0;
  r.u16be(t.sport);
  r.u16be(t.dport);
  r.u32be(t.seq);
  r.u32be(t.ack);
  r.u8(doff_byte);
  r.u8(flags);
  r.u16be(window);
  r.u16be(cksum);
  r.u16be(urg);
  t.flags = flags;
  size_t hlen = size_t{static_cast<uint8_t>(doff_byte >> 4)} * 4;
  if (hlen < 20) return DecodeStatus::malformed;
  if (!partial && hlen > wire_len) return DecodeStatus::malformed;
  if (!r.skip(hlen - 20)) {
    if (partial) {
      out.tcp = TcpSegment{};
      return DecodeStatus::ok;
    }
    return DecodeStatus::truncated;
  }
  t.payload = r.rest();
  t.payload_wire_length = wire_len >= hlen ? static_cast<uint32_t>(wire_len - hlen)
                                           : static_cast<uint32_t>(t.payload.size());
  if (t.payload_wire_length < t.payload.size())
    t.payload_wire_length = static_cast<uint32_t>(t.payload.size());
  out.kind = PacketKind::tcp;
  return DecodeStatus::ok;
}

// --- quoted packet inside an ICMP error -------------------------------------
// The quoted datagram is usually cut short: only its captured bytes count.
DecodeStatus decode_quoted_ports(ByteReader& r, bool fragment_rest, IcmpUnreachable& ic) {
  if (fragment_rest) return DecodeStatus::ok;  // no transport header to read
  uint16_t sport = 0, dport = 0;
  // RFC 792 / RFC 4443 promise at least 8 bytes; the ports are the first 4.
  if (!r.u16be(sport) || !r.u16be(dport)) return DecodeStatus::truncated;
  ic.quoted_sport = sport;
  ic.quoted_dport = dport;
  return DecodeStatus::ok;
}

DecodeStatus decode_quoted_v4(ByteReader r, IcmpUnreachable& ic) {
  uint8_t vihl = 0;
  if (!r.peek_u8(0, vihl) || r.remaining() < 20) return DecodeStatus::truncated;
  if ((vihl >> 4) != 4) return DecodeStatus::malformed;
  size_t ihl = size_t{static_cast<uint8_t>(vihl & 0x0F)} * 4;
  if (ihl < 20) return DecodeStatus::malformed;
  const Ipv4Header h = read_ipv4_header(r);
  ic.quoted_src = h.src;
  ic.quoted_dst = h.dst;
  if (!r.skip(ihl - 20)) return DecodeStatus::truncated;
  ic.quoted_protocol = h.proto;
  return decode_quoted_ports(r, (h.frag & 0x1FFF) != 0, ic);
}

DecodeStatus decode_quoted_v6(ByteReader r, IcmpUnreachable& ic) {
  Ipv6Header h;
  if (DecodeStatus s = read_ipv6_header(r, h); s != DecodeStatus::ok) return s;
  ic.quoted_src = h.src;
  ic.quoted_dst = h.dst;
  Ipv6Upper up;
  DecodeStatus s = walk_ipv6_ext(r, h.next, up);
  if (s != DecodeStatus::ok) return s;
  ic.quoted_protocol = up.protocol;
  return decode_quoted_ports(r, up.non_first_fragment || up.too_many, ic);
}

// ICMP (RFC 792) / ICMPv6 (RFC 4443): type, code, checksum, 4 unused bytes,
// then as much of the offending datagram as fits.
// `complete`: the whole ICMP message was captured, so a quote too short to
// hold the ports is the sender's fault (malformed), not the capture's.
DecodeStatus decode_icmp(ByteReader r, bool complete, const IpAddress& reporter, bool v6,
                         DecodedPacket& out) {
  uint8_t type = 0, code = 0;
  if (!r.peek_u8(0, type)) return complete ? DecodeStatus::malformed : DecodeStatus::truncated;
  if (type != (v6 ? kIcmpv6DestUnreachable : kIcmpDestUnreachable)) return DecodeStatus::ok;
  if (r.remaining() < 8) return complete ? DecodeStatus::malformed : DecodeStatus::truncated;
  r.u8(type);
  r.u8(code);
  r.skip(6);  // checksum + unused
  IcmpUnreachable& ic = out.icmp;
  ic.reporter = reporter;
  ic.v6 = v6;
  ic.type = type;
  ic.code = code;
  DecodeStatus s = v6 ? decode_quoted_v6(r, ic) : decode_quoted_v4(r, ic);
  if (s != DecodeStatus::ok) {
    out.icmp = IcmpUnreachable{};
    return (s == DecodeStatus::truncated && complete) ? DecodeStatus::malformed : s;
  }
  out.kind = PacketKind::icmp_unreachable;
  return DecodeStatus::ok;
}

}  // namespace

// --- IPv4 (RFC 791 3.1) ------------------------------------------------------
DecodeStatus decode_ipv4(Bytes frame, DecodedPacket& out) {
  ByteReader r(frame);
  if (r.remaining() < 20) return DecodeStatus::truncated;
  const Ipv4Header h = read_ipv4_header(r);
  const uint8_t proto = h.proto;
  const uint16_t tot = h.total_length, frag = h.frag;
  if ((h.vihl >> 4) != 4) return DecodeStatus::malformed;
  size_t ihl = h.ihl();
  if (ihl < 20) return DecodeStatus::malformed;
  // Total length 0 is what captures taken on a host with TCP segmentation
  // offload show: the packet is as long as what was captured.
  size_t wire_total = tot == 0 ? frame.size() : size_t{tot};
  if (wire_total < ihl) return DecodeStatus::malformed;
  if (frame.size() < ihl) return DecodeStatus::truncated;

  const IpAddress& src = h.src;
  const IpAddress& dst = h.dst;
  r.skip(ihl - 20);  // options
  size_t captured_total = std::min(wire_total, frame.size());
  ByteReader body(frame.subspan(ihl, captured_total - ihl));
  uint32_t body_wire = static_cast<uint32_t>(wire_total - ihl);

  bool more_fragments = (frag & 0x2000) != 0;
  if ((frag & 0x1FFF) != 0) return DecodeStatus::ok;  // not the first fragment

  if (proto == kProtoTcp) {
    out.tcp.src = src;
    out.tcp.dst = dst;
    return decode_tcp(body, body_wire, more_fragments, out);
  }
  if (proto == kProtoIcmp && !more_fragments)
    return decode_icmp(body, wire_total <= frame.size(), src, false, out);
  if (proto == kProtoUdp && !more_fragments) return decode_udp(body, src, dst, out);
  return DecodeStatus::ok;
}

// --- IPv6 (RFC 8200 3) -------------------------------------------------------
DecodeStatus decode_ipv6(Bytes frame, DecodedPacket& out) {
  ByteReader r(frame);
  Ipv6Header h;
  if (DecodeStatus s = read_ipv6_header(r, h); s != DecodeStatus::ok) return s;
  const uint16_t plen = h.payload_length;
  const uint8_t next = h.next;
  const IpAddress& src = h.src;
  const IpAddress& dst = h.dst;
  // Payload length 0: jumbogram or segmentation offload; use what was captured.
  size_t wire_total = plen == 0 ? frame.size() : size_t{plen} + 40;
  size_t captured_total = std::min(wire_total, frame.size());
  ByteReader body(frame.subspan(40, captured_total - 40));

  Ipv6Upper up;
  DecodeStatus s = walk_ipv6_ext(body, next, up);
  if (s == DecodeStatus::truncated && wire_total <= frame.size()) return DecodeStatus::malformed;
  if (s != DecodeStatus::ok) return s;
  if (up.non_first_fragment || up.too_many) return DecodeStatus::ok;
  size_t upper_off = 40 + body.offset();
  uint32_t upper_wire = static_cast<uint32_t>(wire_total - upper_off);

  if (up.protocol == kProtoTcp) {
    out.tcp.src = src;
    out.tcp.dst = dst;
    return decode_tcp(body, upper_wire, up.more_fragments, out);
  }
  if (up.protocol == kProtoIcmpv6 && !up.more_fragments)
    return decode_icmp(body, wire_total <= frame.size(), src, true, out);
  if (up.protocol == kProtoUdp && !up.more_fragments) return decode_udp(body, src, dst, out);
  return DecodeStatus::ok;
}

DecodeStatus decode_ip_by_version(Bytes frame, DecodedPacket& out) {
  if (frame.empty()) return DecodeStatus::truncated;
  switch (frame[0] >> 4) {
    case 4: return decode_ipv4(frame, out);
    case 6: return decode_ipv6(frame, out);
    default: return DecodeStatus::malformed;
  }
}

}  // namespace rdpcap::net
