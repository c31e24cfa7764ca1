// JSON of a connection's TLS handshake (RFC 5246 / RFC 8446 messages as the
// parser saw them), its certificates (X.509 facts) and its decryption status.
#include <fmt/format.h>

#include "report/json_parts.hpp"
#include "text/wire_text.hpp"
#include "tls/tls_names.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::report::json {

namespace {

Json u16_list(const std::vector<uint16_t>& values) {
  Json out = Json::array();
  for (uint16_t v : values) out.push_back(v);
  return out;
}

Json suites_json(const std::vector<uint16_t>& suites) {
  Json out = Json::array();
  for (uint16_t s : suites) {
    const char* name = tls::cipher_suite_name(s);
    out.push_back(Json{{"id", fmt::format("0x{:04x}", s)}, {"name", name ? Json(name) : Json(nullptr)}});
  }
  return out;
}

Json certificate_json(const x509::CertificateFacts& c) {
  Json j;
  j["parsed"] = c.parsed;
  if (!c.parsed) {
    j["error"] = text(c.parse_error);
    return j;
  }
  j["subject"] = text(c.subject);
  j["subject_cn"] = text(c.subject_cn);
  j["issuer"] = text(c.issuer);
  j["serial"] = c.serial_hex;
  j["not_before"] = text::utc_seconds(c.not_before);
  j["not_after"] = text::utc_seconds(c.not_after);
  j["key_type"] = c.key_type;
  j["key_bits"] = c.key_bits;
  if (!c.ec_curve.empty()) j["ec_curve"] = c.ec_curve;
  j["signature_algorithm"] = c.signature_algorithm;
  Json dns = Json::array(), ips = Json::array(), ekus = Json::array();
  for (const auto& d : c.san_dns) dns.push_back(text(d));
  for (const auto& i : c.san_ip) ips.push_back(text(i));
  for (const auto& e : c.eku_oids) ekus.push_back(e);
  j["san_dns"] = dns;
  j["san_ip"] = ips;
  j["eku"] = c.has_eku ? ekus : Json(nullptr);
  j["self_signed"] = c.self_signed;
  j["is_ca"] = c.is_ca;
  j["sha256"] = c.sha256_fingerprint;
  j["der_size"] = c.der_size;
  return j;
}

}  // namespace

Json tls_json(const model::TlsFacts& t) {
  Json j;
  j["direct"] = t.direct;
  if (t.client_hello) {
    const auto& ch = *t.client_hello;
    Json alpn = Json::array();
    for (const auto& a : ch.alpn) alpn.push_back(text(a));
    j["client_hello"] = {{"at", frame_json(t.client_hello_at)},
                         {"count", t.client_hello_count},
                         {"legacy_version", text::version_text(ch.legacy_version)},
                         {"max_version", text::version_text(ch.max_offered_version())},
                         {"supported_versions", u16_list(ch.supported_versions)},
                         {"cipher_suites", suites_json(ch.cipher_suites)},
                         {"sni", ch.sni.empty() ? Json(nullptr) : Json(text(ch.sni))},
                         {"supported_groups", u16_list(ch.supported_groups)},
                         {"signature_algorithms", u16_list(ch.signature_algorithms)},
                         {"alpn", alpn},
                         {"sslv2_format", ch.sslv2_format}};
  } else {
    j["client_hello"] = nullptr;
  }
  if (t.server_hello) {
    const auto& sh = *t.server_hello;
    j["server_hello"] = {{"at", frame_json(t.server_hello_at)},
                         {"version", text::version_text(sh.negotiated_version())},
                         {"cipher_suite", fmt::format("0x{:04x}", sh.cipher_suite)},
                         {"cipher_suite_name", tls::cipher_suite_name(sh.cipher_suite)
                                                   ? Json(tls::cipher_suite_name(sh.cipher_suite))
                                                   : Json(nullptr)}};
  } else {
    j["server_hello"] = nullptr;
  }
  j["hello_retry_request"] = frame_json(t.hello_retry_at);
  Json chain = Json::array();
  for (const auto& c : t.certificates) chain.push_back(certificate_json(c));
  j["certificate_at"] = frame_json(t.certificate_at);
  j["certificates"] = chain;
  j["certificate_request"] = frame_json(t.certificate_request_at);
  Json alerts = Json::array();
  for (const auto& a : t.alerts) {
    const char* name = tls::alert_description_name(a.alert.description);
    alerts.push_back({{"at", frame_json(a.at)},
                      {"from", model::direction_name(a.from)},
                      {"encrypted", a.encrypted},
                      {"level", a.encrypted && !a.decrypted ? Json(nullptr) : Json(a.alert.level == 2 ? "fatal" : "warning")},
                      {"description", a.encrypted && !a.decrypted ? Json(nullptr) : Json(a.alert.description)},
                      {"name", (!a.encrypted || a.decrypted) && name ? Json(name) : Json(nullptr)}});
    if (a.decrypted) alerts.back()["decrypted"] = true;
  }
  j["alerts"] = alerts;
  const auto traffic = [](const model::EncryptedTraffic& e) {
    return Json{{"records", e.records}, {"bytes", e.bytes}, {"first", frame_json(e.first)}, {"last", frame_json(e.last)}};
  };
  j["client_encrypted"] = traffic(t.client_encrypted);
  j["server_encrypted"] = traffic(t.server_encrypted);
  j["handshake_complete"] = t.handshake_complete();
  j["client_error"] = t.client_error.empty() ? Json(nullptr) : Json(text(t.client_error));
  j["server_error"] = t.server_error.empty() ? Json(nullptr) : Json(text(t.server_error));
  if (t.decryption.keys_given && t.client_hello) {  // only when key material was given
    const auto side = [](const model::DecryptionSide& s) {
      return Json{{"keys", s.keys},
                  {"records", s.records},
                  {"application_data_bytes", s.plaintext_bytes},
                  {"failed_at", s.failed ? frame_json(s.failed_at) : Json(nullptr)},
                  {"failure", s.failed ? Json(text(s.failure)) : Json(nullptr)},
                  {"ended", s.ended.empty() ? Json(nullptr) : Json(text(s.ended))}};
    };
    j["decryption"] = Json{{"status", model::decryption_status_name(t.decryption.status)},
                           {"detail", t.decryption.detail.empty() ? Json(nullptr) : Json(text(t.decryption.detail))},
                           {"text", text(model::decryption_text(t.decryption))},
                           {"client", side(t.decryption.client)},
                           {"server", side(t.decryption.server)}};
  }
  return j;
}

}  // namespace rdpcap::report::json
