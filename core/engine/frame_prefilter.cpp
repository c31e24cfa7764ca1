#include "engine/frame_prefilter.hpp"

#include <cstring>

#include "net/fast_path.hpp"
#include "net/packet.hpp"
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
  if (net::peek_plain_tcp(link_type, frame, t))
    return note(key_of(t), t.sport, t.dport, t.flags, t.payload) && !full_;
  // Not for the fast path (VLAN tags, IPv6 extension headers, fragments...):
  // the analyzer decodes it in full. A TCP segment in it still opens or
  // resolves its flow here, for the flow's frames that the fast path can
  // read (a trunk port may tag one direction only).
  net::DecodedPacket p;
  if (net::decode_frame(link_type, frame, p) == net::DecodeStatus::ok && p.kind == net::PacketKind::tcp) {
    const auto& s = p.tcp;
    note(session::FlowKey::of(s.src, s.sport, s.dst, s.dport), s.sport, s.dport, s.flags, s.payload);
  }
  return false;
}

bool FramePrefilter::note(const session::FlowKey& key, uint16_t sport, uint16_t dport, uint8_t flags,
                          util::Bytes payload) {
  if (followed_port(sport) || followed_port(dport)) return false;
  if (flows_.may_hold(sport, dport)) {
    if (auto it = flows_.find(key); it != flows_.end()) {
      if (it->second == State::awaiting_payload) {
        if (!payload.empty()) {
          if (proto::looks_like_connection_request(payload))
            it->second = State::maybe_rdp;
          else
            flows_.erase(it);
        } else if (flags & (net::tcp_flag::rst | net::tcp_flag::fin)) {
          flows_.erase(it);
        }
      }
      return false;
    }
  }
  const bool syn_only = (flags & net::tcp_flag::syn) && !(flags & net::tcp_flag::ack);
  if (syn_only && payload.empty()) {  // may become pending in the flow table
    if (flows_.size() >= kMaxFlows) full_ = true;
    if (!full_) flows_[key] = State::awaiting_payload;
    return false;
  }
  return true;
}

}  // namespace rdpcap::engine
