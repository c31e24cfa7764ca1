// The phases of one RDP connection, and the one table that moves between
// them. The per-direction handlers only report what they saw, as a typed
// PhaseEvent; ConnectionState looks the (phase, event) pair up in the table
// in connection_state.cpp and moves, or stays when the table has no row.
//
//                     SYN-ACK / ACK / data
//   tcp_connecting ----------------------------> tcp_established
//         |  X.224 CR                                  | X.224 CR
//         +----------------> x224_requested <----------+
//                                  |
//       +--------------------------+-----------------------------+
//       | CC RDP_NEG_FAILURE       | CC SSL/HYBRID/...           | CC PROTOCOL_RDP, or legacy CC
//       v                          v                             v
//   negotiation_failed       x224_confirmed                 standard_security
//                                  | ClientHello                 :
//                                  v                             :
//                            tls_handshake                       :
//                                  | handshake done              :
//                                  v                             :
//                            tls_established                     :
//                                  | application data            :
//                                  v                             :
//                            application_data                    :
//                                  :                             :
//   With decryption (key logs), MS-RDPBCGR 1.3.1.1 continues (- - - rows:
//   in the table, sent by no handler yet):
//     credssp (MS-CSSP, NLA) -> early_user_authorization (2.2.10.2)
//     -> basic_settings_exchange (MCS Connect Initial/Response)
//     -> channel_connection (Erect Domain, Attach User, Channel Join)
//     -> security_commencement (Security Exchange, Standard RDP Security)
//     -> secure_settings_exchange (Client Info) -> licensing
//     -> capabilities_exchange (Demand/Confirm Active)
//     -> connection_finalization (Synchronize, Control, Font) -> active_session
//
// Phases are model::Stage: the names in the outputs ("stage") stay those
// strings. Events that move nothing (ServerHello, alerts, FIN, RST, ...) are
// sent too, so the table, not the handlers, decides what matters.
#pragma once

#include <cstdint>

#include "model/connection_summary.hpp"

namespace rdpcap::session {

using Phase = model::Stage;

enum class PhaseEvent : uint8_t {
  // TCP (connection.cpp)
  syn,
  syn_ack,
  segment,             // an ACK or data without SYN/RST: the handshake is done (or the capture began mid-stream)
  fin,
  rst,
  icmp_unreachable,
  // X.224 (direction_x224.cpp), MS-RDPBCGR 2.2.1.1-2.2.1.2
  x224_request,            // the first Connection Request
  x224_confirm_tls,        // the first Confirm selected an Enhanced Security protocol (SSL, HYBRID, ...)
  x224_confirm_standard,   // the first Confirm selected PROTOCOL_RDP, or had no negotiation (legacy)
  x224_negotiation_failure,// the first Confirm was RDP_NEG_FAILURE
  x224_disconnect,         // X.224 Disconnect Request or MCS Disconnect Provider Ultimatum
  // TLS (direction_tls.cpp), RFC 5246 / RFC 8446
  client_hello,
  server_hello,
  tls_alert,
  tls_handshake_done,      // both sides' Finished (encrypted records after the handshake)
  tls_application_data,    // application data records after the handshake (CredSSP or RDP)
  // After TLS, from decrypted records (MS-CSSP, MS-RDPBCGR 1.3.1.1): sent once decryption is wired.
  credssp_request,         // the first TSRequest
  early_user_authorization,// Early User Authorization Result PDU (2.2.10.2)
  mcs_connect_initial,     // MCS Connect Initial (2.2.1.3)
  mcs_channel_join,        // Erect Domain / Attach User / Channel Join (2.2.1.5-2.2.1.8)
  security_exchange,       // Security Exchange PDU (2.2.1.10), Standard RDP Security
  client_info,             // Client Info PDU (2.2.1.11)
  license,                 // licensing PDUs (2.2.1.12)
  demand_active,           // Demand Active PDU (2.2.1.13.1)
  finalization,            // Synchronize / Control / Font List PDUs (2.2.1.14-2.2.1.22)
  finalization_done,       // Font Map PDU (2.2.1.22): the session is active
  // Last: connection_state.cpp sizes its lookup table by finalization_done.
};
const char* phase_event_name(PhaseEvent e);

class ConnectionState {
 public:
  Phase phase() const { return phase_; }
  // Moves along the table; returns true when the phase changed.
  bool on(PhaseEvent e);
  // The table's answer for (from, e): the next phase, or `from` itself when
  // no row matches. Pure: for tests and the documentation.
  static Phase next(Phase from, PhaseEvent e);

 private:
  Phase phase_ = Phase::tcp_connecting;
};

}  // namespace rdpcap::session
