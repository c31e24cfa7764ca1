#include "engine/frame_prefilter.hpp"

#include <cstring>

#include "net/fast_path.hpp"
#include "proto/rdp_negotiation.hpp"
#include "session/kerberos_watch.hpp"

namespace rdpcap::engine {

FramePrefilter::FramePrefilter(const AnalyzerOptions& options) {
  const auto follow = [this](uint16_t p) { port_bits_[p >> 6] |= uint64_t{1} << (p & 63); };
  for (uint16_t p : options.rdp_ports) follow(p);
  follow(session::KerberosWatch::kPort);  // the analyzer reads Kerberos on TCP 88 too
}

namespace {
session::FlowKey key_of(const net::PlainTcp& t) {
  net::IpAddress src, dst;
  const size_t n = t.addresses.size() / 2;
  src.v6 = dst.v6 = n == 16;
  std::memcpy(src.bytes.data(), t.addresses.data(), n);
  std::memcpy(dst.bytes.data(), t.addresses.data() + n, n);
  return session::FlowKey::of(src, t.sport, dst, t.dport);
}
}  // namespace

bool FramePrefilter::surely_ignored(uint32_t link_type, util::Bytes frame) {
  net::PlainTcp t;
  if (!net::peek_plain_tcp(link_type, frame, t) || followed_port(t.sport) || followed_port(t.dport)) return false;
  const bool syn_only = (t.flags & net::tcp_flag::syn) && !(t.flags & net::tcp_flag::ack);
  if (flows_.may_hold(t.sport, t.dport)) {
    if (auto it = flows_.find(key_of(t)); it != flows_.end()) {
      if (it->second == State::awaiting_payload) {
        if (!t.payload.empty()) {
          if (proto::looks_like_connection_request(t.payload))
            it->second = State::maybe_rdp;
          else
            flows_.erase(it);
        } else if (t.flags & (net::tcp_flag::rst | net::tcp_flag::fin)) {
          flows_.erase(it);
        }
      }
      return false;
    }
  }
  if (syn_only && t.payload.empty()) {  // may become pending in the flow table
    if (flows_.size() >= kMaxFlows) full_ = true;
    if (!full_) flows_[key_of(t)] = State::awaiting_payload;
    return false;
  }
  return !full_;
}

}  // namespace rdpcap::engine
