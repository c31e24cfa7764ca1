// MCS domain PDUs (ITU-T T.125, PER-encoded DomainMCSPDU, as MS-RDPBCGR
// 2.2.1.5-2.2.1.9 and 2.2.2.3 use them) after the Connect Initial/Response:
// Erect Domain Request, Attach User Request/Confirm, Channel Join
// Request/Confirm, Send Data Request/Indication (whose userData carries the
// RDP PDUs) and Disconnect Provider Ultimatum with its reason. The input is
// the X.224 Data TPDU's user data (after TPKT and the 3-byte X.224 header).
#pragma once

#include <cstdint>
#include <optional>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto::mcs {

// T.125 DomainMCSPDU CHOICE indices (the top 6 bits of the first byte).
namespace pdu {
constexpr uint8_t erect_domain_request = 1, disconnect_provider_ultimatum = 8, attach_user_request = 10,
                  attach_user_confirm = 11, channel_join_request = 14, channel_join_confirm = 15,
                  send_data_request = 25, send_data_indication = 26;
}
const char* pdu_name(uint8_t choice);  // "Attach User Confirm", ... or "MCS PDU"

// T.125 Reason (DPU): 0 domain-disconnected, 1 provider-initiated,
// 2 token-purged, 3 user-requested, 4 channel-purged.
const char* reason_name(uint8_t reason);
// T.125 Result: 0 rt-successful ... (attach/join confirms).
const char* result_name(uint8_t result);

struct DomainPdu {
  uint8_t choice = 0;
  std::optional<uint8_t> result;         // Attach User Confirm / Channel Join Confirm
  std::optional<uint16_t> initiator;     // user id (1001 + PER value)
  std::optional<uint16_t> channel_id;    // Channel Join / Send Data
  std::optional<uint8_t> reason;         // Disconnect Provider Ultimatum
  util::Bytes user_data;                 // Send Data Request / Indication
};

// Connect Initial (0x7f65) and Connect Response (0x7f66) are BER, not
// domain PDUs: this says which it is (then use gcc.hpp).
bool is_connect_initial(util::Bytes mcs);
bool is_connect_response(util::Bytes mcs);

util::ParseResult<DomainPdu> parse_domain_pdu(util::Bytes mcs);

}  // namespace rdpcap::proto::mcs
