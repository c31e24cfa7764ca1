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
}  // namespace

void credssp_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& t = c.tls;
  if (!t.handshake_complete()) return;
  const Closure end = first_closure(c);
  if (!end.seen || end.by != model::Direction::server_to_client) return;
  const model::FrameRef done = earliest({t.client_encrypted.first});
  if (end.at.time_us - done.time_us > kQuickClose_us) return;
  if (t.client_encrypted.records > kFewRecords) return;
  // The client started the shutdown (close_notify is an encrypted alert):
  // an ordinary end of session, not a server-side failure.
  for (const auto& a : t.alerts)
    if (a.from == model::Direction::client_to_server && a.at.frame <= end.at.frame) return;
  const bool nla = c.negotiation.confirm &&
                   (c.negotiation.confirm->selected_protocol == proto::protocol::hybrid ||
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
                      .evidence("selected protocol", proto::selected_protocol_text(c.negotiation.confirm->selected_protocol),
                                c.negotiation.confirm_at)
                      .evidence("encrypted records", records, t.client_encrypted.first)
                      .evidence(fmt::format("{} by server", end.reset ? "RST" : "FIN"),
                                format_duration(end.at.time_us - done.time_us) + " after the client's first encrypted record",
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
