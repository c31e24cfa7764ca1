// One direction of a TLS connection: record layer (RFC 8446 5.1, RFC 5246
// 6.2) -> handshake message stream (RFC 8446 4: a message may span records, a
// record may hold several) -> typed callbacks. Bounded buffers only.
#include "tls/tls_stream.hpp"

#include <algorithm>
#include <utility>

#include "tls/record_decryptor.hpp"
#include "tls/tls_names.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::tls {

using util::Bytes;

namespace {
constexpr size_t kMaxFragment = (1u << 14) + 2048;  // RFC 5246 6.2.3
constexpr size_t kRecordHeader = 5;

// RFC 8446 4.2.1: 0x0304, or a draft-ietf-tls-tls13 version 0x7fNN.
bool is_tls13(uint16_t v) { return (v >= 0x0304 && v < 0x0400) || (v >> 8) == 0x7f; }

const char* content_type_label(uint8_t t) {
  switch (t) {
    case 20: return "ChangeCipherSpec";
    case 21: return "Alert";
    case 22: return "Handshake";
    case 23: return "ApplicationData";
    case 24: return "Heartbeat";
    default: return "record";
  }
}

// A plaintext (second) ClientHello after a compatibility CCS, as opposed to
// an encrypted TLS 1.2 Finished (RFC 8446 D.4).
bool looks_like_plaintext_hello(Bytes fragment) {
  return fragment.size() >= 6 && fragment[0] == 1 && fragment[4] == 3 &&
         ((uint32_t{fragment[1]} << 16) | (uint32_t{fragment[2]} << 8) | fragment[3]) + 4 >= fragment.size();
}

std::string message_label(uint8_t type) {
  const char* n = handshake_type_name(type);
  return std::string(n) + " (" + std::to_string(type) + ")";
}
}  // namespace

// How much of the stream the next record needs.
struct TlsStream::Framing {
  enum Kind { need, complete, invalid } kind = need;
  size_t total = 1;      // bytes needed: header so far, or the whole record once known
  bool sslv2 = false;    // SSLv2 record with a 2-byte header
  std::string reason;
  size_t bad_at = 0;     // offset inside the record of the offending byte
};

TlsStream::TlsStream(size_t max_handshake_message) : max_message_(max_handshake_message) {}
TlsStream::~TlsStream() = default;
TlsStream::TlsStream(TlsStream&&) noexcept = default;
TlsStream& TlsStream::operator=(TlsStream&&) noexcept = default;

void TlsStream::set_decryptor(std::unique_ptr<RecordDecryptor> decryptor) { decryptor_ = std::move(decryptor); }

TlsStream::Framing TlsStream::frame(Bytes prefix) const {
  Framing f;
  if (prefix.empty()) return f;  // need 1 byte
  // SSLv2 2-byte header (RFC 6101 E.1): only as this direction's first record,
  // or right after an SSLv2 CLIENT-HELLO (the CLIENT-MASTER-KEY follows).
  if ((prefix[0] & 0x80) && (first_ || sslv2_client_hello_)) {
    f.sslv2 = true;
    if (prefix.size() < 2) {
      f.total = 2;
      return f;
    }
    f.total = 2 + ((size_t(prefix[0] & 0x7f) << 8) | prefix[1]);
    // A first record can only be a CLIENT-HELLO (1) or SERVER-HELLO (4), so
    // it has at least its message type byte. Both checks depend only on bytes
    // present, so the verdict is the same however the stream is split.
    if (first_ && f.total == 2) {
      f.kind = Framing::invalid;
      f.reason = "empty SSLv2 record";
      f.bad_at = 1;
      return f;
    }
    if (first_ && prefix.size() >= 3 && prefix[2] != 1 && prefix[2] != 4) {
      f.kind = Framing::invalid;
      f.reason = "SSLv2 message type " + std::to_string(prefix[2]) + " is not a hello";
      f.bad_at = 2;
      return f;
    }
    f.kind = prefix.size() >= f.total ? Framing::complete : Framing::need;
    return f;
  }
  auto h = parse_record_header(prefix);
  if (h.is_invalid()) {
    f.kind = Framing::invalid;
    f.reason = h.reason();
    f.bad_at = h.offset();
    return f;
  }
  if (h.is_need_more()) {
    f.total = kRecordHeader;
    return f;
  }
  f.total = kRecordHeader + h.value().length;
  f.kind = prefix.size() >= f.total ? Framing::complete : Framing::need;
  return f;
}

