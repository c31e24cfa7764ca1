#include "session/connection.hpp"

#include <fmt/format.h>

#include "proto/rdp_negotiation.hpp"
#include "proto/socks.hpp"
#include "session/labels.hpp"
#include "tls/tls_parser.hpp"
#include "x509/certificate_facts.hpp"

namespace rdpcap::session {

using model::Direction;
using model::FrameRef;
using model::Stage;

namespace {
constexpr size_t kMaxX224Buffer = 64 * 1024;      // plaintext RDP PDUs before TLS / MCS
constexpr uint64_t kEncryptedRecordsFollowed = 32;  // then stop buffering (application data)
// Heap cost of one out-of-order segment waiting in a reassembler besides its
// bytes: a std::map node, its Pending value and the allocator's headers.
constexpr size_t kPendingSegmentOverhead = 128;

bool starts_like_tpkt(util::Bytes b) { return b.size() >= 2 && b[0] == 0x03 && b[1] == 0x00; }
}  // namespace

// One direction: reassembled bytes in, X.224 or TLS parsing, facts out.
class Connection::DirectionHandler final : public net::StreamSink, public tls::TlsObserver {
 public:
  enum class Mode { unknown, socks, x224, tls, opaque };

  DirectionHandler(Connection& conn, Direction dir, const Limits& limits)
      : reassembler(limits.reassembly_bytes), conn_(conn), dir_(dir), tls_(limits.handshake_message_bytes) {}

  net::StreamReassembler reassembler;

  void on_stream_data(util::Bytes data, const FrameRef& at) override {
    if (mode_ == Mode::unknown) choose_mode(data, at);
    if (mode_ == Mode::tls && tls_.pending_bytes() == 0 && starts_like_tpkt(data) && !tls_.encrypted()) {
      // A plaintext TPKT where a TLS record should start: the peer gave up on
      // TLS (xrdp sends an MCS Disconnect Provider Ultimatum after a failure).
      mode_ = Mode::x224;
    }
    switch (mode_) {
      case Mode::socks: feed_socks(data, at); break;
      case Mode::x224: feed_x224(data, at); break;
      case Mode::tls: tls_.feed(data, at, *this); break;
      default: break;
    }
    if (stopped_) release_buffers();  // nothing more is parsed here: keep no bytes
  }

  // Bytes this direction holds in its buffers (capacity), for the memory tests.
  size_t retained_bytes() const {
    return buffer_.capacity() + tls_.retained_bytes() + reassembler.buffered_bytes() +
           reassembler.pending_segments() * kPendingSegmentOverhead;
  }

  // The capture-wide buffer budget is spent (Analyzer): stop following this
  // direction and free what it holds, like a direction that went encrypted.
  void stop_following(const FrameRef& at) {
    if (retained_bytes() == 0) return;
    mode_ = Mode::opaque;
    reassembler.stop_buffering();
    stopped_ = true;
    release_buffers();
    conn_.event(at, dir_, "Stopped following: capture-wide buffer budget spent");
  }

  void on_stream_gap(uint64_t missing, const FrameRef& at) override {
    auto& tcp = conn_.summary_.tcp;
    (is_client() ? tcp.client_gaps : tcp.server_gaps)++;
    conn_.event(at, dir_, fmt::format("{} bytes not captured", missing), false);
    // Framing is lost: stop parsing this direction rather than guess.
    mode_ = Mode::opaque;
    buffer_.clear();
  }

  void record_pending() {
    auto& t = conn_.summary_.tls;
    (is_client() ? t.client_pending_bytes : t.server_pending_bytes) = tls_.pending_bytes();
  }

  // --- TLS observer -------------------------------------------------------
  void on_client_hello(const tls::ClientHello& hello, const FrameRef& at) override {
    auto& t = conn_.summary_.tls;
    if (!is_client()) return;
    ++t.client_hello_count;
    if (!t.client_hello) {
      t.client_hello = hello;
      t.client_hello_at = at;
    }
    conn_.advance(Stage::tls_handshake);
    conn_.event(at, dir_, labels::client_hello(hello));
  }

