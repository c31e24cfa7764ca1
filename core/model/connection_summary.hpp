// Everything rdpcap learned about one TCP connection, as owned values. This is
// what the rules read: they never see bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/frame_ref.hpp"
#include "model/decryption_facts.hpp"
#include "model/inner_facts.hpp"
#include "util/boxed.hpp"
#include "model/timeline_event.hpp"
#include "proto/gcc.hpp"
#include "proto/rdp_negotiation.hpp"
#include "tls/tls_messages.hpp"
#include "x509/certificate_chain.hpp"
#include "x509/certificate_facts.hpp"

namespace rdpcap::model {

// The connection setup, in order (MS-RDPBCGR 1.3.1.1 connection sequence).
enum class Stage {
  tcp_connecting,     // SYN sent, no SYN-ACK yet
  tcp_established,    // handshake done (or mid-stream start), nothing else yet
  x224_requested,     // Connection Request seen, no Confirm
  x224_confirmed,     // Confirm selected a protocol
  negotiation_failed, // RDP_NEG_FAILURE
  tls_handshake,      // ClientHello seen, handshake not finished
  tls_established,    // both sides encrypted (CCS/Finished, or TLS 1.3 server flight)
  standard_security,  // Standard RDP Security (selected 0 or legacy confirm): MCS follows
  application_data,   // encrypted records after the handshake (CredSSP / RDP)
  // What decrypted records show (MS-CSSP; MS-RDPBCGR 1.3.1.1 phases). Reached
  // only through the table in session/connection_state.cpp, once decryption
  // is wired in.
  credssp,                   // CredSSP / NLA (MS-CSSP TSRequest exchange)
  early_user_authorization,  // Early User Authorization Result PDU (HYBRID_EX)
  basic_settings_exchange,   // MCS Connect Initial / Response (GCC blocks)
  channel_connection,        // MCS Erect Domain, Attach User, Channel Join
  security_commencement,     // Security Exchange PDU (Standard RDP Security)
  secure_settings_exchange,  // Client Info PDU
  licensing,                 // licensing PDUs
  capabilities_exchange,     // Demand Active / Confirm Active
  connection_finalization,   // Synchronize, Control, Font List / Font Map
  active_session,            // finalization done: the session is up
  // Last: session/connection_state.cpp sizes its lookup table by active_session.
};
const char* stage_name(Stage s);

struct IcmpReport {
  FrameRef at;
  std::string reporter;  // address that sent the ICMP message
  bool v6 = false;
  uint8_t type = 0, code = 0;
};

struct TcpFacts {
  FrameRef syn;                 // first SYN
  uint32_t syn_count = 0;       // SYNs including retransmissions
  FrameRef last_syn;
  FrameRef syn_ack;
  FrameRef client_fin, server_fin;
  FrameRef client_rst, server_rst;
  bool saw_handshake = false;   // SYN seen (else the capture started mid-connection)
  std::vector<IcmpReport> icmp;
  uint64_t client_bytes = 0, server_bytes = 0;  // payload bytes seen
  uint64_t client_packets = 0, server_packets = 0;
  uint64_t client_gaps = 0, server_gaps = 0;    // holes never filled
  uint64_t retransmissions = 0;
  // Live capture (--idle-timeout): the earlier part of this connection, silent
  // longer than the idle timeout, was ended and reported then; this is its
  // continuation (no SYN seen, but not a capture that started late).
  FrameRef earlier_part_first, earlier_part_last;
};

struct NegotiationFacts {
  std::optional<proto::ConnectionRequest> request;
  FrameRef request_at;
  std::optional<proto::ConnectionConfirm> confirm;
  FrameRef confirm_at;
  FrameRef client_data_at;       // first X.224 Data from the client (MCS Connect Initial)
  FrameRef server_data_at;       // first X.224 Data from the server (MCS Connect Response)
  std::optional<proto::ClientGcc> client_gcc;  // Standard RDP Security: decoded Connect Initial
  std::optional<proto::ServerGcc> server_gcc;  // ... and Connect Response
  FrameRef disconnect_at;        // X.224 DR or MCS Disconnect Provider Ultimatum
  Direction disconnect_from = Direction::server_to_client;
  bool not_rdp = false;          // first bytes were neither TPKT/X.224 nor TLS
  std::string parse_error;       // first X.224 decoding problem
  FrameRef parse_error_at;
};

// A SOCKS5 proxy handshake in front of RDP (RFC 1928).
struct ProxyFacts {
  bool socks5 = false;
  std::string target;           // requested "host:port"
  FrameRef request_at;
  bool replied = false;
  uint8_t reply_code = 0;       // 0 = succeeded
  FrameRef reply_at;
};

struct AlertFact {
  FrameRef at;
  Direction from = Direction::client_to_server;
  tls::Alert alert;
  bool encrypted = false;
  bool decrypted = false;  // encrypted, read with the session's keys: level and description are real
};

struct EncryptedTraffic {
  uint64_t records = 0;
  uint64_t bytes = 0;
  FrameRef first, last;
};

struct TlsFacts {
  bool direct = false;  // TLS from the first byte (no X.224): direct approach / RD Gateway
  std::optional<tls::ClientHello> client_hello;
  FrameRef client_hello_at;
  uint32_t client_hello_count = 0;
  std::optional<tls::ServerHello> hello_retry;
  FrameRef hello_retry_at;
  std::optional<tls::ServerHello> server_hello;
  FrameRef server_hello_at;
  x509::CertificateChain certificates;  // leaf first (bounded), each shared with the certificate cache
  FrameRef certificate_at;
  std::optional<tls::CertificateRequest> certificate_request;
  FrameRef certificate_request_at;
  FrameRef server_hello_done_at;
  FrameRef client_key_exchange_at;
  FrameRef client_ccs_at, server_ccs_at;
  std::vector<AlertFact> alerts;  // bounded
  EncryptedTraffic client_encrypted, server_encrypted;
  std::string client_error, server_error;  // stream stopped being TLS
  FrameRef client_error_at, server_error_at;
  uint64_t client_pending_bytes = 0, server_pending_bytes = 0;  // incomplete record at end
  DecryptionFacts decryption;   // with key material: what could be decrypted
  bool handshake_complete() const;
};

struct ConnectionSummary {
  uint64_t id = 0;            // order of first packet in the capture, from 1
  std::string client_ip, server_ip;
  uint16_t client_port = 0, server_port = 0;
  bool ipv6 = false;
  FrameRef first, last;       // first and last packet of the connection
  Stage stage = Stage::tcp_connecting;
  bool rdp_by_port = false;   // matched an RDP port
  bool rdp_by_content = false;// found by its X.224 Connection Request
  bool ended_by_capture = false;  // no FIN/RST before the capture ended
  TcpFacts tcp;
  ProxyFacts proxy;
  NegotiationFacts negotiation;
  TlsFacts tls;
  util::Boxed<InnerFacts> inner;  // what decrypted data and cleartext Kerberos showed (issue #11); empty
                                  // (no allocation) for most connections: written only when there is some
  std::vector<TimelineEvent> timeline;  // bounded
  bool timeline_truncated = false;
  std::vector<std::string> limits_hit;  // caps reached ("reassembly buffer", ...)
};

// Approximate heap size of a connection's facts, for Limits::max_kept_bytes:
// the object and every string and vector that capture bytes can make large.
// model/summary_bytes.cpp checks the size of every struct it measures, so a
// new field does not build until it is counted there (or said to be fixed-size).
size_t approx_bytes(const ConnectionSummary& c);

}  // namespace rdpcap::model
