// The plaintext before TLS: TPKT / X.224 / RDP negotiation (MS-RDPBCGR
// 2.2.1.1, 2.2.1.2), MCS Connect Initial / Response with their GCC blocks
// (2.2.1.3, 2.2.1.4) and SOCKS5 (RFC 1928/1929). The input is a byte stream
// of PDUs. The invariants of the result type are checked: ok consumes exactly
// the TPKT length, never more than it was given; the same PDU one byte short
// is never ok. Each X.224 Data PDU's payload also goes to both GCC parsers,
// and the whole input to the SOCKS5 parser as every message kind.
#include <algorithm>
#include <cstdlib>

#include "proto/gcc.hpp"
#include "proto/rdp_negotiation.hpp"
#include "proto/socks.hpp"
#include "text/event_text.hpp"
#include "util/escape.hpp"

using namespace rdpcap;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  util::Bytes in(data, size);
  (void)proto::looks_like_connection_request(in);
  // One byte short of everything must not be ok with the same length.
  size_t pos = 0;
  while (pos < in.size()) {
    util::Bytes rest = in.subspan(pos);
    auto pdu = proto::parse_tpkt_pdu(rest);
    if (pdu.is_need_more()) break;
    if (pdu.is_invalid()) {
      if (pdu.offset() > rest.size()) abort();
      break;
    }
    if (pdu.consumed() == 0 || pdu.consumed() > rest.size()) abort();
    if (pdu.consumed() != pdu.value().tpkt_length) abort();
    // The same PDU cut one byte short is never ok.
    if (proto::parse_tpkt_pdu(rest.first(pdu.consumed() - 1)).is_ok()) abort();
    const auto& v = pdu.value();
    if (v.request) {
      (void)util::escape_text(text::event_text(model::events::connection_request(*v.request, {})));
      (void)util::sanitize_utf8(v.request->cookie);
      (void)util::escape_html(v.request->routing_token);
      (void)util::escape_markdown(v.request->cookie);
    }
    if (v.confirm) (void)text::event_text(model::events::connection_confirm(*v.confirm, {}));
    if (v.tpdu_code == proto::tpdu::data) {
      const util::Bytes mcs = rest.first(pdu.consumed()).subspan(std::min(pdu.consumed(), size_t{4} + v.x224_header_length));
      if (auto c = proto::parse_connect_initial(mcs); c.is_ok())
        (void)proto::encryption_methods_text(c.value().encryption_methods.value_or(0));
      if (auto r = proto::parse_connect_response(mcs); r.is_ok())
        (void)proto::encryption_level_name(r.value().encryption_level.value_or(0));
    }
    pos += pdu.consumed();
  }
  (void)proto::socks::looks_like_greeting(in);
  using proto::socks::Message;
  for (Message m : {Message::greeting, Message::method, Message::auth_request, Message::auth_status, Message::request,
                    Message::reply}) {
    auto r = proto::socks::parse(m, in);
    if (r.is_ok() && (r.consumed() == 0 || r.consumed() > in.size())) abort();
    if (r.is_ok()) (void)util::escape_text(r.value().address);
  }
  auto tpkt = proto::parse_tpkt(in);
  if (tpkt.is_ok() && tpkt.consumed() > in.size()) abort();
  return 0;
}
