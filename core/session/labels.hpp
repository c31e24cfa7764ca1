// Short timeline labels ("X.224 CR (SSL|HYBRID)", "Alert fatal
// handshake_failure") for the ladder diagram and the plugin's tree.
#pragma once

#include <string>
#include <vector>

#include "proto/rdp_negotiation.hpp"
#include "tls/tls_messages.hpp"
#include "x509/certificate_facts.hpp"

namespace rdpcap::session::labels {

std::string connection_request(const proto::ConnectionRequest& req);
std::string connection_confirm(const proto::ConnectionConfirm& cc);
std::string client_hello(const tls::ClientHello& hello);
std::string server_hello(const tls::ServerHello& hello);
std::string certificate(const std::vector<x509::CertificateFacts>& chain, size_t sent);
std::string alert(const tls::Alert& alert, bool encrypted);
std::string icmp(bool v6, uint8_t type, uint8_t code);
std::string handshake(uint8_t type);  // "ClientKeyExchange"

// Shared with the rules and reports.
std::string version_text(uint16_t version);
std::string suite_text(uint16_t suite);
std::string alert_text(uint8_t description);
std::string icmp_unreachable_text(bool v6, uint8_t type, uint8_t code);
// Highest version a ClientHello offers (supported_versions, else legacy_version).
uint16_t max_offered_version(const tls::ClientHello& hello);
std::vector<uint16_t> offered_versions(const tls::ClientHello& hello);

}  // namespace rdpcap::session::labels
