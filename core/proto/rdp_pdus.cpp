#include "proto/rdp_pdus.hpp"

#include "proto/ntlm.hpp"

namespace rdpcap::proto::rdp {

using util::ByteReader;
using util::Bytes;
using util::ParseResult;

ParseResult<PduFrame> frame_pdu(Bytes stream) {
  ByteReader r(stream);
  uint8_t b0 = 0, b1 = 0;
  if (!r.u8(b0)) return ParseResult<PduFrame>::need_more();
  PduFrame f;
  if (b0 == 0x03) {  // RFC 1006 TPKT: version 3, reserved, length u16be (whole packet)
    uint16_t len = 0;
    if (!r.skip(1) || !r.u16be(len)) return ParseResult<PduFrame>::need_more();
    if (len < 7) return ParseResult<PduFrame>::invalid("TPKT length below 7", 2);
    f.length = len;
  } else if ((b0 & 0x03) == 0) {  // fast-path: action 0 (2.2.8.1.2 / 2.2.9.1.2)
    if (!r.u8(b1)) return ParseResult<PduFrame>::need_more();
    size_t len = b1;
    if (b1 & 0x80) {
      uint8_t b2 = 0;
      if (!r.u8(b2)) return ParseResult<PduFrame>::need_more();
      len = (size_t{b1 & 0x7fu} << 8) | b2;
    }
    if (len < r.offset()) return ParseResult<PduFrame>::invalid("fast-path length shorter than its header", 1);
    f.fast_path = true;
    f.length = len;
  } else {
    return ParseResult<PduFrame>::invalid("neither TPKT nor fast-path", 0);
  }
  return ParseResult<PduFrame>::ok(f, 0);
}

ParseResult<Bytes> x224_data(Bytes tpkt) {
  if (tpkt.size() < 7) return ParseResult<Bytes>::invalid("TPKT too short for X.224 Data", 0);
  // X.224 Data TPDU (X.224 13.7, class 0): LI = 2, code 0xF0, EOT/NR.
  if (tpkt[4] != 2 || (tpkt[5] & 0xF0) != 0xF0) return ParseResult<Bytes>::invalid("not an X.224 Data TPDU", 4);
  return ParseResult<Bytes>::ok(tpkt.subspan(7), tpkt.size());
}

const char* euar_name(uint32_t result) {
  switch (result) {
    case euar::success: return "AUTHZ_SUCCESS";
    case euar::access_denied: return "AUTHZ_ACCESS_DENIED";
    default: return "unknown";
  }
}

const char* share_control_name(uint16_t type) {
  switch (type) {
    case pdutype::demand_active: return "Demand Active";
    case pdutype::confirm_active: return "Confirm Active";
    case pdutype::deactivate_all: return "Deactivate All";
    case pdutype::data: return "Data";
    case pdutype::server_redirect: return "Server Redirection";
    default: return "Share Control";
  }
}

const char* share_data_name(uint8_t type2) {
  switch (type2) {
    case pdutype2::update: return "Update";
    case pdutype2::control: return "Control";
    case pdutype2::pointer: return "Pointer";
    case pdutype2::input: return "Input";
    case pdutype2::synchronize: return "Synchronize";
    case pdutype2::shutdown_request: return "Shutdown Request";
    case pdutype2::shutdown_denied: return "Shutdown Denied";
    case pdutype2::save_session_info: return "Save Session Info";
    case pdutype2::font_list: return "Font List";
    case pdutype2::font_map: return "Font Map";
    case pdutype2::set_error_info: return "Set Error Info";
    case pdutype2::status_info: return "Status Info";
    case pdutype2::monitor_layout: return "Monitor Layout";
    default: return "Share Data";
  }
}

const char* license_message_name(uint8_t type) {
  switch (type) {
    case license::request: return "License Request";
    case license::platform_challenge: return "Platform Challenge";
    case license::new_license: return "New License";
    case license::upgrade_license: return "Upgrade License";
    case license::license_info: return "License Info";
    case license::new_license_request: return "New License Request";
    case license::platform_challenge_response: return "Platform Challenge Response";
    case license::error_alert: return "Error Alert";
    default: return "Licensing PDU";
  }
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::unknown: return "unknown";
    case Kind::security_exchange: return "Security Exchange";
    case Kind::client_info: return "Client Info";
    case Kind::licensing: return "Licensing";
    case Kind::share_control: return "Share Control";
    case Kind::flow_control: return "Flow Control";
    case Kind::auto_detect: return "Auto-Detect";
    case Kind::heartbeat: return "Heartbeat";
    case Kind::encrypted: return "Encrypted (Standard RDP Security)";
    case Kind::other_security: return "Security PDU";
  }
  return "unknown";
}

