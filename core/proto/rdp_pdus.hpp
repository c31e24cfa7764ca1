// The RDP PDUs of the connection sequence after the security handshake
// (MS-RDPBCGR 1.3.1.1), as they arrive in plaintext once TLS is removed:
// framing of TPKT (RFC 1006) and fast-path PDUs (2.2.8.1.2 / 2.2.9.1.2),
// the Early User Authorization Result (2.2.10.2), and the slow-path PDUs in
// an MCS Send Data userData: Security Exchange (2.2.1.10), Client Info
// (2.2.1.11), licensing (2.2.1.12, MS-RDPELE 2.2.2), Share Control PDUs
// (2.2.8.1.1.1.1: Demand Active, Confirm Active, Deactivate All, Data) and
// Share Data PDUs (2.2.8.1.1.1.2: Synchronize, Control, Font List/Map,
// Set Error Info 2.2.5.1.1, Save Session Info 2.2.10.1, Shutdown).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto::rdp {

// One PDU of the post-negotiation RDP stream: a TPKT (first byte 0x03) or a
// fast-path PDU (action bits 0). ok gives its total length (consumed = 0).
struct PduFrame {
  bool fast_path = false;
  size_t length = 0;
};
util::ParseResult<PduFrame> frame_pdu(util::Bytes stream);

// The X.224 Data TPDU inside a whole TPKT: the MCS bytes after
// TPKT (4) + X.224 Data header (LI 2, 0xF0, EOT). invalid for other TPDUs.
util::ParseResult<util::Bytes> x224_data(util::Bytes tpkt);

// 2.2.10.2 Early User Authorization Result PDU: authorizationResult u32le.
namespace euar {
constexpr uint32_t success = 0x00000000, access_denied = 0x00000005;
}
const char* euar_name(uint32_t result);  // "AUTHZ_SUCCESS", "AUTHZ_ACCESS_DENIED" or "unknown"

// 2.2.8.1.1.2.1 basic security header flags.
namespace sec {
constexpr uint16_t exchange_pkt = 0x0001, transport_req = 0x0002, transport_rsp = 0x0004, encrypt = 0x0008,
                   info_pkt = 0x0040, license_pkt = 0x0080, redirection_pkt = 0x0400, autodetect_req = 0x1000,
                   autodetect_rsp = 0x2000, heartbeat = 0x4000;
}

// 2.2.8.1.1.1.1 pduType (low 4 bits).
namespace pdutype {
constexpr uint16_t demand_active = 0x1, confirm_active = 0x3, deactivate_all = 0x6, data = 0x7, server_redirect = 0xA;
}
// 2.2.8.1.1.1.2 pduType2.
namespace pdutype2 {
constexpr uint8_t update = 0x02, control = 0x14, pointer = 0x1B, input = 0x1C, synchronize = 0x1F, shutdown_request = 0x24,
                  shutdown_denied = 0x25, save_session_info = 0x26, font_list = 0x27, font_map = 0x28,
                  set_error_info = 0x2F, status_info = 0x36, monitor_layout = 0x37;
}
const char* share_control_name(uint16_t type);
const char* share_data_name(uint8_t type2);

// MS-RDPELE 2.2.2 licensing bMsgType.
namespace license {
constexpr uint8_t request = 0x01, platform_challenge = 0x02, new_license = 0x03, upgrade_license = 0x04,
                  license_info = 0x12, new_license_request = 0x13, platform_challenge_response = 0x15,
                  error_alert = 0xFF;
}
const char* license_message_name(uint8_t type);

struct Licensing {
  uint8_t msg_type = 0;
  std::optional<uint32_t> error_code;        // ERROR_ALERT dwErrorCode (2.2.1.12.1.3)
  std::optional<uint32_t> state_transition;  // ERROR_ALERT dwStateTransition
};

struct ClientInfo {         // 2.2.1.11.1.1 TS_INFO_PACKET (the password is never read)
  uint32_t flags = 0;
  std::string domain, user;  // UTF-8 (from UTF-16LE when INFO_UNICODE)
};

struct ShareControl {
  uint16_t pdu_type = 0;                 // low 4 bits of pduType
  uint16_t source = 0;
  std::optional<uint8_t> pdu_type2;      // Data PDUs
  std::optional<uint32_t> error_info;    // Set Error Info
  std::optional<uint16_t> control_action;// Control PDU: 1 request, 2 granted, 3 detach, 4 cooperate
  std::optional<uint32_t> session_info;  // Save Session Info infoType: 0 logon, 1 logon long, 2 plain notify, 3 extended
};

enum class Kind { unknown, security_exchange, client_info, licensing, share_control, flow_control, auto_detect, heartbeat,
                  encrypted, other_security };
const char* kind_name(Kind k);

struct SlowPath {
  Kind kind = Kind::unknown;
  uint16_t sec_flags = 0;
  std::optional<Licensing> licensing;
  std::optional<ClientInfo> client_info;
  std::optional<ShareControl> share;
};
// The userData of an MCS Send Data Request/Indication on a static channel
// (the I/O channel or the message channel), under Enhanced RDP Security
// (TLS): Share Control PDUs come without a security header, Client Info and
// licensing PDUs with a basic security header.
util::ParseResult<SlowPath> parse_slow_path(util::Bytes user_data);

}  // namespace rdpcap::proto::rdp