  void on_server_hello(const tls::ServerHello& hello, const FrameRef& at) override {
    auto& t = conn_.summary_.tls;
    if (is_client()) return;
    if (hello.hello_retry_request) {
      t.hello_retry = hello;
      t.hello_retry_at = at;
      conn_.event(at, dir_, "HelloRetryRequest");
      return;
    }
    if (!t.server_hello) {
      t.server_hello = hello;
      t.server_hello_at = at;
    }
    if (hello.negotiated_version() >= 0x0304) tls_.set_encrypted();  // RFC 8446 2: rest is encrypted
    conn_.event(at, dir_, labels::server_hello(hello));
  }

  void on_certificates(const std::vector<util::Bytes>& certs, const FrameRef& at) override {
    auto& t = conn_.summary_.tls;
    if (is_client()) {
      conn_.event(at, dir_, fmt::format("Certificate ({} client certificates)", certs.size()));
      return;
    }
    if (t.certificate_at.seen()) return;  // first chain only
    t.certificate_at = at;
    for (const auto& der : certs) {
      if (t.certificates.size() >= conn_.limits_.max_certificates) {
        conn_.limit_hit("certificates kept per connection");
        break;
      }
      t.certificates.push_back(x509::read_certificate(der));
    }
    conn_.event(at, dir_, labels::certificate(t.certificates, certs.size()));
  }

  void on_certificate_request(const tls::CertificateRequest& req, const FrameRef& at) override {
    auto& t = conn_.summary_.tls;
    if (is_client() || t.certificate_request) return;
    t.certificate_request = req;
    t.certificate_request_at = at;
    conn_.event(at, dir_, "CertificateRequest");
  }

  void on_server_hello_done(const FrameRef& at) override {
    if (is_client()) return;
    conn_.summary_.tls.server_hello_done_at = at;
    conn_.event(at, dir_, "ServerHelloDone");
  }

  void on_other_handshake(uint8_t type, const FrameRef& at) override {
    if (type == static_cast<uint8_t>(tls::HandshakeType::client_key_exchange) && is_client() &&
        !conn_.summary_.tls.client_key_exchange_at.seen())
      conn_.summary_.tls.client_key_exchange_at = at;
    conn_.event(at, dir_, labels::handshake(type));
  }

  void on_change_cipher_spec(const FrameRef& at) override {
    auto& t = conn_.summary_.tls;
    FrameRef& ccs = is_client() ? t.client_ccs_at : t.server_ccs_at;
    if (ccs.seen()) return;
    ccs = at;
    conn_.event(at, dir_, "ChangeCipherSpec");
  }

  void on_alert(const tls::Alert& alert, bool encrypted, const FrameRef& at) override {
    auto& t = conn_.summary_.tls;
    if (t.alerts.size() >= conn_.limits_.max_alerts) {
      conn_.limit_hit("TLS alerts kept per connection");
      return;
    }
    t.alerts.push_back({at, dir_, alert, encrypted});
    conn_.event(at, dir_, labels::alert(alert, encrypted), encrypted || alert.level == 2);
  }

  void on_encrypted_record(uint8_t content_type, uint16_t length, const FrameRef& at) override {
    auto& t = conn_.summary_.tls;
    auto& traffic = is_client() ? t.client_encrypted : t.server_encrypted;
    if (traffic.records == 0) {
      traffic.first = at;
      conn_.event(at, dir_, "Encrypted records");
    }
    ++traffic.records;
    traffic.bytes += length;
    traffic.last = at;
    if (t.handshake_complete()) {
      if (conn_.summary_.stage == Stage::tls_handshake) conn_.advance(Stage::tls_established);
      // Application data after the handshake: follow a few records (the
      // CredSSP exchange), then stop keeping bytes for this direction.
      if (content_type == static_cast<uint8_t>(tls::ContentType::application_data) &&
          traffic.records > 2)
        conn_.advance(Stage::application_data);
      if (traffic.records >= kEncryptedRecordsFollowed) {
        mode_ = Mode::opaque;
        reassembler.stop_buffering();
        stopped_ = true;
      }
    }
  }

