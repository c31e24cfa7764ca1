// JSON of a connection's TLS handshake (RFC 5246 / RFC 8446 messages as the
// parser saw them), its certificates (X.509 facts) and its decryption status.

#include <array>
#include <string>
#include <utility>

#include "report/json_parts.hpp"
#include "text/wire_text.hpp"
#include "tls/tls_names.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::report::json {

namespace {

void u16_list(W& w, JsonKey key, const std::vector<uint16_t>& values) {
  w.key(key).begin_array();
  for (uint16_t v : values) w.value(v);
  w.end_array();
}

void suites_uncached(W& w, const std::vector<uint16_t>& list) {
  w.begin_array();
  for (uint16_t s : list) {
    const text::Hex16 id = text::hex16(s);
    w.begin_object().field("id", id.view()).field("name", tls::cipher_suite_name(s)).end_object();
  }
  w.end_array();
}

// The text of values that recur from connection to connection, each written
// once per thread and layout: a capture's clients offer a handful of distinct
// cipher suite lists and its servers send a handful of certificates, each
// seen thousands of times (the lists and certificates were about a fifth of
// the JSON rendering). A hit needs the same value (compared whole, not by a
// hash); the few last distinct ones are kept, of bounded size only.
template <typename Value>
class RecentValues {
 public:
  template <typename Write>
  void write(W& w, const Value& v, bool small_enough, Write write_uncached) {
    if (!small_enough) {
      write_uncached(w, v);
      return;
    }
    for (const Entry& e : entries_)
      if (!e.text.empty() && e.layout == w.layout() && e.value == v) {
        w.written_value(e.text);
        return;
      }
    std::string text;  // written whole before it is kept
    W top(text, w.layout());
    write_uncached(top, v);  // one whole value: in `text` once written
    Entry& e = entries_[next_++ % entries_.size()];
    e.value = v;
    e.layout = w.layout();
    e.text = std::move(text);
    w.written_value(e.text);
  }

 private:
  struct Entry {
    Value value;
    W::Layout layout = W::Layout::compact;
    std::string text;  // empty: unused
  };
  std::array<Entry, 8> entries_;
  size_t next_ = 0;
};

void suites(W& w, const std::vector<uint16_t>& list) {
  thread_local RecentValues<std::vector<uint16_t>> recent;
  recent.write(w, list, list.size() <= 256, suites_uncached);  // real ClientHellos offer under 100
}

void certificate_uncached(W& w, const x509::CertificateFacts& c) {
  w.begin_object().field("parsed", c.parsed);
  if (!c.parsed) {
    w.field_text("error", c.parse_error).end_object();
    return;
  }
  w.field_text("subject", c.subject)
      .field_text("subject_cn", c.subject_cn)
      .field_text("issuer", c.issuer)
      .field("serial", c.serial_hex)
      .field("not_before", text::utc_seconds(c.not_before))
      .field("not_after", text::utc_seconds(c.not_after))
      .field("key_type", c.key_type)
      .field("key_bits", c.key_bits);
  if (!c.ec_curve.empty()) w.field("ec_curve", c.ec_curve);
  w.field("signature_algorithm", c.signature_algorithm);
  w.key("san_dns").begin_array();
  for (const auto& d : c.san_dns) w.text(d);
  w.end_array().key("san_ip").begin_array();
  for (const auto& i : c.san_ip) w.text(i);
  w.end_array().key("eku");
  if (c.has_eku) {
    w.begin_array();
    for (const auto& e : c.eku_oids) w.value(e);
    w.end_array();
  } else {
    w.null();
  }
  w.field("self_signed", c.self_signed)
      .field("is_ca", c.is_ca)
      .field("sha256", c.sha256_fingerprint)
      .field("der_size", c.der_size)
      .end_object();
}

void certificate(W& w, const x509::CertificateFacts& c) {
  thread_local RecentValues<x509::CertificateFacts> recent;
  recent.write(w, c, c.der_size <= 16 * 1024, certificate_uncached);  // real server certificates: 1-3 KB
}

void encrypted_traffic(W& w, JsonKey key, const model::EncryptedTraffic& e) {
  w.key(key).begin_object().field("records", e.records).field("bytes", e.bytes);
  frame_field(w, "first", e.first);
  frame_field(w, "last", e.last);
  w.end_object();
}

void decryption_side(W& w, JsonKey key, const model::DecryptionSide& s) {
  w.key(key).begin_object().field("keys", s.keys).field("records", s.records).field("application_data_bytes", s.plaintext_bytes);
  if (s.failed) {
    frame_field(w, "failed_at", s.failed_at);
    w.field_text("failure", s.failure);
  } else {
    w.field_null("failed_at").field_null("failure");
  }
  text_or_null(w, "ended", s.ended);
  w.end_object();
}

}  // namespace

