// What the decrypted CredSSP exchange (MS-CSSP) says, when a key log made it
// readable (model::InnerFacts): the errorCode a side sent, the CredSSP
// version mismatch of CVE-2018-0886, credentials rejected without an
// errorCode, and the Kerberos -> NTLM fallback. Facts, not inferences.
#include <fmt/format.h>

#include "proto/inner_names.hpp"
#include "rules/rule_context.hpp"

namespace rdpcap::rules {

namespace {

using model::Direction;

std::string side(Direction d) { return d == Direction::client_to_server ? "client" : "server"; }

// Where the server's NTLM CHALLENGE says it is (MS-NLMP 2.2.1.2 target info).
void ntlm_identity(FindingBuilder& b, const model::InnerFacts& f) {
  if (!f.ntlm_challenge) return;
  const auto& c = *f.ntlm_challenge;
  std::string who = c.nb_computer.empty() ? c.target_name : c.nb_computer;
  if (!c.nb_domain.empty()) who = c.nb_domain + "\\" + who;
  if (!c.dns_computer.empty()) who += " (" + c.dns_computer + ")";
  if (!c.windows_version.empty()) who += ", Windows " + c.windows_version;
  b.evidence("NTLM server (CHALLENGE target info)", who, c.at);
}

void ntlm_user(FindingBuilder& b, const model::InnerFacts& f) {
  if (!f.ntlm_authenticate) return;
  const auto& a = *f.ntlm_authenticate;
  std::string user = a.domain.empty() ? a.user : a.domain + "\\" + a.user;
  if (a.anonymous) user = "(anonymous)";
  if (!a.workstation.empty()) user += " from workstation " + a.workstation;
  b.evidence("NTLM AUTHENTICATE user", user, a.at);
}

std::string package_text(const model::InnerFacts& f) {
  std::string p = f.package.empty() ? "unknown" : f.package;
  if (f.spnego) p += " (SPNEGO)";
  if (f.ntlm_after_kerberos) p = "Kerberos, then NTLM (fallback)";
  return p;
}

void error_code(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  if (!f.error_code) return;
  const uint32_t code = *f.error_code;
  const auto* known = proto::names::auth_status(code);
  const std::string label = proto::names::label(code, known);
  FindingBuilder b("credssp.error_code", Severity::error,
                   fmt::format("The {} refused Network Level Authentication with CredSSP errorCode {}{}", side(f.error_from),
                               label, known ? std::string(": ") + known->meaning : std::string()));
  b.at(f.error_at)
      .evidence("errorCode", label, f.error_at)
      .evidence("sent by", side(f.error_from) + " (the side that refused, whoever closed the connection after)", f.error_at)
      .evidence("security package", package_text(f), f.ntlm_used ? f.ntlm_at : f.kerberos_at);
  ntlm_identity(b, f);
  ntlm_user(b, f);
  if (!f.spn.empty()) b.evidence("Kerberos service principal", f.spn + (f.spn_realm.empty() ? "" : "@" + f.spn_realm), f.spn_at);
  b.remediation(known && *known->fix ? std::string(known->fix)
                                     : "Look the code up in [MS-ERREF]; the server's Security log (event 4625) gives the reason too.")
      .client_error(known && *known->user_sees ? fmt::format("mstsc: '{}'", known->user_sees)
                                                : std::string("mstsc: 'An authentication error has occurred'"))
      .server_event("Security 4625 (logon failure) with this status");
  out.push_back(b.build());
}

// CVE-2018-0886 (MS-CSSP 3.1.5.1.1 nonce/hash from version 5): a patched
// side at version >= 5 and an unpatched one below 5 with "Force Updated
// Clients" / "Mitigated" refuse each other; the connection closes without
// the client's credentials (authInfo).
void version_mismatch(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  if (!f.client_credssp_version || !f.server_credssp_version || f.auth_info_at.seen() || f.error_code) return;
  const uint32_t c = *f.client_credssp_version, s = *f.server_credssp_version;
  if ((c >= 5) == (s >= 5)) return;
  const Closure end = first_closure(ctx.conn);
  if (!end.seen) return;
  const bool client_old = c < 5;
  out.push_back(
      FindingBuilder("credssp.version_mismatch", Severity::error,
                     fmt::format("CredSSP version {} (client) against {} (server), then the {} ended the connection before "
                                 "credentials were sent: the CVE-2018-0886 Encryption Oracle Remediation refused the "
                                 "unpatched {}",
                                 c, s, end.who(), client_old ? "client" : "server"))
          .at(end.at)
          .evidence("client TSRequest version", std::to_string(c), f.client_first_ts_request)
          .evidence("server TSRequest version", std::to_string(s), f.server_first_ts_request)
          .evidence(fmt::format("{} by {}", end.reset ? "RST" : "FIN", end.who()), "", end.at)
          .remediation(fmt::format("Install the CredSSP update (May 2018 or later) on the {} (version below 5). Only as a "
                                   "stopgap: set 'Encryption Oracle Remediation' to 'Vulnerable' on the patched side.",
                                   client_old ? "client" : "server"))
          .client_error("mstsc: 'An authentication error has occurred. ... This could be due to CredSSP encryption "
                        "oracle remediation'")
          .server_event("System: CredSSP event 6041 (Encryption Oracle Remediation)")
          .build());
}

// MS-CSSP 3.1.5: after the client's NTLM AUTHENTICATE a server that accepts
// sends its pubKeyAuth. A server that closes instead, with no errorCode
// (FreeRDP and xrdp servers send none; Windows does), rejected the credentials.
void credentials_rejected(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  if (!f.ntlm_authenticate || f.error_code || f.auth_info_at.seen()) return;
  if (f.client_credssp_version && f.server_credssp_version &&
      (*f.client_credssp_version >= 5) != (*f.server_credssp_version >= 5))
    return;  // credssp.version_mismatch explains the close
  if (f.server_pub_key_auth.seen() && f.server_pub_key_auth.frame > f.ntlm_authenticate->at.frame) return;
  const Closure end = first_closure(ctx.conn);
  if (!end.seen || end.by != Direction::server_to_client || end.at.frame < f.ntlm_authenticate->at.frame) return;
  FindingBuilder b("credssp.credentials_rejected", Severity::error,
                   fmt::format("The server {} the connection right after the client's NTLM AUTHENTICATE, without an "
                               "errorCode: it rejected the credentials",
                               end.how()));
  b.at(end.at).evidence("security package", package_text(f), f.ntlm_at);
  ntlm_identity(b, f);
  ntlm_user(b, f);
  b.evidence(fmt::format("{} by server", end.reset ? "RST" : "FIN"), text::duration(end.at.time_us - f.ntlm_authenticate->at.time_us) + " after AUTHENTICATE", end.at)
      .remediation("Check the user name, domain and password the client sends (and that the account is enabled, not "
                   "locked or expired). The server's log (Windows Security 4625, or the FreeRDP/xrdp server log) "
                   "names the reason.")
      .client_error("mstsc: 'The logon attempt failed'; FreeRDP: ERRCONNECT_LOGON_FAILURE / AUTHENTICATIONERROR")
      .server_event("Security 4625 (logon failure)");
  out.push_back(b.build());
}

void kerberos_fallback(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  if (!f.ntlm_after_kerberos) return;
  FindingBuilder b("credssp.kerberos_fallback", Severity::info,
                   "NLA tried Kerberos, then fell back to NTLM");
  b.at(f.ntlm_at).evidence("Kerberos AP-REQ", f.spn.empty() ? std::string("sent") : "service principal " + f.spn, f.kerberos_at);
  b.evidence("NTLM", "first NTLM message", f.ntlm_at);
  ntlm_identity(b, f);
  b.remediation("NTLM works but is weaker and blocked where 'Restrict NTLM' applies. Make Kerberos work: connect by "
                "the server's DNS name (not an IP or alias), check the SPN TERMSRV/host (setspn -Q), and that the "
                "client reaches a domain controller on TCP/UDP 88.");
  out.push_back(b.build());
}

}  // namespace

void nla_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  if (!ctx.conn.inner->plaintext_seen) return;
  error_code(ctx, out);
  version_mismatch(ctx, out);
  credentials_rejected(ctx, out);
  kerberos_fallback(ctx, out);
}

}  // namespace rdpcap::rules
