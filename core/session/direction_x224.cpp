// TPKT/X.224 before TLS (MS-RDPBCGR 2.2.1.1-2.2.1.2): the Connection
// Request/Confirm with RDP negotiation, disconnects, and for Standard RDP
// Security the first MCS PDUs (GCC Conference Create Request/Response). After
// its X.224 PDU a side switches to TLS at the first TLS record.
#include <fmt/format.h>

#include "proto/gcc.hpp"
#include "session/direction_handler.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::session {

using model::EventKind;
using model::FrameRef;
using model::Stage;
namespace events = model::events;

void Connection::DirectionHandler::feed_x224(util::Bytes data, const FrameRef& at) {
  if (!buffer_plaintext(data, "plaintext X.224 buffer")) return;
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
      conn_.note(events::with_detail(EventKind::x224_malformed, pdu.reason(), at, dir_, true));
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

void Connection::DirectionHandler::on_pdu(const proto::TpktPdu& pdu, util::Bytes raw, const FrameRef& at) {
  auto& neg = conn_.summary_.negotiation;
  if (pdu.request && is_client()) {
    if (!neg.request) {
      neg.request = *pdu.request;
      neg.request_at = at;
      conn_.on(PhaseEvent::x224_request);
    }
    conn_.note(events::connection_request(*pdu.request, at));
  } else if (pdu.confirm && !is_client()) {
    using Kind = proto::ConnectionConfirm::Kind;
    if (!neg.confirm) {
      neg.confirm = *pdu.confirm;
      neg.confirm_at = at;
      if (pdu.confirm->kind == Kind::failure)
        conn_.on(PhaseEvent::x224_negotiation_failure);
      else if (pdu.confirm->kind == Kind::legacy || pdu.confirm->selected_protocol == proto::protocol::rdp)
        conn_.on(PhaseEvent::x224_confirm_standard);
      else
        conn_.on(PhaseEvent::x224_confirm_tls);
    }
    conn_.note(events::connection_confirm(*pdu.confirm, at));
  } else if (pdu.tpdu_code == proto::tpdu::disconnect_request || pdu.mcs_disconnect_ultimatum) {
    if (!neg.disconnect_at.seen()) {
      neg.disconnect_at = at;
      neg.disconnect_from = dir_;
    }
    conn_.note(events::simple(
        pdu.mcs_disconnect_ultimatum ? EventKind::mcs_disconnect_ultimatum : EventKind::x224_disconnect_request, at,
        dir_, true));
    conn_.on(PhaseEvent::x224_disconnect);
  } else if (pdu.tpdu_code == proto::tpdu::data) {
    on_x224_data(pdu, raw, at);
  } else {
    auto e = events::simple(EventKind::x224_tpdu, at, dir_);
    e.code = pdu.tpdu_code;
    conn_.note(std::move(e));
  }
}

// The first X.224 Data PDU of each side carries the MCS Connect Initial /
// Response with the GCC blocks (client name and build, encryption methods).
void Connection::DirectionHandler::on_x224_data(const proto::TpktPdu& pdu, util::Bytes raw, const FrameRef& at) {
  auto& neg = conn_.summary_.negotiation;
  FrameRef& first_data = is_client() ? neg.client_data_at : neg.server_data_at;
  const bool first = !first_data.seen();
  if (first) first_data = at;
  const util::Bytes mcs = raw.subspan(std::min(raw.size(), size_t{4} + pdu.x224_header_length));
  if (first && is_client()) {
    if (auto gcc = proto::parse_connect_initial(mcs); gcc.is_ok()) neg.client_gcc = gcc.value();
  } else if (first) {
    if (auto gcc = proto::parse_connect_response(mcs); gcc.is_ok()) neg.server_gcc = gcc.value();
  }
  auto e = events::simple(EventKind::x224_data, at, dir_);
  if (first && is_client() && neg.client_gcc) {
    e.kind = EventKind::mcs_connect_initial;
    e.number = neg.client_gcc->encryption_methods.value_or(0);
  } else if (first && !is_client() && neg.server_gcc) {
    e.kind = EventKind::mcs_connect_response;
    e.number = neg.server_gcc->encryption_method.value_or(0);
    e.code = static_cast<uint8_t>(std::min<uint32_t>(neg.server_gcc->encryption_level.value_or(0), 0xff));
  }
  conn_.note(std::move(e));
  // Standard RDP Security: what follows is RDP's own encryption; stop here.
  if (conn_.summary_.stage == Stage::standard_security) stop_parsing();
}

}  // namespace rdpcap::session