namespace {

// 2.2.8.1.1.1.1 Share Control Header then, for Data PDUs, 2.2.8.1.1.1.2.
bool share_control(ByteReader r, ShareControl& s) {
  uint16_t total = 0, type = 0;
  if (!r.u16le(total) || !r.u16le(type)) return false;
  s.pdu_type = type & 0x0f;
  if (!r.u16le(s.source)) return s.pdu_type == pdutype::deactivate_all;  // pduSource may be absent there
  if (s.pdu_type != pdutype::data) return true;
  uint32_t share_id = 0;
  uint8_t pad = 0, stream = 0, type2 = 0, ctype = 0;
  uint16_t ulen = 0, clen = 0;
  if (!r.u32le(share_id) || !r.u8(pad) || !r.u8(stream) || !r.u16le(ulen) || !r.u8(type2) || !r.u8(ctype) ||
      !r.u16le(clen))
    return false;
  s.pdu_type2 = type2;
  if (ctype & 0x20) return true;  // PACKET_COMPRESSED: the body is not readable
  if (type2 == pdutype2::set_error_info) {
    uint32_t e = 0;
    if (r.u32le(e)) s.error_info = e;
  } else if (type2 == pdutype2::control) {
    uint16_t action = 0;
    if (r.u16le(action)) s.control_action = action;
  } else if (type2 == pdutype2::save_session_info) {
    uint32_t info = 0;
    if (r.u32le(info)) s.session_info = info;
  }
  return true;
}

// MS-RDPELE 2.2.2 preamble: bMsgType, flags, wMsgSize; Error Alert:
// LICENSE_ERROR_MESSAGE { dwErrorCode, dwStateTransition, bbErrorInfo }.
bool licensing(ByteReader r, Licensing& l) {
  uint8_t flags = 0;
  uint16_t size = 0;
  if (!r.u8(l.msg_type) || !r.u8(flags) || !r.u16le(size)) return false;
  if (l.msg_type == license::error_alert) {
    uint32_t code = 0, transition = 0;
    if (!r.u32le(code) || !r.u32le(transition)) return false;
    l.error_code = code;
    l.state_transition = transition;
  }
  return true;
}

// 2.2.1.11.1.1 TS_INFO_PACKET: CodePage, flags, cbDomain, cbUserName,
// cbPassword, cbAlternateShell, cbWorkingDir, then Domain and UserName, each
// followed by a null terminator (2 bytes with INFO_UNICODE 0x10, else 1).
bool client_info(ByteReader r, ClientInfo& c) {
  uint32_t code_page = 0;
  uint16_t cb_domain = 0, cb_user = 0, cb_password = 0, cb_shell = 0, cb_dir = 0;
  if (!r.u32le(code_page) || !r.u32le(c.flags) || !r.u16le(cb_domain) || !r.u16le(cb_user) || !r.u16le(cb_password) ||
      !r.u16le(cb_shell) || !r.u16le(cb_dir))
    return false;
  const bool unicode = c.flags & 0x10;
  const size_t nul = unicode ? 2 : 1;
  Bytes domain, user;
  if (!r.bytes(cb_domain, domain) || !r.skip(nul) || !r.bytes(cb_user, user)) return false;
  auto text = [&](Bytes b) {
    return unicode ? ntlm::utf16le_to_utf8(b, 256)
                   : std::string(reinterpret_cast<const char*>(b.data()), std::min<size_t>(b.size(), 256));
  };
  c.domain = text(domain);
  c.user = text(user);
  return true;
}

}  // namespace

ParseResult<SlowPath> parse_slow_path(Bytes user_data) {
  ByteReader r(user_data);
  uint16_t a = 0, b = 0;
  if (!r.u16le(a) || !r.u16le(b)) return ParseResult<SlowPath>::invalid("RDP PDU shorter than its header", 0);
  SlowPath out;
  // A Share Control PDU starts with its own totalLength (the whole userData)
  // and pduType carrying TS_PROTOCOL_VERSION (0x10); a flow control PDU has 0x8000.
  if (a == 0x8000) {
    out.kind = Kind::flow_control;
    return ParseResult<SlowPath>::ok(out, user_data.size());
  }
  if (a == user_data.size() && (b & 0xfff0) == 0x0010) {
    ShareControl s;
    if (!share_control(ByteReader(user_data), s)) return ParseResult<SlowPath>::invalid("Share Control PDU cut short", 0);
    out.kind = Kind::share_control;
    out.share = s;
    return ParseResult<SlowPath>::ok(out, user_data.size());
  }
  // 2.2.8.1.1.2.1 basic security header: flags, flagsHi.
  out.sec_flags = a;
  const ByteReader body(r.rest());
  if (a & sec::encrypt) {
    out.kind = Kind::encrypted;
  } else if (a & sec::exchange_pkt) {
    out.kind = Kind::security_exchange;
  } else if (a & sec::info_pkt) {
    ClientInfo c;
    if (!client_info(body, c)) return ParseResult<SlowPath>::invalid("Client Info PDU cut short", 4);
    out.kind = Kind::client_info;
    out.client_info = c;
  } else if (a & sec::license_pkt) {
    Licensing l;
    if (!licensing(body, l)) return ParseResult<SlowPath>::invalid("licensing PDU cut short", 4);
    out.kind = Kind::licensing;
    out.licensing = l;
  } else if (a & (sec::autodetect_req | sec::autodetect_rsp)) {
    out.kind = Kind::auto_detect;
  } else if (a & sec::heartbeat) {
    out.kind = Kind::heartbeat;
  } else if (a != 0) {
    out.kind = Kind::other_security;
  } else {
    return ParseResult<SlowPath>::invalid("neither a Share Control PDU nor a security header", 0);
  }
  return ParseResult<SlowPath>::ok(out, user_data.size());
}

}  // namespace rdpcap::proto::rdp