void write_tls(W& w, const model::TlsFacts& t, const std::optional<int64_t>& certificates_judged_at_s) {
  w.begin_object().field("direct", t.direct).key("client_hello");
  if (t.client_hello) {
    const auto& ch = *t.client_hello;
    w.begin_object();
    frame_field(w, "at", t.client_hello_at);
    w.field("count", t.client_hello_count)
        .field("legacy_version", text::version_text(ch.legacy_version))
        .field("max_version", text::version_text(ch.max_offered_version()));
    u16_list(w, "supported_versions", ch.supported_versions);
    suites(w.key("cipher_suites"), ch.cipher_suites);
    text_or_null(w, "sni", ch.sni);
    u16_list(w, "supported_groups", ch.supported_groups);
    u16_list(w, "signature_algorithms", ch.signature_algorithms);
    w.key("alpn").begin_array();
    for (const auto& a : ch.alpn) w.text(a);
    w.end_array().field("sslv2_format", ch.sslv2_format).end_object();
  } else {
    w.null();
  }
  w.key("server_hello");
  if (t.server_hello) {
    const auto& sh = *t.server_hello;
    const text::Hex16 suite = text::hex16(sh.cipher_suite);
    w.begin_object();
    frame_field(w, "at", t.server_hello_at);
    w.field("version", text::version_text(sh.negotiated_version()))
        .field("cipher_suite", suite.view())
        .field("cipher_suite_name", tls::cipher_suite_name(sh.cipher_suite))
        .end_object();
  } else {
    w.null();
  }
  frame_field(w, "hello_retry_request", t.hello_retry_at);
  frame_field(w, "certificate_at", t.certificate_at);
  w.key("certificates").begin_array();
  for (const auto& c : t.certificates) certificate(w, c);
  w.end_array();
  frame_field(w, "certificate_request", t.certificate_request_at);
  w.key("alerts").begin_array();
  for (const auto& a : t.alerts) {
    const bool readable = !a.encrypted || a.decrypted;
    w.begin_object();
    frame_field(w, "at", a.at);
    w.field("from", model::direction_name(a.from)).field("encrypted", a.encrypted);
    if (readable)
      w.field("level", a.alert.level == 2 ? "fatal" : "warning")
          .field("description", a.alert.description)
          .field("name", tls::alert_description_name(a.alert.description));
    else
      w.field_null("level").field_null("description").field_null("name");
    if (a.decrypted) w.field("decrypted", true);
    w.end_object();
  }
  w.end_array();
  encrypted_traffic(w, "client_encrypted", t.client_encrypted);
  encrypted_traffic(w, "server_encrypted", t.server_encrypted);
  w.field("handshake_complete", t.handshake_complete());
  text_or_null(w, "client_error", t.client_error);
  text_or_null(w, "server_error", t.server_error);
  if (t.decryption.keys_given && t.client_hello) {  // only when key material was given
    w.key("decryption").begin_object().field("status", model::decryption_status_name(t.decryption.status));
    text_or_null(w, "detail", t.decryption.detail);
    w.field_text("text", model::decryption_text(t.decryption));
    decryption_side(w, "client", t.decryption.client);
    decryption_side(w, "server", t.decryption.server);
    w.end_object();
  }
  if (certificates_judged_at_s) w.field("certificates_checked_at", text::utc_seconds(*certificates_judged_at_s));
  // Under TLS 1.3 the certificate is encrypted: one that was read came from decryption.
  if (!t.certificates.empty() && t.server_hello && t.server_hello->negotiated_version() >= 0x0304)
    w.field("certificates_decrypted", true);
  w.end_object();
}

}  // namespace rdpcap::report::json