  void on_tls_error(const std::string& reason, uint64_t offset, const FrameRef& at) override {
    auto& t = conn_.summary_.tls;
    std::string& err = is_client() ? t.client_error : t.server_error;
    if (!err.empty()) return;
    err = fmt::format("{} (stream offset {})", reason, offset);
    (is_client() ? t.client_error_at : t.server_error_at) = at;
    conn_.event(at, dir_, "Not TLS: " + reason, true);
  }

  void on_tls_limit(const std::string& what, const FrameRef&) override { conn_.limit_hit(what); }

 private:
  bool is_client() const { return dir_ == Direction::client_to_server; }
  Direction other() const { return is_client() ? Direction::server_to_client : Direction::client_to_server; }

  // First bytes as text for an error message ("HTTP/1.1 400 ..."), at most 16.
  static std::string printable_prefix(util::Bytes data) {
    std::string out;
    for (size_t i = 0; i < data.size() && i < 16; ++i)
      out += (data[i] >= 0x20 && data[i] < 0x7f) ? static_cast<char>(data[i]) : '.';
    return "\"" + out + "\"";
  }

  void choose_mode(util::Bytes data, const FrameRef& at) {
    const bool mid_stream = !conn_.summary_.tcp.saw_handshake;
    const bool peer_is_tls = conn_.side(other()).mode_ == Mode::tls;
    if (starts_like_tpkt(data)) {
      mode_ = Mode::x224;
    } else if (is_client() && !socks_done_ && proto::socks::looks_like_greeting(data)) {
      mode_ = Mode::socks;
      conn_.summary_.proxy.socks5 = true;
      conn_.side(other()).mode_ = Mode::socks;  // the server answers in SOCKS too
      socks_next_ = proto::socks::Message::greeting;
      conn_.side(other()).socks_next_ = proto::socks::Message::method;
    } else if (tls::looks_like_tls(data) || ((mid_stream || peer_is_tls) && tls::parse_record_header(data).is_ok()) ||
               (peer_is_tls && !is_client() && (data[0] & 0x80))) {  // SSLv2 SERVER-HELLO (RFC 6101 E)
      mode_ = Mode::tls;
      if (is_client()) conn_.summary_.tls.direct = true;
    } else if (peer_is_tls) {
      // The client spoke TLS and the server answered with something else
      // (e.g. a plain HTTP server): a TLS failure, not a non-RDP flow.
      mode_ = Mode::opaque;
      on_tls_error("the " + std::string(is_client() ? "client" : "server") + " answered TLS with non-TLS data (" +
                       printable_prefix(data) + ")",
                   0, at);
    } else {
      mode_ = Mode::opaque;
      auto& neg = conn_.summary_.negotiation;
      neg.not_rdp = true;
      if (neg.parse_error.empty()) {
        neg.parse_error = fmt::format("the {}'s first bytes are neither TPKT/X.224 nor TLS",
                                      is_client() ? "client" : "server");
        neg.parse_error_at = at;
      }
      conn_.event(at, dir_, "Not RDP: unrecognised first bytes", true);
    }
  }

