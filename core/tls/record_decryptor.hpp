// Record protection of one direction of a TLS connection, reversed with the
// session's logged secrets (tls/keylog.hpp), through OpenSSL 3 EVP only:
//   TLS 1.3 (RFC 8446 5.2-5.3, 7.1-7.3): AEAD (AES-GCM, ChaCha20-Poly1305)
//     keyed from the handshake traffic secret, then application traffic
//     secret 0 after this side's Finished, then "traffic upd" per KeyUpdate.
//   TLS 1.0-1.2 (RFC 5246 6.2.3, 6.3): key_block from the master secret;
//     AES-GCM (RFC 5288), ChaCha20-Poly1305 (RFC 7905), AES-CBC with
//     HMAC-SHA1/SHA256/SHA384, MAC-then-encrypt or encrypt_then_mac (RFC 7366).
// A record that does not verify makes the decryptor fail for good: the caller
// stops decrypting that direction (what follows is never parsed).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tls/keylog.hpp"
#include "tls/tls_messages.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::tls {

// What a cipher suite needs for record protection, from its IANA name.
struct SuiteCrypto {
  enum class Kind { gcm, chacha20_poly1305, cbc } kind = Kind::gcm;
  const char* cipher = nullptr;  // OpenSSL cipher name: "AES-128-GCM", "AES-256-CBC", "ChaCha20-Poly1305"
  size_t key_length = 0;
  size_t fixed_iv_length = 0;    // TLS 1.2 key_block IV bytes (GCM 4, ChaCha 12, CBC: block for TLS 1.0)
  const char* mac = nullptr;     // CBC: HMAC digest ("SHA1", "SHA256", "SHA384")
  size_t mac_length = 0;
  const char* hash = nullptr;    // PRF / HKDF digest for TLS 1.2 / 1.3 ("SHA256", "SHA384")
  bool tls13 = false;
};
// nullopt for suites this decryptor does not handle (RC4, 3DES, CCM, NULL, ...).
std::optional<SuiteCrypto> suite_crypto(uint16_t suite);

class RecordDecryptor {
 public:
  struct Result {
    bool ok = false;
    uint8_t content_type = 0;        // TLS 1.3: the inner type (RFC 8446 5.2); else the record's
    std::vector<uint8_t> plaintext;  // at most 2^14 bytes (+ 1 for TLS 1.3) when ok
    std::string error;               // why not ok
  };

  // TLS 1.0-1.2 direction keys (from tls12_keys below).
  RecordDecryptor(const SuiteCrypto& suite, uint16_t version, std::vector<uint8_t> mac_key, std::vector<uint8_t> key,
                  std::vector<uint8_t> iv, bool encrypt_then_mac);
  // TLS 1.3: the direction's handshake traffic secret and (may be empty)
  // application traffic secret 0.
  RecordDecryptor(const SuiteCrypto& suite, std::vector<uint8_t> handshake_secret,
                  std::vector<uint8_t> application_secret);
  ~RecordDecryptor();
  RecordDecryptor(const RecordDecryptor&) = delete;
  RecordDecryptor& operator=(const RecordDecryptor&) = delete;

  // One record: outer type, version and fragment as on the wire.
  Result decrypt(uint8_t type, uint16_t version, util::Bytes fragment);

  bool tls13() const { return tls13_; }
  bool failed() const { return failed_; }
  // TLS 1.3: this side sent Finished; its next records use application
  // traffic secret 0. False when that secret was not logged.
  bool switch_to_application();
  // TLS 1.3 KeyUpdate (RFC 8446 7.2): next secret = HKDF-Expand-Label(secret, "traffic upd", "", Hash.length).
  bool key_update();
  uint64_t records() const { return records_; }

 private:
  bool install_tls13(const std::vector<uint8_t>& secret);
  Result fail(std::string why);
  Result decrypt_aead(uint8_t type, uint16_t version, util::Bytes fragment);
  Result decrypt_cbc(uint8_t type, uint16_t version, util::Bytes fragment);

  SuiteCrypto suite_;
  uint16_t version_ = 0;
  bool tls13_ = false;
  bool etm_ = false;
  bool failed_ = false;
  std::vector<uint8_t> mac_key_, key_, iv_;
  std::vector<uint8_t> secret_, application_secret_;  // TLS 1.3
  uint64_t seq_ = 0;
  uint64_t records_ = 0;
};

// The two directions' decryptors for a session, or why there are none.
struct SessionDecryptors {
  std::unique_ptr<RecordDecryptor> client, server;
  std::string problem;  // empty when both are set
};

// TLS <= 1.2 (RFC 5246 6.3): key_block = PRF(master, "key expansion",
// server_random + client_random). `encrypt_then_mac` when both hellos carried
// extension 22 (RFC 7366 2) and the suite is CBC.
SessionDecryptors tls12_decryptors(const SessionSecrets& secrets, uint16_t version, uint16_t suite,
                                   const Random& client_random, const Random& server_random, bool encrypt_then_mac);
// TLS 1.3 (RFC 8446 7.3) from the logged traffic secrets.
SessionDecryptors tls13_decryptors(const SessionSecrets& secrets, uint16_t suite);

}  // namespace rdpcap::tls
