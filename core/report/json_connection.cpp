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

// GCC version "0x00080004" or null.
void gcc_version(W& w, const std::optional<uint32_t>& v) {
  if (v)
    w.field("version", fmt::format("0x{:08x}", *v));
  else
    w.field_null("version");
}

void negotiation(W& w, const model::NegotiationFacts& n) {
  w.begin_object().key("request");
  if (n.request) {
    const auto& r = *n.request;
    w.begin_object();
    frame_field(w, "at", n.request_at);
    text_or_null(w, "cookie", r.cookie);
    text_or_null(w, "routing_token", r.routing_token);
    w.field("has_neg_req", r.has_neg_req);
    if (r.has_neg_req)
      w.field("requested_protocols", r.requested_protocols).field("requested", proto::protocols_text(r.requested_protocols));
    else
      w.field_null("requested_protocols").field_null("requested");
    w.field("flags", r.neg_flags);
    if (r.has_correlation_info)
      w.field("correlation_id", r.correlation_id_hex);
    else
      w.field_null("correlation_id");
    w.end_object();
  } else {
    w.null();
  }
  w.key("confirm");
  if (n.confirm) {
    const auto& c = *n.confirm;
    using Kind = proto::ConnectionConfirm::Kind;
    w.begin_object();
    frame_field(w, "at", n.confirm_at);
    w.field("kind", c.kind == Kind::legacy ? "legacy" : c.kind == Kind::response ? "response" : "failure");
    if (c.kind == Kind::response) {
      w.field("selected_protocol", c.selected_protocol)
          .field("selected", proto::protocols_text(c.selected_protocol))
          .field("flags", c.neg_flags);
    } else if (c.kind == Kind::failure) {
      w.field("failure_code", c.failure_code).field("failure", proto::failure_code_name(c.failure_code));
    }
    w.end_object();
  } else {
    w.null();
  }
  w.key("mcs");
  if (n.client_gcc || n.server_gcc) {
    w.begin_object().key("client");
    if (n.client_gcc) {
      const auto& g = *n.client_gcc;
      w.begin_object();
      frame_field(w, "at", n.client_data_at);
      gcc_version(w, g.version);
      w.field("build", g.client_build).field_text("name", g.client_name).key("encryption_methods");
      if (g.encryption_methods)
        w.value(proto::encryption_methods_text(*g.encryption_methods));
      else
        w.null();
      w.end_object();
    } else {
      w.null();
    }
    w.key("server");
    if (n.server_gcc) {
      const auto& g = *n.server_gcc;
      w.begin_object();
      frame_field(w, "at", n.server_data_at);
      gcc_version(w, g.version);
      w.key("encryption_method");
      if (g.encryption_method)
        w.value(proto::encryption_methods_text(*g.encryption_method));
      else
        w.null();
      w.key("encryption_level");
      if (g.encryption_level)
        w.value(proto::encryption_level_name(*g.encryption_level));
      else
        w.null();
      w.field("certificate", g.cert_kind == 1 ? "proprietary" : g.cert_kind == 2 ? "x509" : nullptr).end_object();
    } else {
      w.null();
    }
    w.end_object();
  } else {
    w.null();
  }
  frame_field(w, "disconnect", n.disconnect_at);
  text_or_null(w, "error", n.parse_error);
  w.end_object();
}

void tcp_facts(W& w, const model::TcpFacts& t) {
  w.begin_object();
  frame_field(w, "syn", t.syn);
  w.field("syn_count", t.syn_count);
  frame_field(w, "syn_ack", t.syn_ack);
  frame_field(w, "client_fin", t.client_fin);
  frame_field(w, "server_fin", t.server_fin);
  frame_field(w, "client_rst", t.client_rst);
  frame_field(w, "server_rst", t.server_rst);
  w.field("handshake_seen", t.saw_handshake).key("icmp").begin_array();
  for (const auto& i : t.icmp) {
    w.begin_object();
    frame_field(w, "at", i.at);
    w.field("from", i.reporter)
        .field("type", i.type)
        .field("code", i.code)
        .field("meaning", text::icmp_unreachable_text(i.v6, i.type, i.code))
        .end_object();
  }
  w.end_array()
      .field("client_packets", t.client_packets)
      .field("server_packets", t.server_packets)
      .field("client_bytes", t.client_bytes)
      .field("server_bytes", t.server_bytes)
      .field("client_gaps", t.client_gaps)
      .field("server_gaps", t.server_gaps)
      .end_object();
}

}  // namespace

void write_finding(W& w, const rules::Finding& f) {
  w.begin_object().field("code", f.code).field("severity", rules::severity_name(f.severity)).field_text("title", f.title);
  if (f.frame)
    w.field("frame", f.frame);
  else
    w.field_null("frame");
  w.key("evidence").begin_array();
  for (const auto& e : f.evidence) {
    w.begin_object().field_text("key", e.key).field_text("value", e.value);
    if (e.frame)
      time_field(w.field("frame", e.frame), "time", e.time_us);
    else
      w.field_null("frame").field_null("time");
    w.end_object();
  }
  w.end_array().field("remediation", f.remediation);
  if (f.client_error.empty())
    w.field_null("client_error");
  else
    w.field("client_error", f.client_error);
  if (f.server_event.empty())
    w.field_null("server_event");
  else
    w.field("server_event", f.server_event);
  if (f.judged_at_s) w.field("judged_at", text::utc_seconds(*f.judged_at_s));  // certificate findings only
  w.end_object();
}

void write_connection(W& w, const session::ConnectionResult& r) {
  const auto& c = r.summary;
  w.begin_object()
      .field("id", c.id)
      .field("client", text::endpoint(c.client_ip, c.client_port))
      .field("server", text::endpoint(c.server_ip, c.server_port))
      .field("first_frame", c.first.frame)
      .field("last_frame", c.last.frame);
  time_field(w, "start", c.first.time_us);
  time_field(w, "end", c.last.time_us)
      .field("found_by", c.rdp_by_content ? "content" : "port")
      .field("stage", model::stage_name(c.stage))
      .field("outcome", rules::outcome_name(r.verdict.outcome))
      .field_text("verdict", r.verdict.text)
      .field("ended_by_capture", c.ended_by_capture);
  tcp_facts(w.key("tcp"), c.tcp);
  w.key("proxy");
  if (c.proxy.socks5) {
    w.begin_object().field("kind", "socks5").field_text("target", c.proxy.target);
    frame_field(w, "request", c.proxy.request_at);
    frame_field(w, "reply", c.proxy.reply_at);
    if (c.proxy.replied)
      w.field("reply_code", c.proxy.reply_code);
    else
      w.field_null("reply_code");
    w.end_object();
  } else {
    w.null();
  }
  negotiation(w.key("negotiation"), c.negotiation);
  write_tls(w.key("tls"), c.tls, r.certificates_judged_at_s);
  w.key("timeline").begin_array();
  for (const auto& e : c.timeline) {
    time_field(w.begin_object().field("frame", e.at.frame), "time", e.at.time_us)
        .field("from", model::direction_name(e.from))
        .field_text("event", text::event_text(e))
        .field("failure", e.failure)
        .end_object();
  }
  w.end_array().field("timeline_truncated", c.timeline_truncated).key("limits_hit").begin_array();
  for (const auto& l : c.limits_hit) w.value(l);
  w.end_array().key("findings").begin_array();
  for (const auto& f : r.findings) write_finding(w, f);
  w.end_array();
  if (c.inner->plaintext_seen) write_inner(w.key("inner"), *c.inner);
  w.end_object();
}
}  // namespace rdpcap::report::json
