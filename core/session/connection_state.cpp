// The connection's transition table (see the drawing in connection_state.hpp).
// One row: an event, the phases it applies in, the phase it leads to. A
// (phase, event) pair with no row leaves the phase as it is: late or repeated
// messages never move a connection backwards.
#include "session/connection_state.hpp"

#include <array>

namespace rdpcap::session {

namespace {

using P = Phase;
using E = PhaseEvent;

constexpr uint32_t bit(P p) { return uint32_t{1} << static_cast<unsigned>(p); }
template <typename... Ps>
constexpr uint32_t any_of(Ps... ps) {
  return (bit(ps) | ...);
}

struct Row {
  E event;
  uint32_t from;  // bit set of phases
  P to;
};

// Before the security protocol is known.
constexpr uint32_t kTcp = any_of(P::tcp_connecting, P::tcp_established);
constexpr uint32_t kBeforeConfirm = kTcp | bit(P::x224_requested);
constexpr uint32_t kBeforeTls = kBeforeConfirm | any_of(P::x224_confirmed, P::negotiation_failed);
// Past TLS (or Standard RDP Security), before what decryption shows.
constexpr uint32_t kSecured = any_of(P::tls_established, P::application_data);

constexpr std::array kTable{
    // TCP: a SYN-ACK, or any ACK/data (a capture that began mid-connection).
    Row{E::syn_ack, bit(P::tcp_connecting), P::tcp_established},
    Row{E::segment, bit(P::tcp_connecting), P::tcp_established},
    // X.224 Connection Request / Confirm (MS-RDPBCGR 1.3.1.1 Connection Initiation).
    Row{E::x224_request, kTcp, P::x224_requested},
    Row{E::x224_confirm_tls, kBeforeConfirm, P::x224_confirmed},
    Row{E::x224_negotiation_failure, kBeforeConfirm | bit(P::x224_confirmed), P::negotiation_failed},
    Row{E::x224_confirm_standard, kBeforeTls | any_of(P::tls_handshake, P::tls_established), P::standard_security},
    // TLS (MS-RDPBCGR 5.4.5.1): External Security Protocol handshake.
    Row{E::client_hello, kBeforeTls, P::tls_handshake},
    Row{E::tls_handshake_done, bit(P::tls_handshake), P::tls_established},
    Row{E::tls_application_data, kBeforeTls | any_of(P::tls_handshake, P::tls_established, P::standard_security),
        P::application_data},
    // What decryption shows (MS-CSSP, MS-RDPBCGR 1.3.1.1); no handler sends these yet.
    Row{E::credssp_request, kSecured, P::credssp},
    Row{E::early_user_authorization, bit(P::credssp), P::early_user_authorization},
    Row{E::mcs_connect_initial, kSecured | any_of(P::standard_security, P::credssp, P::early_user_authorization),
        P::basic_settings_exchange},
    Row{E::mcs_channel_join, bit(P::basic_settings_exchange), P::channel_connection},
    Row{E::security_exchange, bit(P::channel_connection), P::security_commencement},
    Row{E::client_info, any_of(P::channel_connection, P::security_commencement), P::secure_settings_exchange},
    Row{E::license, bit(P::secure_settings_exchange), P::licensing},
    Row{E::demand_active, any_of(P::secure_settings_exchange, P::licensing), P::capabilities_exchange},
    Row{E::finalization, bit(P::capabilities_exchange), P::connection_finalization},
    Row{E::finalization_done, bit(P::connection_finalization), P::active_session},
};

constexpr size_t kEvents = static_cast<size_t>(E::finalization_done) + 1;  // the last PhaseEvent
constexpr size_t kPhases = static_cast<size_t>(P::active_session) + 1;     // the last Phase
static_assert(kPhases <= 32, "phases are bits of a uint32_t");

// The table's answer for every (event, phase), looked up once per event
// instead of a scan of the rows (once per TCP segment).
constexpr auto kNext = [] {
  std::array<std::array<P, kPhases>, kEvents> next{};
  for (size_t e = 0; e < kEvents; ++e)
    for (size_t p = 0; p < kPhases; ++p) {
      next[e][p] = static_cast<P>(p);
      for (const Row& row : kTable)
        if (row.event == static_cast<E>(e) && (row.from & bit(static_cast<P>(p)))) {
          next[e][p] = row.to;
          break;
        }
    }
  return next;
}();

}  // namespace

Phase ConnectionState::next(Phase from, PhaseEvent e) {
  const auto ei = static_cast<size_t>(e), pi = static_cast<size_t>(from);
  return ei < kEvents && pi < kPhases ? kNext[ei][pi] : from;
}

bool ConnectionState::on(PhaseEvent e) {
  const Phase to = next(phase_, e);
  if (to == phase_) return false;
  phase_ = to;
  return true;
}

const char* phase_event_name(PhaseEvent e) {
  switch (e) {
    case E::syn: return "syn";
    case E::syn_ack: return "syn_ack";
    case E::segment: return "segment";
    case E::fin: return "fin";
    case E::rst: return "rst";
    case E::icmp_unreachable: return "icmp_unreachable";
    case E::x224_request: return "x224_request";
    case E::x224_confirm_tls: return "x224_confirm_tls";
    case E::x224_confirm_standard: return "x224_confirm_standard";
    case E::x224_negotiation_failure: return "x224_negotiation_failure";
    case E::x224_disconnect: return "x224_disconnect";
    case E::client_hello: return "client_hello";
    case E::server_hello: return "server_hello";
    case E::tls_alert: return "tls_alert";
    case E::tls_handshake_done: return "tls_handshake_done";
    case E::tls_application_data: return "tls_application_data";
    case E::credssp_request: return "credssp_request";
    case E::early_user_authorization: return "early_user_authorization";
    case E::mcs_connect_initial: return "mcs_connect_initial";
    case E::mcs_channel_join: return "mcs_channel_join";
    case E::security_exchange: return "security_exchange";
    case E::client_info: return "client_info";
    case E::license: return "license";
    case E::demand_active: return "demand_active";
    case E::finalization: return "finalization";
    case E::finalization_done: return "finalization_done";
  }
  return "?";
}

}  // namespace rdpcap::session
