#include "text/wire_text.hpp"

#include <fmt/format.h>

#include "tls/tls_names.hpp"

namespace rdpcap::text {

std::string version_text(uint16_t version) { return tls::version_text(version); }

Hex16 hex16(uint16_t value) {
  static constexpr char hex[] = "0123456789abcdef";
  return {{'0', 'x', hex[value >> 12], hex[(value >> 8) & 15], hex[(value >> 4) & 15], hex[value & 15]}};
}

std::string suite_text(uint16_t suite) {
  const Hex16 id = hex16(suite);
  const char* name = tls::cipher_suite_name(suite);
  if (!name) return std::string(id.view());
  std::string out(name);
  out.append(" (").append(id.view()).append(")");
  return out;
}

std::string alert_text(uint8_t description) {
  const char* name = tls::alert_description_name(description);
  return name ? fmt::format("{} ({})", name, description) : fmt::format("alert {}", description);
}

std::string alert_level_text(uint8_t level) {  // RFC 8446 6 AlertLevel
  return level == 2 ? "fatal" : level == 1 ? "warning" : "level?";
}

std::string handshake_text(uint8_t type) {
  const char* name = tls::handshake_type_name(type);  // never nullptr ("unknown" -> "Unknown")
  std::string out;  // "server_key_exchange" -> "ServerKeyExchange"
  bool upper = true;
  for (const char* p = name; *p; ++p) {
    if (*p == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(*p - ('a' <= *p && *p <= 'z' ? 32 : 0)) : *p;
    upper = false;
  }
  return out;
}

std::string icmp_unreachable_text(bool v6, uint8_t type, uint8_t code) {
  if (v6) {  // RFC 4443 3.1
    switch (code) {
      case 0: return "no route to destination";
      case 1: return "communication administratively prohibited";
      case 3: return "address unreachable";
      case 4: return "port unreachable";
      case 5: return "source address failed ingress/egress policy";
      case 6: return "reject route to destination";
      default: return fmt::format("ICMPv6 type {} code {}", type, code);
    }
  }
  switch (code) {  // RFC 792, RFC 1812 5.2.7.1
    case 0: return "network unreachable";
    case 1: return "host unreachable";
    case 2: return "protocol unreachable";
    case 3: return "port unreachable";
    case 9: case 10: case 13: return "communication administratively prohibited";
    default: return fmt::format("ICMP type {} code {}", type, code);
  }
}

std::string endpoint(const std::string& ip, uint16_t port) {
  const bool v6 = ip.find(':') != std::string::npos;
  std::string out;
  out.reserve(ip.size() + 8);
  if (v6) out += '[';
  out += ip;
  if (v6) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

}  // namespace rdpcap::text
