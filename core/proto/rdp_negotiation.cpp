#include "proto/rdp_negotiation.hpp"

#include <fmt/format.h>

#include <string_view>

namespace rdpcap::proto {

using util::ByteReader;
using util::Bytes;
using util::ParseResult;

std::string protocols_text(uint32_t flags) {
  if (flags == 0) return "RDP";
  static constexpr std::pair<uint32_t, const char*> names[] = {
      {protocol::ssl, "SSL"},         {protocol::hybrid, "HYBRID"}, {protocol::rdstls, "RDSTLS"},
      {protocol::hybrid_ex, "HYBRID_EX"}, {protocol::rdsaad, "RDSAAD"}};
  std::string out;
  uint32_t known = 0;
  for (const auto& [bit, name] : names) {
    known |= bit;
    if (flags & bit) {
      if (!out.empty()) out += '|';
      out += name;
    }
  }
  if (flags & ~known) out += fmt::format("{}0x{:x}", out.empty() ? "" : "|", flags & ~known);
  return out;
}

std::string selected_protocol_text(uint32_t selected) {
  switch (selected) {
    case protocol::rdp: return "RDP (Standard RDP Security)";
    case protocol::ssl: return "SSL (TLS, no NLA)";
    case protocol::hybrid: return "HYBRID (CredSSP/NLA)";
    case protocol::rdstls: return "RDSTLS";
    case protocol::hybrid_ex: return "HYBRID_EX (CredSSP/NLA with Early User Authorization)";
    case protocol::rdsaad: return "RDSAAD (Azure AD)";
    default: return fmt::format("unknown (0x{:08x})", selected);
  }
}

const char* failure_code_name(uint32_t code) {
  switch (code) {
    case failure::ssl_required_by_server: return "SSL_REQUIRED_BY_SERVER";
    case failure::ssl_not_allowed_by_server: return "SSL_NOT_ALLOWED_BY_SERVER";
    case failure::ssl_cert_not_on_server: return "SSL_CERT_NOT_ON_SERVER";
    case failure::inconsistent_flags: return "INCONSISTENT_FLAGS";
    case failure::hybrid_required_by_server: return "HYBRID_REQUIRED_BY_SERVER";
    case failure::ssl_with_user_auth_required_by_server: return "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER";
    default: return nullptr;
  }
}

// RFC 1006 section 6: TPKT header = version (3), reserved, length (16-bit BE,
// including the 4-byte header). T.123 caps it at 65535; X.224 needs >= 7.
ParseResult<Tpkt> parse_tpkt(Bytes data) {
  ByteReader r(data);
  uint8_t version = 0, reserved = 0;
  uint16_t length = 0;
  if (!r.u8(version)) return ParseResult<Tpkt>::need_more();
  if (version != 3) return ParseResult<Tpkt>::invalid("TPKT version is not 3", 0);
  if (!r.u8(reserved) || !r.u16be(length)) return ParseResult<Tpkt>::need_more();
  if (length < 7) return ParseResult<Tpkt>::invalid(fmt::format("TPKT length {} is below 7", length), 2);
  return ParseResult<Tpkt>::ok(Tpkt{length}, 4);
}

namespace {

// MS-RDPBCGR 2.2.1.1: routingToken / cookie are ANSI strings "Cookie: ...\r\n".
// Returns false when a "Cookie:" is started but has no CR LF in `r`.
bool read_cookie_line(ByteReader& r, ConnectionRequest& req) {
  constexpr std::string_view prefix = "Cookie: ";
  Bytes rest = r.rest();
  if (rest.size() < prefix.size() ||
      std::string_view(reinterpret_cast<const char*>(rest.data()), prefix.size()) != prefix)
    return true;  // no cookie
  for (size_t i = 0; i + 1 < rest.size(); ++i) {
    if (rest[i] == '\r' && rest[i + 1] == '\n') {
      std::string line(reinterpret_cast<const char*>(rest.data()), i);
      constexpr std::string_view hash = "Cookie: mstshash=";
      if (line.compare(0, hash.size(), hash) == 0)
        req.cookie = line.substr(hash.size());
      else
        req.routing_token = line.substr(prefix.size());
      r.skip(i + 2);
      return true;
    }
  }
  return false;
}

std::string hex(Bytes b) {
  std::string out;
  for (uint8_t c : b) out += fmt::format("{:02x}", c);
  return out;
}

// MS-RDPBCGR 2.2.1.1 Client X.224 Connection Request PDU, after the LI and
// code bytes: DST-REF(2) SRC-REF(2) class(1), then the variable part.
ParseResult<ConnectionRequest> parse_request_body(ByteReader r, size_t base) {
  ConnectionRequest req;
  uint16_t dst = 0, src = 0;
  if (!r.u16be(dst) || !r.u16be(src) || !r.u8(req.x224_class_options))
    return ParseResult<ConnectionRequest>::invalid("X.224 Connection Request shorter than 7 bytes", base);
  if (!read_cookie_line(r, req))
    return ParseResult<ConnectionRequest>::invalid("cookie without CR LF terminator", base + r.offset());
  // 2.2.1.1.1 RDP_NEG_REQ: type 0x01, flags, length 0x0008, requestedProtocols.
  uint8_t type = 0;
  if (r.peek_u8(0, type) && type == 0x01) {
    uint16_t length = 0;
    if (!r.u8(type) || !r.u8(req.neg_flags) || !r.u16le(length) || length != 8 ||
        !r.u32le(req.requested_protocols))
      return ParseResult<ConnectionRequest>::invalid("RDP_NEG_REQ is truncated or its length is not 8",
                                                     base + r.offset());
    req.has_neg_req = true;
  }
  // 2.2.1.1.2 RDP_NEG_CORRELATION_INFO: type 0x06, flags 0, length 0x0024.
  if (r.peek_u8(0, type) && type == 0x06) {
    uint8_t flags = 0;
    uint16_t length = 0;
    Bytes id;
    if (!r.u8(type) || !r.u8(flags) || !r.u16le(length) || length != 36 || !r.bytes(16, id) || !r.skip(16))
      return ParseResult<ConnectionRequest>::invalid("RDP_NEG_CORRELATION_INFO is truncated or malformed",
                                                     base + r.offset());
    req.has_correlation_info = true;
    req.correlation_id_hex = hex(id);
  }
  // Unknown trailing bytes are tolerated (kept as not decoded).
  return ParseResult<ConnectionRequest>::ok(std::move(req), base + r.offset());
}

// MS-RDPBCGR 2.2.1.2 Server X.224 Connection Confirm PDU.
ParseResult<ConnectionConfirm> parse_confirm_body(ByteReader r, size_t base) {
  ConnectionConfirm cc;
  uint16_t dst = 0, src = 0;
  uint8_t cls = 0;
  if (!r.u16be(dst) || !r.u16be(src) || !r.u8(cls))
    return ParseResult<ConnectionConfirm>::invalid("X.224 Connection Confirm shorter than 7 bytes", base);
  if (r.empty()) return ParseResult<ConnectionConfirm>::ok(cc, base + r.offset());  // legacy
  // Offsets in errors: the block's type byte is at base + 5, its length at base + 7.
  const size_t block = base + r.offset();
  uint8_t type = 0;
  uint16_t length = 0;
  uint32_t value = 0;
  if (!r.u8(type) || !r.u8(cc.neg_flags) || !r.u16le(length) || !r.u32le(value))
    return ParseResult<ConnectionConfirm>::invalid("negotiation block in Connection Confirm is truncated", block);
  if (length != 8)
    return ParseResult<ConnectionConfirm>::invalid(
        fmt::format("negotiation block length is {}, not 8", length), block + 2);
  if (type == 0x02) {  // 2.2.1.2.1 RDP_NEG_RSP
    cc.kind = ConnectionConfirm::Kind::response;
    cc.selected_protocol = value;
  } else if (type == 0x03) {  // 2.2.1.2.2 RDP_NEG_FAILURE
    cc.kind = ConnectionConfirm::Kind::failure;
    cc.failure_code = value;
  } else {
    return ParseResult<ConnectionConfirm>::invalid(
        fmt::format("unknown negotiation block type 0x{:02x}", type), block);
  }
  return ParseResult<ConnectionConfirm>::ok(cc, base + r.offset());
}

}  // namespace

ParseResult<TpktPdu> parse_tpkt_pdu(Bytes data) {
  auto tpkt = parse_tpkt(data);
  if (!tpkt.is_ok()) {
    if (tpkt.is_need_more()) return ParseResult<TpktPdu>::need_more();
    return ParseResult<TpktPdu>::invalid(tpkt.reason(), tpkt.offset());
  }
  const uint16_t total = tpkt.value().length;
  if (data.size() < total) return ParseResult<TpktPdu>::need_more();
  ByteReader pdu(data.subspan(4, total - 4));
  TpktPdu out;
  out.tpkt_length = total;
  // X.224 (ITU-T X.224 13.2): length indicator = header length without itself.
  uint8_t li = 0, code = 0;
  if (!pdu.u8(li) || !pdu.u8(code)) return ParseResult<TpktPdu>::invalid("X.224 header truncated", 4);
  if (li == 0 || li == 0xff || size_t{li} + 1 > size_t{total} - 4)
    return ParseResult<TpktPdu>::invalid(
        fmt::format("X.224 length indicator {} does not fit TPKT length {}", li, total), 4);
  out.tpdu_code = code & 0xF0;
  out.x224_header_length = static_cast<uint8_t>(li + 1);
  ByteReader header;
  pdu = ByteReader(data.subspan(6, total - 6));
  switch (out.tpdu_code) {
    case tpdu::connection_request: {
      pdu.sub(li - 1, header);
      auto req = parse_request_body(header, 6);
      if (!req.is_ok()) return ParseResult<TpktPdu>::invalid(req.reason(), req.offset());
      out.request = std::move(req.value());
      break;
    }
    case tpdu::connection_confirm: {
      pdu.sub(li - 1, header);
      auto cc = parse_confirm_body(header, 6);
      if (!cc.is_ok()) return ParseResult<TpktPdu>::invalid(cc.reason(), cc.offset());
      out.confirm = cc.value();
      break;
    }
    case tpdu::data: {
      // X.224 Data TPDU (LI=2, EOT) then T.125 MCS. DisconnectProviderUltimatum
      // is PER choice 8: first byte 0x20 | reason bits (T.125 7, MS-RDPBCGR 2.2.2.3).
      uint8_t eot = 0, mcs = 0;
      if (li == 2 && pdu.u8(eot) && pdu.u8(mcs) && (mcs & 0xFC) == 0x20) out.mcs_disconnect_ultimatum = true;
      break;
    }
    default:
      break;
  }
  return ParseResult<TpktPdu>::ok(std::move(out), total);
}

bool looks_like_connection_request(Bytes data) {
  // TPKT v3, length >= 11, LI >= 6, code 0xE0.
  return data.size() >= 6 && data[0] == 3 && data[1] == 0 && ((data[2] << 8) | data[3]) >= 11 &&
         data[4] >= 6 && (data[5] & 0xF0) == tpdu::connection_request;
}

}  // namespace rdpcap::proto
