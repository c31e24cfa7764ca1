#include "proto/mcs.hpp"

namespace rdpcap::proto::mcs {

using util::ByteReader;
using util::Bytes;
using util::ParseResult;

const char* pdu_name(uint8_t choice) {
  switch (choice) {
    case pdu::erect_domain_request: return "Erect Domain Request";
    case pdu::disconnect_provider_ultimatum: return "Disconnect Provider Ultimatum";
    case pdu::attach_user_request: return "Attach User Request";
    case pdu::attach_user_confirm: return "Attach User Confirm";
    case pdu::channel_join_request: return "Channel Join Request";
    case pdu::channel_join_confirm: return "Channel Join Confirm";
    case pdu::send_data_request: return "Send Data Request";
    case pdu::send_data_indication: return "Send Data Indication";
    default: return "MCS PDU";
  }
}

const char* reason_name(uint8_t reason) {
  switch (reason) {
    case 0: return "domain-disconnected";
    case 1: return "provider-initiated";
    case 2: return "token-purged";
    case 3: return "user-requested";
    case 4: return "channel-purged";
    default: return "unknown";
  }
}

const char* result_name(uint8_t result) {
  static const char* const names[] = {"successful", "domain-merging", "domain-not-hierarchical", "no-such-channel",
                                      "no-such-domain", "no-such-user", "not-admitted", "other-user-id",
                                      "parameters-unacceptable", "token-not-available", "token-not-possessed",
                                      "too-many-channels", "too-many-tokens", "too-many-users", "unspecified-failure",
                                      "user-rejected"};
  return result < 16 ? names[result] : "unknown";
}

bool is_connect_initial(Bytes mcs) { return mcs.size() >= 2 && mcs[0] == 0x7f && mcs[1] == 0x65; }
bool is_connect_response(Bytes mcs) { return mcs.size() >= 2 && mcs[0] == 0x7f && mcs[1] == 0x66; }

namespace {
// PER length determinant (X.691 10.9): one byte below 0x80, else two bytes (14 bits).
bool per_length(ByteReader& r, uint16_t& len) {
  uint8_t b = 0, c = 0;
  if (!r.u8(b)) return false;
  if (!(b & 0x80)) {
    len = b;
    return true;
  }
  if (b & 0x40) return false;  // fragmented form: never used by RDP
  if (!r.u8(c)) return false;
  len = static_cast<uint16_t>(((b & 0x3f) << 8) | c);
  return true;
}
bool user_id(ByteReader& r, std::optional<uint16_t>& out) {  // UserId ::= DynamicChannelId (1001..65535)
  uint16_t v = 0;
  if (!r.u16be(v)) return false;
  out = static_cast<uint16_t>(v + 1001);
  return true;
}
bool channel(ByteReader& r, std::optional<uint16_t>& out) {
  uint16_t v = 0;
  if (!r.u16be(v)) return false;
  out = v;
  return true;
}
}  // namespace

ParseResult<DomainPdu> parse_domain_pdu(Bytes mcs) {
  ByteReader r(mcs);
  uint8_t b0 = 0;
  if (!r.u8(b0)) return ParseResult<DomainPdu>::invalid("empty MCS PDU", 0);
  DomainPdu p;
  p.choice = b0 >> 2;
  const auto cut = [&](const char* what) { return ParseResult<DomainPdu>::invalid(std::string(what) + " cut short", r.offset()); };
  switch (p.choice) {
    case pdu::erect_domain_request:
    case pdu::attach_user_request:
      break;
    case pdu::disconnect_provider_ultimatum: {  // 3-bit reason: 2 bits of byte 0, 1 of byte 1
      uint8_t b1 = 0;
      if (!r.u8(b1)) return cut("Disconnect Provider Ultimatum");
      p.reason = static_cast<uint8_t>(((b0 & 0x03) << 1) | (b1 >> 7));
      break;
    }
    case pdu::attach_user_confirm: {  // result, initiator OPTIONAL
      uint8_t result = 0;
      if (!r.u8(result)) return cut("Attach User Confirm");
      p.result = result;  // PER ENUMERATED: one whole byte (as FreeRDP and Windows encode it)
      if (b0 & 0x02) user_id(r, p.initiator);
      break;
    }
    case pdu::channel_join_request:
      if (!user_id(r, p.initiator) || !channel(r, p.channel_id)) return cut("Channel Join Request");
      break;
    case pdu::channel_join_confirm: {  // result, initiator, requested, channelId OPTIONAL
      uint8_t result = 0;
      std::optional<uint16_t> requested;
      if (!r.u8(result) || !user_id(r, p.initiator) || !channel(r, requested)) return cut("Channel Join Confirm");
      p.result = result;
      if (!(b0 & 0x02) || !channel(r, p.channel_id)) p.channel_id = requested;
      break;
    }
    case pdu::send_data_request:
    case pdu::send_data_indication: {  // initiator, channelId, dataPriority+segmentation, userData (PER octet string)
      uint8_t flags = 0;
      uint16_t len = 0;
      if (!user_id(r, p.initiator) || !channel(r, p.channel_id) || !r.u8(flags) || !per_length(r, len))
        return cut("Send Data");
      if (!r.bytes(len, p.user_data)) return ParseResult<DomainPdu>::invalid("Send Data user data longer than the PDU", r.offset());
      break;
    }
    default:
      return ParseResult<DomainPdu>::invalid("unknown MCS domain PDU", 0);
  }
  return ParseResult<DomainPdu>::ok(p, mcs.size());
}

}  // namespace rdpcap::proto::mcs
