// TLS Certificate and CertificateRequest messages (RFC 5246 7.4.2 and 7.4.4;
// RFC 8446 4.4.2 and 4.3.2), with the bounds rules of tls_parser.cpp.
#include <string>
#include <utility>
#include <vector>

#include "tls/tls_cursor.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::tls {

using namespace detail;  // Cursor, and util::Bytes, ByteReader, ParseResult, ParseStatus

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

}  // namespace rdpcap::tls
