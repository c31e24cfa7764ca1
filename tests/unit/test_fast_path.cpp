// The analyzer's fast path for non-RDP traffic (core/net/fast_path,
// core/session/flow_table) and the memory a connection keeps once it stops
// following encrypted application data (core/session/connection).
#include <pcap/pcap.h>

#include <catch2/catch.hpp>

#include <random>
#include <tuple>
#include <algorithm>
#include <cstdint>
#include <dirent.h>
#include <string>
#include <vector>

#include "net/fast_path.hpp"
#include "net/packet.hpp"
#include "session/connection.hpp"
#include "session/flow_table.hpp"

using rdpcap::util::Bytes;
namespace net = rdpcap::net;
namespace session = rdpcap::session;

namespace {

struct Frame {
  std::vector<uint8_t> data;
  uint32_t link_type = 1;
  int64_t time_us = 0;
};

std::vector<Frame> read_frames(const std::string& path) {
  std::vector<Frame> out;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
  if (!p) return out;
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  while (pcap_next_ex(p, &h, &d) == 1)
    out.push_back({std::vector<uint8_t>(d, d + h->caplen), static_cast<uint32_t>(pcap_datalink(p)),
                   int64_t{h->ts.tv_sec} * 1000000 + h->ts.tv_usec});
  pcap_close(p);
  return out;
}

std::vector<std::string> sample_files() {
  std::vector<std::string> out;
  const std::string dir = std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
    closedir(d);
  }
  return out;
}

// The contract of peek_plain_tcp(): whenever it answers, decode_frame()
// agrees on every field the fast path uses. Returns whether it answered.
bool agrees(uint32_t link_type, Bytes frame) {
  net::PlainTcp fast;
  const bool answered = net::peek_plain_tcp(link_type, frame, fast);
  if (answered) {
    net::DecodedPacket full;
    const auto status = net::decode_frame(link_type, frame, full);
    REQUIRE(status == net::DecodeStatus::ok);
    REQUIRE(full.kind == net::PacketKind::tcp);
    CHECK(full.tcp.sport == fast.sport);
    CHECK(full.tcp.dport == fast.dport);
    CHECK(full.tcp.flags == fast.flags);
    CHECK(full.tcp.payload.data() == fast.payload.data());
    CHECK(full.tcp.payload.size() == fast.payload.size());
    const size_t n = full.tcp.src.v6 ? 16 : 4;
    REQUIRE(fast.addresses.size() == 2 * n);
    CHECK(std::equal(fast.addresses.begin(), fast.addresses.begin() + n, full.tcp.src.bytes.begin()));
    CHECK(std::equal(fast.addresses.begin() + n, fast.addresses.end(), full.tcp.dst.bytes.begin()));
  }
  return answered;
}

}  // namespace

TEST_CASE("fast path: agrees with the full decoder on every sample frame", "[net][fast]") {
  size_t frames = 0, answered = 0, tcp = 0;
  for (const auto& file : sample_files()) {
    for (const auto& f : read_frames(file)) {
      ++frames;
      net::DecodedPacket full;
      if (net::decode_frame(f.link_type, f.data, full) == net::DecodeStatus::ok && full.kind == net::PacketKind::tcp)
        ++tcp;
      answered += agrees(f.link_type, f.data);
    }
  }
  REQUIRE(frames > 1000);
  // Every link type of the samples but VLAN-tagged Ethernet takes the fast path.
  CHECK(answered > tcp * 9 / 10);
}

TEST_CASE("fast path: agrees with the full decoder on damaged headers", "[net][fast]") {
  // Every header byte of a few real frames (Ethernet/IPv4, IPv6, VLAN, SLL2)
  // set to telling values, and every truncation.
  const std::string dir = std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/";
  const uint8_t values[] = {0x00, 0x01, 0x05, 0x06, 0x08, 0x11, 0x20, 0x3f, 0x40, 0x45, 0x4f, 0x50,
                            0x60, 0x86, 0xdd, 0xf0, 0xff};
  size_t answered = 0;
  for (const char* name : {"01-healthy-hybrid-tls12.pcap", "21a-ipv6-healthy.pcap", "21b-vlan-healthy.pcap",
                           "21c-sll2-healthy.pcap", "17c-tcp-icmp-port-unreachable.pcap"}) {
    const auto frames = read_frames(dir + name);
    REQUIRE(frames.size() > 1);
    for (size_t i : {size_t{0}, size_t{1}, frames.size() / 2}) {
      const Frame& f = frames[i];
      for (size_t len = 0; len <= f.data.size(); ++len) answered += agrees(f.link_type, Bytes(f.data.data(), len));
      for (size_t at = 0; at < std::min<size_t>(f.data.size(), 80); ++at) {
        for (uint8_t v : values) {
          std::vector<uint8_t> m = f.data;
          m[at] = v;
          answered += agrees(f.link_type, m);
        }
      }
      for (uint32_t link : {0u, 1u, 12u, 101u, 113u, 228u, 229u, 276u}) answered += agrees(link, f.data);
    }
  }
  CHECK(answered > 0);
}

