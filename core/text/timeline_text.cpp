#include "text/timeline_text.hpp"

#include <fmt/format.h>

#include "text/wire_text.hpp"

namespace rdpcap::text {

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
  std::string out = fmt::format("ClientHello (up to {}, {} suites", version_text(hello.max_offered_version()),
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
  return fmt::format("Alert {} {}", alert_level_text(alert.level), alert_text(alert.description));
}

std::string icmp(bool v6, uint8_t type, uint8_t code) {
  return fmt::format("ICMP{} unreachable: {}", v6 ? "v6" : "", icmp_unreachable_text(v6, type, code));
}

}  // namespace rdpcap::text
