// One direction of a TLS connection (tls_stream.hpp), this file: what each
// complete record carries, by ContentType (RFC 8446 5.1, RFC 5246 6.2.1):
// ChangeCipherSpec and when the direction turns encrypted (RFC 5246 7.1,
// RFC 8446 D.4), alerts (RFC 8446 6), handshake fragments (to
// tls_stream_handshake.cpp), and with keys the decrypted records (RFC 8446
// 5.2, RFC 5246 6.2.3).
#include "tls/record_decryptor.hpp"
#include "tls/tls_parser.hpp"
#include "tls/tls_stream.hpp"
#include "tls/tls_stream_detail.hpp"

namespace rdpcap::tls {

using util::Bytes;
using namespace detail;

namespace {

// A plaintext (second) ClientHello after a compatibility CCS, as opposed to
// an encrypted TLS 1.2 Finished (RFC 8446 D.4).
bool looks_like_plaintext_hello(Bytes fragment) {
  return fragment.size() >= 6 && fragment[0] == 1 && fragment[4] == 3 &&
         ((uint32_t{fragment[1]} << 16) | (uint32_t{fragment[2]} << 8) | fragment[3]) + 4 >= fragment.size();
}

}  // namespace

void TlsStream::on_record(uint8_t type, uint16_t version, Bytes fragment, const util::FrameRef& at,
                          TlsObserver& obs) {
  ++records_;
  sslv2_client_hello_ = false;  // the next record was TLS: SSLv2 framing no longer applies
  const uint16_t len = static_cast<uint16_t>(fragment.size());
  if (decryptor_ && type != static_cast<uint8_t>(ContentType::change_cipher_spec)) {
    if (type == static_cast<uint8_t>(ContentType::handshake) && ccs_undecided_ && !encrypted_)
      ccs_undecided_ = false, encrypted_ = !looks_like_plaintext_hello(fragment);
    if (encrypted_) {
      obs.on_encrypted_record(type, len, at);  // counted as without keys
      decrypt_record(type, version, fragment, at, obs);
      return;
    }
  }
  switch (static_cast<ContentType>(type)) {
    case ContentType::change_cipher_spec:  // RFC 5246 7.1: one byte, value 1
      if (fragment.size() == 1 && fragment[0] == 1) {
        if (!handshake_buf_.empty() || skip_handshake_ != 0) {
          fail("handshake message interrupted by ChangeCipherSpec", record_start_, at, obs);
          return;
        }
        obs.on_change_cipher_spec(at);
        if (encrypted_) return;
        if (is_tls13(version_)) return;  // RFC 8446 D.4 compatibility CCS (after HRR)
        if (offered_tls13_ && !sent_key_exchange_) {
          // A TLS 1.3 client's compatibility CCS (RFC 8446 D.4) or a TLS 1.2
          // abbreviated handshake: the next handshake record tells.
          ccs_undecided_ = true;
          return;
        }
        encrypted_ = true;
      } else if (encrypted_) {
        obs.on_encrypted_record(type, len, at);
      } else {
        fail("malformed ChangeCipherSpec (" + std::to_string(fragment.size()) + " bytes)", record_start_ + 5, at, obs);
      }
      return;
    case ContentType::alert:  // RFC 8446 6, RFC 5246 7.2
      if (!encrypted_ && fragment.size() == 2) {
        auto a = parse_alert(fragment);
        obs.on_alert(a.value(), false, at);
      } else if (encrypted_ || fragment.size() > 2) {
        // After CCS, or a longer fragment (an encrypted alert whose CCS we did
        // not see, e.g. TLS 1.3 or a capture started mid-connection).
        obs.on_encrypted_record(type, len, at);
        obs.on_alert(Alert{}, true, at);
      } else {
        fail("alert record of " + std::to_string(fragment.size()) + " byte(s)", record_start_ + 5, at, obs);
      }
      return;
    case ContentType::handshake:
      if (ccs_undecided_ && !encrypted_) {
        // After a compatibility CCS the client sends a plaintext second
        // ClientHello (after HelloRetryRequest); after a TLS 1.2 CCS the
        // record is an encrypted Finished.
        ccs_undecided_ = false;
        if (!looks_like_plaintext_hello(fragment)) encrypted_ = true;
      }
      if (encrypted_) {
        handshake_buf_.clear();
        skip_handshake_ = 0;
        obs.on_encrypted_record(type, len, at);
      } else {
        on_handshake_bytes(fragment, at, obs);
      }
      return;
    case ContentType::application_data:
      obs.on_encrypted_record(type, len, at);
      return;
    case ContentType::heartbeat:  // RFC 6520: not part of the handshake
      if (encrypted_) obs.on_encrypted_record(type, len, at);
      return;
  }
  fail(std::string("unexpected ") + content_type_label(type), record_start_, at, obs);
}

// A protected record, with keys: RFC 8446 5.2 (the inner content type comes
// out of the decryption) or RFC 5246 6.2.3 (the record's own type). The
// plaintext goes through the same parsing as plaintext records.
void TlsStream::decrypt_record(uint8_t type, uint16_t version, Bytes fragment, const util::FrameRef& at,
                               TlsObserver& obs) {
  auto r = decryptor_->decrypt(type, version, fragment);
  if (!r.ok) {
    stop_decrypting(std::string(content_type_label(type)) + " record of " + std::to_string(fragment.size()) +
                        " bytes at stream offset " + std::to_string(record_start_) + ": " + r.error,
                    true, at, obs);
    return;
  }
  ++decrypted_records_;
  Bytes plain(r.plaintext);
  switch (static_cast<ContentType>(r.content_type)) {
    case ContentType::handshake:
      if (plain.empty()) {  // RFC 8446 5.1: no zero-length handshake fragments
        fail("empty decrypted handshake record", record_start_, at, obs);
        return;
      }
      on_handshake_bytes(plain, at, obs);
      return;
    case ContentType::alert:
      if (plain.size() != 2) {
        fail("decrypted alert of " + std::to_string(plain.size()) + " byte(s)", record_start_, at, obs);
        return;
      }
      obs.on_alert(parse_alert(plain).value(), true, at);
      return;
    case ContentType::application_data:
      obs.on_application_data(plain, at);
      return;
    case ContentType::heartbeat:
      return;
    default:
      break;
  }
  fail(std::string("decrypted record of unexpected type ") + content_type_label(r.content_type) + " (" +
           std::to_string(r.content_type) + ")",
       record_start_, at, obs);
}

void TlsStream::stop_decrypting(const std::string& reason, bool failure, const util::FrameRef& at,
                                TlsObserver& obs) {
  decryptor_.reset();
  handshake_buf_.clear();
  skip_handshake_ = 0;
  if (failure)
    obs.on_decryption_failed(reason, at);
  else
    obs.on_decryption_ended(reason, at);
}

}  // namespace rdpcap::tls
