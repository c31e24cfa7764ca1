// One direction of a TLS connection (tls_stream.hpp), this file: handshake
// messages (RFC 8446 4, RFC 5246 7.4) reassembled from the handshake records'
// fragments (a message may span records, a record may hold several; a message
// over the cap is reported and skipped, never buffered whole) and handed to
// the parsers and the observer.
#include <algorithm>

#include "tls/record_decryptor.hpp"
#include "tls/tls_names.hpp"
#include "tls/tls_parser.hpp"
#include "tls/tls_stream.hpp"
#include "tls/tls_stream_detail.hpp"

namespace rdpcap::tls {

using util::Bytes;
using namespace detail;

namespace {

// RFC 8446 4 Handshake: msg_type (1), length (3), then the body.
constexpr size_t kMessageHeader = 4;

uint32_t message_length(const uint8_t* header) {
  return (uint32_t{header[1]} << 16) | (uint32_t{header[2]} << 8) | header[3];
}

std::string too_large(uint8_t type, uint32_t length, size_t cap) {
  return std::string("handshake message ") + handshake_type_name(type) + " (" + std::to_string(type) + ") of " +
         std::to_string(length) + " bytes exceeds the " + std::to_string(cap) + "-byte cap";
}

}  // namespace

// RFC 8446 4 / RFC 5246 7.4: handshake messages carried by handshake records.
void TlsStream::on_handshake_bytes(Bytes fragment, const util::FrameRef& at, TlsObserver& obs) {
  Bytes rest = fragment;
  auto stream_offset = [&](Bytes pos) {
    return record_start_ + kRecordHeader + static_cast<uint64_t>(pos.data() - fragment.data());
  };
  while (!rest.empty() && !failed_) {
    if (skip_handshake_ > 0) {  // inside an oversized message: drop its bytes
      size_t n = static_cast<size_t>(std::min<uint64_t>(skip_handshake_, rest.size()));
      skip_handshake_ -= n;
      rest = rest.subspan(n);
      continue;
    }
    if (handshake_buf_.empty()) {
      if (rest.size() >= kMessageHeader) {
        uint32_t mlen = message_length(rest.data());
        if (mlen > max_message_) {
          obs.on_tls_limit(too_large(rest[0], mlen, max_message_), at);
          skip_handshake_ = uint64_t{kMessageHeader} + mlen;
          continue;
        }
        if (rest.size() >= kMessageHeader + size_t{mlen}) {
          message_start_ = stream_offset(rest);
          dispatch_message(rest[0], rest.subspan(kMessageHeader, mlen), at, obs);
          rest = rest.subspan(kMessageHeader + size_t{mlen});
          continue;
        }
      }
      message_start_ = stream_offset(rest);
      handshake_buf_.assign(rest.begin(), rest.end());  // < 4 + max_message_ bytes
      return;
    }
    // Continue the buffered message.
    if (handshake_buf_.size() < kMessageHeader) {
      size_t take = std::min(kMessageHeader - handshake_buf_.size(), rest.size());
      handshake_buf_.insert(handshake_buf_.end(), rest.begin(), rest.begin() + take);
      rest = rest.subspan(take);
      if (handshake_buf_.size() < kMessageHeader) return;
      uint32_t mlen = message_length(handshake_buf_.data());
      if (mlen > max_message_) {
        obs.on_tls_limit(too_large(handshake_buf_[0], mlen, max_message_), at);
        handshake_buf_.clear();
        skip_handshake_ = mlen;
        continue;
      }
    }
    uint32_t mlen = message_length(handshake_buf_.data());
    size_t want = kMessageHeader + size_t{mlen} - handshake_buf_.size();
    size_t take = std::min(want, rest.size());
    handshake_buf_.insert(handshake_buf_.end(), rest.begin(), rest.begin() + take);
    rest = rest.subspan(take);
    if (handshake_buf_.size() == kMessageHeader + size_t{mlen}) {
      std::vector<uint8_t> msg;
      msg.swap(handshake_buf_);
      dispatch_message(msg[0], Bytes(msg).subspan(kMessageHeader), at, obs);
    }
  }
}

void TlsStream::dispatch_message(uint8_t type, Bytes body, const util::FrameRef& at, TlsObserver& obs) {
  auto malformed = [&](const char* what, const auto& r) {
    std::string why = r.is_invalid() ? r.reason() : std::string("message shorter than its fields");
    size_t off = r.is_invalid() ? r.offset() : body.size();
    fail(std::string("malformed ") + what + ": " + why + " (message byte " + std::to_string(kMessageHeader + off) + ")",
         message_start_, at, obs);
  };
  switch (static_cast<HandshakeType>(type)) {
    case HandshakeType::client_hello: {
      auto r = parse_client_hello(body);
      if (!r.is_ok()) return malformed("ClientHello", r);
      for (uint16_t v : r.value().supported_versions)
        if (is_tls13(v)) offered_tls13_ = true;
      obs.on_client_hello(std::move(r.value()), at);
      return;
    }
    case HandshakeType::server_hello: {
      auto r = parse_server_hello(body);
      if (!r.is_ok()) return malformed("ServerHello", r);
      version_ = r.value().negotiated_version();
      obs.on_server_hello(r.value(), at);
      // RFC 8446 2: everything after a TLS 1.3 ServerHello is encrypted.
      if (is_tls13(version_) && !r.value().hello_retry_request) encrypted_ = true;
      return;
    }
    case HandshakeType::certificate: {
      // RFC 8446 4.4.2 layout under TLS 1.3 (only readable decrypted).
      const bool tls13 = is_tls13(version_) || (decryptor_ && decryptor_->tls13());
      auto r = tls13 ? parse_certificate_list_tls13(body) : parse_certificate_list(body);
      if (!r.is_ok()) return malformed("Certificate", r);
      obs.on_certificates(r.value(), at);
      return;
    }
    case HandshakeType::certificate_request: {
      bool tls13 = is_tls13(version_);
      auto r = parse_certificate_request(body, tls13, version_ ? version_ : 0x0303);
      if (!r.is_ok()) return malformed("CertificateRequest", r);
      obs.on_certificate_request(r.value(), at);
      return;
    }
    case HandshakeType::server_hello_done:
      obs.on_server_hello_done(at);
      return;
    case HandshakeType::client_key_exchange:
      sent_key_exchange_ = true;
      break;
    case HandshakeType::finished:
      obs.on_other_handshake(type, at);
      // RFC 8446 7.3: after its Finished a side sends under application traffic secret 0.
      if (decryptor_ && decryptor_->tls13() && !decryptor_->switch_to_application())
        stop_decrypting("the key log has no application traffic secret for this side", false, at, obs);
      return;
    case HandshakeType::key_update:
      obs.on_other_handshake(type, at);
      // RFC 8446 4.6.3 / 7.2: the sender's next records use the updated secret.
      if (decryptor_ && decryptor_->tls13() && !decryptor_->key_update())
        stop_decrypting("OpenSSL could not derive the updated traffic secret", false, at, obs);
      return;
    default:
      break;
  }
  obs.on_other_handshake(type, at);
}

}  // namespace rdpcap::tls