TEST_CASE("flow table: may_hold follows the ports of the flows it holds", "[session][fast]") {
  struct Value {
    int n = 0;
  };
  session::FlowTable<Value> table;
  net::IpAddress a, b;
  a.bytes[0] = 10, b.bytes[0] = 11;
  const auto k1 = session::FlowKey::of(a, 50000, b, 3389);
  const auto k2 = session::FlowKey::of(a, 50001, b, 3389);
  CHECK_FALSE(table.may_hold(50000, 3389));
  table[k1].n = 1;
  table[k1].n = 2;  // same flow: counted once
  table[k2].n = 3;
  CHECK(table.may_hold(50000, 3389));
  CHECK(table.may_hold(3389, 50001));
  CHECK(table.may_hold(50000, 50001));  // both ports in use: may (a lookup decides)
  CHECK_FALSE(table.may_hold(50002, 3389));
  table.erase(table.find(k1));
  CHECK_FALSE(table.may_hold(50000, 3389));
  CHECK(table.may_hold(50001, 3389));
  for (auto it = table.begin(); it != table.end();) it = table.erase(it);
  CHECK_FALSE(table.may_hold(50001, 3389));
  CHECK(table.size() == 0);
  table[k2];
  table.clear();
  CHECK_FALSE(table.may_hold(50001, 3389));
}

TEST_CASE("connection: a direction past its encrypted records keeps no bytes", "[session][memory]") {
  // Sample 01 (TLS 1.2) up to its first FIN, then both sides send TLS
  // application data records that straddle segments, ending mid-record.
  const auto frames = read_frames(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/01-healthy-hybrid-tls12.pcap");
  REQUIRE(frames.size() > 10);
  std::vector<net::DecodedPacket> packets;
  for (const auto& f : frames) {
    net::DecodedPacket p;
    REQUIRE(net::decode_frame(f.link_type, f.data, p) == net::DecodeStatus::ok);
    packets.push_back(p);
  }
  session::Limits limits;
  session::Connection conn(1, packets[0].tcp, true, true, limits);
  uint32_t next_seq[2] = {0, 0};  // client, server
  uint64_t frame_no = 0;
  int64_t now = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& seg = packets[i].tcp;
    if (seg.flags & net::tcp_flag::fin) break;
    now = frames[i].time_us;
    conn.on_segment(seg, {++frame_no, now});
    const int side = conn.direction_of(seg) == rdpcap::model::Direction::client_to_server ? 0 : 1;
    next_seq[side] = seg.seq + static_cast<uint32_t>(seg.payload.size()) +
                     ((seg.flags & net::tcp_flag::syn) ? 1 : 0);
  }
  REQUIRE(conn.summary().tls.handshake_complete());
  const uint64_t records_before = conn.summary().tls.server_encrypted.records;

  // 100 records of 700 bytes per side, cut into 1448-byte segments; the last
  // segment stops in the middle of a record.
  std::vector<uint8_t> stream;
  for (int r = 0; r < 100; ++r) {
    const uint8_t header[5] = {0x17, 0x03, 0x03, 0x02, 0xb7};  // application data, 695 bytes
    stream.insert(stream.end(), header, header + 5);
    stream.insert(stream.end(), 695, static_cast<uint8_t>(r));
  }
  stream.resize(stream.size() - 300);
  size_t peak = 0;
  for (size_t off = 0; off < stream.size(); off += 1448) {
    const size_t n = std::min<size_t>(1448, stream.size() - off);
    for (int side = 0; side < 2; ++side) {
      net::TcpSegment seg = side == 0 ? packets[0].tcp : packets[1].tcp;  // SYN, SYN-ACK: the addresses
      seg.flags = net::tcp_flag::ack | net::tcp_flag::psh;
      seg.seq = next_seq[side];
      seg.ack = next_seq[1 - side];
      seg.payload = Bytes(stream.data() + off, n);
      conn.on_segment(seg, {++frame_no, ++now});
      next_seq[side] += static_cast<uint32_t>(n);
      peak = std::max(peak, conn.retained_bytes());
    }
  }
  const auto& t = conn.summary().tls;
  CHECK(peak > 0);  // partial records were buffered while the records were followed
  CHECK(t.server_encrypted.records >= 32);
  CHECK(t.server_encrypted.records < records_before + 100);  // stopped before the end
  CHECK(conn.summary().stage == rdpcap::model::Stage::application_data);
  CHECK(conn.retained_bytes() == 0);

  conn.on_capture_end({frame_no, now});
  const auto summary = conn.take_summary();
  CHECK(summary.tls.client_pending_bytes == 0);  // not followed: not "pending"
  CHECK(summary.tls.server_pending_bytes == 0);
}

TEST_CASE("FlowKey orders endpoints as (address, port) tuples do", "[fast_path]") {
  // FlowKey::not_after is the hand-written form of std::tie(x, xp) <= std::tie(y, yp).
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> small(0, 2), byte(0, 255);
  for (int i = 0; i < 20000; ++i) {
    net::IpAddress x, y;
    x.v6 = small(rng) == 0, y.v6 = small(rng) == 0;
    for (size_t k = 0; k < 16; ++k) {  // few distinct bytes: many equal prefixes and equal addresses
      x.bytes[k] = static_cast<uint8_t>(small(rng) == 0 ? byte(rng) : 1);
      y.bytes[k] = static_cast<uint8_t>(small(rng) == 0 ? byte(rng) : 1);
    }
    if (small(rng) == 0) y = x;
    const uint16_t xp = static_cast<uint16_t>(small(rng) * 30000), yp = static_cast<uint16_t>(small(rng) * 30000);
    INFO(i);
    REQUIRE(session::FlowKey::not_after(x, xp, y, yp) == (std::tie(x, xp) <= std::tie(y, yp)));
    REQUIRE(session::FlowKey::of(x, xp, y, yp) == session::FlowKey::of(y, yp, x, xp));
  }
}
