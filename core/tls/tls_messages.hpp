// Decoded TLS values kept by a connection (owned copies, no views).
// RFC 5246 (TLS 1.2), RFC 8446 (TLS 1.3), RFC 6101 appendix E (SSLv2 hello).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rdpcap::tls {

// RFC 8446 5.1 ContentType
enum class ContentType : uint8_t {
  change_cipher_spec = 20,
  alert = 21,
  handshake = 22,
  application_data = 23,
  heartbeat = 24,
};

// RFC 8446 4 HandshakeType
enum class HandshakeType : uint8_t {
  hello_request = 0,
  client_hello = 1,
  server_hello = 2,
  new_session_ticket = 4,
  end_of_early_data = 5,
  encrypted_extensions = 8,
  certificate = 11,
  server_key_exchange = 12,
  certificate_request = 13,
  server_hello_done = 14,
  certificate_verify = 15,
  client_key_exchange = 16,
  finished = 20,
  certificate_status = 22,
  key_update = 24,
  message_hash = 254,
};

struct RecordHeader {  // RFC 8446 5.1 TLSPlaintext
  uint8_t content_type = 0;
  uint16_t version = 0;
  uint16_t length = 0;
};

struct ClientHello {  // RFC 8446 4.1.2, RFC 5246 7.4.1.2
  uint16_t legacy_version = 0;
  std::array<uint8_t, 32> random{};           // keys the session's secrets in a key log
  std::vector<uint16_t> cipher_suites;        // in offer order, GREASE kept
  std::vector<uint16_t> supported_versions;   // ext 43, GREASE kept
  std::string sni;                            // ext 0, host_name; raw bytes
  std::vector<uint16_t> supported_groups;     // ext 10
  std::vector<uint16_t> signature_algorithms; // ext 13
  std::vector<std::string> alpn;              // ext 16
  std::vector<uint16_t> extension_types;      // all extensions in order
  bool sslv2_format = false;                  // SSLv2-compatible CLIENT-HELLO
  bool truncated_lists = false;               // a list hit its cap
  // Highest version offered (supported_versions without GREASE, at most TLS
  // 1.3; else legacy_version), and every version offered in order.
  uint16_t max_offered_version() const;
  std::vector<uint16_t> offered_versions() const;
};

struct ServerHello {  // RFC 8446 4.1.3
  uint16_t legacy_version = 0;
  std::array<uint8_t, 32> random{};           // TLS <= 1.2 key_block seed (RFC 5246 6.3)
  uint16_t cipher_suite = 0;
  uint8_t compression = 0;
  std::optional<uint16_t> supported_version;  // ext 43 (TLS 1.3)
  bool hello_retry_request = false;           // random == SHA-256("HelloRetryRequest")
  std::optional<uint16_t> selected_group;     // key_share in HRR/SH
  std::vector<uint16_t> extension_types;
  bool sslv2_format = false;                  // SSL 2.0 SERVER-HELLO (legacy_version 0x0002)
  // The negotiated version: supported_versions if present, else legacy_version.
  uint16_t negotiated_version() const { return supported_version.value_or(legacy_version); }
};

struct Alert {  // RFC 8446 6
  uint8_t level = 0;        // 1 warning, 2 fatal
  uint8_t description = 0;
};

struct CertificateRequest {  // RFC 5246 7.4.4
  std::vector<uint8_t> certificate_types;
  std::vector<uint16_t> signature_algorithms;
  uint16_t ca_name_count = 0;
};

}  // namespace rdpcap::tls
