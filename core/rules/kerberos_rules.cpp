// Cleartext Kerberos (RFC 4120 5.9.1 KRB-ERROR) that the client of an RDP
// connection received from its KDC (TCP/UDP 88) during the connection's
// setup window, or inside SPNEGO: the KDC's answer names the failure that
// NLA only shows as a closed connection. The analyzer attaches only errors
// of the same client IP and time window (session/kerberos_watch.hpp).
// KDC_ERR_PREAUTH_REQUIRED (25) and other normal answers are not findings.
#include <fmt/format.h>

#include "proto/inner_names.hpp"
#include "rules/rule_context.hpp"

namespace rdpcap::rules {

void kerberos_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& f = *ctx.conn.inner;
  for (const auto& e : f.kerberos_errors) {
    const auto* known = proto::names::kdc_error(static_cast<uint32_t>(e.error_code));
    if (known && (known->weight == proto::names::Weight::normal || known->weight == proto::names::Weight::info)) continue;
    const std::string label = proto::names::kdc_label(static_cast<uint32_t>(e.error_code));
    FindingBuilder b("kerberos.kdc_error", Severity::warning,
                     fmt::format("{} answered the client's Kerberos request with {}{}",
                                 e.in_credssp ? "The server (inside CredSSP)" : "The KDC " + e.kdc_ip, label,
                                 known ? std::string(": ") + known->meaning : std::string()));
    b.at(e.at).evidence("KRB-ERROR", label, e.at);
    if (!e.sname.empty()) b.evidence("service requested (sname)", e.sname + (e.realm.empty() ? "" : "@" + e.realm), e.at);
    if (!e.cname.empty()) b.evidence("client principal (cname)", e.cname, e.at);
    if (!e.stime.empty()) b.evidence("KDC time (stime)", e.stime, e.at);
    const model::KerberosRequestFact* asked = nullptr;  // the client's last request before this answer
    for (const auto& r : f.kerberos_requests)
      if (r.at.frame < e.at.frame && !r.sname.empty()) asked = &r;
    if (asked)
      b.evidence("requested before", fmt::format("{} for {}", asked->msg_type == 10 ? "AS-REQ" : "TGS-REQ", asked->sname),
                 asked->at);
    b.remediation(known && *known->fix ? std::string(known->fix)
                                       : std::string("Look the code up in RFC 4120 7.5.9 and the DC's Security log "
                                                     "(events 4768/4769/4771)."))
        .client_error(known && *known->user_sees ? fmt::format("mstsc: '{}'", known->user_sees) : std::string())
        .server_event("Domain controller Security 4768/4769 (ticket requests) or 4771 (pre-authentication failed)");
    out.push_back(b.build());
    if (out.size() > 64) break;
  }
}

}  // namespace rdpcap::rules
