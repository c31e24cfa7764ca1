// TPKT/X.224 before TLS (MS-RDPBCGR 2.2.1.1-2.2.1.2): the Connection
// Request/Confirm with RDP negotiation, disconnects, and for Standard RDP
// Security the first MCS PDUs (GCC Conference Create Request/Response). After
// its X.224 PDU a side switches to TLS at the first TLS record.
#include <fmt/format.h>

#include "proto/gcc.hpp"
#include "session/direction_handler.hpp"
#include "text/timeline_text.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::session {

using model::FrameRef;
using model::Stage;

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

void Connection::DirectionHandler::on_pdu(const proto::TpktPdu& pdu, util::Bytes raw, const FrameRef& at) {
  auto& neg = conn_.summary_.negotiation;
  if (pdu.request && is_client()) {
    if (!neg.request) {
      neg.request = *pdu.request;
      neg.request_at = at;
      conn_.advance(Stage::x224_requested);
    }
    conn_.event(at, dir_, text::connection_request(*pdu.request));
  } else if (pdu.confirm && !is_client()) {
    using Kind = proto::ConnectionConfirm::Kind;
    if (!neg.confirm) {
      neg.confirm = *pdu.confirm;
      neg.confirm_at = at;
      if (pdu.confirm->kind == Kind::failure)
        conn_.advance(Stage::negotiation_failed);
      else if (pdu.confirm->kind == Kind::legacy || pdu.confirm->selected_protocol == proto::protocol::rdp)
        conn_.advance(Stage::standard_security);
      else
        conn_.advance(Stage::x224_confirmed);
    }
    conn_.event(at, dir_, text::connection_confirm(*pdu.confirm), pdu.confirm->kind == Kind::failure);
  } else if (pdu.tpdu_code == proto::tpdu::disconnect_request || pdu.mcs_disconnect_ultimatum) {
    if (!neg.disconnect_at.seen()) {
      neg.disconnect_at = at;
      neg.disconnect_from = dir_;
    }
    conn_.event(at, dir_,
                pdu.mcs_disconnect_ultimatum ? "MCS Disconnect Provider Ultimatum" : "X.224 Disconnect Request", true);
  } else if (pdu.tpdu_code == proto::tpdu::data) {
    on_x224_data(pdu, raw, at);
  } else {
    conn_.event(at, dir_, fmt::format("X.224 TPDU 0x{:02x}", pdu.tpdu_code));
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
  std::string label = "X.224 Data (MCS)";
  if (first && is_client() && neg.client_gcc)
    label = fmt::format("MCS Connect Initial (encryption {})",
                        proto::encryption_methods_text(neg.client_gcc->encryption_methods.value_or(0)));
  else if (first && !is_client() && neg.server_gcc)
    label = fmt::format("MCS Connect Response (encryption {}, level {})",
                        proto::encryption_methods_text(neg.server_gcc->encryption_method.value_or(0)),
                        proto::encryption_level_name(neg.server_gcc->encryption_level.value_or(0)));
  conn_.event(at, dir_, label);
  // Standard RDP Security: what follows is RDP's own encryption; stop here.
  if (conn_.summary_.stage == Stage::standard_security) stop_parsing();
}

}  // namespace rdpcap::session
