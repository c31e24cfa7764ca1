// TPKT (RFC 1006 / T.123), X.224 Class 0 (ITU-T X.224) and the RDP
// negotiation structures of MS-RDPBCGR 2.2.1.1 / 2.2.1.2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto {

// MS-RDPBCGR 2.2.1.1.1 requestedProtocols / 2.2.1.2.1 selectedProtocol
namespace protocol {
constexpr uint32_t rdp = 0x0, ssl = 0x1, hybrid = 0x2, rdstls = 0x4, hybrid_ex = 0x8, rdsaad = 0x10;
}
std::string protocols_text(uint32_t flags);       // "SSL|HYBRID", "RDP (Standard RDP Security)"
std::string selected_protocol_text(uint32_t selected);

// MS-RDPBCGR 2.2.1.2.2 failureCode
namespace failure {
constexpr uint32_t ssl_required_by_server = 1, ssl_not_allowed_by_server = 2,
                   ssl_cert_not_on_server = 3, inconsistent_flags = 4,
                   hybrid_required_by_server = 5, ssl_with_user_auth_required_by_server = 6;
}
const char* failure_code_name(uint32_t code);  // "HYBRID_REQUIRED_BY_SERVER" or nullptr

// RFC 1006 6: version 3, reserved, 16-bit length including the header.
struct Tpkt {
  uint16_t length = 0;
};
util::ParseResult<Tpkt> parse_tpkt(util::Bytes data);

// MS-RDPBCGR 2.2.1.1 Client X.224 Connection Request PDU
struct ConnectionRequest {
  std::string cookie;         // after "Cookie: mstshash=", raw bytes (escape before printing)
  std::string routing_token;  // "Cookie: msts=..." form, raw
  bool has_neg_req = false;
  uint8_t neg_flags = 0;
  uint32_t requested_protocols = 0;
  bool has_correlation_info = false;         // CORRELATION_INFO_PRESENT (0x08)
  std::string correlation_id_hex;            // 16 bytes as hex
  uint8_t x224_class_options = 0;
};

// MS-RDPBCGR 2.2.1.2 Server X.224 Connection Confirm PDU
struct ConnectionConfirm {
  enum class Kind { legacy, response, failure } kind = Kind::legacy;
  uint8_t neg_flags = 0;
  uint32_t selected_protocol = 0;  // Kind::response
  uint32_t failure_code = 0;       // Kind::failure
};

// X.224 TPDU codes (upper nibble of the code byte).
namespace tpdu {
constexpr uint8_t connection_request = 0xE0, connection_confirm = 0xD0, disconnect_request = 0x80,
                  data = 0xF0;
}

// What a whole TPKT carried.
struct TpktPdu {
  uint16_t tpkt_length = 0;
  uint8_t tpdu_code = 0;  // masked with 0xF0
  uint8_t x224_header_length = 0;  // LI + 1: user data starts at 4 + this
  std::optional<ConnectionRequest> request;
  std::optional<ConnectionConfirm> confirm;
  bool mcs_disconnect_ultimatum = false;  // X.224 Data with MCS DPUm (T.125)
};

// Parses one TPKT + X.224 TPDU from the start of `data` (a byte stream).
// need_more until the whole TPKT is present.
util::ParseResult<TpktPdu> parse_tpkt_pdu(util::Bytes data);

// True when the bytes start like a TPKT carrying an X.224 Connection Request
// (used to find RDP on any port).
bool looks_like_connection_request(util::Bytes data);

}  // namespace rdpcap::proto
