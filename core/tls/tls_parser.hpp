// Pure parsers for single TLS structures. Each takes a bounded view and
// returns ok / need_more / invalid; none reads past its view.
#pragma once

#include <vector>

#include "tls/tls_messages.hpp"
#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::tls {

// RFC 8446 5.1: 5-byte record header. need_more when fewer than 5 bytes
// (and those present are plausible); invalid as soon as a present byte rules
// TLS out (content type not 20..24, version not 0x0300..0x0304) or when
// length > 2^14 + 2048. The offset of an invalid result is that byte's.
util::ParseResult<RecordHeader> parse_record_header(util::Bytes data);

// True when the first bytes look like a TLS record or an SSLv2 client hello
// (used to recognise the direct approach and the start of TLS after X.224).
bool looks_like_tls(util::Bytes data);

struct HandshakeHeader {  // RFC 8446 4: msg_type (1) + length (3)
  uint8_t msg_type = 0;
  uint32_t length = 0;
};
util::ParseResult<HandshakeHeader> parse_handshake_header(util::Bytes data);

// Message bodies (after the 4-byte handshake header). A body cut short gives
// need_more, except that a ClientHello/ServerHello cut right after
// compression_method(s) is a complete TLS <= 1.2 message without extensions.
// Inner lengths that disagree with their enclosing length give invalid with
// the offset (inside the body) of the offending length field. Lists in a
// ClientHello keep at most 512 entries (truncated_lists set beyond).
util::ParseResult<ClientHello> parse_client_hello(util::Bytes body);
util::ParseResult<ServerHello> parse_server_hello(util::Bytes body);
// RFC 5246 7.4.2: certificate_list of DER certificates (views into body).
util::ParseResult<std::vector<util::Bytes>> parse_certificate_list(util::Bytes body);
// RFC 8446 4.4.2: TLS 1.3 Certificate (request context, then entries of
// cert_data + extensions); the DER certificates as views into body.
util::ParseResult<std::vector<util::Bytes>> parse_certificate_list_tls13(util::Bytes body);
// tls13: RFC 8446 4.3.2 layout (context + extensions). Otherwise RFC 5246
// 7.4.4; `version` is the negotiated version: below TLS 1.2 (0x0303) the
// message has no supported_signature_algorithms field.
util::ParseResult<CertificateRequest> parse_certificate_request(util::Bytes body, bool tls13,
                                                                uint16_t version = 0x0303);
util::ParseResult<Alert> parse_alert(util::Bytes fragment);

// RFC 6101 E.2 / RFC 5246 E.2: SSLv2-format CLIENT-HELLO (2-byte header with
// the high bit set, msg_type 1). Cipher specs are 3 bytes; those with a zero
// first byte map to TLS suites (kept in cipher_suites), the others are counted.
struct SslV2ClientHello {
  ClientHello hello;          // sslv2_format = true
  uint32_t v2_only_specs = 0; // SSLv2 cipher kinds with no TLS equivalent
};
util::ParseResult<SslV2ClientHello> parse_sslv2_client_hello(util::Bytes data);

// SSL 2.0 SERVER-HELLO (msg_type 4, 2-byte header): the server chose SSL 2.0.
// certificate is a view into data (X.509 DER when certificate_type == 1).
struct SslV2ServerHello {
  bool session_id_hit = false;
  uint8_t certificate_type = 0;
  uint16_t version = 0;                // 0x0002
  util::Bytes certificate;
  std::vector<uint32_t> cipher_specs;  // 3-byte SSLv2 cipher kinds
};
util::ParseResult<SslV2ServerHello> parse_sslv2_server_hello(util::Bytes data);

// GREASE values (RFC 8701): 0x?A?A with both bytes equal.
inline bool is_grease(uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

}  // namespace rdpcap::tls
