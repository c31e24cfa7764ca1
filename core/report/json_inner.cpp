// JSON of what the decrypted records said (issue 11): CredSSP (MS-CSSP
// 2.2.1), SPNEGO/Kerberos, NTLM (MS-NLMP 2.2.1.2-2.2.1.3), the Early User
// Authorization Result (MS-RDPBCGR 2.2.10.2), MCS/GCC, licensing, Set Error
// Info and Disconnect Provider Ultimatum.
#include "proto/inner_names.hpp"
#include "proto/mcs.hpp"
#include "proto/rdp_pdus.hpp"
#include "report/json_parts.hpp"
#include "text/inner_text.hpp"

namespace rdpcap::report::json {

namespace {

// {"code": N, "name": "..."|null, "label": "..."} or null.
void code_text(W& w, JsonKey key, const std::optional<uint32_t>& c,
               const proto::names::CodeText* (*lookup)(uint32_t)) {
  if (!c) {
    w.field_null(key);
    return;
  }
  const proto::names::CodeText* known = lookup(*c);
  w.key(key)
      .begin_object()
      .field("code", *c)
      .field("name", known ? known->name : nullptr)
      .field("label", proto::names::label(*c, known))
      .end_object();
}

}  // namespace

// What the decrypted records said (issue 11): present only when decryption
// gave plaintext; every value here came from decryption ("decrypted": true).
void write_inner(W& w, const model::InnerFacts& f) {
  w.begin_object()
      .field("decrypted", true)
      .field("client_bytes", f.client_bytes)
      .field("server_bytes", f.server_bytes)
      .key("credssp")
      .begin_object()
      .field("client_version", f.client_credssp_version)
      .field("server_version", f.server_credssp_version)
      .field("client_ts_requests", f.client_ts_requests)
      .field("server_ts_requests", f.server_ts_requests);
  text_or_null(w, "package", f.package);
  w.field("spnego", f.spnego).key("offered_mechs").begin_array();
  for (const auto& m : f.offered_mechs) w.text(m);
  w.end_array().field("kerberos_attempted", f.kerberos_attempted).field("ntlm_after_kerberos", f.ntlm_after_kerberos);
  text_or_null(w, "spn", f.spn);
  text_or_null(w, "spn_realm", f.spn_realm);
  code_text(w, "error_code", f.error_code, proto::names::auth_status);
  if (f.error_code)
    w.field("error_from", model::direction_name(f.error_from));
  else
    w.field_null("error_from");
  frame_field(w, "error_at", f.error_at);
  frame_field(w, "credentials_sent", f.auth_info_at);
  w.end_object().key("ntlm");
  if (f.ntlm_challenge || f.ntlm_authenticate) {
    w.begin_object();
    if (f.ntlm_challenge) {
      const auto& c = *f.ntlm_challenge;
      w.key("challenge").begin_object();
      frame_field(w, "at", c.at);
      w.field_text("target_name", c.target_name)
          .field_text("netbios_computer", c.nb_computer)
          .field_text("netbios_domain", c.nb_domain)
          .field_text("dns_computer", c.dns_computer)
          .field_text("dns_domain", c.dns_domain);
      text_or_null(w, "windows_version", c.windows_version);
      w.end_object();
    }
    if (f.ntlm_authenticate) {
      const auto& a = *f.ntlm_authenticate;
      w.key("authenticate").begin_object();
      frame_field(w, "at", a.at);
      w.field_text("domain", a.domain)
          .field_text("user", a.user)
          .field_text("workstation", a.workstation)
          .field("anonymous", a.anonymous)
          .field("ntlm_v2", a.ntlm_v2)
          .end_object();
    }
    w.end_object();
  } else {
    w.null();
  }
  w.key("early_user_authorization");
  if (f.euar_result) {
    w.begin_object().field("result", *f.euar_result).field("name", proto::rdp::euar_name(*f.euar_result));
    frame_field(w, "at", f.euar_at);
    w.end_object();
  } else {
    w.null();
  }
  w.key("mcs").begin_object();
  if (f.client_gcc) {
    w.key("client").begin_object();
    frame_field(w, "at", f.client_gcc_at);
    w.field_text("name", f.client_gcc->client_name)
        .field("build", f.client_gcc->client_build)
        .field("version", f.client_gcc->version)
        .key("channels")
        .begin_array();
    for (const auto& ch : f.client_gcc->channels) w.text(ch);
    w.end_array().end_object();
  }
  if (f.server_gcc) {
    w.key("server").begin_object();
    frame_field(w, "at", f.server_gcc_at);
    w.field("version", f.server_gcc->version).end_object();
  }
  w.field("channels_joined", f.channels_joined).field("channel_join_failures", f.channel_join_failures).end_object();
  w.field("phase", model::rdp_phase_name(f.phase));
  frame_field(w, "phase_at", f.phase_at[static_cast<size_t>(f.phase)]);
  w.key("client_info");
  if (f.client_info_at.seen()) {
    w.begin_object().field_text("domain", f.client_info_domain).field_text("user", f.client_info_user);
    frame_field(w, "at", f.client_info_at);
    w.end_object();
  } else {
    w.null();
  }
  code_text(w, "license_error_alert", f.license_error, proto::names::licensing_error);
  code_text(w, "set_error_info", f.set_error_info, proto::names::error_info);
  w.key("disconnect_ultimatum");
  if (f.dpu_at.seen()) {
    w.begin_object()
        .field("from", model::direction_name(f.dpu_from))
        .field("reason", proto::mcs::reason_name(f.dpu_reason.value_or(0xff)));
    frame_field(w, "at", f.dpu_at);
    w.end_object();
  } else {
    w.null();
  }
  text_or_null(w, "decoding_error", f.parse_error);
  w.key("summary").begin_array();
  for (const auto& l : text::inner_lines(f)) w.text(l.label + ": " + l.value);
  w.end_array().end_object();
}
}  // namespace rdpcap::report::json