void TlsStream::feed(Bytes data, const util::FrameRef& at, TlsObserver& obs) {
  size_t pos = 0;
  while (pos < data.size() && !failed_ && !ignore_rest_) {
    if (record_buf_.empty()) {
      // Fast path: records wholly inside `data` are processed in place.
      Bytes avail = data.subspan(pos);
      Framing f = frame(avail);
      if (f.kind == Framing::invalid) {
        fail(f.reason, offset_ + f.bad_at, at, obs);
        return;
      }
      if (f.kind == Framing::complete) {
        record_start_ = offset_;
        Bytes rec = avail.first(f.total);
        pos += f.total;
        offset_ += f.total;
        if (f.sslv2)
          on_sslv2_record(rec, at, obs);
        else
          on_record(rec[0], static_cast<uint16_t>((rec[1] << 8) | rec[2]), rec.subspan(kRecordHeader), at, obs);
        first_ = false;
        continue;
      }
      // Incomplete: keep it (less than one maximal record, checked by frame()).
      record_buf_.assign(avail.begin(), avail.end());
      pos = data.size();
      break;
    }
    // Top up the partial record: first to its header, then to its length.
    Framing f = frame(record_buf_);
    if (f.kind == Framing::invalid) {
      fail(f.reason, offset_ + f.bad_at, at, obs);
      return;
    }
    if (f.kind == Framing::need) {
      size_t take = std::min(f.total - record_buf_.size(), data.size() - pos);
      record_buf_.insert(record_buf_.end(), data.begin() + pos, data.begin() + pos + take);
      pos += take;
      f = frame(record_buf_);
      if (f.kind == Framing::invalid) {
        fail(f.reason, offset_ + f.bad_at, at, obs);
        return;
      }
    }
    if (f.kind == Framing::complete) {
      std::vector<uint8_t> rec;
      rec.swap(record_buf_);
      record_start_ = offset_;
      offset_ += rec.size();
      Bytes r(rec);
      if (f.sslv2)
        on_sslv2_record(r, at, obs);
      else
        on_record(r[0], static_cast<uint16_t>((r[1] << 8) | r[2]), r.subspan(kRecordHeader), at, obs);
      first_ = false;
    }
  }
}

void TlsStream::fail(const std::string& reason, uint64_t at_offset, const util::FrameRef& at, TlsObserver& obs) {
  if (failed_) return;
  failed_ = true;
  record_buf_.clear();
  record_buf_.shrink_to_fit();
  handshake_buf_.clear();
  handshake_buf_.shrink_to_fit();
  obs.on_tls_error(reason, at_offset, at);
}

