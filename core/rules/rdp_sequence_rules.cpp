// What the decrypted RDP connection sequence (MS-RDPBCGR 1.3.1.1) says:
// the Early User Authorization Result (2.2.10.2), Set Error Info (2.2.5.1.1),
// licensing Error Alert (2.2.1.12.1.3) and a server's Disconnect Provider
// Ultimatum (T.125) before the session ran. Facts read from plaintext.
#include <fmt/format.h>

#include "proto/inner_names.hpp"
#include "proto/mcs.hpp"
#include "proto/rdp_pdus.hpp"
#include "rules/rule_context.hpp"

namespace rdpcap::rules {

namespace {

using model::RdpPhase;
using proto::names::Weight;

void phase_evidence(FindingBuilder& b, const model::InnerFacts& f) {
  b.evidence("connection sequence reached", model::rdp_phase_name(f.phase),
             f.phase_at[static_cast<size_t>(f.phase)]);
}

void euar(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  if (!f.euar_result || *f.euar_result == proto::rdp::euar::success) return;
  const uint32_t r = *f.euar_result;
  out.push_back(FindingBuilder("rdp.authorization_denied", Severity::error,
                               fmt::format("NLA succeeded, then the server's Early User Authorization Result said {} "
                                           "(0x{:08X}): the user may not log on through Remote Desktop Services",
                                           proto::rdp::euar_name(r), r))
                    .at(f.euar_at)
                    .evidence("Early User Authorization Result", fmt::format("0x{:08X} {}", r, proto::rdp::euar_name(r)), f.euar_at)
                    .evidence("credentials sent (authInfo)", "", f.auth_info_at)
                    .remediation("Add the user (or a group of theirs) to 'Remote Desktop Users' on the server, or grant "
                                 "'Allow log on through Remote Desktop Services' and remove 'Deny log on through Remote "
                                 "Desktop Services' in the server's User Rights Assignment (or the GPO that sets it).")
                    .client_error("mstsc: 'The connection was denied because the user account is not authorized for "
                                  "remote login' (0x904 / extended 0x7 in some versions)")
                    .server_event("Security 4625 failure reason 'The user has not been granted the requested logon type'")
                    .build());
}

void set_error_info(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  if (!f.set_error_info) return;
  const uint32_t code = *f.set_error_info;
  const auto* known = proto::names::error_info(code);
  const Weight w = known ? known->weight : Weight::failure;
  if (w == Weight::normal || w == Weight::info) return;
  const bool failure = w == Weight::failure;
  const std::string label = proto::names::label(code, known);
  FindingBuilder b(failure ? "rdp.error_info" : "rdp.session_ended_by_server", failure ? Severity::error : Severity::warning,
                   fmt::format("The server sent Set Error Info {}{}", label,
                               known ? std::string(": ") + known->meaning : std::string()));
  b.at(f.set_error_info_at).evidence("errorInfo", label, f.set_error_info_at);
  phase_evidence(b, f);
  if (f.deactivate_all_at.seen()) b.evidence("Deactivate All", "", f.deactivate_all_at);
  if (f.dpu_at.seen())
    b.evidence("Disconnect Provider Ultimatum",
               fmt::format("from the {}, reason {}", model::direction_name(f.dpu_from), proto::mcs::reason_name(f.dpu_reason.value_or(0xff))),
               f.dpu_at);
  b.remediation(known && *known->fix ? std::string(known->fix)
                                     : std::string("Look the code up in MS-RDPBCGR 2.2.5.1.1 and the server's "
                                                   "RemoteDesktopServices-RdpCoreTS log at this time."))
      .client_error(known && *known->user_sees ? fmt::format("mstsc: '{}'", known->user_sees) : std::string())
      .server_event("Microsoft-Windows-TerminalServices-LocalSessionManager/Operational; RemoteDesktopServices-RdpCoreTS");
  out.push_back(b.build());
}

void licensing(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  if (!f.license_error) return;
  const uint32_t code = *f.license_error;
  const auto* known = proto::names::licensing_error(code);
  if (known && known->weight == Weight::normal) return;  // STATUS_VALID_CLIENT: no licence needed
  const std::string label = fmt::format("0x{:X} {}", code, known ? known->name : "(unknown)");
  FindingBuilder b("rdp.licensing_failed", Severity::error,
                   fmt::format("Licensing failed: the server's Error Alert says {}{}", label,
                               known ? std::string(": ") + known->meaning : std::string()));
  b.at(f.license_at)
      .evidence("dwErrorCode", label, f.license_at)
      .evidence("dwStateTransition",
                f.license_state_transition ? proto::names::licensing_state_name(*f.license_state_transition) : "",
                f.license_at);
  b.remediation(known && *known->fix ? std::string(known->fix)
                                     : std::string("Check the RD Licensing configuration (RD Licensing Diagnoser) on the "
                                                   "session host."))
      .client_error(known && *known->user_sees ? fmt::format("mstsc: '{}'", known->user_sees) : std::string())
      .server_event("TerminalServices-Licensing / RemoteDesktopServices-RdpCoreTS");
  out.push_back(b.build());
}

// A server's Disconnect Provider Ultimatum before the session ran, with no
// Set Error Info or licensing error to explain it.
void server_disconnect(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  if (!f.dpu_at.seen() || f.dpu_from != model::Direction::server_to_client) return;
  if (f.phase >= RdpPhase::session_running || f.logon_at.seen()) return;
  if (f.set_error_info || f.license_error || (f.euar_result && *f.euar_result != 0)) return;
  FindingBuilder b("rdp.server_disconnected_during_setup", Severity::error,
                   fmt::format("The server sent MCS Disconnect Provider Ultimatum ({}) during the connection sequence, "
                               "at {}",
                               proto::mcs::reason_name(f.dpu_reason.value_or(0xff)), model::rdp_phase_name(f.phase)));
  b.at(f.dpu_at).evidence("Disconnect Provider Ultimatum", fmt::format("reason {}", proto::mcs::reason_name(f.dpu_reason.value_or(0xff))), f.dpu_at);
  phase_evidence(b, f);
  if (f.deactivate_all_at.seen()) b.evidence("Deactivate All", "", f.deactivate_all_at);
  b.remediation("The server ended the RDP connection sequence without an error code: check the server's "
                "RemoteDesktopServices-RdpCoreTS and TerminalServices logs at this time (session limits, policy, "
                "a failed channel or graphics setup).")
      .client_error("mstsc 0x904 (extended 0x7): the connection was ended during setup");
  out.push_back(b.build());
}

}  // namespace

void rdp_sequence_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  if (!ctx.conn.inner->plaintext_seen) return;
  euar(ctx, out);
  set_error_info(ctx, out);
  licensing(ctx, out);
  server_disconnect(ctx, out);
}

}  // namespace rdpcap::rules
