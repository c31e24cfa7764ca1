#include "model/connection_summary.hpp"

namespace rdpcap::model {

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::tcp_connecting: return "tcp_connecting";
    case Stage::tcp_established: return "tcp_established";
    case Stage::x224_requested: return "x224_requested";
    case Stage::x224_confirmed: return "x224_confirmed";
    case Stage::negotiation_failed: return "negotiation_failed";
    case Stage::tls_handshake: return "tls_handshake";
    case Stage::tls_established: return "tls_established";
    case Stage::standard_security: return "standard_security";
    case Stage::application_data: return "application_data";
    case Stage::credssp: return "credssp";
    case Stage::early_user_authorization: return "early_user_authorization";
    case Stage::basic_settings_exchange: return "basic_settings_exchange";
    case Stage::channel_connection: return "channel_connection";
    case Stage::security_commencement: return "security_commencement";
    case Stage::secure_settings_exchange: return "secure_settings_exchange";
    case Stage::licensing: return "licensing";
    case Stage::capabilities_exchange: return "capabilities_exchange";
    case Stage::connection_finalization: return "connection_finalization";
    case Stage::active_session: return "active_session";
  }
  return "unknown";
}

bool TlsFacts::handshake_complete() const {
  if (!server_hello) return false;
  for (const auto& a : alerts)
    if (!a.encrypted && a.alert.level == 2) return false;
  if (server_hello->negotiated_version() >= 0x0304)  // TLS 1.3: client Finished is encrypted
    return client_encrypted.records > 0 && server_encrypted.records > 0;
  // TLS <= 1.2: each side sent ChangeCipherSpec and then its encrypted Finished.
  return client_ccs_at.seen() && server_ccs_at.seen() && client_encrypted.records > 0 &&
         server_encrypted.records > 0;
}

}  // namespace rdpcap::model