  // RFC 1928: greeting/method, optional RFC 1929 authentication, then
  // request/reply; after that the tunnel carries RDP from its first byte.
  void feed_socks(util::Bytes data, const FrameRef& at) {
    using proto::socks::Message;
    if (buffer_.size() + data.size() > kMaxX224Buffer) {
      conn_.limit_hit("SOCKS handshake buffer");
      mode_ = Mode::opaque;
      buffer_.clear();
      return;
    }
    buffer_.insert(buffer_.end(), data.begin(), data.end());
    size_t used = 0;
    while (mode_ == Mode::socks && used < buffer_.size()) {
      util::Bytes rest(buffer_.data() + used, buffer_.size() - used);
      auto msg = proto::socks::parse(socks_next_, rest);
      if (msg.is_need_more()) break;
      if (msg.is_invalid()) {
        conn_.event(at, dir_, "Malformed SOCKS message: " + msg.reason(), true);
        mode_ = Mode::opaque;
        buffer_.clear();
        return;
      }
      used += msg.consumed();
      on_socks(msg.value(), at);
    }
    std::vector<uint8_t> tail(buffer_.begin() + static_cast<std::ptrdiff_t>(used), buffer_.end());
    buffer_.clear();
    if (mode_ == Mode::unknown && !tail.empty()) on_stream_data(tail, at);  // RDP right behind the reply
    else if (mode_ == Mode::socks) buffer_ = std::move(tail);
  }

  void on_socks(const proto::socks::Parsed& msg, const FrameRef& at) {
    using proto::socks::Message;
    auto& proxy = conn_.summary_.proxy;
    switch (msg.kind) {
      case Message::greeting: socks_next_ = Message::request; conn_.event(at, dir_, "SOCKS5 greeting"); break;
      case Message::method:
        socks_next_ = Message::reply;
        if (msg.code == 2) {  // username/password: both sides authenticate first
          socks_next_ = Message::auth_status;
          conn_.side(other()).socks_next_ = Message::auth_request;
        }
        conn_.event(at, dir_, fmt::format("SOCKS5 method 0x{:02x}", msg.code), msg.code == 0xFF);
        break;
      case Message::auth_request: socks_next_ = Message::request; conn_.event(at, dir_, "SOCKS5 authentication"); break;
      case Message::auth_status:
        socks_next_ = Message::reply;
        conn_.event(at, dir_, msg.code == 0 ? "SOCKS5 authentication accepted" : "SOCKS5 authentication refused",
                    msg.code != 0);
        break;
      case Message::request:
        proxy.target = msg.address;
        proxy.request_at = at;
        socks_done_ = true;
        mode_ = Mode::unknown;
        conn_.event(at, dir_, "SOCKS5 CONNECT " + msg.address);
        break;
      case Message::reply:
        proxy.replied = true;
        proxy.reply_code = msg.code;
        proxy.reply_at = at;
        socks_done_ = true;
        mode_ = msg.code == 0 ? Mode::unknown : Mode::opaque;
        conn_.event(at, dir_, fmt::format("SOCKS5 reply: {}", proto::socks::reply_text(msg.code)), msg.code != 0);
        break;
    }
  }

  void feed_x224(util::Bytes data, const FrameRef& at) {
    if (buffer_.size() + data.size() > kMaxX224Buffer) {
      conn_.limit_hit("plaintext X.224 buffer");
      mode_ = Mode::opaque;
      buffer_.clear();
      return;
    }
    buffer_.insert(buffer_.end(), data.begin(), data.end());
    size_t used = 0;
    while (mode_ == Mode::x224 && used < buffer_.size()) {
      util::Bytes rest(buffer_.data() + used, buffer_.size() - used);
      if (sent_pdu_ && !starts_like_tpkt(rest)) {
        // After the X.224 exchange this side starts TLS (MS-RDPBCGR 5.4.5.1):
        // any TLS record (a server may answer with an alert at once).
        const auto record = tls::parse_record_header(rest);
        if (record.is_need_more()) break;
        if (record.is_ok() || tls::looks_like_tls(rest)) {
          mode_ = Mode::tls;
          std::vector<uint8_t> tail(rest.begin(), rest.end());
          buffer_.clear();
          tls_.feed(tail, at, *this);
          return;
        }
      }
      auto pdu = proto::parse_tpkt_pdu(rest);
      if (pdu.is_need_more()) break;
      if (pdu.is_invalid()) {
        auto& neg = conn_.summary_.negotiation;
        if (neg.parse_error.empty()) {
          neg.parse_error = fmt::format("{} (offset {})", pdu.reason(), pdu.offset());
          neg.parse_error_at = at;
        }
        conn_.event(at, dir_, "Malformed TPKT/X.224: " + pdu.reason(), true);
        mode_ = Mode::opaque;
        buffer_.clear();
        return;
      }
      used += pdu.consumed();
      sent_pdu_ = true;
      on_pdu(pdu.value(), rest.subspan(0, pdu.consumed()), at);
    }
    if (mode_ != Mode::x224)
      buffer_.clear();
    else
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(used));
  }

