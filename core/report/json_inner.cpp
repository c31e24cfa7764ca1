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

}  // namespace rdpcap::report::json
