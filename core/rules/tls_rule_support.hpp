// Shared by the TLS rule files (tls_rules.cpp: hello, alerts, no answer;
// tls_negotiated_rules.cpp: what the ServerHello settled; decryption_rules.cpp).
// Internal to rules/.
#pragma once

#include <string>
#include <vector>

#include "rules/rule_context.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::rules {

// With key material: no matching key, failed decryption (decryption_rules.cpp).
void decryption_rules(const RuleContext& ctx, std::vector<Finding>& out);

namespace tls_support {

inline constexpr const char* kSetupClosed = "mstsc 0x904 (extended 0x7): the connection was ended during setup";

// bad_certificate, unsupported_certificate, certificate_revoked/expired/unknown, unknown_ca (RFC 8446 6.2).
inline bool is_certificate_alert(uint8_t d) { return d == 42 || d == 43 || d == 44 || d == 45 || d == 46 || d == 48; }
// The first fatal alert `from` sent, or nullptr.
const model::AlertFact* first_fatal(const model::TlsFacts& t, model::Direction from);
std::string offered_versions_text(const tls::ClientHello& ch);
bool client_offers_version(const tls::ClientHello& ch, uint16_t v);
// The handshake step an alert or abort answered ("after the ServerHello", ...).
std::string step_before(const model::ConnectionSummary& c, uint64_t frame, model::Direction who);
// Findings once a ServerHello was seen (tls_negotiated_rules.cpp).
void after_server_hello(const RuleContext& ctx, std::vector<Finding>& out);

}  // namespace tls_support
}  // namespace rdpcap::rules
