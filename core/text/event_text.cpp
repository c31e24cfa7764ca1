#include "text/event_text.hpp"

#include <fmt/format.h>

#include "model/inner_facts.hpp"
#include "proto/gcc.hpp"
#include "proto/inner_names.hpp"
#include "proto/mcs.hpp"
#include "proto/rdp_pdus.hpp"
#include "proto/rdp_negotiation.hpp"
#include "proto/socks.hpp"
#include "text/wire_text.hpp"

namespace rdpcap::text {

namespace {

std::string confirm_text(const model::TimelineEvent& e) {
  using Kind = proto::ConnectionConfirm::Kind;
  switch (static_cast<Kind>(e.code)) {
    case Kind::legacy: return "X.224 Connection Confirm (no negotiation: Standard RDP Security)";
    case Kind::response:
      return "X.224 Connection Confirm (selected " + proto::protocols_text(static_cast<uint32_t>(e.number)) + ")";
    case Kind::failure: {
      const auto code = static_cast<uint32_t>(e.number);
      const char* name = proto::failure_code_name(code);
      return fmt::format("X.224 Connection Confirm: RDP_NEG_FAILURE {}", name ? name : std::to_string(code));
    }
  }
  return "X.224 Connection Confirm";
}

std::string certificate_text(const model::TimelineEvent& e) {
  if (!e.flag) return fmt::format("Certificate ({} certificates)", e.number);
  return fmt::format("Certificate ({}{})", e.detail.empty() ? "no subject" : e.detail,
                     e.number > 1 ? fmt::format(", +{} in chain", e.number - 1) : std::string());
}

}  // namespace

std::string event_text(const model::TimelineEvent& e) {
  using K = model::EventKind;
  switch (e.kind) {
    case K::syn: return e.number == 0 ? "SYN" : fmt::format("SYN (retransmission {})", e.number);
    case K::syn_ack: return "SYN-ACK";
    case K::fin: return "FIN";
    case K::rst: return "RST";
    case K::icmp_unreachable:
      return fmt::format("ICMP{} unreachable: {}", e.flag ? "v6" : "",
                         icmp_unreachable_text(e.flag, static_cast<uint8_t>(e.number), e.code));
    case K::bytes_missing: return fmt::format("{} bytes not captured", e.number);
    case K::stopped_following: return "Stopped following: capture-wide buffer budget spent";
    case K::not_rdp: return "Not RDP: unrecognised first bytes";
    case K::socks_greeting: return "SOCKS5 greeting";
    case K::socks_method: return fmt::format("SOCKS5 method 0x{:02x}", e.code);
    case K::socks_authentication: return "SOCKS5 authentication";
    case K::socks_auth_status: return e.code == 0 ? "SOCKS5 authentication accepted" : "SOCKS5 authentication refused";
    case K::socks_connect: return "SOCKS5 CONNECT " + e.detail;
    case K::socks_reply: return fmt::format("SOCKS5 reply: {}", proto::socks::reply_text(e.code));
    case K::socks_malformed: return "Malformed SOCKS message: " + e.detail;
    case K::x224_request:
      return e.flag ? "X.224 Connection Request (" + proto::protocols_text(static_cast<uint32_t>(e.number)) + ")"
                    : std::string("X.224 Connection Request (no negotiation)");
    case K::x224_confirm: return confirm_text(e);
    case K::x224_disconnect_request: return "X.224 Disconnect Request";
    case K::mcs_disconnect_ultimatum: return "MCS Disconnect Provider Ultimatum";
    case K::x224_data: return "X.224 Data (MCS)";
    case K::mcs_connect_initial:
      return fmt::format("MCS Connect Initial (encryption {})",
                         proto::encryption_methods_text(static_cast<uint32_t>(e.number)));
    case K::mcs_connect_response:
      return fmt::format("MCS Connect Response (encryption {}, level {})",
                         proto::encryption_methods_text(static_cast<uint32_t>(e.number)),
                         proto::encryption_level_name(e.code));
    case K::x224_tpdu: return fmt::format("X.224 TPDU 0x{:02x}", e.code);
    case K::x224_malformed: return "Malformed TPKT/X.224: " + e.detail;
    case K::client_hello:
      return fmt::format("ClientHello (up to {}, {} suites{})", version_text(e.version), e.number,
                         e.flag ? ", SSLv2 format" : "");
    case K::hello_retry_request: return "HelloRetryRequest";
    case K::server_hello: return fmt::format("ServerHello ({}, {})", version_text(e.version), suite_text(e.suite));
    case K::certificate: return certificate_text(e);
    case K::client_certificate: return fmt::format("Certificate ({} client certificates)", e.number);
    case K::certificate_request: return "CertificateRequest";
    case K::server_hello_done: return "ServerHelloDone";
    case K::handshake: return handshake_text(e.code);
    case K::change_cipher_spec: return "ChangeCipherSpec";
    case K::alert:
      return fmt::format("Alert {} {}", alert_level_text(e.code), alert_text(static_cast<uint8_t>(e.number)));
    case K::encrypted_alert: return "Encrypted alert";
    case K::encrypted_records: return "Encrypted records";
    case K::not_tls: return "Not TLS: " + e.detail;
    case K::decryption_started: return "Keys found: decrypting";
    case K::decrypted_alert:
      return fmt::format("Decrypted alert {} {}", alert_level_text(e.code), alert_text(static_cast<uint8_t>(e.number)));
    case K::decryption_failed: return "Record did not decrypt: decryption stops (" + e.detail + ")";
    case K::credssp_started: return fmt::format("CredSSP TSRequest (version {})", e.number);
    case K::credssp_error: {
      const auto code = static_cast<uint32_t>(e.number);
      return "CredSSP errorCode " + proto::names::label(code, proto::names::auth_status(code));
    }
    case K::user_authorization:
      return fmt::format("Early User Authorization Result {}", proto::rdp::euar_name(static_cast<uint32_t>(e.number)));
    case K::rdp_phase:
      return std::string("RDP ") + model::rdp_phase_name(static_cast<model::RdpPhase>(e.number));
    case K::license_error: {
      const auto code = static_cast<uint32_t>(e.number);
      return "Licensing Error Alert " + proto::names::label(code, proto::names::licensing_error(code));
    }
    case K::set_error_info: {
      const auto code = static_cast<uint32_t>(e.number);
      return "Set Error Info " + proto::names::label(code, proto::names::error_info(code));
    }
    case K::disconnect_ultimatum:
      return std::string("MCS Disconnect Provider Ultimatum (") +
             proto::mcs::reason_name(static_cast<uint8_t>(e.number)) + ")";
  }
  return "?";
}

}  // namespace rdpcap::text
