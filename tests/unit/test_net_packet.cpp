// core/net/packet: link, IP, TCP and ICMP decoding on real captured bytes.
// Expected values come from tshark 4.0 on the same files
// (tshark -o tcp.relative_sequence_numbers:FALSE -T fields -e ...).
#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "net/packet.hpp"
#include "shared_pcaps.hpp"

using rdpcap::net::decode_frame;
using rdpcap::net::DecodedPacket;
using rdpcap::net::DecodeStatus;
using rdpcap::net::IpAddress;
using rdpcap::net::PacketKind;
namespace tcp_flag = rdpcap::net::tcp_flag;
using Buf = std::vector<uint8_t>;

namespace {

struct Capture {
  int link_type = -1;
  std::vector<Buf> frames;
};

Capture load_capture(const std::string& name) {
  Capture c;
  std::string path = rdpcap::testing::shared_pcap_path(name);
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) FAIL("cannot open " << path << ": " << err);
  c.link_type = pcap_datalink(p);
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  while (pcap_next_ex(p, &h, &d) == 1) c.frames.emplace_back(d, d + h->caplen);
  pcap_close(p);
  return c;
}

DecodeStatus decode(uint32_t link, const Buf& b, DecodedPacket& out) {
  return decode_frame(link, rdpcap::util::Bytes(b.data(), b.size()), out);
}
// A frame built in the call: the decoded views borrow from it, so keep it alive.
DecodeStatus decode(uint32_t link, Buf&& b, DecodedPacket& out) {
  static std::deque<Buf> keep;
  keep.push_back(std::move(b));
  return decode(link, keep.back(), out);
}

std::string payload_str(const DecodedPacket& p) {
  return std::string(p.tcp.payload.begin(), p.tcp.payload.end());
}

Buf cat(std::initializer_list<Buf> parts) {
  Buf out;
  for (const Buf& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Buf slice(const Buf& b, size_t from, size_t to = SIZE_MAX) {
  if (to > b.size()) to = b.size();
  return Buf(b.begin() + from, b.begin() + to);
}

// zeek-rdp-to-ssl.pcap frame 4: Ethernet / IPv4 192.168.1.200:49206 ->
// 192.168.1.150:3389, seq 1432736766, ack 2609489516, PSH+ACK, 20-byte TCP
// header, 47 bytes of X.224 Connection Request ("Cookie: mstshash=AWAKECODI").
constexpr size_t kEth = 14, kIp4 = 20, kTcp = 20, kPayload = 47;

const Capture& rdp_to_ssl() {
  static const Capture c = load_capture("zeek-rdp-to-ssl.pcap");
  return c;
}
Buf frame4_eth() { return rdp_to_ssl().frames.at(3); }
Buf frame4_ip() { return slice(frame4_eth(), kEth); }       // IPv4 header onwards
Buf frame4_tcp() { return slice(frame4_eth(), kEth + kIp4); }  // TCP header + payload

void check_frame4_tcp(const DecodedPacket& p) {
  REQUIRE(p.kind == PacketKind::tcp);
  CHECK(p.tcp.sport == 49206);
  CHECK(p.tcp.dport == 3389);
  CHECK(p.tcp.seq == 1432736766u);
  CHECK(p.tcp.ack == 2609489516u);
  CHECK(p.tcp.flags == (tcp_flag::psh | tcp_flag::ack));
  CHECK(p.tcp.payload.size() == kPayload);
  CHECK(p.tcp.payload_wire_length == kPayload);
  CHECK(payload_str(p).substr(11, 26) == "Cookie: mstshash=AWAKECODI");
}

void check_frame4_v4(const DecodedPacket& p) {
  check_frame4_tcp(p);
  CHECK_FALSE(p.tcp.src.v6);
  CHECK(p.tcp.src.to_string() == "192.168.1.200");
  CHECK(p.tcp.dst.to_string() == "192.168.1.150");
}

// Frame 4's TCP segment carried over IPv6 2001:db8::c8 -> 2001:db8:0:1::96,
// with `ext` extension headers between the fixed header and TCP.
Buf ipv6_packet(uint8_t first_next, const Buf& ext, const Buf& upper) {
  size_t plen = ext.size() + upper.size();
  Buf h = {0x60, 0x00, 0x00, 0x00, uint8_t(plen >> 8), uint8_t(plen), first_next, 64};
  Buf src = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc8};
  Buf dst = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x96};
  return cat({h, src, dst, ext, upper});
}
Buf frame4_v6() { return ipv6_packet(6, {}, frame4_tcp()); }

