// JSON schema "rdpcap/1" (README.md, "JSON output"). Key order is fixed
// (ordered_json) and every capture string is made valid UTF-8, so the same
// input always gives byte-identical output.
#include "report/json_report.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "proto/inner_names.hpp"
#include "proto/mcs.hpp"
#include "proto/rdp_negotiation.hpp"
#include "proto/rdp_pdus.hpp"
#include "rules/rule_context.hpp"
#include "text/event_text.hpp"
#include "text/inner_text.hpp"
#include "text/time_text.hpp"
#include "text/wire_text.hpp"
#include "tls/tls_names.hpp"
#include "tls/tls_parser.hpp"
#include "util/escape.hpp"

namespace rdpcap::report {

using Json = nlohmann::ordered_json;
using model::FrameRef;

namespace {

std::string text(const std::string& s) { return util::sanitize_utf8(s); }

Json frame_json(const FrameRef& r) {
  if (!r.seen()) return nullptr;
  return Json{{"frame", r.frame}, {"time", text::iso_time(r.time_us)}};
}

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

Json negotiation_json(const model::NegotiationFacts& n) {
  Json j;
  if (n.request) {
    const auto& r = *n.request;
    j["request"] = {{"at", frame_json(n.request_at)},
                    {"cookie", r.cookie.empty() ? Json(nullptr) : Json(text(r.cookie))},
                    {"routing_token", r.routing_token.empty() ? Json(nullptr) : Json(text(r.routing_token))},
                    {"has_neg_req", r.has_neg_req},
                    {"requested_protocols", r.has_neg_req ? Json(r.requested_protocols) : Json(nullptr)},
                    {"requested", r.has_neg_req ? Json(proto::protocols_text(r.requested_protocols)) : Json(nullptr)},
                    {"flags", r.neg_flags},
                    {"correlation_id", r.has_correlation_info ? Json(r.correlation_id_hex) : Json(nullptr)}};
  } else {
    j["request"] = nullptr;
  }
  if (n.confirm) {
    const auto& c = *n.confirm;
    using Kind = proto::ConnectionConfirm::Kind;
    Json cj{{"at", frame_json(n.confirm_at)},
            {"kind", c.kind == Kind::legacy ? "legacy" : c.kind == Kind::response ? "response" : "failure"}};
    if (c.kind == Kind::response) {
      cj["selected_protocol"] = c.selected_protocol;
      cj["selected"] = proto::protocols_text(c.selected_protocol);
      cj["flags"] = c.neg_flags;
    } else if (c.kind == Kind::failure) {
      const char* name = proto::failure_code_name(c.failure_code);
      cj["failure_code"] = c.failure_code;
      cj["failure"] = name ? Json(name) : Json(nullptr);
    }
    j["confirm"] = cj;
  } else {
    j["confirm"] = nullptr;
  }
  if (n.client_gcc || n.server_gcc) {
    Json mcs;
    if (n.client_gcc) {
      const auto& g = *n.client_gcc;
      mcs["client"] = {{"at", frame_json(n.client_data_at)},
                       {"version", g.version ? Json(fmt::format("0x{:08x}", *g.version)) : Json(nullptr)},
                       {"build", g.client_build ? Json(*g.client_build) : Json(nullptr)},
                       {"name", text(g.client_name)},
                       {"encryption_methods", g.encryption_methods
                                                  ? Json(proto::encryption_methods_text(*g.encryption_methods))
                                                  : Json(nullptr)}};
    } else {
      mcs["client"] = nullptr;
    }
    if (n.server_gcc) {
      const auto& g = *n.server_gcc;
      mcs["server"] = {{"at", frame_json(n.server_data_at)},
                       {"version", g.version ? Json(fmt::format("0x{:08x}", *g.version)) : Json(nullptr)},
                       {"encryption_method", g.encryption_method
                                                 ? Json(proto::encryption_methods_text(*g.encryption_method))
                                                 : Json(nullptr)},
                       {"encryption_level", g.encryption_level ? Json(proto::encryption_level_name(*g.encryption_level))
                                                               : Json(nullptr)},
                       {"certificate", g.cert_kind == 1   ? Json("proprietary")
                                       : g.cert_kind == 2 ? Json("x509")
                                                          : Json(nullptr)}};
    } else {
      mcs["server"] = nullptr;
    }
    j["mcs"] = mcs;
  } else {
    j["mcs"] = nullptr;
  }
  j["disconnect"] = frame_json(n.disconnect_at);
  j["error"] = n.parse_error.empty() ? Json(nullptr) : Json(text(n.parse_error));
  return j;
}

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

Json tcp_json(const model::TcpFacts& t) {
  Json icmp = Json::array();
  for (const auto& i : t.icmp)
    icmp.push_back({{"at", frame_json(i.at)}, {"from", i.reporter}, {"type", i.type}, {"code", i.code},
                    {"meaning", text::icmp_unreachable_text(i.v6, i.type, i.code)}});
  return Json{{"syn", frame_json(t.syn)},
              {"syn_count", t.syn_count},
              {"syn_ack", frame_json(t.syn_ack)},
              {"client_fin", frame_json(t.client_fin)},
              {"server_fin", frame_json(t.server_fin)},
              {"client_rst", frame_json(t.client_rst)},
              {"server_rst", frame_json(t.server_rst)},
              {"handshake_seen", t.saw_handshake},
              {"icmp", icmp},
              {"client_packets", t.client_packets},
              {"server_packets", t.server_packets},
              {"client_bytes", t.client_bytes},
              {"server_bytes", t.server_bytes},
              {"client_gaps", t.client_gaps},
              {"server_gaps", t.server_gaps}};
}

Json finding_json(const rules::Finding& f) {
  Json evidence = Json::array();
  for (const auto& e : f.evidence)
    evidence.push_back({{"key", text(e.key)},
                        {"value", text(e.value)},
                        {"frame", e.frame ? Json(e.frame) : Json(nullptr)},
                        {"time", e.frame ? Json(text::iso_time(e.time_us)) : Json(nullptr)}});
  Json j{{"code", f.code},
         {"severity", rules::severity_name(f.severity)},
         {"title", text(f.title)},
         {"frame", f.frame ? Json(f.frame) : Json(nullptr)},
         {"evidence", evidence},
         {"remediation", f.remediation},
         {"client_error", f.client_error.empty() ? Json(nullptr) : Json(f.client_error)},
         {"server_event", f.server_event.empty() ? Json(nullptr) : Json(f.server_event)}};
  if (f.judged_at_s) j["judged_at"] = text::utc_seconds(*f.judged_at_s);  // certificate findings only
  return j;
}

// What the decrypted records said (issue 11): present only when decryption
// gave plaintext; every value here came from decryption ("decrypted": true).
Json inner_json(const model::InnerFacts& f) {
  const auto opt = [](const auto& o) { return o ? Json(*o) : Json(nullptr); };
  const auto code = [](const std::optional<uint32_t>& c, const proto::names::CodeText* known) {
    if (!c) return Json(nullptr);
    return Json{{"code", *c}, {"name", known ? Json(known->name) : Json(nullptr)}, {"label", proto::names::label(*c, known)}};
  };
  Json mechs = Json::array();
  for (const auto& m : f.offered_mechs) mechs.push_back(text(m));
  Json credssp{{"client_version", opt(f.client_credssp_version)},
               {"server_version", opt(f.server_credssp_version)},
               {"client_ts_requests", f.client_ts_requests},
               {"server_ts_requests", f.server_ts_requests},
               {"package", f.package.empty() ? Json(nullptr) : Json(text(f.package))},
               {"spnego", f.spnego},
               {"offered_mechs", mechs},
               {"kerberos_attempted", f.kerberos_attempted},
               {"ntlm_after_kerberos", f.ntlm_after_kerberos},
               {"spn", f.spn.empty() ? Json(nullptr) : Json(text(f.spn))},
               {"spn_realm", f.spn_realm.empty() ? Json(nullptr) : Json(text(f.spn_realm))},
               {"error_code", code(f.error_code, f.error_code ? proto::names::auth_status(*f.error_code) : nullptr)},
               {"error_from", f.error_code ? Json(model::direction_name(f.error_from)) : Json(nullptr)},
               {"error_at", frame_json(f.error_at)},
               {"credentials_sent", frame_json(f.auth_info_at)}};
  Json ntlm = nullptr;
  if (f.ntlm_challenge || f.ntlm_authenticate) {
    ntlm = Json::object();
    if (f.ntlm_challenge) {
      const auto& c = *f.ntlm_challenge;
      ntlm["challenge"] = {{"at", frame_json(c.at)},
                           {"target_name", text(c.target_name)},
                           {"netbios_computer", text(c.nb_computer)},
                           {"netbios_domain", text(c.nb_domain)},
                           {"dns_computer", text(c.dns_computer)},
                           {"dns_domain", text(c.dns_domain)},
                           {"windows_version", c.windows_version.empty() ? Json(nullptr) : Json(text(c.windows_version))}};
    }
    if (f.ntlm_authenticate) {
      const auto& a = *f.ntlm_authenticate;
      ntlm["authenticate"] = {{"at", frame_json(a.at)},
                              {"domain", text(a.domain)},
                              {"user", text(a.user)},
                              {"workstation", text(a.workstation)},
                              {"anonymous", a.anonymous},
                              {"ntlm_v2", a.ntlm_v2}};
    }
  }
  Json mcs = Json::object();
  if (f.client_gcc) {
    Json channels = Json::array();
    for (const auto& ch : f.client_gcc->channels) channels.push_back(text(ch));
    mcs["client"] = {{"at", frame_json(f.client_gcc_at)},
                     {"name", text(f.client_gcc->client_name)},
                     {"build", opt(f.client_gcc->client_build)},
                     {"version", opt(f.client_gcc->version)},
                     {"channels", channels}};
  }
  if (f.server_gcc) mcs["server"] = {{"at", frame_json(f.server_gcc_at)}, {"version", opt(f.server_gcc->version)}};
  mcs["channels_joined"] = f.channels_joined;
  mcs["channel_join_failures"] = f.channel_join_failures;
  Json lines = Json::array();
  for (const auto& l : text::inner_lines(f)) lines.push_back(text(l.label + ": " + l.value));
  return Json{{"decrypted", true},
              {"client_bytes", f.client_bytes},
              {"server_bytes", f.server_bytes},
              {"credssp", credssp},
              {"ntlm", ntlm},
              {"early_user_authorization",
               !f.euar_result
                   ? Json(nullptr)
                   : Json{{"result", *f.euar_result}, {"name", proto::rdp::euar_name(*f.euar_result)}, {"at", frame_json(f.euar_at)}}},
              {"mcs", mcs},
              {"phase", model::rdp_phase_name(f.phase)},
              {"phase_at", frame_json(f.phase_at[static_cast<size_t>(f.phase)])},
              {"client_info", f.client_info_at.seen() ? Json{{"domain", text(f.client_info_domain)},
                                                            {"user", text(f.client_info_user)},
                                                            {"at", frame_json(f.client_info_at)}}
                                                      : Json(nullptr)},
              {"license_error_alert", code(f.license_error, f.license_error ? proto::names::licensing_error(*f.license_error) : nullptr)},
              {"set_error_info", code(f.set_error_info, f.set_error_info ? proto::names::error_info(*f.set_error_info) : nullptr)},
              {"disconnect_ultimatum", f.dpu_at.seen() ? Json{{"from", model::direction_name(f.dpu_from)},
                                                              {"reason", proto::mcs::reason_name(f.dpu_reason.value_or(0xff))},
                                                              {"at", frame_json(f.dpu_at)}}
                                                        : Json(nullptr)},
              {"decoding_error", f.parse_error.empty() ? Json(nullptr) : Json(text(f.parse_error))},
              {"summary", lines}};
}

Json connection_json(const session::ConnectionResult& r) {
  const auto& c = r.summary;
  Json timeline = Json::array();
  for (const auto& e : c.timeline)
    timeline.push_back({{"frame", e.at.frame},
                        {"time", text::iso_time(e.at.time_us)},
                        {"from", model::direction_name(e.from)},
                        {"event", text(text::event_text(e))},
                        {"failure", e.failure}});
  Json findings = Json::array();
  for (const auto& f : r.findings) findings.push_back(finding_json(f));
  Json limits = Json::array();
  for (const auto& l : c.limits_hit) limits.push_back(l);
  Json tls = tls_json(c.tls);
  if (r.certificates_judged_at_s) tls["certificates_checked_at"] = text::utc_seconds(*r.certificates_judged_at_s);
  // Under TLS 1.3 the certificate is encrypted: one that was read came from decryption.
  if (!c.tls.certificates.empty() && c.tls.server_hello && c.tls.server_hello->negotiated_version() >= 0x0304)
    tls["certificates_decrypted"] = true;
  Json out{{"id", c.id},
              {"client", text::endpoint(c.client_ip, c.client_port)},
              {"server", text::endpoint(c.server_ip, c.server_port)},
              {"first_frame", c.first.frame},
              {"last_frame", c.last.frame},
              {"start", text::iso_time(c.first.time_us)},
              {"end", text::iso_time(c.last.time_us)},
              {"found_by", c.rdp_by_content ? "content" : "port"},
              {"stage", model::stage_name(c.stage)},
              {"outcome", rules::outcome_name(r.verdict.outcome)},
              {"verdict", text(r.verdict.text)},
              {"ended_by_capture", c.ended_by_capture},
              {"tcp", tcp_json(c.tcp)},
              {"proxy", c.proxy.socks5 ? Json{{"kind", "socks5"},
                                              {"target", text(c.proxy.target)},
                                              {"request", frame_json(c.proxy.request_at)},
                                              {"reply", frame_json(c.proxy.reply_at)},
                                              {"reply_code", c.proxy.replied ? Json(c.proxy.reply_code) : Json(nullptr)}}
                                       : Json(nullptr)},
              {"negotiation", negotiation_json(c.negotiation)},
              {"tls", tls},
              {"timeline", timeline},
              {"timeline_truncated", c.timeline_truncated},
              {"limits_hit", limits},
              {"findings", findings}};
  if (c.inner.plaintext_seen) out["inner"] = inner_json(c.inner);
  return out;
}

Json servers_json(const session::AnalysisResult& result) {
  std::map<std::string, std::vector<const session::ConnectionResult*>> by_server;
  for (const auto& r : result.connections) by_server[rules::server_key(r.summary)].push_back(&r);
  Json out = Json::array();
  for (const auto& [server, conns] : by_server) {
    std::map<std::string, int> completed;
    std::map<std::string, int> outcomes;
    Json ids = Json::array();
    for (const auto* r : conns) {
      ids.push_back(r->summary.id);
      ++outcomes[rules::outcome_name(r->verdict.outcome)];
      const auto& t = r->summary.tls;
      if (t.handshake_complete())
        ++completed[text::version_text(t.server_hello->negotiated_version()) + " " +
                    text::suite_text(t.server_hello->cipher_suite)];
    }
    Json accepted = Json::array();
    for (const auto& [what, n] : completed) accepted.push_back({{"tls", what}, {"handshakes", n}});
    Json outcome_counts;
    for (const auto& [o, n] : outcomes) outcome_counts[o] = n;
    out.push_back({{"server", server}, {"connections", ids}, {"outcomes", outcome_counts}, {"tls_completed", accepted}});
  }
  return out;
}

Json capture_json(const session::AnalysisResult& result, const std::string& capture_name) {
  const auto& s = result.stats;
  std::map<std::string, int> sev;
  for (const auto& r : result.connections)
    for (const auto& f : r.findings) ++sev[rules::severity_name(f.severity)];
  Json j{{"file", text(capture_name)},
              {"frames", s.frames},
              {"bytes", s.bytes},
              {"first_time", s.frames ? Json(text::iso_time(s.first_time_us)) : Json(nullptr)},
              {"last_time", s.frames ? Json(text::iso_time(s.last_time_us)) : Json(nullptr)},
              {"reference_time", result.reference_time_s ? Json(text::utc_seconds(*result.reference_time_s))
                                                         : Json(nullptr)},
              {"tcp_segments", s.tcp_segments},
              {"undecodable_frames", s.undecodable_frames},
              {"unsupported_link_frames", s.unsupported_link_frames},
              {"segments_over_flow_cap", s.segments_over_flow_cap},
              {"connections", result.connections.size()},
              {"findings", {{"error", sev["error"]}, {"warning", sev["warning"]}, {"info", sev["info"]}}}};
  if (!s.notes.empty()) {  // a capture-wide cap was hit (session::Limits); absent otherwise
    j["connections_not_reported"] = s.connections_not_reported;
    j["buffer_budget_hits"] = s.buffer_budget_hits;
    Json notes = Json::array();
    for (const auto& n : s.notes) notes.push_back(text(n));
    j["notes"] = notes;
  }
  return j;
}

// Terminal safety: JSON allows DEL, C1 controls (U+0080..U+009F: U+009B is
// CSI to an 8-bit terminal) and bidi/zero-width characters raw inside
// strings; capture bytes can put them there, so they leave as \uXXXX escapes
// (the same set util::escape_text escapes). The dump is valid UTF-8 (replace
// handler) and these bytes only occur inside strings.
std::string escape_terminal_controls(std::string in) {
  std::string out;
  out.reserve(in.size());
  const auto u = [&out](unsigned cp) { out += fmt::format("\\u{:04x}", cp); };
  for (size_t i = 0; i < in.size(); ++i) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(i + k < in.size() ? in[i + k] : 0); };
    if (b(0) == 0x7F) {
      u(0x7F);
    } else if (b(0) == 0xC2 && b(1) >= 0x80 && b(1) <= 0x9F) {
      u(b(1));
      i += 1;
    } else if (b(0) == 0xE2 && ((b(1) == 0x80 && ((b(2) >= 0x8B && b(2) <= 0x8F) || (b(2) >= 0xAA && b(2) <= 0xAE))) ||
                                (b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9))) {
      u(0x2000u | ((b(1) & 0x0Fu) << 6) | (b(2) & 0x3Fu));
      i += 2;
    } else if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
      u(0xFEFF);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string dump(const Json& j, int indent) {
  return escape_terminal_controls(j.dump(indent, ' ', false, Json::error_handler_t::replace));
}

}  // namespace

namespace {

// The document, handed to `emit` piece by piece (header, then each connection).
template <typename Emit>
void emit_json(const session::AnalysisResult& result, const std::string& capture_name, Emit&& emit) {
  Json doc;
  doc["schema"] = json_schema;
  doc["tool"] = {{"name", "rdpcap-analyze"}, {"version", RDPCAP_VERSION}};
  doc["capture"] = capture_json(result, capture_name);
  doc["servers"] = servers_json(result);
  doc["connections"] = Json::array();
  std::string out = dump(doc, 2);  // ends with `"connections": []` and `}`
  if (result.connections.empty()) {
    emit(out);
    return;
  }
  // One connection's DOM at a time (about 55 KB each), dumped and indented as
  // it would be inside the whole document: memory stays flat however many
  // connections a capture holds, and the text is the same.
  const size_t tail = out.rfind("[]");
  out.resize(tail);
  out += "[\n";
  emit(out);
  for (size_t i = 0; i < result.connections.size(); ++i) {
    const std::string one = dump(connection_json(result.connections[i]), 2);
    out.clear();
    size_t from = 0;
    while (from < one.size()) {  // JSON strings hold no raw newline: lines are structure
      const size_t nl = one.find('\n', from);
      const size_t end = nl == std::string::npos ? one.size() : nl;
      out.append(4, ' ').append(one, from, end - from);
      if (nl == std::string::npos) break;
      out += '\n';
      from = nl + 1;
    }
    out += i + 1 < result.connections.size() ? ",\n" : "\n";
    emit(out);
  }
  emit(std::string("  ]\n}"));
}

}  // namespace

std::string render_json(const session::AnalysisResult& result, const std::string& capture_name) {
  std::string out;
  emit_json(result, capture_name, [&out](const std::string& piece) { out += piece; });
  return out + "\n";
}

void write_json(const session::AnalysisResult& result, const std::string& capture_name, std::FILE* out,
                bool final_newline) {
  emit_json(result, capture_name, [out](const std::string& piece) { std::fwrite(piece.data(), 1, piece.size(), out); });
  if (final_newline) std::fputc('\n', out);
}

std::string render_ndjson(const session::AnalysisResult& result, const std::string& capture_name) {
  std::string out;
  for (const auto& r : result.connections) {
    Json line;
    line["schema"] = json_schema;
    line["record"] = "connection";
    line["capture"] = text(capture_name);
    line["connection"] = connection_json(r);
    out += dump(line, -1) + "\n";
  }
  return out;
}

void StreamTotals::add(const session::ConnectionResult& r) {
  ++connections;
  for (const auto& f : r.findings) {
    if (f.severity == rules::Severity::error)
      ++errors;
    else if (f.severity == rules::Severity::warning)
      ++warnings;
    else
      ++infos;
  }
}

std::string render_ndjson_connection(const session::ConnectionResult& r, engine::EndReason why,
                                     const std::string& capture_name) {
  Json line;
  line["schema"] = json_schema;
  line["record"] = "connection";
  line["capture"] = text(capture_name);
  line["ended"] = engine::end_reason_name(why);
  line["connection"] = connection_json(r);
  return dump(line, -1) + "\n";
}

std::string render_ndjson_server(const engine::ServerRecord& k, const std::string& capture_name) {
  Json versions = Json::array(), suites = Json::array(), certificates = Json::array();
  for (const auto& [v, n] : k.versions) versions.push_back({{"version", text::version_text(v)}, {"handshakes", n}});
  for (const auto& [c, n] : k.suites) suites.push_back({{"suite", text::suite_text(c)}, {"handshakes", n}});
  for (const auto& c : k.certificates)
    certificates.push_back({{"sha256", c.sha256_fingerprint}, {"subject", text(c.subject)}, {"first", frame_json(c.first)}});
  Json line;
  line["schema"] = json_schema;
  line["record"] = "server";
  line["capture"] = text(capture_name);
  line["server"] = {{"server", text::endpoint(k.server_ip, k.server_port)},
                    {"connections", k.connections},
                    {"tls_versions", versions},
                    {"cipher_suites", suites},
                    {"certificates", certificates},
                    {"certificate_changed", k.certificates.size() > 1}};
  return dump(line, -1) + "\n";
}

std::string render_ndjson_amendment(const engine::Amendment& a, const std::string& capture_name) {
  Json added = Json::array(), removed = Json::array();
  for (const auto& f : a.added) added.push_back(finding_json(f));
  for (const auto& code : a.removed) removed.push_back(code);
  Json line;
  line["schema"] = json_schema;
  line["record"] = "amendment";
  line["capture"] = text(capture_name);
  line["amends"] = a.connection_id;
  line["added"] = added;
  line["removed"] = removed;
  line["outcome"] = rules::outcome_name(a.verdict.outcome);
  line["verdict"] = text(a.verdict.text);
  return dump(line, -1) + "\n";
}

std::string render_ndjson_capture(const session::AnalysisResult& result, const StreamTotals& totals,
                                  const std::string& capture_name) {
  Json summary = capture_json(result, capture_name);
  summary["connections"] = totals.connections;
  summary["findings"] = {{"error", totals.errors}, {"warning", totals.warnings}, {"info", totals.infos}};
  Json line;
  line["schema"] = json_schema;
  line["record"] = "capture";
  line["capture"] = text(capture_name);
  line["summary"] = summary;
  return dump(line, -1) + "\n";
}

}  // namespace rdpcap::report
