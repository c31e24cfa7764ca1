#include "session/labels.hpp"

#include <fmt/format.h>

#include "tls/tls_parser.hpp"
#include "tls/tls_stream.hpp"

namespace rdpcap::session::labels {

std::string version_text(uint16_t version) {
  const char* name = tls::version_name(version);
  return name ? std::string(name) : fmt::format("0x{:04x}", version);
}

std::string suite_text(uint16_t suite) {
  const char* name = tls::cipher_suite_name(suite);
  return name ? fmt::format("{} (0x{:04x})", name, suite) : fmt::format("0x{:04x}", suite);
}

std::string alert_text(uint8_t description) {
  const char* name = tls::alert_description_name(description);
  return name ? fmt::format("{} ({})", name, description) : fmt::format("alert {}", description);
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

uint16_t max_offered_version(const tls::ClientHello& hello) {
  uint16_t best = 0;
  for (uint16_t v : hello.supported_versions)
    if (!tls::is_grease(v) && v > best && v <= 0x0304) best = v;
  return best ? best : hello.legacy_version;
}

std::vector<uint16_t> offered_versions(const tls::ClientHello& hello) {
  std::vector<uint16_t> out;
  for (uint16_t v : hello.supported_versions)
    if (!tls::is_grease(v)) out.push_back(v);
  if (out.empty()) out.push_back(hello.legacy_version);
  return out;
}

std::string connection_request(const proto::ConnectionRequest& req) {
  std::string out = "X.224 Connection Request";
  if (req.has_neg_req) out += " (" + proto::protocols_text(req.requested_protocols) + ")";
  else out += " (no negotiation)";
  return out;
}

std::string connection_confirm(const proto::ConnectionConfirm& cc) {
  using Kind = proto::ConnectionConfirm::Kind;
  switch (cc.kind) {
    case Kind::legacy: return "X.224 Connection Confirm (no negotiation: Standard RDP Security)";
    case Kind::response: return "X.224 Connection Confirm (selected " + proto::protocols_text(cc.selected_protocol) + ")";
    case Kind::failure: {
      const char* name = proto::failure_code_name(cc.failure_code);
      return fmt::format("X.224 Connection Confirm: RDP_NEG_FAILURE {}", name ? name : std::to_string(cc.failure_code));
    }
  }
  return "X.224 Connection Confirm";
}

std::string client_hello(const tls::ClientHello& hello) {
  std::string out = fmt::format("ClientHello (up to {}, {} suites", version_text(max_offered_version(hello)),
                                hello.cipher_suites.size());
  if (hello.sslv2_format) out += ", SSLv2 format";
  return out + ")";
}

std::string server_hello(const tls::ServerHello& hello) {
  return fmt::format("ServerHello ({}, {})", version_text(hello.negotiated_version()), suite_text(hello.cipher_suite));
}

std::string certificate(const std::vector<x509::CertificateFacts>& chain, size_t sent) {
  if (chain.empty()) return fmt::format("Certificate ({} certificates)", sent);
  const auto& leaf = chain.front();
  const std::string& name = leaf.subject_cn.empty() ? leaf.subject : leaf.subject_cn;
  return fmt::format("Certificate ({}{})", name.empty() ? "no subject" : name,
                     sent > 1 ? fmt::format(", +{} in chain", sent - 1) : std::string());
}

std::string alert(const tls::Alert& alert, bool encrypted) {
  if (encrypted) return "Encrypted alert";
  return fmt::format("Alert {} {}", alert.level == 2 ? "fatal" : alert.level == 1 ? "warning" : "level?",
                     alert_text(alert.description));
}

std::string handshake(uint8_t type) {
  const char* name = tls::handshake_type_name(type);
  if (!name) return fmt::format("Handshake message {}", type);
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

std::string icmp(bool v6, uint8_t type, uint8_t code) {
  return fmt::format("ICMP{} unreachable: {}", v6 ? "v6" : "", icmp_unreachable_text(v6, type, code));
}

}  // namespace rdpcap::session::labels
