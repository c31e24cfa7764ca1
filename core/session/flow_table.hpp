// The analyzer's flow table: an unordered_map from FlowKey that also keeps,
// per TCP port, how many flows in the table use it. may_hold(sport, dport) is
// then a test of two bits in an 8 KiB bitmap: when it says no, the segment's
// flow is certainly not in the table and the hash lookup is skipped. Most
// segments of a capture that is mostly not RDP belong to flows the analyzer
// does not follow, so this is the common case.
//
// Same interface as the subset of std::unordered_map the analyzer uses; the
// iterator type is the map's own.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "session/flow_key.hpp"

namespace rdpcap::session {

template <typename Value>
class FlowTable {
 public:
  using Map = std::unordered_map<FlowKey, Value, FlowKeyHash>;
  using iterator = typename Map::iterator;

  FlowTable() : refs_(65536, 0) {}

  Value& operator[](const FlowKey& key) {
    auto [it, inserted] = map_.try_emplace(key);
    if (inserted) add(key);
    return it->second;
  }
  iterator find(const FlowKey& key) { return map_.find(key); }
  iterator begin() { return map_.begin(); }
  iterator end() { return map_.end(); }
  size_t size() const { return map_.size(); }
  iterator erase(iterator it) {
    remove(it->first);
    return map_.erase(it);
  }
  void clear() {
    map_.clear();
    std::fill(refs_.begin(), refs_.end(), 0);
    bits_.fill(0);
  }

  // False: no flow in the table has both ports (whatever the addresses).
  bool may_hold(uint16_t port1, uint16_t port2) const { return test(port1) && test(port2); }

 private:
  bool test(uint16_t port) const { return (bits_[port >> 6] >> (port & 63)) & 1; }
  void add(const FlowKey& k) {
    inc(k.port_a);
    inc(k.port_b);
  }
  void remove(const FlowKey& k) {
    dec(k.port_a);
    dec(k.port_b);
  }
  void inc(uint16_t port) {
    if (refs_[port]++ == 0) bits_[port >> 6] |= uint64_t{1} << (port & 63);
  }
  void dec(uint16_t port) {
    if (--refs_[port] == 0) bits_[port >> 6] &= ~(uint64_t{1} << (port & 63));
  }

  Map map_;
  std::vector<uint32_t> refs_;         // flows per port (a flow with port_a == port_b counts twice)
  std::array<uint64_t, 1024> bits_{};  // refs_[port] != 0
};

}  // namespace rdpcap::session
