// Short timeline labels ("X.224 Connection Request (SSL|HYBRID)", "Alert
// fatal handshake_failure (40)") for the ladder diagram, the JSON timeline and
// the plugin's tree.
#pragma once

#include <string>
#include <vector>

#include "proto/rdp_negotiation.hpp"
#include "tls/tls_messages.hpp"
#include "x509/certificate_facts.hpp"

namespace rdpcap::text {

std::string connection_request(const proto::ConnectionRequest& req);
std::string connection_confirm(const proto::ConnectionConfirm& cc);
std::string client_hello(const tls::ClientHello& hello);
std::string server_hello(const tls::ServerHello& hello);
std::string certificate(const std::vector<x509::CertificateFacts>& chain, size_t sent);
std::string alert(const tls::Alert& alert, bool encrypted);
std::string icmp(bool v6, uint8_t type, uint8_t code);

}  // namespace rdpcap::text
