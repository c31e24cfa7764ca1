#include "session/direction_handler.hpp"

#include <fmt/format.h>

#include "tls/tls_parser.hpp"

namespace rdpcap::session {

using model::EventKind;
using model::FrameRef;
namespace events = model::events;

namespace {
// Heap cost of one out-of-order segment waiting in a reassembler besides its
// bytes: a std::map node, its Pending value and the allocator's headers.
constexpr size_t kPendingSegmentOverhead = 128;

// First bytes as text for an error message ("HTTP/1.1 400 ..."), at most 16.
std::string printable_prefix(util::Bytes data) {
  std::string out;
  for (size_t i = 0; i < data.size() && i < 16; ++i)
    out += (data[i] >= 0x20 && data[i] < 0x7f) ? static_cast<char>(data[i]) : '.';
  return "\"" + out + "\"";
}
}  // namespace

void Connection::DirectionHandler::on_stream_data(util::Bytes data, const FrameRef& at) {
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

void Connection::DirectionHandler::on_stream_gap(uint64_t missing, const FrameRef& at) {
  auto& tcp = conn_.summary_.tcp;
  (is_client() ? tcp.client_gaps : tcp.server_gaps)++;
  auto e = events::simple(EventKind::bytes_missing, at, dir_);
  e.number = missing;
  conn_.note(std::move(e));
  if (reassembler.cap_hit())  // the reassembler gave this hole up to stay within its cap
    conn_.limit_hit(fmt::format("out-of-order bytes waiting per direction ({} KiB): holes given up",
                                conn_.limits_.reassembly_bytes / 1024));
  // Framing is lost: stop parsing this direction rather than guess.
  mode_ = Mode::opaque;
  buffer_.clear();
}

size_t Connection::DirectionHandler::retained_bytes() const {
  return buffer_.capacity() + tls_.retained_bytes() + reassembler.buffered_bytes() +
         reassembler.pending_segments() * kPendingSegmentOverhead;
}

void Connection::DirectionHandler::stop_following(const FrameRef& at) {
  if (retained_bytes() == 0) return;
  stop_parsing();
  release_buffers();
  conn_.note(events::simple(EventKind::stopped_following, at, dir_));
}

void Connection::DirectionHandler::record_pending() {
  auto& t = conn_.summary_.tls;
  (is_client() ? t.client_pending_bytes : t.server_pending_bytes) = tls_.pending_bytes();
  (is_client() ? t.decryption.client : t.decryption.server).records = tls_.decrypted_records();
}

void Connection::DirectionHandler::choose_mode(util::Bytes data, const FrameRef& at) {
  const bool mid_stream = !conn_.summary_.tcp.saw_handshake;
  const bool peer_is_tls = peer().mode_ == Mode::tls;
  if (starts_like_tpkt(data)) {
    mode_ = Mode::x224;
  } else if (is_client() && !socks_done_ && proto::socks::looks_like_greeting(data)) {
    mode_ = Mode::socks;
    conn_.summary_.proxy.socks5 = true;
    peer().mode_ = Mode::socks;  // the server answers in SOCKS too
    socks_next_ = proto::socks::Message::greeting;
    peer().socks_next_ = proto::socks::Message::method;
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
      neg.parse_error =
          fmt::format("the {}'s first bytes are neither TPKT/X.224 nor TLS", is_client() ? "client" : "server");
      neg.parse_error_at = at;
    }
    conn_.note(events::simple(EventKind::not_rdp, at, dir_, true));
  }
}

bool Connection::DirectionHandler::buffer_plaintext(util::Bytes data, const char* what) {
  if (buffer_.size() + data.size() > conn_.limits_.plaintext_pdu_bytes) {
    conn_.limit_hit(what);
    mode_ = Mode::opaque;
    buffer_.clear();
    return false;
  }
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  return true;
}

void Connection::DirectionHandler::stop_parsing() {
  mode_ = Mode::opaque;
  reassembler.stop_buffering();
  stopped_ = true;
}

// Frees what the stopped direction still held: the plaintext buffer, a
// partial TLS record or handshake message (no longer "pending": the bytes
// that would complete them are not followed).
void Connection::DirectionHandler::release_buffers() {
  std::vector<uint8_t>().swap(buffer_);
  tls_.release_buffers();
}

}  // namespace rdpcap::session
