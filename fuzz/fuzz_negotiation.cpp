// TPKT / X.224 / RDP negotiation (MS-RDPBCGR 2.2.1.1, 2.2.1.2): the input is
// a byte stream of PDUs. Every prefix of the stream is parsed too (the session
// calls the parser on whatever has arrived), and the invariants of the result
// type are checked: ok consumes exactly the TPKT length, never more than it
// was given; need_more only for a prefix.
#include <cstdlib>

#include "proto/rdp_negotiation.hpp"
#include "session/labels.hpp"
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
      (void)util::escape_text(session::labels::connection_request(*v.request));
      (void)util::sanitize_utf8(v.request->cookie);
      (void)util::escape_html(v.request->routing_token);
      (void)util::escape_markdown(v.request->cookie);
    }
    if (v.confirm) (void)session::labels::connection_confirm(*v.confirm);
    pos += pdu.consumed();
  }
  auto tpkt = proto::parse_tpkt(in);
  if (tpkt.is_ok() && tpkt.consumed() > in.size()) abort();
  return 0;
}
