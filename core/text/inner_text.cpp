#include "text/inner_text.hpp"

#include <fmt/format.h>

#include "proto/credssp.hpp"
#include "proto/inner_names.hpp"
#include "proto/mcs.hpp"
#include "proto/rdp_pdus.hpp"

namespace rdpcap::text {

namespace {

std::string at(const model::FrameRef& r) { return r.frame ? fmt::format(" (frame {})", r.frame) : std::string(); }

std::string join(const std::vector<std::string>& parts, const char* sep = ", ") {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string credssp_version(const std::optional<uint32_t>& v) { return v ? fmt::format("v{}", *v) : "none"; }

std::string nla_line(const model::InnerFacts& f) {
  if (!f.client_credssp_version && !f.server_credssp_version) return "";
  std::vector<std::string> parts;
  parts.push_back(fmt::format("CredSSP client {}, server {} ({} + {} TSRequests)", credssp_version(f.client_credssp_version),
                              credssp_version(f.server_credssp_version), f.client_ts_requests, f.server_ts_requests));
  std::string package = f.package.empty() ? std::string("package not seen") : "package " + f.package;
  if (f.spnego) package += " in SPNEGO";
  if (!f.offered_mechs.empty()) package += " (offered " + join(f.offered_mechs) + ")";
  parts.push_back(package);
  if (f.ntlm_after_kerberos) parts.push_back("Kerberos, then a fallback to NTLM");
  if (!f.spn.empty())
    parts.push_back("Kerberos ticket for " + f.spn + (f.spn_realm.empty() ? "" : "@" + f.spn_realm) + at(f.spn_at));
  if (f.error_code)
    parts.push_back(fmt::format("errorCode {} from the {}{}",
                                proto::names::label(*f.error_code, proto::names::auth_status(*f.error_code)),
                                model::direction_name(f.error_from), at(f.error_at)));
  if (f.auth_info_at.seen())
    parts.push_back("the client sent its credentials (TSCredentials)" + at(f.auth_info_at));
  else if (f.client_pub_key_auth.seen() && !f.server_pub_key_auth.seen() && !f.error_code)
    parts.push_back("no answer from the server to the client's authentication");
  return join(parts, "; ");
}

std::string ntlm_server_line(const model::InnerFacts& f) {
  if (!f.ntlm_challenge) return "";
  const auto& c = *f.ntlm_challenge;
  std::vector<std::string> parts;
  if (!c.nb_computer.empty()) parts.push_back("NetBIOS name " + c.nb_computer);
  if (!c.nb_domain.empty()) parts.push_back("NetBIOS domain " + c.nb_domain);
  if (!c.dns_computer.empty()) parts.push_back("DNS name " + c.dns_computer);
  if (!c.dns_domain.empty()) parts.push_back("DNS domain " + c.dns_domain);
  if (!c.windows_version.empty()) parts.push_back("Windows " + c.windows_version);
  if (parts.empty() && !c.target_name.empty()) parts.push_back("target " + c.target_name);
  return "CHALLENGE" + at(c.at) + ": " + (parts.empty() ? std::string("no target info") : join(parts));
}

std::string ntlm_client_line(const model::InnerFacts& f) {
  if (!f.ntlm_authenticate) return "";
  const auto& a = *f.ntlm_authenticate;
  if (a.anonymous) return "AUTHENTICATE" + at(a.at) + ": anonymous";
  std::string user = a.domain.empty() ? a.user : a.domain + "\\" + a.user;
  return fmt::format("AUTHENTICATE{}: user {}{}{}", at(a.at), user.empty() ? "(empty)" : user,
                     a.workstation.empty() ? "" : " from " + a.workstation, a.ntlm_v2 ? ", NTLMv2" : ", NTLMv1");
}

std::string euar_line(const model::InnerFacts& f) {
  if (!f.euar_result) return "";
  return fmt::format("Early User Authorization Result {} (0x{:08x}){}", proto::rdp::euar_name(*f.euar_result),
                     *f.euar_result, at(f.euar_at));
}

std::string mcs_line(const model::InnerFacts& f) {
  std::vector<std::string> parts;
  if (f.client_gcc) {
    const auto& g = *f.client_gcc;
    std::string c = "client";
    if (!g.client_name.empty()) c += " " + g.client_name;
    if (g.client_build) c += fmt::format(" build {}", *g.client_build);
    if (g.version) c += fmt::format(", RDP version 0x{:08x}", *g.version);
    if (!g.channels.empty()) c += ", channels " + join(g.channels, " ");
    parts.push_back(c + at(f.client_gcc_at));
  }
  if (f.server_gcc) {
    const auto& g = *f.server_gcc;
    parts.push_back(g.version ? fmt::format("server RDP version 0x{:08x}{}", *g.version, at(f.server_gcc_at))
                              : "server answered" + at(f.server_gcc_at));
  }
  if (f.attach_user_result && *f.attach_user_result != 0)
    parts.push_back(fmt::format("Attach User refused (result {})", *f.attach_user_result));
  if (f.channels_joined || f.channel_join_failures)
    parts.push_back(fmt::format("{} channels joined{}", f.channels_joined,
                                f.channel_join_failures ? fmt::format(", {} refused", f.channel_join_failures) : ""));
  return join(parts, "; ");
}

std::string sequence_line(const model::InnerFacts& f) {
  if (f.phase == model::RdpPhase::none) return "";
  std::string out = fmt::format("reached {}{}", model::rdp_phase_name(f.phase),
                                at(f.phase_at[static_cast<size_t>(f.phase)]));
  std::vector<std::string> parts;
  if (!f.client_info_user.empty() || !f.client_info_domain.empty())
    parts.push_back("Client Info for " +
                    (f.client_info_domain.empty() ? f.client_info_user : f.client_info_domain + "\\" + f.client_info_user) +
                    at(f.client_info_at));
  if (f.demand_active_at.seen()) parts.push_back("Demand Active" + at(f.demand_active_at));
  if (f.confirm_active_at.seen()) parts.push_back("Confirm Active" + at(f.confirm_active_at));
  if (f.font_map_at.seen()) parts.push_back("Font Map" + at(f.font_map_at));
  if (f.logon_at.seen()) parts.push_back("logon notification" + at(f.logon_at));
  if (f.deactivate_all_at.seen()) parts.push_back("Deactivate All" + at(f.deactivate_all_at));
  if (f.client_fast_path || f.server_fast_path)
    parts.push_back(fmt::format("fast-path PDUs {} from the client, {} from the server", f.client_fast_path,
                                f.server_fast_path));
  if (!parts.empty()) out += "; " + join(parts);
  return out;
}

std::string licensing_line(const model::InnerFacts& f) {
  if (!f.license_msg_type && !f.license_error) return "";
  if (f.license_error) {
    std::string out = "Error Alert " + proto::names::label(*f.license_error, proto::names::licensing_error(*f.license_error));
    if (f.license_state_transition) {
      const char* st = proto::names::licensing_state_name(*f.license_state_transition);
      out += st ? fmt::format(", {}", st) : fmt::format(", state transition {}", *f.license_state_transition);
    }
    return out + at(f.license_at);
  }
  return fmt::format("{}{}", proto::rdp::license_message_name(*f.license_msg_type), at(f.license_at));
}

std::string error_info_line(const model::InnerFacts& f) {
  if (!f.set_error_info) return "";
  return proto::names::label(*f.set_error_info, proto::names::error_info(*f.set_error_info)) +
         (f.set_error_info_count > 1 ? fmt::format(" ({} Set Error Info PDUs)", f.set_error_info_count) : "") +
         at(f.set_error_info_at);
}

std::string disconnect_line(const model::InnerFacts& f) {
  if (!f.dpu_at.seen()) return "";
  return fmt::format("MCS Disconnect Provider Ultimatum from the {}, reason {}{}", model::direction_name(f.dpu_from),
                     proto::mcs::reason_name(f.dpu_reason.value_or(0xff)), at(f.dpu_at));
}

std::string problems_line(const model::InnerFacts& f) {
  std::vector<std::string> parts;
  if (!f.parse_error.empty())
    parts.push_back(fmt::format("the {} sent a PDU that could not be decoded: {}{}", model::direction_name(f.parse_error_from),
                                f.parse_error, at(f.parse_error_at)));
  if (f.buffer_limit_hit) parts.push_back("a PDU exceeded the decoding limit");
  return join(parts, "; ");
}

}  // namespace

std::vector<InnerLine> inner_lines(const model::InnerFacts& f) {
  std::vector<InnerLine> out;
  if (!f.plaintext_seen) return out;
  const auto add = [&](const char* label, const char* title, std::string value) {
    if (!value.empty()) out.push_back({label, title, std::move(value)});
  };
  add("nla", "NLA", nla_line(f));
  add("ntlm server", "NTLM server", ntlm_server_line(f));
  add("ntlm client", "NTLM client", ntlm_client_line(f));
  add("authorization", "User authorization", euar_line(f));
  add("mcs", "MCS", mcs_line(f));
  add("sequence", "Connection sequence", sequence_line(f));
  add("licensing", "Licensing", licensing_line(f));
  add("error info", "Set Error Info", error_info_line(f));
  add("disconnect", "Disconnect", disconnect_line(f));
  add("decoding", "Inner decoding", problems_line(f));
  return out;
}

}  // namespace rdpcap::text
