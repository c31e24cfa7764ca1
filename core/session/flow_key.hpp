// A TCP connection's 4-tuple, the same whichever direction a segment goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

#include "net/packet.hpp"

namespace rdpcap::session {

struct FlowKey {
  net::IpAddress a, b;  // a <= b (with ports) so both directions map to one key
  uint16_t port_a = 0, port_b = 0;

  static FlowKey of(const net::IpAddress& src, uint16_t sport, const net::IpAddress& dst, uint16_t dport) {
    if (not_after(src, sport, dst, dport)) return {src, dst, sport, dport};
    return {dst, src, dport, sport};
  }
  // (x, xp) <= (y, yp) in IpAddress's order (v6 flag, then the bytes) then
  // the port's: what std::tie(x, xp) <= std::tie(y, yp) says, without the
  // generic three-way comparisons (a few % of the reading thread, per frame).
  static bool not_after(const net::IpAddress& x, uint16_t xp, const net::IpAddress& y, uint16_t yp) {
    if (x.v6 != y.v6) return y.v6;
    const int c = std::memcmp(x.bytes.data(), y.bytes.data(), x.bytes.size());
    return c != 0 ? c < 0 : xp <= yp;
  }
  bool operator==(const FlowKey&) const = default;
};

struct FlowKeyHash {
  size_t operator()(const FlowKey& k) const noexcept {
    // FNV-1a over the address bytes and ports.
    uint64_t h = 1469598103934665603ull;
    const auto mix = [&h](uint8_t byte) {
      h ^= byte;
      h *= 1099511628211ull;
    };
    const size_t n = k.a.v6 ? 16 : 4;
    for (size_t i = 0; i < n; ++i) mix(k.a.bytes[i]);
    for (size_t i = 0; i < n; ++i) mix(k.b.bytes[i]);
    mix(k.port_a >> 8), mix(k.port_a & 0xff), mix(k.port_b >> 8), mix(k.port_b & 0xff);
    return static_cast<size_t>(h);
  }
};

}  // namespace rdpcap::session
