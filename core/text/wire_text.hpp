// Wire values in words, for the timeline, the rules and the reports. The
// name tables themselves stay beside their parsers (tls/tls_names.hpp,
// proto/rdp_negotiation.hpp); these add the number when the name is unknown
// and the few sentences built from them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rdpcap::text {

// "0x" and four lower-case hex digits (fmt's "0x{:04x}"), without an
// allocation: a JSON report writes one per offered cipher suite.
struct Hex16 {
  std::array<char, 6> digits;
  std::string_view view() const { return {digits.data(), digits.size()}; }
};
Hex16 hex16(uint16_t value);
std::string version_text(uint16_t version);  // "TLS 1.2", "0x0305"
std::string suite_text(uint16_t suite);      // "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030)", "0x1234"
std::string alert_text(uint8_t description); // "handshake_failure (40)", "alert 200"
std::string alert_level_text(uint8_t level); // "fatal", "warning", "level?"
std::string handshake_text(uint8_t type);    // "ClientKeyExchange", "Unknown"
// RFC 792 / RFC 4443 destination-unreachable codes: "port unreachable".
std::string icmp_unreachable_text(bool v6, uint8_t type, uint8_t code);
std::string endpoint(const std::string& ip, uint16_t port);  // "[v6]:port" or "ip:port"

}  // namespace rdpcap::text
