// What the decrypted inside of an RDP connection showed (issue #11 item 3):
// the CredSSP/NLA exchange (MS-CSSP), the Early User Authorization Result
// and the RDP connection sequence (MS-RDPBCGR 1.3.1.1), plus the cleartext
// Kerberos errors the same client got from its KDC during the setup (RFC
// 4120, port 88, no decryption needed). Filled by session::InnerStream from
// plaintext and by the analyzer's Kerberos watch; read by the rules. Strings
// come from the capture: escape them on output.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/frame_ref.hpp"
#include "proto/gcc.hpp"

namespace rdpcap::model {

// MS-RDPBCGR 1.3.1.1 phases, in order; each is "reached" at its first PDU.
enum class RdpPhase {
  none,
  nla,                 // a CredSSP TSRequest (MS-CSSP 3.1.5)
  basic_settings,      // MCS Connect Initial / Response (GCC blocks)
  channel_connection,  // Erect Domain, Attach User, Channel Join
  security,           // Security Exchange / Client Info (secure settings exchange)
  licensing,           // licensing PDUs
  capabilities,        // Demand Active / Confirm Active
  finalization,        // Synchronize, Control, Font List / Font Map
  session_running,     // fast-path or slow-path update traffic after finalization
};
constexpr size_t kRdpPhaseCount = 9;
const char* rdp_phase_name(RdpPhase p);

struct NtlmChallengeFacts {  // MS-NLMP 2.2.1.2
  FrameRef at;
  uint32_t flags = 0;
  std::string target_name, nb_computer, nb_domain, dns_computer, dns_domain;
  std::optional<uint64_t> timestamp;   // FILETIME
  std::string windows_version;         // "10.0 build 20348" (VERSION, 2.2.2.10)
};

struct NtlmAuthenticateFacts {  // MS-NLMP 2.2.1.3
  FrameRef at;
  std::string domain, user, workstation;
  bool anonymous = false;
  bool ntlm_v2 = false;  // NT response longer than 24 bytes
};

struct KerberosErrorFact {  // RFC 4120 5.9.1, from the client's KDC traffic or inside SPNEGO
  FrameRef at;
  int32_t error_code = 0;
  std::string realm, sname, cname, stime;
  std::string kdc_ip;          // the KDC that answered ("" when inside SPNEGO)
  bool in_credssp = false;     // carried inside the CredSSP exchange, not on port 88
};

struct KerberosRequestFact {  // AS-REQ / TGS-REQ seen on port 88 from the client
  FrameRef at;
  uint32_t msg_type = 0;
  std::string sname, realm;
};

struct InnerFacts {
  bool plaintext_seen = false;        // any decrypted application data was fed
  uint64_t client_bytes = 0, server_bytes = 0;

  // --- CredSSP (MS-CSSP 2.2.1) ---
  std::optional<uint32_t> client_credssp_version, server_credssp_version;
  FrameRef client_first_ts_request, server_first_ts_request, last_ts_request;
  uint32_t client_ts_requests = 0, server_ts_requests = 0;
  std::vector<std::string> offered_mechs;  // SPNEGO mechTypes names ("Kerberos", "NTLM", OID), bounded
  std::string package;                     // "Kerberos", "NTLM" (what the tokens really carried, last one)
  bool spnego = false;
  bool kerberos_attempted = false;         // a Kerberos AP-REQ was sent
  FrameRef kerberos_at;
  bool ntlm_used = false;                  // an NTLM message was exchanged
  FrameRef ntlm_at;
  bool ntlm_after_kerberos = false;        // Kerberos first, then NTLM (fallback)
  std::string spn, spn_realm;              // AP-REQ ticket sname ("TERMSRV/host") and realm
  FrameRef spn_at;
  std::optional<int> spnego_neg_state;     // last NegTokenResp negState from the server
  std::optional<uint32_t> error_code;      // TSRequest.errorCode (first one)
  Direction error_from = Direction::server_to_client;
  FrameRef error_at;
  std::optional<NtlmChallengeFacts> ntlm_challenge;
  std::optional<NtlmAuthenticateFacts> ntlm_authenticate;
  FrameRef client_pub_key_auth, server_pub_key_auth;  // public key echo (binding to TLS)
  FrameRef auth_info_at;                   // the client sent its credentials (TSCredentials): NLA done
  std::vector<KerberosErrorFact> kerberos_errors;     // inside SPNEGO, and from port 88 (bounded)
  std::vector<KerberosRequestFact> kerberos_requests; // port 88 requests of the client (bounded)

  // --- Early User Authorization Result (MS-RDPBCGR 2.2.10.2) ---
  std::optional<uint32_t> euar_result;
  FrameRef euar_at;

  // --- RDP connection sequence (MS-RDPBCGR 1.3.1.1) ---
  RdpPhase phase = RdpPhase::none;                 // furthest phase reached
  std::array<FrameRef, kRdpPhaseCount> phase_at{}; // first frame of each phase
  std::optional<proto::ClientGcc> client_gcc;      // decrypted Connect Initial
  std::optional<proto::ServerGcc> server_gcc;      // decrypted Connect Response
  FrameRef client_gcc_at, server_gcc_at;
  std::optional<uint8_t> attach_user_result;       // T.125 Result
  uint32_t channels_joined = 0, channel_join_failures = 0;
  std::string client_info_domain, client_info_user;  // Client Info PDU (never the password)
  FrameRef client_info_at;
  FrameRef demand_active_at, confirm_active_at;
  FrameRef font_map_at;                            // last finalization PDU from the server
  FrameRef logon_at;                               // Save Session Info (logon notification)
  std::optional<uint32_t> set_error_info;          // last non-zero Set Error Info errorInfo
  FrameRef set_error_info_at;
  uint32_t set_error_info_count = 0;
  std::optional<uint8_t> license_msg_type;         // last licensing message type
  std::optional<uint32_t> license_error;           // Error Alert dwErrorCode
  std::optional<uint32_t> license_state_transition;
  FrameRef license_at;
  FrameRef deactivate_all_at;
  std::optional<uint8_t> dpu_reason;               // MCS Disconnect Provider Ultimatum reason
  Direction dpu_from = Direction::client_to_server;
  FrameRef dpu_at;
  uint64_t client_fast_path = 0, server_fast_path = 0;
  uint64_t client_slow_path = 0, server_slow_path = 0;

  // --- Decoding problems and caps ---
  std::string parse_error;                         // first PDU that could not be decoded
  Direction parse_error_from = Direction::client_to_server;
  FrameRef parse_error_at;
  bool client_stopped = false, server_stopped = false;  // a direction stopped being decoded
  bool buffer_limit_hit = false;
};

}  // namespace rdpcap::model
