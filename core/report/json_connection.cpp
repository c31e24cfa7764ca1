// JSON of one connection (schema "rdpcap/1", README.md "JSON output"): its
// endpoints, verdict, TCP facts, proxy, X.224/RDP negotiation (MS-RDPBCGR
// 2.2.1.1-2.2.1.4), TLS (json_tls.cpp), timeline, findings and, when
// decryption gave plaintext, what was inside (json_inner.cpp). The same
// object is an element of the document's "connections" and the
// "connection" of an NDJSON record.
#include <fmt/format.h>

#include "proto/rdp_negotiation.hpp"
#include "report/json_parts.hpp"
#include "rules/rule_context.hpp"
#include "text/event_text.hpp"
#include "text/wire_text.hpp"

namespace rdpcap::report::json {

namespace {

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

}  // namespace

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

}  // namespace rdpcap::report::json
