// Pure TLS structure parsers (RFC 5246, RFC 8446, RFC 6101 appendix E).
// Every read is bounded by the enclosing declared length; running out of the
// outer view means "need more bytes", an inner length that disagrees with its
// enclosing length means "invalid" (reason + offset of the offending field).
#include "tls/tls_parser.hpp"

#include "tls/tls_cursor.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

namespace rdpcap::tls {

using namespace detail;  // Cursor, and util::Bytes, ByteReader, ParseResult, ParseStatus

namespace {
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

// RFC 8446 4.1.2-4.1.3 / RFC 5246 7.4.1.2-7.4.1.3: both hellos start with
// legacy_version (2), random (32) and legacy_session_id <0..32> (skipped).
bool read_hello_start(Cursor& c, uint16_t& legacy_version, std::array<uint8_t, 32>& random) {
  Bytes r;
  if (!c.u16(legacy_version, "legacy_version") || !c.bytes(32, r, "random")) return false;
  std::copy(r.begin(), r.end(), random.begin());
  const size_t at = c.offset();
  uint8_t sid_len = 0;
  if (!c.u8(sid_len, "session_id length")) return false;
  if (sid_len > 32) {
    c.invalid_at("session_id length " + std::to_string(sid_len) + " > 32", at);
    return false;
  }
  return c.skip(sid_len, "session_id");
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
  uint8_t comp_len = 0;
  uint16_t cs_len = 0;
  if (!read_hello_start(c, ch.legacy_version, ch.random)) return c.failure<ClientHello>();
  size_t at = c.offset();
  if (!c.u16(cs_len, "cipher_suites length")) return c.failure<ClientHello>();
  if (cs_len < 2 || cs_len % 2 != 0) {
    c.invalid_at("cipher_suites length " + std::to_string(cs_len) + " is not a positive even number", at);
    return c.failure<ClientHello>();
  }
  {
    Bytes suites;
    if (!c.bytes(cs_len, suites, "cipher_suites")) return c.failure<ClientHello>();
    ch.cipher_suites.reserve(std::min(suites.size() / 2, kMaxListEntries));  // one allocation, bounded
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
  if (!read_hello_start(c, sh.legacy_version, sh.random)) return c.failure<ServerHello>();
  sh.hello_retry_request = std::equal(sh.random.begin(), sh.random.end(), std::begin(kHrrRandom));
  if (!c.u16(sh.cipher_suite, "cipher_suite") ||
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

}  // namespace rdpcap::tls