// SSL 2.0 records (RFC 6101 appendix E): the CLIENT-HELLO that may open a
// TLS connection, or SSL 2.0 itself.
void TlsStream::on_sslv2_record(Bytes record, const util::FrameRef& at, TlsObserver& obs) {
  ++records_;
  uint8_t type = record.size() > 2 ? record[2] : 0;
  if (first_ && type == 1) {
    auto r = parse_sslv2_client_hello(record);
    if (!r.is_ok()) {
      fail("malformed SSLv2 CLIENT-HELLO: " + (r.is_invalid() ? r.reason() : std::string("truncated")),
           record_start_ + r.offset(), at, obs);
      return;
    }
    sslv2_client_hello_ = true;
    obs.on_client_hello(r.value().hello, at);
    return;
  }
  if (first_ && type == 4) {
    auto r = parse_sslv2_server_hello(record);
    if (!r.is_ok()) {
      fail("malformed SSLv2 SERVER-HELLO: " + (r.is_invalid() ? r.reason() : std::string("truncated")),
           record_start_ + r.offset(), at, obs);
      return;
    }
    ServerHello sh;
    sh.legacy_version = r.value().version;
    sh.sslv2_format = true;
    version_ = sh.legacy_version;
    obs.on_server_hello(sh, at);
    if (r.value().certificate_type == 1 && !r.value().certificate.empty()) {  // SSL_CT_X509_CERTIFICATE
      std::vector<Bytes> certs{r.value().certificate};
      obs.on_certificates(certs, at);
    }
    ignore_rest_ = true;  // SSL 2.0 from here on
    return;
  }
  if (!first_ && sslv2_client_hello_) {
    // An SSLv2 message after our SSLv2 CLIENT-HELLO (CLIENT-MASTER-KEY): the
    // server chose SSL 2.0; nothing more to read in TLS terms.
    ignore_rest_ = true;
    return;
  }
  fail("SSLv2 message type " + std::to_string(type) + " is not a hello", record_start_ + 2, at, obs);
}

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
      if (rest.size() >= 4) {
        uint32_t mlen = (uint32_t{rest[1]} << 16) | (uint32_t{rest[2]} << 8) | rest[3];
        if (mlen > max_message_) {
          obs.on_tls_limit("handshake message " + message_label(rest[0]) + " of " + std::to_string(mlen) +
                               " bytes exceeds the " + std::to_string(max_message_) + "-byte cap",
                           at);
          skip_handshake_ = uint64_t{4} + mlen;
          continue;
        }
        if (rest.size() >= 4 + size_t{mlen}) {
          message_start_ = stream_offset(rest);
          dispatch_message(rest[0], rest.subspan(4, mlen), at, obs);
          rest = rest.subspan(4 + size_t{mlen});
          continue;
        }
      }
      message_start_ = stream_offset(rest);
      handshake_buf_.assign(rest.begin(), rest.end());  // < 4 + max_message_ bytes
      return;
    }
    // Continue the buffered message.
    if (handshake_buf_.size() < 4) {
      size_t take = std::min(4 - handshake_buf_.size(), rest.size());
      handshake_buf_.insert(handshake_buf_.end(), rest.begin(), rest.begin() + take);
      rest = rest.subspan(take);
      if (handshake_buf_.size() < 4) return;
      uint32_t mlen = (uint32_t{handshake_buf_[1]} << 16) | (uint32_t{handshake_buf_[2]} << 8) | handshake_buf_[3];
      if (mlen > max_message_) {
        obs.on_tls_limit("handshake message " + message_label(handshake_buf_[0]) + " of " + std::to_string(mlen) +
                             " bytes exceeds the " + std::to_string(max_message_) + "-byte cap",
                         at);
        handshake_buf_.clear();
        skip_handshake_ = mlen;
        continue;
      }
    }
    uint32_t mlen = (uint32_t{handshake_buf_[1]} << 16) | (uint32_t{handshake_buf_[2]} << 8) | handshake_buf_[3];
    size_t want = 4 + size_t{mlen} - handshake_buf_.size();
    size_t take = std::min(want, rest.size());
    handshake_buf_.insert(handshake_buf_.end(), rest.begin(), rest.begin() + take);
    rest = rest.subspan(take);
    if (handshake_buf_.size() == 4 + size_t{mlen}) {
      std::vector<uint8_t> msg;
      msg.swap(handshake_buf_);
      dispatch_message(msg[0], Bytes(msg).subspan(4), at, obs);
    }
  }
}

void TlsStream::dispatch_message(uint8_t type, Bytes body, const util::FrameRef& at, TlsObserver& obs) {
  auto malformed = [&](const char* what, const auto& r) {
    std::string why = r.is_invalid() ? r.reason() : std::string("message shorter than its fields");
    size_t off = r.is_invalid() ? r.offset() : body.size();
    fail(std::string("malformed ") + what + ": " + why + " (message byte " + std::to_string(4 + off) + ")",
         message_start_, at, obs);
  };
  switch (static_cast<HandshakeType>(type)) {
    case HandshakeType::client_hello: {
      auto r = parse_client_hello(body);
      if (!r.is_ok()) return malformed("ClientHello", r);
      for (uint16_t v : r.value().supported_versions)
        if (is_tls13(v)) offered_tls13_ = true;
      obs.on_client_hello(r.value(), at);
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
