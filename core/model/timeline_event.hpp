// One step of a connection's timeline, as typed values: what happened (kind)
// and the wire values that say more. text::event_text (text/event_text.hpp)
// turns it into words for the ladder, the JSON timeline and the plugin.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/frame_ref.hpp"
#include "proto/rdp_negotiation.hpp"
#include "tls/tls_messages.hpp"
#include "x509/certificate_chain.hpp"

namespace rdpcap::model {

// The fields each kind uses (others stay 0 / empty).
enum class EventKind : uint8_t {
  // TCP, ICMP
  syn,                       // number: retransmission (0 = the first SYN)
  syn_ack,
  fin,
  rst,
  icmp_unreachable,          // flag: ICMPv6; number: type; code: code
  bytes_missing,             // number: bytes not captured
  stopped_following,         // the capture-wide buffer budget was spent
  not_rdp,                   // the first bytes are neither TPKT/X.224 nor TLS
  // SOCKS5 (RFC 1928, RFC 1929)
  socks_greeting,
  socks_method,              // code: METHOD
  socks_authentication,
  socks_auth_status,         // code: STATUS
  socks_connect,             // detail: "host:port"
  socks_reply,               // code: REP
  socks_malformed,           // detail: reason
  // X.224 / MCS (MS-RDPBCGR 2.2.1.1-2.2.1.4)
  x224_request,              // flag: RDP_NEG_REQ present; number: requestedProtocols
  x224_confirm,              // code: proto::ConnectionConfirm::Kind; number: selectedProtocol or failureCode
  x224_disconnect_request,
  mcs_disconnect_ultimatum,
  x224_data,                 // X.224 Data (MCS) not decoded further
  mcs_connect_initial,       // number: client encryptionMethods
  mcs_connect_response,      // number: server encryptionMethod; code: encryptionLevel
  x224_tpdu,                 // code: TPDU code
  x224_malformed,            // detail: reason
  // TLS (RFC 5246, RFC 8446)
  client_hello,              // version: highest offered; number: cipher suites; flag: SSLv2 format
  hello_retry_request,
  server_hello,              // version: negotiated; suite
  certificate,               // number: certificates sent; flag: leaf kept; detail: leaf CN (else subject)
  client_certificate,        // number: certificates sent
  certificate_request,
  server_hello_done,
  handshake,                 // code: HandshakeType
  change_cipher_spec,
  alert,                     // code: AlertLevel; number: AlertDescription
  encrypted_alert,
  encrypted_records,         // the first encrypted record of this direction
  not_tls,                   // detail: reason
  // Decryption with logged secrets (issue 11)
  decryption_started,        // keys found for this ClientHello random: both directions decrypted from here
  decrypted_alert,           // an encrypted alert read with the keys; code: AlertLevel; number: AlertDescription
  decryption_failed,         // a record of this direction did not decrypt; detail: reason
  // What the decrypted records said (MS-CSSP, MS-RDPBCGR 1.3.1.1)
  credssp_started,           // the client's first TSRequest; number: its CredSSP version
  credssp_error,             // TSRequest errorCode; number: NTSTATUS / SECURITY_STATUS
  user_authorization,        // Early User Authorization Result; number: authorizationResult
  rdp_phase,                 // a phase of the connection sequence reached; number: model::RdpPhase
  license_error,             // licensing Error Alert; number: dwErrorCode
  set_error_info,            // Set Error Info PDU; number: errorInfo
  disconnect_ultimatum,      // decrypted MCS Disconnect Provider Ultimatum; number: reason
};

struct TimelineEvent {  // one line of the ladder diagram
  FrameRef at;
  Direction from = Direction::client_to_server;
  EventKind kind = EventKind::syn;
  bool failure = false;  // the step where things went wrong
  bool flag = false;
  uint8_t code = 0;
  uint16_t version = 0;
  uint16_t suite = 0;
  uint64_t number = 0;
  std::string detail;    // capture text or a parser's reason: escape when printing
};

// Events built from what the parsers decoded (the session and the fuzz targets use these).
namespace events {
TimelineEvent simple(EventKind kind, const FrameRef& at, Direction from, bool failure = false);
TimelineEvent with_detail(EventKind kind, std::string detail, const FrameRef& at, Direction from,
                          bool failure = false);
TimelineEvent connection_request(const proto::ConnectionRequest& req, const FrameRef& at);
TimelineEvent connection_confirm(const proto::ConnectionConfirm& cc, const FrameRef& at);
TimelineEvent client_hello(const tls::ClientHello& hello, const FrameRef& at);
TimelineEvent server_hello(const tls::ServerHello& hello, const FrameRef& at);
// `chain` as kept (possibly cut at its cap), `sent` as sent.
TimelineEvent certificate(const x509::CertificateChain& chain, size_t sent, const FrameRef& at);
TimelineEvent alert(const tls::Alert& alert, bool encrypted, const FrameRef& at, Direction from);
TimelineEvent icmp(bool v6, uint8_t type, uint8_t code, const FrameRef& at);
}  // namespace events

}  // namespace rdpcap::model
