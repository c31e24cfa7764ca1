// One RDP connection. It owns both reassembled directions, routes their
// bytes to the SOCKS, X.224 or TLS parser (direction_*.cpp), and records what
// it learns in a ConnectionSummary. Its phase (model::Stage) moves only
// through the transition table of ConnectionState (connection_state.hpp),
// fed typed PhaseEvents; its timeline is typed model::TimelineEvents.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/connection_summary.hpp"
#include "net/packet.hpp"
#include "net/stream_reassembler.hpp"
#include "session/connection_state.hpp"
#include "session/inner_stream.hpp"
#include "session/limits.hpp"
#include "tls/keylog.hpp"
#include "tls/tls_stream.hpp"

namespace rdpcap::session {

class Connection {
 public:
  Connection(uint64_t id, const net::TcpSegment& first, bool client_is_source, bool rdp_by_port,
             const Limits& limits);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Direction of a segment of this connection.
  model::Direction direction_of(const net::TcpSegment& seg) const;
  void on_segment(const net::TcpSegment& seg, const model::FrameRef& at);
  void on_icmp(const net::IcmpUnreachable& icmp, const model::FrameRef& at);
  // The capture ended with this connection still open.
  void on_capture_end(const model::FrameRef& last);

  bool closed() const { return closed_; }
  // Bytes held in this connection's per-direction buffers (capacity).
  size_t retained_bytes() const;
  // Stop following both directions and free their buffers (the analyzer's
  // capture-wide buffer budget is spent); `why` goes to limits_hit.
  void shed_buffers(const model::FrameRef& at, const std::string& why);
  const model::ConnectionSummary& summary() const { return summary_; }
  // Final facts (records incomplete TLS records left in either direction).
  model::ConnectionSummary take_summary();

  // TLS secrets to decrypt this connection with (null: none given).
  void set_keys(std::shared_ptr<const tls::KeyLog> keys) {
    keys_ = std::move(keys);
    summary_.tls.decryption.keys_given = keys_ != nullptr;
  }

  // Mark that the connection was recognised by its X.224 Connection Request.
  void set_rdp_by_content() { summary_.rdp_by_content = true; }
  // Mark it as the continuation of a connection the idle timeout ended (its first and last packets).
  void set_continues(const model::FrameRef& earlier_first, const model::FrameRef& earlier_last) {
    summary_.tcp.earlier_part_first = earlier_first;
    summary_.tcp.earlier_part_last = earlier_last;
  }

 private:
  class DirectionHandler;
  DirectionHandler& side(model::Direction d);

  // A timeline step (bounded by Limits::max_timeline).
  void note(model::TimelineEvent e);
  // Something that may move the connection's phase: the table decides.
  void on(PhaseEvent e);
  void limit_hit(const std::string& what);
  // Both hellos known (session/decryption.cpp): look the secrets up by the
  // ClientHello random and give each direction its decryptor.
  void install_decryptors(const model::FrameRef& at);
  // After decrypted data was fed to inner_: phase events and timeline milestones.
  void inner_progress();

  friend class DirectionHandler;
  Limits limits_;
  model::ConnectionSummary summary_;
  ConnectionState state_;
  net::IpAddress client_addr_;
  uint16_t client_port_ = 0;
  std::unique_ptr<DirectionHandler> client_;
  std::unique_ptr<DirectionHandler> server_;
  bool closed_ = false;
  std::shared_ptr<const tls::KeyLog> keys_;
  InnerStream inner_;  // decrypted application data -> summary_.inner (CredSSP, EUAR, MCS, ...)
  uint32_t inner_noted_ = 0;  // inner_progress: milestones already on the timeline (bits)
};

}  // namespace rdpcap::session
