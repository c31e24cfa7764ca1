// One direction of a TLS connection: record layer -> handshake message stream
// (a message may span records; a record may hold several messages) -> typed
// callbacks. Bounded: a handshake message larger than the cap is reported and
// skipped, never buffered whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/frame_ref.hpp"
#include "tls/tls_messages.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::tls {

class TlsObserver {
 public:
  virtual ~TlsObserver() = default;
  virtual void on_client_hello(const ClientHello&, const model::FrameRef&) {}
  virtual void on_server_hello(const ServerHello&, const model::FrameRef&) {}
  // DER certificates in the order sent (leaf first); views valid during the call.
  virtual void on_certificates(const std::vector<util::Bytes>&, const model::FrameRef&) {}
  virtual void on_certificate_request(const CertificateRequest&, const model::FrameRef&) {}
  virtual void on_server_hello_done(const model::FrameRef&) {}
  virtual void on_other_handshake(uint8_t msg_type, const model::FrameRef&) {}
  virtual void on_change_cipher_spec(const model::FrameRef&) {}
  // Plaintext alert (encrypted=false) or an alert record we cannot read.
  virtual void on_alert(const Alert&, bool encrypted, const model::FrameRef&) {}
  // Encrypted record (application data, or handshake after CCS); length of fragment.
  virtual void on_encrypted_record(uint8_t content_type, uint16_t length, const model::FrameRef&) {}
  // The stream stopped being TLS (bad header, bad message): no more callbacks.
  virtual void on_tls_error(const std::string& reason, uint64_t stream_offset, const model::FrameRef&) {}
  // A cap was hit (message too large): recorded, parsing goes on where it can.
  virtual void on_tls_limit(const std::string& what, const model::FrameRef&) {}
};

class TlsStream {
 public:
  explicit TlsStream(size_t max_handshake_message = 256 * 1024);

  // Feed in-order bytes of this direction.
  void feed(util::Bytes data, const model::FrameRef& at, TlsObserver& obs);
  // From now on records of this direction are encrypted (after this side's
  // ChangeCipherSpec in TLS <= 1.2, the stream parser sets this itself;
  // after a TLS 1.3 ServerHello the session calls it for both directions).
  void set_encrypted() { encrypted_ = true; }
  bool encrypted() const { return encrypted_; }
  bool failed() const { return failed_; }
  // Bytes of a record not yet complete (for "capture ended mid-record").
  size_t pending_bytes() const { return record_buf_.size(); }
  uint64_t records() const { return records_; }

 private:
  void on_record(uint8_t type, util::Bytes fragment, const model::FrameRef& at, TlsObserver& obs);
  void on_handshake_bytes(util::Bytes fragment, const model::FrameRef& at, TlsObserver& obs);
  void dispatch_message(uint8_t type, util::Bytes body, const model::FrameRef& at, TlsObserver& obs);
  void fail(const std::string& reason, const model::FrameRef& at, TlsObserver& obs);

  size_t max_message_;
  std::vector<uint8_t> record_buf_;     // partial record (bounded by 5 + 2^14 + 2048)
  std::vector<uint8_t> handshake_buf_;  // partial handshake message (bounded by max_message_)
  uint64_t skip_handshake_ = 0;         // bytes of an oversized message still to skip
  uint64_t offset_ = 0;                 // bytes consumed so far in this direction
  uint64_t records_ = 0;
  bool first_ = true;                   // first bytes: may be an SSLv2 hello
  bool encrypted_ = false;
  bool failed_ = false;
};

const char* version_name(uint16_t version);        // "TLS 1.2", "SSL 3.0", "0x7f1c"...
const char* cipher_suite_name(uint16_t suite);     // IANA name or nullptr
const char* alert_description_name(uint8_t desc);  // "handshake_failure"... or nullptr
const char* handshake_type_name(uint8_t type);
const char* group_name(uint16_t group);            // "x25519"... or nullptr
const char* signature_scheme_name(uint16_t scheme);

// Weakness classification of a cipher suite for the rules (IANA names).
struct SuiteTraits {
  bool known = false;
  bool forward_secret = false;  // ECDHE/DHE or TLS 1.3
  bool aead = false;            // GCM/CCM/CHACHA20
  bool rc4 = false, des3 = false, des = false, null_cipher = false, export_grade = false,
       anon = false, cbc = false, sha1_mac = false, md5_mac = false, tls13 = false;
};
SuiteTraits cipher_suite_traits(uint16_t suite);

}  // namespace rdpcap::tls
