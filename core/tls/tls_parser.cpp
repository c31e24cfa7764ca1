// Pure TLS structure parsers (RFC 5246, RFC 8446, RFC 6101 appendix E).
// Every read is bounded by the enclosing declared length; running out of the
// outer view means "need more bytes", an inner length that disagrees with its
// enclosing length means "invalid" (reason + offset of the offending field).
#include "tls/tls_parser.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

namespace rdpcap::tls {

using util::ByteReader;
using util::Bytes;
using util::ParseResult;
using util::ParseStatus;

namespace {

constexpr size_t kMaxListEntries = 512;       // per list kept in a ClientHello
constexpr size_t kMaxFragment = (1u << 14) + 2048;  // RFC 5246 6.2.3 TLSCiphertext

// HelloRetryRequest.random = SHA-256("HelloRetryRequest") (RFC 8446 4.1.3).
constexpr uint8_t kHrrRandom[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

std::string hex16(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

// A bounded cursor that remembers why it stopped. `base` is the absolute
// offset of its first byte inside the message being parsed. When the cursor
// covers the outer (possibly truncated) view, running short is need_more;
// inside a fully present length-delimited structure it is invalid.
class Cursor {
 public:
  Cursor(Bytes data, size_t base, bool short_is_need_more)
      : r_(data), base_(base), outer_(short_is_need_more) {}

  bool ok() const { return status_ == ParseStatus::ok; }
  ParseStatus status() const { return status_; }
  const std::string& reason() const { return reason_; }
  size_t error_offset() const { return err_off_; }
  size_t offset() const { return base_ + r_.offset(); }
  size_t remaining() const { return r_.remaining(); }
  bool empty() const { return r_.empty(); }

  bool u8(uint8_t& v, const char* what) { return r_.u8(v) || short_of(what); }
  bool u16(uint16_t& v, const char* what) { return r_.u16be(v) || short_of(what); }
  bool u24(uint32_t& v, const char* what) { return r_.u24be(v) || short_of(what); }
  bool bytes(size_t n, Bytes& out, const char* what) { return r_.bytes(n, out) || short_of(what); }
  bool skip(size_t n, const char* what) { return r_.skip(n) || short_of(what); }
  // A child cursor over the next n bytes: inside it, running short is invalid.
  bool sub(size_t n, Cursor& out, const char* what) {
    size_t at = offset();
    Bytes b;
    if (!r_.bytes(n, b)) return short_of(what);
    out = Cursor(b, at, false);
    return true;
  }
  // Marks the structure invalid at the current offset (or at `at`).
  bool invalid(std::string reason) { return invalid_at(std::move(reason), offset()); }
  bool invalid_at(std::string reason, size_t at) {
    if (ok()) {
      status_ = ParseStatus::invalid;
      reason_ = std::move(reason);
      err_off_ = at;
    }
    return false;
  }
  // Propagates a child's failure into this cursor.
  bool adopt(const Cursor& child) {
    if (ok() && !child.ok()) {
      status_ = child.status_;
      reason_ = child.reason_;
      err_off_ = child.err_off_;
    }
    return false;
  }
  // Requires the cursor to be fully consumed.
  bool expect_end(const char* what) {
    if (r_.empty()) return true;
    return invalid(std::string(what) + ": " + std::to_string(r_.remaining()) + " unexpected trailing byte(s)");
  }

  template <typename T>
  ParseResult<T> failure() const {
    if (status_ == ParseStatus::need_more) return ParseResult<T>::need_more();
    return ParseResult<T>::invalid(reason_, err_off_);
  }

 private:
  bool short_of(const char* what) {
    if (ok()) {
      status_ = outer_ ? ParseStatus::need_more : ParseStatus::invalid;
      reason_ = std::string(what) + " exceeds its enclosing length";
      err_off_ = offset();
    }
    return false;
  }

  ByteReader r_;
  size_t base_ = 0;
  bool outer_ = true;
  ParseStatus status_ = ParseStatus::ok;
  std::string reason_;
  size_t err_off_ = 0;
};

// Reads a u16-length-prefixed block that must exactly fill `c` (an extension
// body): returns the child cursor over the block.
bool vector16_filling(Cursor& c, Cursor& out, const char* what) {
  size_t at = c.offset();
  uint16_t len = 0;
  if (!c.u16(len, what)) return false;
  if (len != c.remaining())
    return c.invalid_at(std::string(what) + " length " + std::to_string(len) + " disagrees with extension length " +
                            std::to_string(c.remaining() + 2),
                        at);
  return c.sub(len, out, what);
}

// A list of u16 values (2-byte entries); length must be even. Keeps at most
// kMaxListEntries, sets *truncated when more were present.
bool read_u16_list(Cursor& list, std::vector<uint16_t>& out, bool* truncated, const char* what) {
  if (list.remaining() % 2 != 0) return list.invalid(std::string(what) + " length is odd");
  while (!list.empty()) {
    uint16_t v = 0;
    if (!list.u16(v, what)) return false;
    if (out.size() < kMaxListEntries)
      out.push_back(v);
    else if (truncated)
      *truncated = true;
  }
  return true;
}

// RFC 6066 3: server_name extension (ServerNameList).
bool parse_ext_server_name(Cursor& ext, ClientHello& ch) {
  Cursor list(Bytes{}, 0, false);
  if (!vector16_filling(ext, list, "server_name list")) return false;
  bool have_host = !ch.sni.empty();
  while (!list.empty()) {
    uint8_t type = 0;
    uint16_t len = 0;
    Bytes name;
    if (!list.u8(type, "server_name type") || !list.u16(len, "server_name length") ||
        !list.bytes(len, name, "server_name"))
      return ext.adopt(list);
    if (type == 0 && !have_host) {  // host_name
      ch.sni.assign(name.begin(), name.end());
      have_host = true;
    }
  }
  return true;
}

// RFC 8446 4.2.7 supported_groups / 4.2.3 signature_algorithms: u16 list.
bool parse_ext_u16_list(Cursor& ext, std::vector<uint16_t>& out, bool& truncated, const char* what) {
  Cursor list(Bytes{}, 0, false);
  if (!vector16_filling(ext, list, what)) return false;
  if (!read_u16_list(list, out, &truncated, what)) return ext.adopt(list);
  return true;
}

// RFC 7301 3.1: application_layer_protocol_negotiation (ProtocolNameList).
bool parse_ext_alpn(Cursor& ext, ClientHello& ch) {
  Cursor list(Bytes{}, 0, false);
  if (!vector16_filling(ext, list, "ALPN list")) return false;
  while (!list.empty()) {
    uint8_t len = 0;
    Bytes name;
    if (!list.u8(len, "ALPN name length")) return ext.adopt(list);
    if (len == 0) {
      list.invalid("empty ALPN protocol name");
      return ext.adopt(list);
    }
    if (!list.bytes(len, name, "ALPN name")) return ext.adopt(list);
    if (ch.alpn.size() < kMaxListEntries)
      ch.alpn.emplace_back(name.begin(), name.end());
    else
      ch.truncated_lists = true;
  }
  return true;
}

// RFC 8446 4.2.1 supported_versions in a ClientHello: u8-length list of u16.
bool parse_ext_supported_versions_ch(Cursor& ext, ClientHello& ch) {
  size_t at = ext.offset();
  uint8_t len = 0;
  if (!ext.u8(len, "supported_versions length")) return false;
  if (len != ext.remaining())
    return ext.invalid_at("supported_versions length " + std::to_string(len) + " disagrees with extension length " +
                              std::to_string(ext.remaining() + 1),
                          at);
  Cursor list(Bytes{}, 0, false);
  if (!ext.sub(len, list, "supported_versions")) return false;
  if (!read_u16_list(list, ch.supported_versions, &ch.truncated_lists, "supported_versions")) return ext.adopt(list);
  return true;
}

// Reads the extensions block (u16 length + extensions) that must end the
// message. `on_ext(type, cursor)` parses one extension body.
template <typename OnExt>
bool parse_extensions(Cursor& msg, std::vector<uint16_t>& types, bool* truncated, OnExt on_ext) {
  uint16_t total = 0;
  if (!msg.u16(total, "extensions length")) return false;
  Cursor exts(Bytes{}, 0, false);
  // The extensions block is the rest of the message; a shorter view is a
  // truncated message (need_more from the outer cursor).
  if (msg.remaining() > total) {
    msg.skip(total, "extensions");
    return msg.expect_end("message after extensions");
  }
  if (!msg.sub(total, exts, "extensions")) return false;
  while (!exts.empty()) {
    uint16_t type = 0, len = 0;
    if (!exts.u16(type, "extension type") || !exts.u16(len, "extension length")) return msg.adopt(exts);
    Cursor body(Bytes{}, 0, false);
    if (!exts.sub(len, body, "extension data")) return msg.adopt(exts);
    if (types.size() < kMaxListEntries)
      types.push_back(type);
    else if (truncated)
      *truncated = true;
    if (!on_ext(type, body) || !body.ok()) {
      if (body.ok()) body.invalid("malformed");
      return msg.invalid_at("extension " + std::to_string(type) + ": " + body.reason(), body.error_offset());
    }
  }
  return true;
}

}  // namespace

// RFC 8446 5.1 (TLSPlaintext) / RFC 5246 6.2.1: type(1) version(2) length(2).
// Checks each byte as soon as it is present, so a non-TLS stream is rejected
// on its first byte instead of after five.
util::ParseResult<RecordHeader> parse_record_header(util::Bytes data) {
  RecordHeader h;
  if (data.size() >= 1) {
    h.content_type = data[0];
    if (h.content_type < 20 || h.content_type > 24)
      return ParseResult<RecordHeader>::invalid("not a TLS record: content type " + std::to_string(h.content_type), 0);
  }
  if (data.size() >= 2 && data[1] != 3)
    return ParseResult<RecordHeader>::invalid("not a TLS record: version major " + std::to_string(data[1]), 1);
  if (data.size() >= 3 && data[2] > 4)
    return ParseResult<RecordHeader>::invalid("not a TLS record: version " + hex16(uint16_t(0x0300 | data[2])), 1);
  if (data.size() < 5) return ParseResult<RecordHeader>::need_more();
  h.version = static_cast<uint16_t>((data[1] << 8) | data[2]);
  h.length = static_cast<uint16_t>((data[3] << 8) | data[4]);
  if (h.length > kMaxFragment)
    return ParseResult<RecordHeader>::invalid("record length " + std::to_string(h.length) + " exceeds 2^14+2048", 3);
  return ParseResult<RecordHeader>::ok(h, 5);
}

bool looks_like_tls(util::Bytes data) {
  // TLS handshake record: 0x16 0x03 0x00..0x04 (RFC 8446 5.1).
  if (data.size() >= 3 && data[0] == 22 && data[1] == 3 && data[2] <= 4) {
    if (data.size() < 5) return true;
    uint16_t len = static_cast<uint16_t>((data[3] << 8) | data[4]);
    return len > 0 && len <= kMaxFragment;
  }
  // SSLv2 CLIENT-HELLO with a 2-byte header (RFC 6101 E.1 / RFC 5246 E.2):
  // high bit set, msg_type 1, version 0x0002 or 0x03xx.
  if (data.size() >= 5 && (data[0] & 0x80) && data[2] == 1) {
    if (data[3] == 0x00 && data[4] == 0x02) return true;
    if (data[3] == 0x03) return true;
  }
  return false;
}

// RFC 8446 4: Handshake { msg_type(1); uint24 length; body }.
util::ParseResult<HandshakeHeader> parse_handshake_header(util::Bytes data) {
  ByteReader r(data);
  HandshakeHeader h;
  if (!r.u8(h.msg_type) || !r.u24be(h.length)) return ParseResult<HandshakeHeader>::need_more();
  return ParseResult<HandshakeHeader>::ok(h, 4);
}

// RFC 8446 4.1.2 / RFC 5246 7.4.1.2 ClientHello. Extensions are optional in
// TLS <= 1.2 (the message may end after compression_methods).
util::ParseResult<ClientHello> parse_client_hello(util::Bytes body) {
  ClientHello ch;
  Cursor c(body, 0, true);
  uint8_t sid_len = 0, comp_len = 0;
  uint16_t cs_len = 0;
  Bytes random;
  if (!c.u16(ch.legacy_version, "legacy_version") || !c.bytes(32, random, "random")) return c.failure<ClientHello>();
  std::copy(random.begin(), random.end(), ch.random.begin());
  size_t at = c.offset();
  if (!c.u8(sid_len, "session_id length")) return c.failure<ClientHello>();
  if (sid_len > 32) {
    c.invalid_at("session_id length " + std::to_string(sid_len) + " > 32", at);
    return c.failure<ClientHello>();
  }
  if (!c.skip(sid_len, "session_id")) return c.failure<ClientHello>();
  at = c.offset();
  if (!c.u16(cs_len, "cipher_suites length")) return c.failure<ClientHello>();
  if (cs_len < 2 || cs_len % 2 != 0) {
    c.invalid_at("cipher_suites length " + std::to_string(cs_len) + " is not a positive even number", at);
    return c.failure<ClientHello>();
  }
  {
    Bytes suites;
    if (!c.bytes(cs_len, suites, "cipher_suites")) return c.failure<ClientHello>();
    for (size_t i = 0; i + 1 < suites.size(); i += 2) {
      if (ch.cipher_suites.size() < kMaxListEntries)
        ch.cipher_suites.push_back(static_cast<uint16_t>((suites[i] << 8) | suites[i + 1]));
      else
        ch.truncated_lists = true;
    }
  }
  at = c.offset();
  if (!c.u8(comp_len, "compression_methods length")) return c.failure<ClientHello>();
  if (comp_len < 1) {
    c.invalid_at("compression_methods is empty", at);
    return c.failure<ClientHello>();
  }
  if (!c.skip(comp_len, "compression_methods")) return c.failure<ClientHello>();
  if (c.empty()) return ParseResult<ClientHello>::ok(std::move(ch), body.size());  // no extensions

  bool ok = parse_extensions(c, ch.extension_types, &ch.truncated_lists, [&](uint16_t type, Cursor& ext) {
    switch (type) {
      case 0: return parse_ext_server_name(ext, ch);                                       // RFC 6066 3
      case 10: return parse_ext_u16_list(ext, ch.supported_groups, ch.truncated_lists, "supported_groups");
      case 13: return parse_ext_u16_list(ext, ch.signature_algorithms, ch.truncated_lists, "signature_algorithms");
      case 16: return parse_ext_alpn(ext, ch);                                             // RFC 7301 3.1
      case 43: return parse_ext_supported_versions_ch(ext, ch);                            // RFC 8446 4.2.1
      default: return true;                                                                // kept as type only
    }
  });
  if (!ok) return c.failure<ClientHello>();
  return ParseResult<ClientHello>::ok(std::move(ch), body.size());
}

// RFC 8446 4.1.3 / RFC 5246 7.4.1.3 ServerHello (and HelloRetryRequest).
util::ParseResult<ServerHello> parse_server_hello(util::Bytes body) {
  ServerHello sh;
  Cursor c(body, 0, true);
  Bytes random;
  uint8_t sid_len = 0;
  if (!c.u16(sh.legacy_version, "legacy_version") || !c.bytes(32, random, "random")) return c.failure<ServerHello>();
  sh.hello_retry_request = std::equal(random.begin(), random.end(), std::begin(kHrrRandom));
  std::copy(random.begin(), random.end(), sh.random.begin());
  size_t at = c.offset();
  if (!c.u8(sid_len, "session_id length")) return c.failure<ServerHello>();
  if (sid_len > 32) {
    c.invalid_at("session_id length " + std::to_string(sid_len) + " > 32", at);
    return c.failure<ServerHello>();
  }
  if (!c.skip(sid_len, "session_id") || !c.u16(sh.cipher_suite, "cipher_suite") ||
      !c.u8(sh.compression, "compression_method"))
    return c.failure<ServerHello>();
  if (c.empty()) return ParseResult<ServerHello>::ok(std::move(sh), body.size());

  bool ok = parse_extensions(c, sh.extension_types, nullptr, [&](uint16_t type, Cursor& ext) {
    if (type == 43) {  // RFC 8446 4.2.1: selected_version
      uint16_t v = 0;
      if (!ext.u16(v, "selected_version")) return false;
      sh.supported_version = v;
      return ext.expect_end("supported_versions");
    }
    if (type == 51) {  // RFC 8446 4.2.8 key_share
      uint16_t group = 0;
      if (!ext.u16(group, "key_share group")) return false;
      sh.selected_group = group;
      if (sh.hello_retry_request) return ext.expect_end("key_share (HelloRetryRequest)");
      size_t kat = ext.offset();
      uint16_t klen = 0;
      if (!ext.u16(klen, "key_exchange length")) return false;
      if (klen != ext.remaining())
        return ext.invalid_at("key_exchange length " + std::to_string(klen) + " disagrees with extension length", kat);
      return ext.skip(klen, "key_exchange");
    }
    return true;
  });
  if (!ok) return c.failure<ServerHello>();
  return ParseResult<ServerHello>::ok(std::move(sh), body.size());
}

namespace {
// The certificate_list both versions share (RFC 5246 7.4.2; RFC 8446 4.4.2):
// a 24-bit list length, then entries of a 24-bit DER length + DER; TLS 1.3
// entries also carry Extension extensions<0..2^16-1>. `c` is positioned at
// the list length.
util::ParseResult<std::vector<util::Bytes>> read_certificate_list(Cursor& c, util::Bytes body, bool tls13) {
  using R = ParseResult<std::vector<Bytes>>;
  uint32_t total = 0;
  if (!c.u24(total, "certificate_list length")) return c.failure<std::vector<Bytes>>();
  if (c.remaining() > total) {
    c.skip(total, "certificate_list");
    c.expect_end("Certificate");
    return c.failure<std::vector<Bytes>>();
  }
  Cursor list(Bytes{}, 0, false);
  if (!c.sub(total, list, "certificate_list")) return c.failure<std::vector<Bytes>>();
  const char* length_name = tls13 ? "cert_data length" : "certificate length";
  const char* der_name = tls13 ? "cert_data" : "certificate";
  std::vector<Bytes> certs;
  while (!list.empty()) {
    size_t at = list.offset();
    uint32_t len = 0;
    Bytes der;
    if (!list.u24(len, length_name)) return list.failure<std::vector<Bytes>>();
    if (len == 0) {
      list.invalid_at("empty certificate entry", at);
      return list.failure<std::vector<Bytes>>();
    }
    if (!list.bytes(len, der, der_name)) return list.failure<std::vector<Bytes>>();
    uint16_t ext_len = 0;
    if (tls13 && (!list.u16(ext_len, "CertificateEntry extensions length") ||
                  !list.skip(ext_len, "CertificateEntry extensions")))
      return list.failure<std::vector<Bytes>>();
    certs.push_back(der);
  }
  return R::ok(std::move(certs), body.size());
}
}  // namespace

// RFC 5246 7.4.2 Certificate: opaque ASN.1Cert<1..2^24-1>; certificate_list<0..2^24-1>.
util::ParseResult<std::vector<util::Bytes>> parse_certificate_list(util::Bytes body) {
  Cursor c(body, 0, true);
  return read_certificate_list(c, body, false);
}

// RFC 8446 4.4.2 Certificate: certificate_request_context<0..2^8-1>;
// CertificateEntry certificate_list<0..2^24-1>, each entry opaque
// cert_data<1..2^24-1> (X.509 DER, 4.4.2.2) + Extension extensions<0..2^16-1>.
util::ParseResult<std::vector<util::Bytes>> parse_certificate_list_tls13(util::Bytes body) {
  Cursor c(body, 0, true);
  uint8_t ctx_len = 0;
  if (!c.u8(ctx_len, "certificate_request_context length") || !c.skip(ctx_len, "certificate_request_context"))
    return c.failure<std::vector<Bytes>>();
  return read_certificate_list(c, body, true);
}

namespace {
// RFC 5246 7.4.4: DistinguishedName certificate_authorities<0..2^16-1>, each
// opaque DistinguishedName<1..2^16-1>. Counts the names.
bool count_ca_names(Cursor& names, uint16_t& count) {
  uint32_t n = 0;
  while (!names.empty()) {
    uint16_t len = 0;
    if (!names.u16(len, "DistinguishedName length") || !names.skip(len, "DistinguishedName")) return false;
    if (n < 0xffff) ++n;
  }
  count = static_cast<uint16_t>(n);
  return true;
}
}  // namespace

// RFC 5246 7.4.4 (TLS 1.2; TLS 1.0/1.1 have no supported_signature_algorithms)
// and RFC 8446 4.3.2 (TLS 1.3: context + extensions).
util::ParseResult<CertificateRequest> parse_certificate_request(util::Bytes body, bool tls13, uint16_t version) {
  CertificateRequest cr;
  Cursor c(body, 0, true);
  if (tls13) {
    uint8_t ctx_len = 0;
    if (!c.u8(ctx_len, "certificate_request_context length") || !c.skip(ctx_len, "certificate_request_context"))
      return c.failure<CertificateRequest>();
    std::vector<uint16_t> types;
    bool ok = parse_extensions(c, types, nullptr, [&](uint16_t type, Cursor& ext) {
      if (type == 13) {
        bool trunc = false;
        return parse_ext_u16_list(ext, cr.signature_algorithms, trunc, "signature_algorithms");
      }
      if (type == 47) {  // RFC 8446 4.2.4 certificate_authorities
        Cursor names(Bytes{}, 0, false);
        if (!vector16_filling(ext, names, "certificate_authorities")) return false;
        if (!count_ca_names(names, cr.ca_name_count)) return ext.adopt(names);
      }
      return true;
    });
    if (!ok) return c.failure<CertificateRequest>();
    return ParseResult<CertificateRequest>::ok(std::move(cr), body.size());
  }

  uint8_t types_len = 0;
  Bytes types;
  size_t at = c.offset();
  if (!c.u8(types_len, "certificate_types length")) return c.failure<CertificateRequest>();
  if (types_len == 0) {
    c.invalid_at("certificate_types is empty", at);
    return c.failure<CertificateRequest>();
  }
  if (!c.bytes(types_len, types, "certificate_types")) return c.failure<CertificateRequest>();
  cr.certificate_types.assign(types.begin(), types.end());
  if (version >= 0x0303) {
    at = c.offset();
    uint16_t sa_len = 0;
    if (!c.u16(sa_len, "supported_signature_algorithms length")) return c.failure<CertificateRequest>();
    if (sa_len < 2 || sa_len % 2 != 0) {
      c.invalid_at("supported_signature_algorithms length " + std::to_string(sa_len) + " is not a positive even number",
                   at);
      return c.failure<CertificateRequest>();
    }
    Cursor list(Bytes{}, 0, false);
    if (!c.sub(sa_len, list, "supported_signature_algorithms")) return c.failure<CertificateRequest>();
    if (!read_u16_list(list, cr.signature_algorithms, nullptr, "supported_signature_algorithms"))
      return list.failure<CertificateRequest>();
  }
  uint16_t names_len = 0;
  if (!c.u16(names_len, "certificate_authorities length")) return c.failure<CertificateRequest>();
  if (c.remaining() > names_len) {
    c.skip(names_len, "certificate_authorities");
    c.expect_end("CertificateRequest");
    return c.failure<CertificateRequest>();
  }
  Cursor names(Bytes{}, 0, false);
  if (!c.sub(names_len, names, "certificate_authorities")) return c.failure<CertificateRequest>();
  if (!count_ca_names(names, cr.ca_name_count)) return names.failure<CertificateRequest>();
  return ParseResult<CertificateRequest>::ok(std::move(cr), body.size());
}

// RFC 8446 6 / RFC 5246 7.2: Alert { level(1); description(1) }.
util::ParseResult<Alert> parse_alert(util::Bytes fragment) {
  if (fragment.size() < 2) return ParseResult<Alert>::need_more();
  if (fragment.size() > 2)
    return ParseResult<Alert>::invalid("alert fragment of " + std::to_string(fragment.size()) + " bytes (expected 2)", 2);
  Alert a;
  a.level = fragment[0];
  a.description = fragment[1];
  return ParseResult<Alert>::ok(a, 2);
}

// RFC 6101 E.1 (SSL 2.0 record header, 2-byte form) + E.2 / RFC 5246 E.2
// CLIENT-HELLO: msg_type(1)=1, version(2), cipher_spec_length(2),
// session_id_length(2), challenge_length(2), cipher_specs, session_id, challenge.
util::ParseResult<SslV2ClientHello> parse_sslv2_client_hello(util::Bytes data) {
  using R = ParseResult<SslV2ClientHello>;
  if (data.size() >= 1 && !(data[0] & 0x80)) return R::invalid("SSLv2 record without a 2-byte header", 0);
  if (data.size() >= 3 && data[2] != 1) return R::invalid("SSLv2 message type " + std::to_string(data[2]) + " is not CLIENT-HELLO", 2);
  if (data.size() < 2) return R::need_more();
  size_t msg_len = (size_t(data[0] & 0x7f) << 8) | data[1];
  if (msg_len < 9) return R::invalid("SSLv2 CLIENT-HELLO length " + std::to_string(msg_len) + " < 9", 0);

  // Outer cursor over the message body (after the 2-byte header), bounded by
  // the declared length: short of it is need_more.
  Bytes msg = data.subspan(2, std::min(msg_len, data.size() - 2));
  Cursor c(msg, 2, true);
  SslV2ClientHello out;
  ClientHello& ch = out.hello;
  ch.sslv2_format = true;
  uint8_t type = 0;
  uint16_t spec_len = 0, sid_len = 0, chal_len = 0;
  if (!c.u8(type, "msg_type") || !c.u16(ch.legacy_version, "version")) return c.failure<SslV2ClientHello>();
  if (ch.legacy_version != 0x0002 && (ch.legacy_version >> 8) != 0x03) {
    c.invalid_at("SSLv2 CLIENT-HELLO version " + hex16(ch.legacy_version), 3);
    return c.failure<SslV2ClientHello>();
  }
  if (!c.u16(spec_len, "cipher_spec_length") || !c.u16(sid_len, "session_id_length") ||
      !c.u16(chal_len, "challenge_length"))
    return c.failure<SslV2ClientHello>();
  if (spec_len == 0 || spec_len % 3 != 0) {
    c.invalid_at("cipher_spec_length " + std::to_string(spec_len) + " is not a positive multiple of 3", 5);
    return c.failure<SslV2ClientHello>();
  }
  if (sid_len != 0 && sid_len != 16 && sid_len != 32) {  // 16 in SSL 2.0, up to 32 for TLS session ids
    c.invalid_at("session_id_length " + std::to_string(sid_len) + " is not 0, 16 or 32", 7);
    return c.failure<SslV2ClientHello>();
  }
  if (chal_len < 16 || chal_len > 32) {
    c.invalid_at("challenge_length " + std::to_string(chal_len) + " outside 16..32", 9);
    return c.failure<SslV2ClientHello>();
  }
  if (size_t(9) + spec_len + sid_len + chal_len != msg_len) {
    c.invalid_at("SSLv2 CLIENT-HELLO lengths (" + std::to_string(9 + spec_len + sid_len + chal_len) +
                     ") disagree with the record length " + std::to_string(msg_len),
                 0);
    return c.failure<SslV2ClientHello>();
  }
  Bytes specs;
  if (!c.bytes(spec_len, specs, "cipher_specs") || !c.skip(sid_len, "session_id") || !c.skip(chal_len, "challenge"))
    return c.failure<SslV2ClientHello>();
  for (size_t i = 0; i + 2 < specs.size(); i += 3) {
    if (specs[i] == 0) {
      if (ch.cipher_suites.size() < kMaxListEntries)
        ch.cipher_suites.push_back(static_cast<uint16_t>((specs[i + 1] << 8) | specs[i + 2]));
      else
        ch.truncated_lists = true;
    } else {
      ++out.v2_only_specs;
    }
  }
  return R::ok(std::move(out), 2 + msg_len);
}

// RFC 6101 E.3 / SSL 2.0 SERVER-HELLO: msg_type(1)=4, session_id_hit(1),
// certificate_type(1), version(2), certificate_length(2),
// cipher_specs_length(2), connection_id_length(2), certificate,
// cipher_specs, connection_id.
util::ParseResult<SslV2ServerHello> parse_sslv2_server_hello(util::Bytes data) {
  using R = ParseResult<SslV2ServerHello>;
  if (data.size() >= 1 && !(data[0] & 0x80)) return R::invalid("SSLv2 record without a 2-byte header", 0);
  if (data.size() >= 3 && data[2] != 4) return R::invalid("SSLv2 message type " + std::to_string(data[2]) + " is not SERVER-HELLO", 2);
  if (data.size() < 2) return R::need_more();
  size_t msg_len = (size_t(data[0] & 0x7f) << 8) | data[1];
  if (msg_len < 11) return R::invalid("SSLv2 SERVER-HELLO length " + std::to_string(msg_len) + " < 11", 0);
  Bytes msg = data.subspan(2, std::min(msg_len, data.size() - 2));
  Cursor c(msg, 2, true);
  SslV2ServerHello out;
  uint8_t type = 0, hit = 0;
  uint16_t cert_len = 0, spec_len = 0, conn_len = 0;
  if (!c.u8(type, "msg_type") || !c.u8(hit, "session_id_hit") || !c.u8(out.certificate_type, "certificate_type") ||
      !c.u16(out.version, "version") || !c.u16(cert_len, "certificate_length") ||
      !c.u16(spec_len, "cipher_specs_length") || !c.u16(conn_len, "connection_id_length"))
    return c.failure<SslV2ServerHello>();
  out.session_id_hit = hit != 0;
  if (spec_len % 3 != 0) {
    c.invalid_at("cipher_specs_length " + std::to_string(spec_len) + " is not a multiple of 3", 9);
    return c.failure<SslV2ServerHello>();
  }
  if (size_t(11) + cert_len + spec_len + conn_len != msg_len) {
    c.invalid_at("SSLv2 SERVER-HELLO lengths disagree with the record length " + std::to_string(msg_len), 0);
    return c.failure<SslV2ServerHello>();
  }
  Bytes specs;
  if (!c.bytes(cert_len, out.certificate, "certificate") || !c.bytes(spec_len, specs, "cipher_specs") ||
      !c.skip(conn_len, "connection_id"))
    return c.failure<SslV2ServerHello>();
  for (size_t i = 0; i + 2 < specs.size(); i += 3)
    if (out.cipher_specs.size() < kMaxListEntries)
      out.cipher_specs.push_back((uint32_t{specs[i]} << 16) | (uint32_t{specs[i + 1]} << 8) | specs[i + 2]);
  return R::ok(std::move(out), 2 + msg_len);
}

}  // namespace rdpcap::tls
