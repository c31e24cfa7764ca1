#include "session/connection.hpp"

#include <fmt/format.h>

#include "session/direction_handler.hpp"

namespace rdpcap::session {

using model::Direction;
using model::FrameRef;
using model::EventKind;
namespace events = model::events;

Connection::Connection(uint64_t id, const net::TcpSegment& first, bool client_is_source, bool rdp_by_port,
                       const Limits& limits)
    : limits_(limits),
      client_(std::make_unique<DirectionHandler>(*this, Direction::client_to_server, limits)),
      server_(std::make_unique<DirectionHandler>(*this, Direction::server_to_client, limits)),
      inner_(limits) {
  client_addr_ = client_is_source ? first.src : first.dst;
  client_port_ = client_is_source ? first.sport : first.dport;
  const net::IpAddress& server = client_is_source ? first.dst : first.src;
  summary_.id = id;
  summary_.client_ip = client_addr_.to_string();
  summary_.server_ip = server.to_string();
  summary_.client_port = client_port_;
  summary_.server_port = client_is_source ? first.dport : first.sport;
  summary_.ipv6 = first.src.v6;
  summary_.rdp_by_port = rdp_by_port;
}

Connection::~Connection() = default;

Connection::DirectionHandler& Connection::side(Direction d) {
  return d == Direction::client_to_server ? *client_ : *server_;
}

Direction Connection::direction_of(const net::TcpSegment& seg) const {
  return (seg.src == client_addr_ && seg.sport == client_port_) ? Direction::client_to_server
                                                                : Direction::server_to_client;
}

void Connection::note(model::TimelineEvent e) {
  if (summary_.timeline.size() >= limits_.max_timeline) {
    summary_.timeline_truncated = true;
    return;
  }
  summary_.timeline.push_back(std::move(e));
}

void Connection::on(PhaseEvent e) {
  if (state_.on(e)) summary_.stage = state_.phase();
}

void Connection::limit_hit(const std::string& what) {
  for (const auto& l : summary_.limits_hit)
    if (l == what) return;
  if (summary_.limits_hit.size() < limits_.max_limits_hit) summary_.limits_hit.push_back(what);
}

void Connection::on_segment(const net::TcpSegment& seg, const FrameRef& at) {
  const Direction from = direction_of(seg);
  const bool is_client = from == Direction::client_to_server;
  DirectionHandler& self = side(from);
  DirectionHandler& peer = side(is_client ? Direction::server_to_client : Direction::client_to_server);
  auto& tcp = summary_.tcp;
  if (!summary_.first.seen()) summary_.first = at;
  summary_.last = at;
  (is_client ? tcp.client_packets : tcp.server_packets)++;
  (is_client ? tcp.client_bytes : tcp.server_bytes) += seg.payload.size();

  const bool syn = seg.flags & net::tcp_flag::syn, ack = seg.flags & net::tcp_flag::ack;
  if (syn && !ack && is_client) {
    ++tcp.syn_count;
    if (!tcp.syn.seen()) {
      tcp.syn = at;
      tcp.saw_handshake = true;
      self.reassembler.on_syn(seg.seq);
    }
    tcp.last_syn = at;
    auto e = events::simple(EventKind::syn, at, from);
    e.number = tcp.syn_count - 1;
    note(std::move(e));
    on(PhaseEvent::syn);
  } else if (syn && ack && !is_client) {
    if (!tcp.syn_ack.seen()) {
      tcp.syn_ack = at;
      self.reassembler.on_syn(seg.seq);
      note(events::simple(EventKind::syn_ack, at, from));
    }
    on(PhaseEvent::syn_ack);
  }
  // An RST (with or without ACK) answering a SYN is a refusal, not a handshake.
  const bool rst = seg.flags & net::tcp_flag::rst;
  if (!syn && !rst && (ack || !seg.payload.empty())) on(PhaseEvent::segment);

  if (ack && !rst) peer.reassembler.on_peer_ack(seg.ack, at, peer);
  if (!syn && !seg.payload.empty()) self.reassembler.on_segment(seg.seq, seg.payload, at, self);

  if (seg.flags & net::tcp_flag::fin) {
    FrameRef& fin = is_client ? tcp.client_fin : tcp.server_fin;
    if (!fin.seen()) {
      fin = at;
      self.reassembler.flush(at, self);
      note(events::simple(EventKind::fin, at, from));
    }
    on(PhaseEvent::fin);
    if (tcp.client_fin.seen() && tcp.server_fin.seen()) closed_ = true;
  }
  if (rst) {
    FrameRef& rst = is_client ? tcp.client_rst : tcp.server_rst;
    if (!rst.seen()) {
      rst = at;
      note(events::simple(EventKind::rst, at, from, true));
    }
    on(PhaseEvent::rst);
    self.reassembler.flush(at, self);
    peer.reassembler.flush(at, peer);
    closed_ = true;
  }
}

void Connection::on_icmp(const net::IcmpUnreachable& icmp, const FrameRef& at) {
  if (summary_.tcp.icmp.size() >= limits_.max_icmp_reports) return;
  summary_.tcp.icmp.push_back({at, icmp.reporter.to_string(), icmp.v6, icmp.type, icmp.code});
  summary_.last = at;
  note(events::icmp(icmp.v6, icmp.type, icmp.code, at));
  on(PhaseEvent::icmp_unreachable);
}

void Connection::on_capture_end(const FrameRef& last) {
  client_->reassembler.flush(last, *client_);
  server_->reassembler.flush(last, *server_);
  summary_.ended_by_capture = !closed_;
}

size_t Connection::retained_bytes() const { return client_->retained_bytes() + server_->retained_bytes(); }

void Connection::shed_buffers(const FrameRef& at, const std::string& why) {
  limit_hit(why);
  client_->stop_following(at);
  server_->stop_following(at);
}

model::ConnectionSummary Connection::take_summary() {
  client_->record_pending();
  server_->record_pending();
  return std::move(summary_);
}

}  // namespace rdpcap::session
