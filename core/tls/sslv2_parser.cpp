// SSL 2.0 hellos (RFC 6101 appendix E; RFC 5246 E.2): what an SSLv2-only or
// SSLv2-compatible peer sends, with the bounds rules of tls_parser.cpp.
#include <string>
#include <utility>
#include <vector>

#include "tls/tls_cursor.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::tls {

using namespace detail;  // Cursor, and util::Bytes, ByteReader, ParseResult, ParseStatus

namespace {

// RFC 6101 E.1: the 2-byte header of an SSLv2 record that holds a hello of
// message type `type` (named `name`), at least `min_length` bytes long. Each
// byte is checked as soon as it is present. ok(the message after the header,
// cut to the bytes present; consumed: the whole record's length).
ParseResult<Bytes> hello_message(Bytes data, uint8_t type, const char* name, size_t min_length) {
  using R = ParseResult<Bytes>;
  if (data.size() >= 1 && !(data[0] & 0x80)) return R::invalid("SSLv2 record without a 2-byte header", 0);
  if (data.size() >= 3 && data[2] != type)
    return R::invalid("SSLv2 message type " + std::to_string(data[2]) + " is not " + name, 2);
  if (data.size() < 2) return R::need_more();
  const size_t msg_len = (size_t(data[0] & 0x7f) << 8) | data[1];
  if (msg_len < min_length)
    return R::invalid(std::string("SSLv2 ") + name + " length " + std::to_string(msg_len) + " < " +
                          std::to_string(min_length),
                      0);
  return R::ok(data.subspan(2, std::min(msg_len, data.size() - 2)), 2 + msg_len);
}

template <typename T>
ParseResult<T> not_ok(const ParseResult<Bytes>& header) {
  return header.is_need_more() ? ParseResult<T>::need_more() : ParseResult<T>::invalid(header.reason(), header.offset());
}

}  // namespace

// RFC 6101 E.1 (SSL 2.0 record header, 2-byte form) + E.2 / RFC 5246 E.2
// CLIENT-HELLO: msg_type(1)=1, version(2), cipher_spec_length(2),
// session_id_length(2), challenge_length(2), cipher_specs, session_id, challenge.
util::ParseResult<SslV2ClientHello> parse_sslv2_client_hello(util::Bytes data) {
  using R = ParseResult<SslV2ClientHello>;
  const auto msg = hello_message(data, 1, "CLIENT-HELLO", 9);
  if (!msg.is_ok()) return not_ok<SslV2ClientHello>(msg);
  const size_t msg_len = msg.consumed() - 2;
  // Outer cursor over the message body (after the 2-byte header), bounded by
  // the declared length: short of it is need_more.
  Cursor c(msg.value(), 2, true);
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
  const auto msg = hello_message(data, 4, "SERVER-HELLO", 11);
  if (!msg.is_ok()) return not_ok<SslV2ServerHello>(msg);
  const size_t msg_len = msg.consumed() - 2;
  Cursor c(msg.value(), 2, true);
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
