// Shared by the fuzz targets and the seed generator: the input format of
// fuzz_tcp_flow and the Ethernet/IPv4/TCP frame synthesis.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "util/byte_reader.hpp"

namespace rdpcap::fuzz {

// Splits `data` into pieces whose sizes come from `sizes` (one byte per
// piece, 0 meaning "the rest"): how every stream target feeds bytes in
// fuzzer-chosen splits.
template <typename F>
void for_each_split(util::Bytes data, util::Bytes sizes, F&& f) {
  size_t pos = 0, i = 0;
  while (pos < data.size()) {
    size_t n = data.size() - pos;
    if (i < sizes.size() && sizes[i] != 0) n = std::min<size_t>(n, sizes[i]);
    ++i;
    f(data.subspan(pos, n));
    pos += n;
  }
}

// ---------------------------------------------------------------------------
// fuzz_tcp_flow input (all integers big-endian):
//   u8  mode        bit0: start with SYN, SYN-ACK, ACK
//                   bit1: server port 3390 (RDP found by content) instead of 3389
//                   bit2: end with FIN from both sides
//                   bit3: render the reports
//                   bit4: idle timeout of 1 s and 1 s between frames
//   u32 client ISN, u32 server ISN
//   u16 op count (at most kMaxOps)
//   op[count], 6 bytes each:
//     u8  ctl       bit0: from the server; bit1 FIN; bit2 RST; bit3 SYN;
//                   bit4 no ACK flag; bit5 ICMP port unreachable instead;
//                   bits6-7: ack = peer's highest byte sent +0 / -1 / +1000 / +2^20
//     u16 offset    into this direction's stream (seq = ISN + 1 + offset)
//     u16 length    bytes of the stream (clamped to what exists and to kMaxSegment)
//     u8  reserved
//   u16 client stream length, client stream, server stream (the rest)
// ---------------------------------------------------------------------------
constexpr size_t kMaxOps = 512;
constexpr size_t kMaxSegment = 8192;  // bytes per synthesized segment
constexpr size_t kOpSize = 6;

struct FlowOp {
  uint8_t ctl = 0;
  uint16_t offset = 0, length = 0;
  uint8_t reserved = 0;
};

struct FlowInput {
  uint8_t mode = 0;
  uint32_t client_isn = 0, server_isn = 0;
  std::vector<FlowOp> ops;
  util::Bytes client, server;
};

inline FlowInput parse_flow_input(util::Bytes data) {
  FlowInput in;
  util::ByteReader r(data);
  uint16_t count = 0, client_len = 0;
  r.u8(in.mode);
  r.u32be(in.client_isn);
  r.u32be(in.server_isn);
  r.u16be(count);
  for (size_t i = 0; i < std::min<size_t>(count, kMaxOps); ++i) {
    FlowOp op;
    if (!r.u8(op.ctl) || !r.u16be(op.offset) || !r.u16be(op.length) || !r.u8(op.reserved)) break;
    in.ops.push_back(op);
  }
  r.u16be(client_len);
  client_len = static_cast<uint16_t>(std::min<size_t>(client_len, r.remaining()));
  r.bytes(client_len, in.client);
  in.server = r.rest();
  return in;
}

inline void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void put32(std::vector<uint8_t>& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v));
}

inline std::vector<uint8_t> encode_flow_input(const FlowInput& in) {
  std::vector<uint8_t> out;
  out.push_back(in.mode);
  put32(out, in.client_isn);
  put32(out, in.server_isn);
  put16(out, static_cast<uint16_t>(std::min(in.ops.size(), kMaxOps)));
  for (size_t i = 0; i < std::min(in.ops.size(), kMaxOps); ++i) {
    out.push_back(in.ops[i].ctl);
    put16(out, in.ops[i].offset);
    put16(out, in.ops[i].length);
    out.push_back(in.ops[i].reserved);
  }
  const size_t client_len = std::min<size_t>(in.client.size(), 0xffff);
  put16(out, static_cast<uint16_t>(client_len));
  out.insert(out.end(), in.client.begin(), in.client.begin() + client_len);
  out.insert(out.end(), in.server.begin(), in.server.end());
  return out;
}

// An Ethernet II + IPv4 + TCP frame (RFC 791, RFC 9293); checksums are zero
// (the engine does not check them).
struct TcpFrameSpec {
  uint32_t src = 0, dst = 0;  // IPv4 addresses, host order
  uint16_t sport = 0, dport = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  util::Bytes payload;
};

inline std::vector<uint8_t> ethernet_ipv4_tcp(const TcpFrameSpec& s) {
  std::vector<uint8_t> f;
  f.reserve(54 + s.payload.size());
  const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1};
  f.insert(f.end(), macs, macs + 12);
  put16(f, 0x0800);
  const size_t ip_len = std::min<size_t>(20 + 20 + s.payload.size(), 0xffff);
  f.push_back(0x45);
  f.push_back(0);
  put16(f, static_cast<uint16_t>(ip_len));
  put16(f, 0);       // id
  put16(f, 0x4000);  // DF
  f.push_back(64);
  f.push_back(6);
  put16(f, 0);
  put32(f, s.src);
  put32(f, s.dst);
  put16(f, s.sport);
  put16(f, s.dport);
  put32(f, s.seq);
  put32(f, s.ack);
  f.push_back(0x50);
  f.push_back(s.flags);
  put16(f, 65535);  // window
  put16(f, 0);
  put16(f, 0);
  f.insert(f.end(), s.payload.begin(), s.payload.begin() + static_cast<std::ptrdiff_t>(ip_len - 40));
  return f;
}

// ICMP destination unreachable (RFC 792) from `reporter`, quoting the TCP
// header of a segment src:sport -> dst:dport.
inline std::vector<uint8_t> ethernet_icmp_unreachable(uint32_t reporter, uint32_t to, uint32_t src, uint16_t sport,
                                                      uint32_t dst, uint16_t dport, uint8_t code) {
  std::vector<uint8_t> f;
  const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
  f.insert(f.end(), macs, macs + 12);
  put16(f, 0x0800);
  f.push_back(0x45);
  f.push_back(0);
  put16(f, 20 + 8 + 20 + 8);
  put16(f, 0);
  put16(f, 0);
  f.push_back(64);
  f.push_back(1);
  put16(f, 0);
  put32(f, reporter);
  put32(f, to);
  f.push_back(3);  // destination unreachable
  f.push_back(code);
  put16(f, 0);
  put32(f, 0);
  f.push_back(0x45);  // quoted IPv4 header
  f.push_back(0);
  put16(f, 40);
  put16(f, 0);
  put16(f, 0);
  f.push_back(64);
  f.push_back(6);
  put16(f, 0);
  put32(f, src);
  put32(f, dst);
  put16(f, sport);  // first 8 bytes of the quoted TCP header
  put16(f, dport);
  put32(f, 0);
  return f;
}

}  // namespace rdpcap::fuzz
