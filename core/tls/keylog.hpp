// TLS session secrets keyed by the ClientHello random, from an NSS key log
// (the SSLKEYLOGFILE format written by NSS, OpenSSL's SSL_CTX_set_keylog_callback,
// and read by Wireshark):
//   CLIENT_RANDOM <client random> <master secret>            TLS <= 1.2 (48 bytes)
//   CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random> <secret> TLS 1.3 (RFC 8446 7.1)
//   SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0
// Other labels (EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, ...), '#'
// comments and blank lines are ignored. The same text is what a pcapng
// Decryption Secrets Block of type TLSK carries (tls/pcapng_secrets.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdpcap::tls {

using Random = std::array<uint8_t, 32>;

struct SessionSecrets {
  std::vector<uint8_t> master_secret;             // TLS <= 1.2: 48 bytes, empty if not logged
  std::vector<uint8_t> client_handshake_traffic;  // TLS 1.3: Hash.length bytes each, empty if not logged
  std::vector<uint8_t> server_handshake_traffic;
  std::vector<uint8_t> client_application_traffic_0;
  std::vector<uint8_t> server_application_traffic_0;
  bool has_tls12() const { return !master_secret.empty(); }
  bool has_tls13_handshake() const { return !client_handshake_traffic.empty() && !server_handshake_traffic.empty(); }
};

class KeyLog {
 public:
  // Adds every secret of NSS key log `text`; `source` names it in errors
  // ("keys.txt"). On the first malformed line returns "<source>:<line>: why"
  // and keeps the secrets read before it. Caps: lines of at most 4096 bytes,
  // at most kMaxSessions client randoms (beyond, an error).
  std::optional<std::string> add_text(std::string_view text, const std::string& source);
  // Reads a key log file (at most 64 MiB): nullopt, or an error naming the file.
  std::optional<std::string> add_file(const std::string& path);
  // Adds all of `other`'s secrets (later secrets replace earlier ones).
  void merge(const KeyLog& other);

  const SessionSecrets* find(const Random& client_random) const;
  // The secrets of one session as NSS key log lines ("" when none): what a
  // pcapng Decryption Secrets Block of type TLSK carries (--evidence-secrets).
  std::string nss_lines(const Random& client_random) const;
  size_t size() const { return sessions_.size(); }
  bool empty() const { return sessions_.empty(); }

  static constexpr size_t kMaxSessions = 1'000'000;

 private:
  std::map<Random, SessionSecrets> sessions_;
};

}  // namespace rdpcap::tls
