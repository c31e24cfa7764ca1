// SOCKS5 in front of RDP (RFC 1928, RFC 1929): greeting/method, optional
// username/password authentication, then request/reply; after that the
// tunnel carries RDP from its first byte.
#include <fmt/format.h>

#include "session/direction_handler.hpp"

namespace rdpcap::session {

using model::EventKind;
using model::FrameRef;
namespace events = model::events;

namespace {
model::TimelineEvent with_code(EventKind kind, uint8_t code, const FrameRef& at, model::Direction from, bool failure) {
  auto e = events::simple(kind, at, from, failure);
  e.code = code;
  return e;
}
}  // namespace

void Connection::DirectionHandler::feed_socks(util::Bytes data, const FrameRef& at) {
  if (!buffer_plaintext(data, "SOCKS handshake buffer")) return;
  size_t used = 0;
  while (mode_ == Mode::socks && used < buffer_.size()) {
    util::Bytes rest(buffer_.data() + used, buffer_.size() - used);
    auto msg = proto::socks::parse(socks_next_, rest);
    if (msg.is_need_more()) break;
    if (msg.is_invalid()) {
      conn_.note(events::with_detail(EventKind::socks_malformed, msg.reason(), at, dir_, true));
      mode_ = Mode::opaque;
      buffer_.clear();
      return;
    }
    used += msg.consumed();
    on_socks(msg.value(), at);
  }
  std::vector<uint8_t> tail(buffer_.begin() + static_cast<std::ptrdiff_t>(used), buffer_.end());
  buffer_.clear();
  if (mode_ == Mode::unknown && !tail.empty())
    on_stream_data(tail, at);  // RDP right behind the reply
  else if (mode_ == Mode::socks)
    buffer_ = std::move(tail);
}

void Connection::DirectionHandler::on_socks(const proto::socks::Parsed& msg, const FrameRef& at) {
  using proto::socks::Message;
  auto& proxy = conn_.summary_.proxy;
  switch (msg.kind) {
    case Message::greeting:
      socks_next_ = Message::request;
      conn_.note(events::simple(EventKind::socks_greeting, at, dir_));
      break;
    case Message::method:
      socks_next_ = Message::reply;
      if (msg.code == 2) {  // username/password: both sides authenticate first
        socks_next_ = Message::auth_status;
        peer().socks_next_ = Message::auth_request;
      }
      conn_.note(with_code(EventKind::socks_method, msg.code, at, dir_, msg.code == 0xFF));
      break;
    case Message::auth_request:
      socks_next_ = Message::request;
      conn_.note(events::simple(EventKind::socks_authentication, at, dir_));
      break;
    case Message::auth_status:
      socks_next_ = Message::reply;
      conn_.note(with_code(EventKind::socks_auth_status, msg.code, at, dir_, msg.code != 0));
      break;
    case Message::request:
      proxy.target = msg.address;
      proxy.request_at = at;
      socks_done_ = true;
      mode_ = Mode::unknown;
      conn_.note(events::with_detail(EventKind::socks_connect, msg.address, at, dir_));
      break;
    case Message::reply:
      proxy.replied = true;
      proxy.reply_code = msg.code;
      proxy.reply_at = at;
      socks_done_ = true;
      mode_ = msg.code == 0 ? Mode::unknown : Mode::opaque;
      conn_.note(with_code(EventKind::socks_reply, msg.code, at, dir_, msg.code != 0));
      break;
  }
}

}  // namespace rdpcap::session
