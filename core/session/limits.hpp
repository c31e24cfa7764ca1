// Memory is bounded by these caps whatever the capture holds (see README.md,
// "Hostile input"). Hitting a capture-wide cap adds a note to
// CaptureStats::notes; hitting a per-connection cap adds to the connection's
// limits_hit (finding capture.limit_reached). Every cap of the engine is here.
// The parsers below the session (net/, proto/, tls/, x509/) keep their own
// per-structure bounds (a list in one message, a name's length), which the
// structures themselves set, as named constants beside the code that reads them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rdpcap::session {

struct Limits {
  // Capture-wide.
  size_t max_connections = 50000;           // connections followed at once (full state, ~2.1 KB each)
  size_t max_flows = 500000;                // flow table entries: followed connections, half-open RDP
                                            // flows (SYN only, compact: ~0.2 KB each), flows waiting for a
                                            // first payload, recently closed flows
  size_t max_buffered_bytes = 128u << 20;   // bytes held in all followed connections' buffers together
                                            // (reassembly, TLS record/handshake, X.224); over it, the
                                            // connection whose buffers grew stops being followed
  size_t max_kept_connections = 10000;      // finished connections kept for the report, and
  size_t max_kept_bytes = 64u << 20;        // their approximate size; beyond either, connections are
                                            // counted by stage instead (those that reached X.224/TLS kept
                                            // first, then by start)
  size_t max_streamed_servers = 65536;      // servers whose accepted versions/suites/certificates the
                                            // streaming result API remembers (engine/analyzer.hpp)
  size_t pending_flow_segments = 8;         // segments kept for a flow not yet followed: the handshake of
                                            // one on another port until its first payload shows whether it
                                            // is RDP, SYN retransmissions of a half-open one
                                            // (engine/flow_tracker.hpp)
  // Cleartext Kerberos on port 88 (session::KerberosWatch), capture-wide.
  size_t kerberos_events = 4096;            // KRB-ERRORs and requests remembered; the oldest dropped first
  size_t kerberos_tcp_streams = 256;        // port-88 TCP half-streams buffered at once; more are not read
  size_t kerberos_message_bytes = 64 * 1024; // one Kerberos message over TCP (RFC 4120 7.2.2 record);
                                            // a longer one drops its half-stream
  // Per connection.
  size_t reassembly_bytes = 256 * 1024;     // out-of-order bytes buffered per direction,
  size_t reassembly_segments = 1024;        // in at most this many segments (millions of tiny
                                            // out-of-order segments cost at most this many entries)
  size_t handshake_message_bytes = 256 * 1024;
  size_t plaintext_pdu_bytes = 64 * 1024;   // SOCKS / X.224 bytes buffered per direction before TLS or MCS
  size_t max_certificates = 10;
  size_t max_timeline = 64;
  size_t max_alerts = 16;
  uint64_t encrypted_records_followed = 32; // encrypted records parsed per direction after the handshake;
                                            // then only counted (application data)
  uint64_t decrypted_records_followed = 512; // with keys: records decrypted per direction (the RDP
                                             // connection sequence is read), then only counted
  size_t max_limits_hit = 16;               // distinct caps named in limits_hit
  size_t max_icmp_reports = 8;              // ICMP errors kept per connection
  size_t kerberos_attached = 16;            // port-88 KRB-ERRORs, and requests, given to one connection
  // Per connection, decrypted (session::InnerStream).
  size_t ts_request_bytes = 256 * 1024;     // one CredSSP TSRequest (Kerberos tickets with a large PAC stay
                                            // well below), and so the buffer of a PDU cut across records
  size_t max_inner_kerberos = 16;           // Kerberos errors from the decrypted SPNEGO tokens kept
  size_t max_offered_mechs = 8;             // SPNEGO mechTypes kept (a client offers two or three)
  int64_t idle_timeout_us = 0;              // 0 = never expire idle flows
};

}  // namespace rdpcap::session