  void on_pdu(const proto::TpktPdu& pdu, util::Bytes raw, const FrameRef& at) {
    auto& neg = conn_.summary_.negotiation;
    if (pdu.request && is_client()) {
      if (!neg.request) {
        neg.request = *pdu.request;
        neg.request_at = at;
        conn_.advance(Stage::x224_requested);
      }
      conn_.event(at, dir_, labels::connection_request(*pdu.request));
    } else if (pdu.confirm && !is_client()) {
      if (!neg.confirm) {
        neg.confirm = *pdu.confirm;
        neg.confirm_at = at;
        using Kind = proto::ConnectionConfirm::Kind;
        if (pdu.confirm->kind == Kind::failure)
          conn_.advance(Stage::negotiation_failed);
        else if (pdu.confirm->kind == Kind::legacy || pdu.confirm->selected_protocol == proto::protocol::rdp)
          conn_.advance(Stage::standard_security);
        else
          conn_.advance(Stage::x224_confirmed);
      }
      conn_.event(at, dir_, labels::connection_confirm(*pdu.confirm),
                  pdu.confirm->kind == proto::ConnectionConfirm::Kind::failure);
    } else if (pdu.tpdu_code == proto::tpdu::disconnect_request || pdu.mcs_disconnect_ultimatum) {
      if (!neg.disconnect_at.seen()) {
        neg.disconnect_at = at;
        neg.disconnect_from = dir_;
      }
      conn_.event(at, dir_,
                  pdu.mcs_disconnect_ultimatum ? "MCS Disconnect Provider Ultimatum" : "X.224 Disconnect Request",
                  true);
    } else if (pdu.tpdu_code == proto::tpdu::data) {
      FrameRef& first_data = is_client() ? neg.client_data_at : neg.server_data_at;
      const bool first = !first_data.seen();
      if (first) first_data = at;
      const util::Bytes mcs = raw.subspan(std::min(raw.size(), size_t{4} + pdu.x224_header_length));
      if (first && is_client()) {
        if (auto gcc = proto::parse_connect_initial(mcs); gcc.is_ok()) neg.client_gcc = gcc.value();
      } else if (first) {
        if (auto gcc = proto::parse_connect_response(mcs); gcc.is_ok()) neg.server_gcc = gcc.value();
      }
      std::string label = is_client() ? "X.224 Data (MCS)" : "X.224 Data (MCS)";
      if (first && is_client() && neg.client_gcc)
        label = fmt::format("MCS Connect Initial (encryption {})",
                            proto::encryption_methods_text(neg.client_gcc->encryption_methods.value_or(0)));
      else if (first && !is_client() && neg.server_gcc)
        label = fmt::format("MCS Connect Response (encryption {}, level {})",
                            proto::encryption_methods_text(neg.server_gcc->encryption_method.value_or(0)),
                            proto::encryption_level_name(neg.server_gcc->encryption_level.value_or(0)));
      conn_.event(at, dir_, label);
      if (conn_.summary_.stage == Stage::standard_security) {
        // Standard RDP Security: what follows is RDP's own encryption; stop here.
        mode_ = Mode::opaque;
        reassembler.stop_buffering();
        stopped_ = true;
      }
    } else {
      conn_.event(at, dir_, fmt::format("X.224 TPDU 0x{:02x}", pdu.tpdu_code));
    }
  }

