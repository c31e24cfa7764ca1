// One direction of a TLS connection: record layer -> handshake message stream
// (a message may span records; a record may hold several messages) -> typed
// callbacks. Bounded: a handshake message larger than the cap is reported and
// skipped, never buffered whole.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/frame_ref.hpp"
#include "tls/tls_messages.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::tls {

class TlsObserver {
 public:
  virtual ~TlsObserver() = default;
  // The parsed message is the observer's to keep (move from it).
  virtual void on_client_hello(ClientHello&&, const util::FrameRef&) {}
  virtual void on_server_hello(const ServerHello&, const util::FrameRef&) {}
  // DER certificates in the order sent (leaf first); views valid during the call.
  virtual void on_certificates(const std::vector<util::Bytes>&, const util::FrameRef&) {}
  virtual void on_certificate_request(const CertificateRequest&, const util::FrameRef&) {}
  virtual void on_server_hello_done(const util::FrameRef&) {}
  virtual void on_other_handshake(uint8_t msg_type, const util::FrameRef&) {}
  virtual void on_change_cipher_spec(const util::FrameRef&) {}
  // Plaintext alert (encrypted=false) or an alert record we cannot read
  // (encrypted=true, level and description 0: after this direction's CCS, or
  // an alert record whose fragment is not 2 bytes). An unreadable alert
  // record is also reported to on_encrypted_record first.
  virtual void on_alert(const Alert&, bool encrypted, const util::FrameRef&) {}
  // Encrypted record (application data, or handshake/alert/heartbeat after
  // CCS or set_encrypted()); length of fragment.
  virtual void on_encrypted_record(uint8_t content_type, uint16_t length, const util::FrameRef&) {}
  // With keys (set_decryptor): the plaintext of one decrypted application_data
  // record, in stream order; the view is valid during the call. Handshake
  // messages and alerts that decrypt go to the callbacks above (alerts with
  // encrypted=true and their real level and description).
  virtual void on_application_data(util::Bytes plaintext, const util::FrameRef&) {}
  // A record of this direction did not decrypt (tag or MAC does not verify,
  // bad padding, too short): decryption of this direction stops here, the
  // record and everything after it are only counted as encrypted records.
  virtual void on_decryption_failed(const std::string& reason, const util::FrameRef&) {}
  // Decryption of this direction ended without a failure (TLS 1.3: the key
  // log has no application traffic secret for it).
  virtual void on_decryption_ended(const std::string& reason, const util::FrameRef&) {}
  // The stream stopped being TLS (bad header, bad message): no more callbacks.
  virtual void on_tls_error(const std::string& reason, uint64_t stream_offset, const util::FrameRef&) {}
  // A cap was hit (message too large): recorded, parsing goes on where it can.
  virtual void on_tls_limit(const std::string& what, const util::FrameRef&) {}
};

class RecordDecryptor;

class TlsStream {
 public:
  explicit TlsStream(size_t max_handshake_message = 256 * 1024);
  ~TlsStream();
  TlsStream(TlsStream&&) noexcept;
  TlsStream& operator=(TlsStream&&) noexcept;

  // Feed in-order bytes of this direction. The first bytes may be an SSLv2
  // CLIENT-HELLO (reported as a ClientHello with sslv2_format) or an SSL 2.0
  // SERVER-HELLO (reported as a ServerHello with sslv2_format, plus its
  // certificate); once SSL 2.0 itself is spoken, the rest of the direction is
  // ignored silently (SSLv2 framing is not followed further).
  void feed(util::Bytes data, const util::FrameRef& at, TlsObserver& obs);
  // From now on records of this direction are encrypted (after this side's
  // ChangeCipherSpec in TLS <= 1.2, the stream parser sets this itself;
  // after a TLS 1.3 ServerHello the session calls it for both directions --
  // the server direction's stream also sets it itself after a TLS 1.3
  // ServerHello that is not a HelloRetryRequest).
  void set_encrypted() { encrypted_ = true; }
  bool encrypted() const { return encrypted_; }
  bool failed() const { return failed_; }
  // Decrypt this direction's encrypted records from now on (the session sets
  // it once both hellos are known: TLS <= 1.2 records after this side's
  // ChangeCipherSpec, TLS 1.3 records after the ServerHello).
  void set_decryptor(std::unique_ptr<RecordDecryptor> decryptor);
  bool decrypting() const { return decryptor_ != nullptr; }
  uint64_t decrypted_records() const { return decrypted_records_; }
  // Bytes of a record not yet complete (for "capture ended mid-record").
  size_t pending_bytes() const { return record_buf_.size(); }
  uint64_t records() const { return records_; }
  // The caller stopped feeding this direction: free the partial record and
  // handshake message buffers (pending_bytes() is 0 afterwards).
  void release_buffers() {
    std::vector<uint8_t>().swap(record_buf_);
    std::vector<uint8_t>().swap(handshake_buf_);
  }
  size_t retained_bytes() const { return record_buf_.capacity() + handshake_buf_.capacity(); }

 private:
  void on_complete_record(util::Bytes record, bool sslv2, const util::FrameRef& at, TlsObserver& obs);
  void on_record(uint8_t type, uint16_t version, util::Bytes fragment, const util::FrameRef& at, TlsObserver& obs);
  void decrypt_record(uint8_t type, uint16_t version, util::Bytes fragment, const util::FrameRef& at,
                      TlsObserver& obs);
  void stop_decrypting(const std::string& reason, bool failure, const util::FrameRef& at, TlsObserver& obs);
  void on_handshake_bytes(util::Bytes fragment, const util::FrameRef& at, TlsObserver& obs);
  void dispatch_message(uint8_t type, util::Bytes body, const util::FrameRef& at, TlsObserver& obs);
  void fail(const std::string& reason, uint64_t at_offset, const util::FrameRef& at, TlsObserver& obs);
  struct Framing;
  Framing frame(util::Bytes prefix) const;
  void on_sslv2_record(util::Bytes record, const util::FrameRef& at, TlsObserver& obs);

  size_t max_message_;
  std::vector<uint8_t> record_buf_;     // partial record (bounded by 5 + 2^14 + 2048; an SSLv2 hello by 2 + 32767)
  std::vector<uint8_t> handshake_buf_;  // partial handshake message (bounded by max_message_)
  uint64_t skip_handshake_ = 0;         // bytes of an oversized message still to skip
  uint64_t offset_ = 0;                 // bytes consumed so far in this direction
  uint64_t records_ = 0;
  uint64_t record_start_ = 0;           // stream offset of the record being processed
  uint64_t message_start_ = 0;          // stream offset of the buffered handshake message
  uint16_t version_ = 0;                // negotiated version seen in this direction's ServerHello
  bool first_ = true;                   // first bytes: may be an SSLv2 hello
  bool sslv2_client_hello_ = false;     // this direction began with an SSLv2 CLIENT-HELLO
  bool offered_tls13_ = false;          // this direction's ClientHello offered TLS 1.3
  bool sent_key_exchange_ = false;      // this direction sent a ClientKeyExchange (TLS <= 1.2)
  bool ccs_undecided_ = false;          // CCS seen; TLS 1.3 compatibility CCS or TLS 1.2 key change?
  bool ignore_rest_ = false;            // SSL 2.0 is spoken: stop silently
  bool encrypted_ = false;
  bool failed_ = false;
  std::unique_ptr<RecordDecryptor> decryptor_;  // with keys: this direction's record protection
  uint64_t decrypted_records_ = 0;
};

}  // namespace rdpcap::tls
