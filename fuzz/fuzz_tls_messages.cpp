// The pure TLS parsers, one per message. Input: u8 selector, then the body.
// Every parser must return ok / need_more / invalid without reading past its
// view; ok never consumes more than it was given; every prefix of an ok
// ClientHello / ServerHello body is not ok with a longer consumption.
#include <cstdlib>

#include "text/event_text.hpp"
#include "text/wire_text.hpp"
#include "tls/tls_parser.hpp"
#include "tls/tls_names.hpp"
#include "util/escape.hpp"

using namespace rdpcap;

template <typename R>
static void check(const R& r, size_t size) {
  if (r.is_ok() && r.consumed() > size) abort();
  if (r.is_invalid() && r.offset() > size) abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  util::Bytes body(data + 1, size - 1);
  switch (data[0] % 10) {
    case 0: {
      auto r = tls::parse_client_hello(body);
      check(r, body.size());
      if (r.is_ok()) {
        (void)text::event_text(model::events::client_hello(r.value(), {}));
        (void)r.value().offered_versions();
        (void)util::escape_text(r.value().sni);
        for (auto s : r.value().cipher_suites) (void)tls::cipher_suite_traits(s), (void)text::suite_text(s);
        for (auto g : r.value().supported_groups) (void)tls::group_name(g);
        for (auto a : r.value().signature_algorithms) (void)tls::signature_scheme_name(a);
      }
      break;
    }
    case 1: {
      auto r = tls::parse_server_hello(body);
      check(r, body.size());
      if (r.is_ok()) (void)text::event_text(model::events::server_hello(r.value(), {}));
      break;
    }
    case 2: {
      auto r = tls::parse_certificate_list(body);
      check(r, body.size());
      if (r.is_ok())
        for (auto c : r.value())
          if (c.data() < body.data() || c.data() + c.size() > body.data() + body.size()) abort();
      break;
    }
    case 3: check(tls::parse_certificate_request(body, false, 0x0303), body.size()); break;
    case 4: check(tls::parse_certificate_request(body, true, 0x0304), body.size()); break;
    case 5: check(tls::parse_certificate_request(body, false, 0x0301), body.size()); break;
    case 6: {
      auto r = tls::parse_alert(body);
      check(r, body.size());
      if (r.is_ok()) (void)text::event_text(model::events::alert(r.value(), false, {}, {}));
      break;
    }
    case 7: {
      auto r = tls::parse_sslv2_client_hello(body);
      check(r, body.size());
      if (r.is_ok()) (void)text::event_text(model::events::client_hello(r.value().hello, {}));
      break;
    }
    case 8: {
      auto r = tls::parse_sslv2_server_hello(body);
      check(r, body.size());
      if (r.is_ok() && (r.value().certificate.data() + r.value().certificate.size() > body.data() + body.size()))
        abort();
      break;
    }
    case 9: {
      check(tls::parse_record_header(body), body.size());
      check(tls::parse_handshake_header(body), body.size());
      (void)tls::looks_like_tls(body);
      break;
    }
  }
  return 0;
}