  Connection& conn_;
  Direction dir_;
  tls::TlsStream tls_;
  Mode mode_ = Mode::unknown;
  bool socks_done_ = false;
  proto::socks::Message socks_next_ = proto::socks::Message::greeting;
  bool sent_pdu_ = false;
  std::vector<uint8_t> buffer_;
  bool stopped_ = false;  // stopped following this direction (encrypted application data)

  // Frees what the stopped direction still held: the plaintext buffer, a
  // partial TLS record or handshake message (no longer "pending": the bytes
  // that would complete them are not followed).
  void release_buffers() {
    std::vector<uint8_t>().swap(buffer_);
    tls_.release_buffers();
  }
};

Connection::Connection(uint64_t id, const net::TcpSegment& first, bool client_is_source, bool rdp_by_port,
                       const Limits& limits)
    : limits_(limits),
      client_(std::make_unique<DirectionHandler>(*this, Direction::client_to_server, limits)),
      server_(std::make_unique<DirectionHandler>(*this, Direction::server_to_client, limits)) {
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

void Connection::event(const FrameRef& at, Direction from, std::string what, bool failure) {
  if (summary_.timeline.size() >= limits_.max_timeline) {
    summary_.timeline_truncated = true;
    return;
  }
  summary_.timeline.push_back({at, from, std::move(what), failure});
}

void Connection::limit_hit(const std::string& what) {
  for (const auto& l : summary_.limits_hit)
    if (l == what) return;
  if (summary_.limits_hit.size() < 16) summary_.limits_hit.push_back(what);
}

void Connection::advance(Stage to) {
  // Stages only move forward, except that a failure or Standard RDP Security
  // decided by the confirm replaces "x224_requested".
  if (static_cast<int>(to) > static_cast<int>(summary_.stage)) summary_.stage = to;
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
    event(at, from, tcp.syn_count == 1 ? "SYN" : fmt::format("SYN (retransmission {})", tcp.syn_count - 1));
  } else if (syn && ack && !is_client) {
    if (!tcp.syn_ack.seen()) {
      tcp.syn_ack = at;
      self.reassembler.on_syn(seg.seq);
      event(at, from, "SYN-ACK");
    }
    advance(Stage::tcp_established);
  }
  if (!syn && (ack || !seg.payload.empty())) advance(Stage::tcp_established);

  if (ack && !(seg.flags & net::tcp_flag::rst)) peer.reassembler.on_peer_ack(seg.ack, at, peer);
  if (!syn && !seg.payload.empty()) self.reassembler.on_segment(seg.seq, seg.payload, at, self);

  if (seg.flags & net::tcp_flag::fin) {
    FrameRef& fin = is_client ? tcp.client_fin : tcp.server_fin;
    if (!fin.seen()) {
      fin = at;
      self.reassembler.flush(at, self);
      event(at, from, "FIN");
    }
    if (tcp.client_fin.seen() && tcp.server_fin.seen()) closed_ = true;
  }
  if (seg.flags & net::tcp_flag::rst) {
    FrameRef& rst = is_client ? tcp.client_rst : tcp.server_rst;
    if (!rst.seen()) {
      rst = at;
      event(at, from, "RST", true);
    }
    self.reassembler.flush(at, self);
    peer.reassembler.flush(at, peer);
    closed_ = true;
  }
}

void Connection::on_icmp(const net::IcmpUnreachable& icmp, const FrameRef& at) {
  if (summary_.tcp.icmp.size() >= 8) return;
  summary_.tcp.icmp.push_back({at, icmp.reporter.to_string(), icmp.v6, icmp.type, icmp.code});
  summary_.last = at;
  event(at, Direction::server_to_client, labels::icmp(icmp.v6, icmp.type, icmp.code), true);
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
