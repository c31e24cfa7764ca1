// One direction of a TLS connection: record layer (RFC 8446 5.1, RFC 5246
// 6.2) -> handshake message stream (RFC 8446 4: a message may span records, a
// record may hold several) -> typed callbacks. Bounded buffers only.
// This file: the record framing (TLS records, and the SSLv2 hellos of RFC 6101
// appendix E that may open a direction); what a record carries is read in
// tls_stream_records.cpp, handshake messages in tls_stream_handshake.cpp.
#include "tls/tls_stream.hpp"

#include <algorithm>
#include <utility>

#include "tls/record_decryptor.hpp"
#include "tls/tls_parser.hpp"
#include "tls/tls_stream_detail.hpp"

namespace rdpcap::tls {

using util::Bytes;
using detail::kRecordHeader;

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
        pos += f.total;
        on_complete_record(avail.first(f.total), f.sslv2, at, obs);
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
      on_complete_record(rec, f.sslv2, at, obs);
    }
  }
}

// A whole record starting at the current stream offset.
void TlsStream::on_complete_record(Bytes record, bool sslv2, const util::FrameRef& at, TlsObserver& obs) {
  record_start_ = offset_;
  offset_ += record.size();
  if (sslv2)
    on_sslv2_record(record, at, obs);
  else
    on_record(record[0], static_cast<uint16_t>((record[1] << 8) | record[2]), record.subspan(kRecordHeader), at, obs);
  first_ = false;
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
  const auto malformed = [&](const char* what, const auto& r) {
    fail(std::string("malformed SSLv2 ") + what + ": " + (r.is_invalid() ? r.reason() : std::string("truncated")),
         record_start_ + r.offset(), at, obs);
  };
  if (first_ && type == 1) {
    auto r = parse_sslv2_client_hello(record);
    if (!r.is_ok()) return malformed("CLIENT-HELLO", r);
    sslv2_client_hello_ = true;
    obs.on_client_hello(std::move(r.value().hello), at);
    return;
  }
  if (first_ && type == 4) {
    auto r = parse_sslv2_server_hello(record);
    if (!r.is_ok()) return malformed("SERVER-HELLO", r);
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

}  // namespace rdpcap::tls