void check_frame4_v6(const DecodedPacket& p) {
  check_frame4_tcp(p);
  CHECK(p.tcp.src.v6);
  CHECK(p.tcp.src.to_string() == "2001:db8::c8");
  CHECK(p.tcp.dst.to_string() == "2001:db8:0:1::96");
}

const Buf kEthHeaderV4 = {0x08, 0x00, 0x27, 0x12, 0x6d, 0x89, 0x08, 0x00,
                          0x27, 0x4a, 0x2a, 0x0c, 0x08, 0x00};
Buf eth_header(uint16_t type) {
  Buf h = slice(kEthHeaderV4, 0, 12);
  h.push_back(uint8_t(type >> 8));
  h.push_back(uint8_t(type));
  return h;
}
Buf vlan_tag(uint16_t vid, uint16_t next) {
  return {uint8_t(vid >> 8), uint8_t(vid), uint8_t(next >> 8), uint8_t(next)};
}

// IPv4 header checksums are not verified by the decoder, so edits need not fix them.
void set_u16(Buf& b, size_t at, uint16_t v) {
  b.at(at) = uint8_t(v >> 8);
  b.at(at + 1) = uint8_t(v);
}

}  // namespace

TEST_CASE("net: zeek-rdp-to-ssl decodes every frame like tshark", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  const Capture& c = rdp_to_ssl();
  REQUIRE(c.link_type == 1);
  REQUIRE(c.frames.size() == 658);
  uint64_t tcp = 0, payload = 0, syn = 0, fin = 0, rst = 0, sport_sum = 0, to_3389 = 0;
  DecodedPacket p;
  for (const Buf& f : c.frames) {
    REQUIRE(decode(1, f, p) == DecodeStatus::ok);
    if (p.kind != PacketKind::tcp) continue;
    ++tcp;
    payload += p.tcp.payload.size();
    CHECK(p.tcp.payload.size() == p.tcp.payload_wire_length);
    syn += (p.tcp.flags & tcp_flag::syn) != 0;
    fin += (p.tcp.flags & tcp_flag::fin) != 0;
    rst += (p.tcp.flags & tcp_flag::rst) != 0;
    sport_sum += p.tcp.sport;
    to_3389 += p.tcp.dport == 3389;
  }
  CHECK(tcp == 658);
  CHECK(payload == 88666);
  CHECK(syn == 4);
  CHECK(fin == 2);
  CHECK(rst == 2);
  CHECK(sport_sum == 13455363);
  CHECK(to_3389 == 245);

  // Frame 1: SYN with options (data offset 8 -> 32-byte header), no payload.
  REQUIRE(decode(1, c.frames[0], p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::tcp);
  CHECK(p.tcp.src.to_string() == "192.168.1.200");
  CHECK(p.tcp.dst.to_string() == "192.168.1.150");
  CHECK(p.tcp.seq == 1432736765u);
  CHECK(p.tcp.ack == 0u);
  CHECK(p.tcp.flags == tcp_flag::syn);
  CHECK(p.tcp.payload.empty());
  CHECK(p.tcp.payload_wire_length == 0);

  // Frame 2: SYN/ACK.
  REQUIRE(decode(1, c.frames[1], p) == DecodeStatus::ok);
  CHECK(p.tcp.sport == 3389);
  CHECK(p.tcp.seq == 2609489515u);
  CHECK(p.tcp.ack == 1432736766u);
  CHECK(p.tcp.flags == (tcp_flag::syn | tcp_flag::ack));

  // Frame 4: X.224 Connection Request.
  REQUIRE(decode(1, c.frames[3], p) == DecodeStatus::ok);
  check_frame4_v4(p);
  CHECK(p.tcp.payload[0] == 0x03);  // TPKT version
  CHECK(p.tcp.payload.data() == c.frames[3].data() + kEth + kIp4 + kTcp);  // a view, not a copy

  // Frame 5: 60-byte Ethernet frame with 6 bytes of padding after a 40-byte IP packet.
  REQUIRE(c.frames[4].size() == 60);
  REQUIRE(decode(1, c.frames[4], p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::tcp);
  CHECK(p.tcp.flags == tcp_flag::ack);
  CHECK(p.tcp.payload.empty());
  CHECK(p.tcp.payload_wire_length == 0);
}

TEST_CASE("net: capture summaries match tshark (Ethernet, NULL, IPv6, VLAN+UDP)", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  struct Expect {
    const char* file;
    int link;
    size_t frames, tcp;
    uint64_t payload, syn, fin, rst, sport_sum;
  };
  const Expect cases[] = {
      {"ndpi-rdp.pcap", 0, 20, 20, 2742, 2, 0, 0, 706145},                       // BSD loopback
      {"zeek-certificate-request-failed.pcap", 1, 12, 12, 4091, 2, 2, 0, 332784},  // IPv6
      {"zeek-rdp-proprietary-encryption.pcap", 1, 542, 542, 104778, 4, 2, 2, 1332123},
      {"suricata-verify-RDP-003.pcap", 1, 435, 435, 65256, 5, 1, 4, 3608742},
      {"suricata-verify-tls-duplicate-hello.pcap", 0, 15, 15, 1716, 3, 0, 2, 458730},
      {"ndpi-rdp2.pcap", 1, 39, 0, 0, 0, 0, 0, 0},                       // UDP, 33 frames 802.1Q
      {"zeek-rdpeudp-handshake-success.pcap", 1, 10, 0, 0, 0, 0, 0, 0},  // IPv6 UDP
  };
  for (const Expect& e : cases) {
    INFO(e.file);
    Capture c = load_capture(e.file);
    REQUIRE(c.link_type == e.link);
    REQUIRE(c.frames.size() == e.frames);
    size_t tcp = 0;
    uint64_t payload = 0, syn = 0, fin = 0, rst = 0, sport_sum = 0;
    for (const Buf& f : c.frames) {
      DecodedPacket p;
      REQUIRE(decode(c.link_type, f, p) == DecodeStatus::ok);
      if (p.kind != PacketKind::tcp) continue;
      ++tcp;
      payload += p.tcp.payload.size();
      syn += (p.tcp.flags & tcp_flag::syn) != 0;
      fin += (p.tcp.flags & tcp_flag::fin) != 0;
      rst += (p.tcp.flags & tcp_flag::rst) != 0;
      sport_sum += p.tcp.sport;
    }
    CHECK(tcp == e.tcp);
    CHECK(payload == e.payload);
    CHECK(syn == e.syn);
    CHECK(fin == e.fin);
    CHECK(rst == e.rst);
    CHECK(sport_sum == e.sport_sum);
  }
}

TEST_CASE("net: real IPv6 and loopback frames", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  DecodedPacket p;
  Capture v6 = load_capture("zeek-certificate-request-failed.pcap");
  REQUIRE(decode(1, v6.frames.at(3), p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::tcp);
  CHECK(p.tcp.src.v6);
  CHECK(p.tcp.src.to_string() == "fd42:496a:d659:bb85::1");
  CHECK(p.tcp.dst.to_string() == "fd42:496a:d659:bb85:216:3eff:fe6a:a257");
  CHECK(p.tcp.sport == 52464);
  CHECK(p.tcp.dport == 3000);
  CHECK(p.tcp.seq == 3611445834u);
  CHECK(p.tcp.ack == 1095147914u);
  CHECK(p.tcp.payload.size() == 293);
  CHECK(p.tcp.payload[0] == 0x16);  // TLS handshake record

  Capture lo = load_capture("ndpi-rdp.pcap");
  REQUIRE(decode(0, lo.frames.at(0), p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::tcp);
  CHECK(p.tcp.src.to_string() == "172.16.2.185");
  CHECK(p.tcp.dst.to_string() == "192.168.2.142");
  CHECK(p.tcp.sport == 52494);
  CHECK(p.tcp.dport == 3389);
  CHECK(p.tcp.seq == 4189905496u);
  CHECK(p.tcp.flags == (0xc0 | tcp_flag::syn));  // SYN with ECE+CWR (ECN setup)
}

TEST_CASE("net: the same IPv4 packet under every supported link type", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  const Buf ip = frame4_ip();
  DecodedPacket p;
  for (uint32_t link : {101u, 12u, 14u, 228u}) {
    INFO("link " << link);
    REQUIRE(decode(link, ip, p) == DecodeStatus::ok);
    check_frame4_v4(p);
  }
  SECTION("BSD NULL, family in either byte order") {
    REQUIRE(decode(0, cat({{2, 0, 0, 0}, ip}), p) == DecodeStatus::ok);
    check_frame4_v4(p);
    REQUIRE(decode(0, cat({{0, 0, 0, 2}, ip}), p) == DecodeStatus::ok);
    check_frame4_v4(p);
    REQUIRE(decode(0, cat({{7, 0, 0, 0}, ip}), p) == DecodeStatus::ok);  // unknown family
    CHECK(p.kind == PacketKind::other);
  }
  SECTION("OpenBSD LOOP, family big-endian") {
    REQUIRE(decode(108, cat({{0, 0, 0, 2}, ip}), p) == DecodeStatus::ok);
    check_frame4_v4(p);
  }
  SECTION("Linux cooked SLL") {
    Buf sll = {0, 0, 0, 1, 0, 6, 0x08, 0x00, 0x27, 0x4a, 0x2a, 0x0c, 0, 0, 0x08, 0x00};
    REQUIRE(sll.size() == 16);
    REQUIRE(decode(113, cat({sll, ip}), p) == DecodeStatus::ok);
    check_frame4_v4(p);
    sll[14] = 0x08;
    sll[15] = 0x06;  // ARP
    REQUIRE(decode(113, cat({sll, ip}), p) == DecodeStatus::ok);
    CHECK(p.kind == PacketKind::other);
  }
  SECTION("Linux cooked SLL2") {
    Buf sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6,
                0x08, 0x00, 0x27, 0x4a, 0x2a, 0x0c, 0, 0};
    REQUIRE(sll2.size() == 20);
    REQUIRE(decode(276, cat({sll2, ip}), p) == DecodeStatus::ok);
    check_frame4_v4(p);
  }
  SECTION("802.1Q, QinQ and stacked tags") {
    REQUIRE(decode(1, cat({eth_header(0x8100), vlan_tag(100, 0x0800), ip}), p) == DecodeStatus::ok);
    check_frame4_v4(p);
    REQUIRE(decode(1, cat({eth_header(0x88a8), vlan_tag(200, 0x8100), vlan_tag(100, 0x0800), ip}),
                   p) == DecodeStatus::ok);
    check_frame4_v4(p);
    REQUIRE(decode(1, cat({eth_header(0x9100), vlan_tag(1, 0x88a8), vlan_tag(2, 0x8100),
                           vlan_tag(3, 0x0800), ip}),
                   p) == DecodeStatus::ok);
    check_frame4_v4(p);
    // Tagged ARP is not ours.
    REQUIRE(decode(1, cat({eth_header(0x8100), vlan_tag(100, 0x0806), ip}), p) == DecodeStatus::ok);
    CHECK(p.kind == PacketKind::other);
    // A tag cut short.
    REQUIRE(decode(1, cat({eth_header(0x8100), {0, 100, 0x08}}), p) == DecodeStatus::truncated);
    // Nine stacked tags: the loop is bounded and says so.
    Buf many = eth_header(0x8100);
    for (int i = 0; i < 9; ++i) many = cat({many, vlan_tag(uint16_t(i), 0x8100)});
    many = cat({many, vlan_tag(9, 0x0800), ip});
    CHECK(decode(1, many, p) == DecodeStatus::malformed);
  }
}

TEST_CASE("net: IPv6 links and extension headers", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  const Buf v6 = frame4_v6();
  DecodedPacket p;
  REQUIRE(decode(1, cat({eth_header(0x86dd), v6}), p) == DecodeStatus::ok);
  check_frame4_v6(p);
  REQUIRE(decode(229, v6, p) == DecodeStatus::ok);
  check_frame4_v6(p);
  REQUIRE(decode(101, v6, p) == DecodeStatus::ok);
  check_frame4_v6(p);
  for (uint8_t af : {24, 28, 30}) {
    INFO("AF " << int(af));
    REQUIRE(decode(0, cat({{af, 0, 0, 0}, v6}), p) == DecodeStatus::ok);
    check_frame4_v6(p);
    REQUIRE(decode(0, cat({{0, 0, 0, af}, v6}), p) == DecodeStatus::ok);
    check_frame4_v6(p);
    REQUIRE(decode(108, cat({{0, 0, 0, af}, v6}), p) == DecodeStatus::ok);
    check_frame4_v6(p);
  }
  REQUIRE(decode(1, cat({eth_header(0x8100), vlan_tag(5, 0x86dd), v6}), p) == DecodeStatus::ok);
  check_frame4_v6(p);
  REQUIRE(decode(229, frame4_ip(), p) == DecodeStatus::malformed);  // IPv4 on an IPv6 link

  const Buf hop = {60, 0, 1, 4, 0, 0, 0, 0};                   // hop-by-hop -> dest opts, PadN
  const Buf dest = {43, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // 16 bytes -> routing
  const Buf routing = {51, 0, 0, 0, 0, 0, 0, 0};               // -> AH
  const Buf ah = {44, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1};        // (1+2)*4 = 12 bytes -> fragment
  const Buf frag_first_more = {6, 0, 0x00, 0x01, 0, 0, 0, 7};  // offset 0, M=1 -> TCP

  SECTION("a chain of every skipped header still reaches TCP") {
    Buf pkt = ipv6_packet(0, cat({hop, dest, routing, ah, frag_first_more}), frame4_tcp());
    REQUIRE(decode(229, pkt, p) == DecodeStatus::ok);
    check_frame4_v6(p);
  }
  SECTION("a non-first fragment is other") {
    const Buf frag_later = {6, 0, 0x05, 0x00, 0, 0, 0, 7};  // offset 160
    REQUIRE(decode(229, ipv6_packet(44, frag_later, frame4_tcp()), p) == DecodeStatus::ok);
    CHECK(p.kind == PacketKind::other);
  }
  SECTION("an extension header beyond the captured bytes is truncated") {
    Buf pkt = ipv6_packet(0, hop, frame4_tcp());
    pkt.resize(40 + 4);
    CHECK(decode(229, pkt, p) == DecodeStatus::truncated);
  }
  SECTION("an extension header longer than the payload length is malformed") {
    Buf big_hop = {6, 200, 0, 0, 0, 0, 0, 0};  // claims (200+1)*8 bytes
    CHECK(decode(229, ipv6_packet(0, big_hop, frame4_tcp()), p) == DecodeStatus::malformed);
  }
  SECTION("an endless chain of extension headers stops") {
    Buf chain;
    for (int i = 0; i < 40; ++i) chain = cat({chain, {60, 0, 1, 4, 0, 0, 0, 0}});
    REQUIRE(decode(229, ipv6_packet(60, chain, frame4_tcp()), p) == DecodeStatus::ok);
    CHECK(p.kind == PacketKind::other);
  }
  SECTION("no next header is other; UDP is udp (read for Kerberos on port 88)") {
    REQUIRE(decode(229, ipv6_packet(59, {}, frame4_tcp()), p) == DecodeStatus::ok);
    CHECK(p.kind == PacketKind::other);
    // The TCP bytes read as a UDP header: a length below 8 is malformed, anything else a datagram.
    const auto st = decode(229, ipv6_packet(17, {}, frame4_tcp()), p);
    CHECK((st == DecodeStatus::malformed || (st == DecodeStatus::ok && p.kind == PacketKind::udp)));
  }
  SECTION("wrong version") {
    Buf pkt = v6;
    pkt[0] = 0x50;
    CHECK(decode(229, pkt, p) == DecodeStatus::malformed);
  }
}

TEST_CASE("net: IPv4 fragments and snapped payloads", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  DecodedPacket p;
  Buf ip = frame4_ip();
  SECTION("first fragment with MF still gives the TCP header") {
    set_u16(ip, 6, 0x2000);
    REQUIRE(decode(228, ip, p) == DecodeStatus::ok);
    check_frame4_v4(p);
  }
  SECTION("non-first fragment is other") {
    set_u16(ip, 6, 0x0004);  // offset 32 bytes, DF clear
    REQUIRE(decode(228, ip, p) == DecodeStatus::ok);
    CHECK(p.kind == PacketKind::other);
    CHECK(p.tcp.sport == 0);
  }
  SECTION("first fragment too short for the TCP header is other, not an error") {
    set_u16(ip, 6, 0x2000);
    set_u16(ip, 2, 20 + 12);
    REQUIRE(decode(228, slice(ip, 0, 32), p) == DecodeStatus::ok);
    CHECK(p.kind == PacketKind::other);
  }
  SECTION("payload cut by the snap length keeps its wire length") {
    REQUIRE(decode(228, slice(ip, 0, kIp4 + kTcp + 10), p) == DecodeStatus::ok);
    REQUIRE(p.kind == PacketKind::tcp);
    CHECK(p.tcp.payload.size() == 10);
    CHECK(p.tcp.payload_wire_length == kPayload);
  }
  SECTION("IP total length shorter than the frame: trailing bytes ignored") {
    Buf padded = cat({ip, Buf(30, 0xee)});
    REQUIRE(decode(228, padded, p) == DecodeStatus::ok);
    check_frame4_v4(p);
  }
  SECTION("total length 0 (segmentation offload) uses the captured length") {
    set_u16(ip, 2, 0);
    REQUIRE(decode(228, ip, p) == DecodeStatus::ok);
    check_frame4_v4(p);
  }
  SECTION("UDP is udp (read for Kerberos on port 88)") {
    ip[9] = 17;
    const auto st = decode(228, ip, p);
    CHECK((st == DecodeStatus::malformed || (st == DecodeStatus::ok && p.kind == PacketKind::udp)));
  }
}

TEST_CASE("net: malformed IPv4 and TCP headers", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  DecodedPacket p;
  const Buf good = frame4_ip();
  Buf ip = good;
  SECTION("IHL below 5") {
    ip[0] = 0x44;
    CHECK(decode(228, ip, p) == DecodeStatus::malformed);
  }
  SECTION("IHL past the total length") {
    ip[0] = 0x4f;  // 60-byte header
    set_u16(ip, 2, 40);
    CHECK(decode(228, ip, p) == DecodeStatus::malformed);
  }
  SECTION("IHL past the captured bytes") {
    ip[0] = 0x4f;
    CHECK(decode(228, slice(ip, 0, 40), p) == DecodeStatus::truncated);
  }
  SECTION("total length below 20") {
    set_u16(ip, 2, 19);
    CHECK(decode(228, ip, p) == DecodeStatus::malformed);
  }
  SECTION("version 5 on an IPv4 link, version 7 on a raw link") {
    ip[0] = 0x55;
    CHECK(decode(228, ip, p) == DecodeStatus::malformed);
    ip[0] = 0x75;
    CHECK(decode(101, ip, p) == DecodeStatus::malformed);
    CHECK(decode(101, Buf{}, p) == DecodeStatus::truncated);
  }
  SECTION("TCP data offset below 5") {
    ip[kIp4 + 12] = 0x40;
    CHECK(decode(228, ip, p) == DecodeStatus::malformed);
    CHECK(p.kind == PacketKind::other);
  }
  SECTION("TCP data offset past the IP payload") {
    ip[kIp4 + 12] = 0xf0;      // 60-byte TCP header...
    set_u16(ip, 2, kIp4 + 40);  // ...in 40 bytes of IP payload
    CHECK(decode(228, ip, p) == DecodeStatus::malformed);
  }
  SECTION("TCP data offset past the captured bytes") {
    ip[kIp4 + 12] = 0xf0;  // 60-byte header, IP says 67 bytes of TCP, 50 captured
    CHECK(decode(228, slice(ip, 0, kIp4 + 50), p) == DecodeStatus::truncated);
  }
  SECTION("IP payload too short for a TCP header") {
    set_u16(ip, 2, kIp4 + 10);
    CHECK(decode(228, ip, p) == DecodeStatus::malformed);
  }
}

TEST_CASE("net: every truncated prefix is truncated or a shorter payload, never a crash", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  struct Case {
    const char* name;
    uint32_t link;
    Buf frame;
    size_t headers;  // bytes before the TCP payload
  };
  const Case cases[] = {
      {"ethernet", 1, frame4_eth(), kEth + kIp4 + kTcp},
      {"vlan", 1, cat({eth_header(0x8100), vlan_tag(7, 0x0800), frame4_ip()}), kEth + 4 + kIp4 + kTcp},
      {"sll2", 276, cat({Buf(20, 0), frame4_ip()}), 20 + kIp4 + kTcp},
      {"null", 0, cat({{2, 0, 0, 0}, frame4_ip()}), 4 + kIp4 + kTcp},
      {"ipv6+ext", 229, ipv6_packet(0, {6, 0, 1, 4, 0, 0, 0, 0}, frame4_tcp()), 40 + 8 + kTcp},
  };
  for (const Case& c : cases) {
    Buf f = c.frame;
    if (std::string(c.name) == "sll2") f[0] = 0x08;  // protocol IPv4
    for (size_t len = 0; len <= f.size(); ++len) {
      INFO(c.name << " prefix " << len);
      DecodedPacket p;
      // A copy of exactly `len` bytes, so ASan sees any read past the end.
      Buf prefix = slice(f, 0, len);
      DecodeStatus s = decode(c.link, prefix, p);
      if (len < c.headers) {
        CHECK(s == DecodeStatus::truncated);
        CHECK(p.kind == PacketKind::other);
      } else {
        REQUIRE(s == DecodeStatus::ok);
        REQUIRE(p.kind == PacketKind::tcp);
        CHECK(p.tcp.payload.size() == len - c.headers);
        CHECK(p.tcp.payload_wire_length == kPayload);
      }
    }
  }
}

TEST_CASE("net: ICMP destination unreachable quoting a real TCP packet", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  DecodedPacket p;
  const Buf quoted = slice(frame4_ip(), 0, kIp4 + 8);  // IP header + first 8 TCP bytes
  // Outer IPv4 192.168.1.1 -> 192.168.1.200, protocol 1, type 3 code 3 (port unreachable).
  auto icmp4 = [&](uint8_t type, uint8_t code, const Buf& quote) {
    Buf icmp = cat({{type, code, 0, 0, 0, 0, 0, 0}, quote});
    uint16_t total = uint16_t(20 + icmp.size());
    Buf ip = {0x45, 0, uint8_t(total >> 8), uint8_t(total), 0, 1, 0, 0, 64, 1, 0, 0,
              192, 168, 1, 1, 192, 168, 1, 200};
    return cat({eth_header(0x0800), ip, icmp});
  };

  REQUIRE(decode(1, icmp4(3, 3, quoted), p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::icmp_unreachable);
  CHECK_FALSE(p.icmp.v6);
  CHECK(p.icmp.reporter.to_string() == "192.168.1.1");
  CHECK(p.icmp.type == 3);
  CHECK(p.icmp.code == 3);
  CHECK(p.icmp.quoted_protocol == 6);
  CHECK(p.icmp.quoted_src.to_string() == "192.168.1.200");
  CHECK(p.icmp.quoted_dst.to_string() == "192.168.1.150");
  CHECK(p.icmp.quoted_sport == 49206);
  CHECK(p.icmp.quoted_dport == 3389);

  // Routers often quote the whole packet: still fine.
  REQUIRE(decode(1, icmp4(3, 13, frame4_ip()), p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::icmp_unreachable);
  CHECK(p.icmp.code == 13);
  CHECK(p.icmp.quoted_dport == 3389);

  // Echo request: other.
  REQUIRE(decode(1, icmp4(8, 0, quoted), p) == DecodeStatus::ok);
  CHECK(p.kind == PacketKind::other);

  // A complete ICMP message whose quote is too short for the ports.
  CHECK(decode(1, icmp4(3, 3, slice(quoted, 0, kIp4 + 2)), p) == DecodeStatus::malformed);
  CHECK(p.kind == PacketKind::other);
  // A quoted non-first fragment has no ports to report.
  Buf frag = quoted;
  set_u16(frag, 6, 0x0010);
  REQUIRE(decode(1, icmp4(3, 1, frag), p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::icmp_unreachable);
  CHECK(p.icmp.quoted_sport == 0);
  CHECK(p.icmp.quoted_dst.to_string() == "192.168.1.150");

  // Every prefix of the frame: truncated below the ports, never a crash.
  Buf full = icmp4(3, 3, quoted);
  const size_t need = kEth + 20 + 8 + kIp4 + 4;
  for (size_t len = 0; len < full.size(); ++len) {
    INFO("prefix " << len);
    Buf prefix = slice(full, 0, len);
    DecodeStatus s = decode(1, prefix, p);
    if (len < need) {
      CHECK(s == DecodeStatus::truncated);
      CHECK(p.kind == PacketKind::other);
    } else {
      CHECK(s == DecodeStatus::ok);
      CHECK(p.kind == PacketKind::icmp_unreachable);
    }
  }
}

TEST_CASE("net: ICMPv6 destination unreachable", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  DecodedPacket p;
  const Buf quoted = slice(frame4_v6(), 0, 40 + 8);
  Buf icmp = cat({{1, 4, 0, 0, 0, 0, 0, 0}, quoted});  // code 4: port unreachable
  Buf pkt = ipv6_packet(58, {}, icmp);
  pkt[8 + 15] = 0x01;  // reporter 2001:db8::1
  REQUIRE(decode(229, pkt, p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::icmp_unreachable);
  CHECK(p.icmp.v6);
  CHECK(p.icmp.reporter.to_string() == "2001:db8::1");
  CHECK(p.icmp.type == 1);
  CHECK(p.icmp.code == 4);
  CHECK(p.icmp.quoted_protocol == 6);
  CHECK(p.icmp.quoted_src.to_string() == "2001:db8::c8");
  CHECK(p.icmp.quoted_dst.to_string() == "2001:db8:0:1::96");
  CHECK(p.icmp.quoted_sport == 49206);
  CHECK(p.icmp.quoted_dport == 3389);

  // ICMPv6 echo request (128): other.
  REQUIRE(decode(229, ipv6_packet(58, {}, cat({{128, 0, 0, 0, 0, 0, 0, 0}, quoted})), p) ==
          DecodeStatus::ok);
  CHECK(p.kind == PacketKind::other);
  // ICMPv4 type 3 inside IPv6 is not an ICMPv6 error.
  REQUIRE(decode(229, ipv6_packet(58, {}, cat({{3, 3, 0, 0, 0, 0, 0, 0}, quoted})), p) ==
          DecodeStatus::ok);
  CHECK(p.kind == PacketKind::other);
}

TEST_CASE("net: link types and address text", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  DecodedPacket p;
  CHECK(decode(105, frame4_eth(), p) == DecodeStatus::unsupported_link);  // 802.11
  CHECK(decode(127, frame4_eth(), p) == DecodeStatus::unsupported_link);  // radiotap
  for (uint32_t l : {0u, 1u, 12u, 14u, 101u, 108u, 113u, 228u, 229u, 276u}) {
    INFO(l);
    CHECK(rdpcap::net::link_type_supported(l));
    CHECK(std::string(rdpcap::net::link_type_name(l)) != "unsupported");
  }
  CHECK_FALSE(rdpcap::net::link_type_supported(105));
  CHECK(std::string(rdpcap::net::link_type_name(1)) == "Ethernet");
  CHECK(std::string(rdpcap::net::link_type_name(105)) == "unsupported");

  IpAddress a;
  a.bytes = {10, 0, 0, 1};
  CHECK(a.to_string() == "10.0.0.1");
  IpAddress b;
  b.v6 = true;
  CHECK(b.to_string() == "::");
  b.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  CHECK(b.to_string() == "2001:db8::1:0:0:1");  // RFC 5952 4.2.3: first longest run
  b.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  CHECK(b.to_string() == "::ffff:192.0.2.1");
  CHECK(a < b);  // ordering: v4 before v6
}

TEST_CASE("net: a reused DecodedPacket is fully reset", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  DecodedPacket p;
  REQUIRE(decode(1, frame4_eth(), p) == DecodeStatus::ok);
  REQUIRE(p.kind == PacketKind::tcp);
  Capture udp = load_capture("zeek-rdpeudp-handshake-fail.pcap");
  REQUIRE(decode(1, udp.frames.at(0), p) == DecodeStatus::ok);
  CHECK(p.kind == PacketKind::udp);
  CHECK(p.udp.sport != 0);
  CHECK(p.tcp.sport == 0);
  CHECK(p.tcp.payload.empty());
  CHECK(decode(1, Buf(13, 0), p) == DecodeStatus::truncated);
}

TEST_CASE("IPv4 text is inet_ntop's for every byte value at every position", "[net]") {
  for (int pos = 0; pos < 4; ++pos)
    for (int b = 0; b < 256; ++b) {
      IpAddress a;
      a.bytes = {10, 0, 200, 99};
      a.bytes[pos] = static_cast<uint8_t>(b);
      char want[INET_ADDRSTRLEN] = {};
      REQUIRE(inet_ntop(AF_INET, a.bytes.data(), want, sizeof want));
      INFO("byte " << b << " at " << pos);
      REQUIRE(a.to_string() == want);
    }
}
