// Cleartext Kerberos on TCP/UDP port 88 (RFC 4120 7.2.1/7.2.2), watched
// beside the RDP connections: NLA's Kerberos exchange with the domain
// controller is not encrypted, so its KRB-ERROR answers (5.9.1) name the
// failure even without a key log. Requests (AS-REQ/TGS-REQ: which service
// was asked for) and errors are kept per client IP and time, bounded; an
// RDP connection later takes those of its client within its setup window
// (attach). Only errors about the TGT (krbtgt/...) or the RDP service
// (TERMSRV/...) count: a client's other Kerberos traffic is not this
// connection's business.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "model/connection_summary.hpp"
#include "net/packet.hpp"
#include "session/limits.hpp"

namespace rdpcap::session {

class KerberosWatch {
 public:
  static constexpr uint16_t kPort = 88;
  // The connection's setup window (not a memory bound: what counts as its client's Kerberos).
  static constexpr int64_t kBefore_us = 30'000'000; // window starts 30 s before the RDP connection
  static constexpr int64_t kSetup_us = 120'000'000; // ... and ends 120 s after its start (or at its end)

  // Bounded by limits.kerberos_events, kerberos_tcp_streams, kerberos_message_bytes
  // and kerberos_attached.
  explicit KerberosWatch(const Limits& limits = {}) : limits_(limits) {}

  static bool is_kerberos(uint16_t sport, uint16_t dport) { return sport == kPort || dport == kPort; }
  void on_tcp(const net::TcpSegment& seg, const model::FrameRef& at);
  void on_udp(const net::UdpDatagram& d, const model::FrameRef& at);
  // Adds the errors and requests of c's client within c's setup window to c.inner.
  // Call once per connection (at its end: the window closes at its last frame).
  void attach(model::ConnectionSummary& c) const;
  // Whether any error or request of this client is kept (attach would add something only then).
  bool any_for(const std::string& client_ip) const { return by_client_.count(client_ip) != 0; }
  size_t events() const { return order_.size(); }

 private:
  struct Event {
    std::string client_ip, kdc_ip;
    model::FrameRef at;
    bool error = false;
    model::KerberosErrorFact err;
    model::KerberosRequestFact req;
  };
  struct Half {
    uint32_t next_seq = 0;
    std::vector<uint8_t> buf;
  };
  // One client's events, oldest first: a vector and the first one still kept
  // (a std::deque took ~600 bytes for a single event, and most clients have
  // one or two). Dropping the oldest is amortized O(1): the dropped front is
  // erased once it is half the vector.
  struct ClientEvents {
    std::vector<Event> events;
    size_t head = 0;
    bool empty() const { return head == events.size(); }
    void drop_oldest();
  };
  using HalfKey = std::tuple<std::string, uint16_t, std::string, uint16_t>;
  void message(util::Bytes msg, const std::string& src, const std::string& dst, bool from_kdc, const model::FrameRef& at);

  Limits limits_;
  // Kept events by client (a connection reads only its client's), and the
  // clients in arrival order so that the oldest event goes first at the cap.
  std::unordered_map<std::string, ClientEvents> by_client_;
  std::deque<std::string> order_;
  std::map<HalfKey, Half> tcp_;
};

}  // namespace rdpcap::session
