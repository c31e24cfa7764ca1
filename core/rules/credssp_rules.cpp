// After TLS: the NLA (CredSSP, MS-CSSP) exchange runs inside TLS and is not
// readable, but its failure has a shape: TLS completes, a few records pass,
// then the server ends the connection at once.
#include <fmt/format.h>

#include "proto/rdp_negotiation.hpp"
#include "rules/rule_context.hpp"

namespace rdpcap::rules {

namespace {
constexpr uint64_t kFewRecords = 12;         // a CredSSP exchange is a handful of records
constexpr int64_t kQuickClose_us = 30000000; // server gave up within 30 s of the handshake
bool nla_selected(const model::ConnectionSummary& c) {
  if (!c.negotiation.confirm) return c.tls.direct && c.server_port == 3389;  // direct approach
  const uint32_t sel = c.negotiation.confirm->selected_protocol;
  return sel == proto::protocol::hybrid || sel == proto::protocol::hybrid_ex;
}

// The client dropped TCP (no close_notify) after a short exchange inside an
// NLA connection: it abandoned the CredSSP authentication.
void client_closed(const RuleContext& ctx, const Closure& end, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& t = c.tls;
  if (!nla_selected(c) || t.client_encrypted.records > kFewRecords) return;
  // TLS 1.3 hides close_notify among the encrypted records, so a normal
  // close cannot be told apart: only judge TLS <= 1.2.
  if (t.server_hello->negotiated_version() >= 0x0304) return;
  for (const auto& a : t.alerts)
    if (a.from == model::Direction::client_to_server) return;  // a TLS close or rejection: other rules
  out.push_back(FindingBuilder("credssp.client_closed", Severity::warning,
                               fmt::format("TLS completed, then the client {} the connection after a short CredSSP "
                                           "exchange: it abandoned Network Level Authentication",
                                           end.how()))
                    .at(end.at)
                    .evidence("encrypted records",
                              fmt::format("client {}, server {} after the handshake", t.client_encrypted.records,
                                          t.server_encrypted.records),
                              t.client_encrypted.first)
                    .evidence(fmt::format("{} by client", end.reset ? "RST" : "FIN"), "", end.at)
                    .remediation("The client gave up during NLA: the user cancelled the credential prompt, the "
                                 "credentials were rejected on the client side, or the client could not verify the "
                                 "server (Kerberos/NTLM policy, CredSSP 'Encryption Oracle Remediation'). A retry "
                                 "that succeeds right after points to a first wrong password.")
                    .client_error("mstsc: credential prompt cancelled or 'An authentication error has occurred'")
                    .build());
}

}  // namespace

void credssp_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& t = c.tls;
  if (!t.handshake_complete()) return;
  const Closure end = first_closure(c);
  if (!end.seen) return;
  if (end.by == model::Direction::client_to_server) {
    client_closed(ctx, end, out);
    return;
  }
  const model::FrameRef done = earliest({t.client_encrypted.first});
  if (end.at.time_us - done.time_us > kQuickClose_us) return;
  if (t.client_encrypted.records > kFewRecords) return;
  // The client started the shutdown (close_notify is an encrypted alert):
  // an ordinary end of session, not a server-side failure.
  for (const auto& a : t.alerts)
    if (a.from == model::Direction::client_to_server && a.at.frame <= end.at.frame) return;
  // Only where RDP is known to run inside: after an X.224 negotiation, or
  // TLS from the first byte on 3389 (the direct approach, always CredSSP).
  const bool direct_rdp = !c.negotiation.confirm && c.tls.direct && c.server_port == 3389;
  if (!c.negotiation.confirm && !direct_rdp) return;
  const bool nla = direct_rdp || (c.negotiation.confirm->selected_protocol == proto::protocol::hybrid ||
                                  c.negotiation.confirm->selected_protocol == proto::protocol::hybrid_ex);
  const std::string records = fmt::format("client {} record{}, server {} record{} after the handshake",
                                          t.client_encrypted.records, t.client_encrypted.records == 1 ? "" : "s",
                                          t.server_encrypted.records, t.server_encrypted.records == 1 ? "" : "s");
  if (nla) {
    out.push_back(FindingBuilder("credssp.server_closed", Severity::error,
                                 fmt::format("TLS completed, then the server {} the connection after a short exchange: "
                                             "Network Level Authentication (CredSSP) most likely failed",
                                             end.how()))
                      .at(end.at)
                      .evidence("selected protocol",
                                direct_rdp ? std::string("direct approach (TLS + CredSSP)")
                                           : proto::selected_protocol_text(c.negotiation.confirm->selected_protocol),
                                c.negotiation.confirm_at)
                      .evidence("encrypted records", records, t.client_encrypted.first)
                      .evidence(fmt::format("{} by server", end.reset ? "RST" : "FIN"),
                                text::duration(end.at.time_us - done.time_us) + " after the client's first encrypted record",
                                end.at)
                      .remediation("The server ended the NLA exchange. Usual causes: wrong user name or password, an "
                                   "account that is locked, expired or lacks 'Allow log on through Remote Desktop "
                                   "Services', a CredSSP 'Encryption Oracle Remediation' mismatch between patched and "
                                   "unpatched machines (CVE-2018-0886), NTLM disabled by policy, or a clock skew that "
                                   "breaks Kerberos. Check the server's Security log (event 4625) for the reason.")
                      .client_error("mstsc: 'An authentication error has occurred' or 0x904 (extended 0x7)")
                      .server_event("Security 4625 (logon failure); Microsoft-Windows-RemoteDesktopServices-RdpCoreTS")
                      .build());
  } else {
    out.push_back(FindingBuilder("rdp.server_closed_after_tls", Severity::error,
                                 fmt::format("TLS completed, then the server {} the connection after a short exchange",
                                             end.how()))
                      .at(end.at)
                      .evidence("encrypted records", records, t.client_encrypted.first)
                      .evidence(fmt::format("{} by server", end.reset ? "RST" : "FIN"), "", end.at)
                      .remediation("The server dropped the connection inside the encrypted RDP setup (licensing, "
                                   "session limits, policy). Check the server's TerminalServices and "
                                   "RemoteDesktopServices-RdpCoreTS event logs at this time.")
                      .client_error("mstsc 0x904 (extended 0x7): the connection was ended during setup")
                      .build());
  }
}

}  // namespace rdpcap::rules
