// X.224 / RDP negotiation findings (MS-RDPBCGR 2.2.1.1, 2.2.1.2, 3.3.5.3.1).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "proto/rdp_negotiation.hpp"
#include "rules/rule_context.hpp"

namespace rdpcap::rules {

namespace {

namespace protocol = proto::protocol;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

struct FailureAdvice {
  const char* title;
  const char* remediation;
};

FailureAdvice failure_advice(uint32_t code) {
  switch (code) {
    case proto::failure::ssl_required_by_server:
      return {"The server requires TLS, but the client asked only for Standard RDP Security",
              "Let the client use TLS: do not force the RDP security layer on the client (FreeRDP /sec:rdp, "
              "'authentication level' settings), or update the client. Lowering the server's 'Require use of "
              "specific security layer' policy to RDP is not recommended."};
    case proto::failure::ssl_not_allowed_by_server:
      return {"The server allows only Standard RDP Security, but the client asked for TLS/NLA",
              "Set the server's security layer to Negotiate or SSL (Group Policy: Computer Configuration > "
              "Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session "
              "Host > Security > 'Require use of specific security layer'), and make sure it has a certificate."};
    case proto::failure::ssl_cert_not_on_server:
      return {"The server cannot do TLS: it has no usable Remote Desktop certificate",
              "Check the server's Remote Desktop certificate: it must exist in the 'Remote Desktop' certificate "
              "store with its private key, and NETWORK SERVICE must be able to read the key (Schannel event 36870 "
              "on failure). For the self-signed certificate, delete it from the 'Remote Desktop' store and restart "
              "Remote Desktop Services to regenerate it; for a deployed one, check the template and the thumbprint "
              "in Win32_TSGeneralSetting.SSLCertificateSHA1Hash."};
    case proto::failure::inconsistent_flags:
      return {"The server rejected the client's requested protocols as inconsistent",
              "The client requested an inconsistent combination (e.g. HYBRID without SSL). Update or reconfigure the "
              "client."};
    case proto::failure::hybrid_required_by_server:
      return {"The server requires Network Level Authentication (CredSSP), which the client did not offer",
              "Enable NLA/CredSSP on the client (mstsc: 'enablecredsspsupport:i:1' in the .rdp file; FreeRDP: do not "
              "use /sec:tls or /sec:rdp), or update the client. Only if the client cannot do NLA, untick 'Allow "
              "connections only from computers running Remote Desktop with Network Level Authentication' on the "
              "server (less secure)."};
    case proto::failure::ssl_with_user_auth_required_by_server:
      return {"The server requires TLS with user authentication, which the client did not offer",
              "Update or reconfigure the client to offer the protocol the server requires."};
    default:
      return {"The server refused the negotiation with an unknown failure code",
              "Compare the client's and server's Remote Desktop security settings."};
  }
}

void failure_finding(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& n = ctx.conn.negotiation;
  const uint32_t code = n.confirm->failure_code;
  const char* name = proto::failure_code_name(code);
  const FailureAdvice advice = failure_advice(code);
  const std::string requested =
      n.request && n.request->has_neg_req ? proto::protocols_text(n.request->requested_protocols) : "none (no RDP_NEG_REQ)";
  out.push_back(FindingBuilder(name ? "x224.neg_failure." + lower(name) : "x224.neg_failure.unknown", Severity::error,
                               advice.title)
                    .at(n.confirm_at)
                    .evidence("client requested", requested, n.request_at)
                    .evidence("server answered",
                              fmt::format("RDP_NEG_FAILURE {} ({})", name ? name : "unknown", code), n.confirm_at)
                    .remediation(advice.remediation)
                    .client_error("mstsc: the negotiation failure dialog (e.g. 'The remote computer requires Network "
                                  "Level Authentication' for HYBRID_REQUIRED_BY_SERVER)")
                    .build());
}

}  // namespace

void negotiation_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& n = c.negotiation;
  if (n.not_rdp && !n.request && !c.tls.client_hello) {
    // Joined mid-stream (or continued after the idle timeout), the first bytes
    // seen are not the start of the stream: e.g. fast-path PDUs of a Standard
    // RDP Security session (MS-RDPBCGR 2.2.9.1.2), neither TPKT nor TLS.
    if (!c.tcp.saw_handshake) return;
    out.push_back(FindingBuilder("x224.not_rdp", Severity::warning,
                                 "This connection on an RDP port does not start with RDP (TPKT/X.224) or TLS")
                      .at(n.parse_error_at)
                      .evidence("what", n.parse_error, n.parse_error_at)
                      .remediation("Another protocol uses this port, or the capture holds something that is not "
                                   "Remote Desktop. Check what listens on the server's port.")
                      .build());
    return;
  }
  if (!n.parse_error.empty() && !n.not_rdp) {
    out.push_back(FindingBuilder("x224.malformed", Severity::error, "Malformed TPKT/X.224 negotiation PDU")
                      .at(n.parse_error_at)
                      .evidence("problem", n.parse_error, n.parse_error_at)
                      .remediation("The negotiation bytes do not follow MS-RDPBCGR 2.2.1.1/2.2.1.2. A middlebox may "
                                   "be rewriting the traffic, or the peer is not a conforming RDP implementation.")
                      .build());
  }
  if (!n.confirm) return;
  using Kind = proto::ConnectionConfirm::Kind;
  const bool client_negotiated = n.request && n.request->has_neg_req;
  const uint32_t requested = client_negotiated ? n.request->requested_protocols : 0;

  if (n.confirm->kind == Kind::failure) {
    failure_finding(ctx, out);
    return;
  }
  if (n.confirm->kind == Kind::legacy && client_negotiated) {
    out.push_back(FindingBuilder("x224.legacy_server", Severity::warning,
                                 "The server ignored the client's negotiation request (no RDP_NEG_RSP): a legacy "
                                 "server that only does Standard RDP Security")
                      .at(n.confirm_at)
                      .evidence("client requested", proto::protocols_text(requested), n.request_at)
                      .evidence("server answered", "Connection Confirm without negotiation data", n.confirm_at)
                      .remediation("The server predates TLS for RDP (Windows Server 2003 or older, or an old "
                                   "appliance). Upgrade it; until then the connection has no server authentication.")
                      .build());
  }
  const bool standard = n.confirm->kind == Kind::legacy || n.confirm->selected_protocol == protocol::rdp;
  if (standard) {
    FindingBuilder b("x224.standard_security", Severity::warning,
                     "Standard RDP Security: no TLS, no server authentication, RC4 encryption");
    b.at(n.confirm_at)
        .evidence("client requested",
                  client_negotiated ? proto::protocols_text(requested) : "no RDP_NEG_REQ (legacy client)", n.request_at)
        .evidence("server selected", "RDP (Standard RDP Security)", n.confirm_at);
    if (n.client_gcc && n.client_gcc->encryption_methods)
      b.evidence("client encryption methods", proto::encryption_methods_text(*n.client_gcc->encryption_methods),
                 n.client_data_at);
    if (n.server_gcc && n.server_gcc->encryption_method)
      b.evidence("server encryption",
                 fmt::format("{}, level {}{}", proto::encryption_methods_text(*n.server_gcc->encryption_method),
                             proto::encryption_level_name(n.server_gcc->encryption_level.value_or(0)),
                             n.server_gcc->cert_kind == 1   ? ", proprietary server certificate"
                             : n.server_gcc->cert_kind == 2 ? ", X.509 server certificate"
                                                            : ""),
                 n.server_data_at);
    out.push_back(b.remediation("Standard RDP Security can be intercepted (no server authentication). Set the "
                                "server's security layer to SSL/TLS and require Network Level Authentication; on "
                                "the client, do not allow the RDP security layer.")
                      .build());
    if (n.server_gcc && n.server_gcc->encryption_method) {
      const uint32_t method = *n.server_gcc->encryption_method;
      const uint32_t level = n.server_gcc->encryption_level.value_or(0);
      if (method == proto::encryption::none || level == 0 || method == proto::encryption::bits40 ||
          method == proto::encryption::bits56) {
        out.push_back(FindingBuilder("rdp.weak_encryption", Severity::warning,
                                     method == proto::encryption::none || level == 0
                                         ? "Standard RDP Security without encryption"
                                         : fmt::format("Standard RDP Security with {} RC4 encryption",
                                                       proto::encryption_methods_text(method)))
                          .at(n.server_data_at)
                          .evidence("server encryption",
                                    fmt::format("{}, level {}", proto::encryption_methods_text(method),
                                                proto::encryption_level_name(level)),
                                    n.server_data_at)
                          .evidence("client offered",
                                    n.client_gcc && n.client_gcc->encryption_methods
                                        ? proto::encryption_methods_text(*n.client_gcc->encryption_methods)
                                        : std::string("not decoded"),
                                    n.client_data_at)
                          .remediation("40- and 56-bit RC4 can be broken quickly. Set the server's encryption "
                                       "level to High or FIPS at least, and move to TLS with NLA.")
                          .build());
      }
    }
    const Closure end = first_closure(c);
    if (client_negotiated && requested != protocol::rdp && !n.client_data_at.seen() && end.seen &&
        end.by == model::Direction::client_to_server) {
      out.push_back(FindingBuilder("x224.downgrade_refused", Severity::error,
                                   "The client asked for TLS/NLA, the server chose Standard RDP Security, and the "
                                   "client gave up")
                        .at(end.at)
                        .evidence("client requested", proto::protocols_text(requested), n.request_at)
                        .evidence("server selected", "RDP (Standard RDP Security)", n.confirm_at)
                        .evidence(fmt::format("{} by client", end.reset ? "RST" : "FIN"), "no MCS Connect Initial",
                                  end.at)
                        .remediation("The server is configured for the RDP security layer only (xrdp: "
                                     "security_layer=rdp; Windows: 'Require use of specific security layer' = RDP) "
                                     "while the client requires TLS or NLA. Set the server to Negotiate or SSL with a "
                                     "certificate.")
                        .client_error("mstsc: 'The remote computer requires...' / the client cannot continue with "
                                      "Standard RDP Security")
                        .build());
    } else if (client_negotiated && requested != protocol::rdp) {
      out.push_back(FindingBuilder("x224.downgraded", Severity::warning,
                                   "The client asked for TLS/NLA but the server chose Standard RDP Security")
                        .at(n.confirm_at)
                        .evidence("client requested", proto::protocols_text(requested), n.request_at)
                        .evidence("server selected", "RDP (Standard RDP Security)", n.confirm_at)
                        .remediation("The server is configured for the RDP security layer (or has no certificate). "
                                     "Clients that require TLS or NLA will refuse this connection.")
                        .build());
    }
    // The server ended Standard RDP Security right after the first PDUs.
    constexpr uint64_t kShortSetupBytes = 4096;
    if (end.seen && end.by == model::Direction::server_to_client && n.client_data_at.seen() &&
        c.tcp.client_bytes < kShortSetupBytes) {
      out.push_back(FindingBuilder("rdp.server_closed_early", Severity::error,
                                   fmt::format("The server {} the connection during the Standard RDP Security setup",
                                               end.how()))
                        .at(end.at)
                        .evidence("MCS Connect Initial", "", n.client_data_at)
                        .evidence(fmt::format("{} by server", end.reset ? "RST" : "FIN"),
                                  fmt::format("after {} bytes from the client", c.tcp.client_bytes), end.at)
                        .remediation("The server gave up in the encrypted part of the legacy setup (security "
                                     "exchange, encryption level or method mismatch, licensing). Check the "
                                     "server's logs; better, move the server to TLS with NLA.")
                        .client_error("mstsc 0x904 (extended 0x7): the connection was ended during setup")
                        .build());
    }
    return;
  }
  const uint32_t selected = n.confirm->selected_protocol;
  if (client_negotiated && (selected & requested) != selected) {
    out.push_back(FindingBuilder("x224.selected_not_requested", Severity::error,
                                 "The server selected a protocol the client did not request")
                      .at(n.confirm_at)
                      .evidence("client requested", proto::protocols_text(requested), n.request_at)
                      .evidence("server selected", proto::selected_protocol_text(selected), n.confirm_at)
                      .remediation("This violates MS-RDPBCGR 3.3.5.3.1; the client will disconnect. Check for a "
                                   "middlebox rewriting the negotiation, or a faulty server.")
                      .build());
  }
  if (selected == protocol::ssl) {
    out.push_back(FindingBuilder("x224.no_nla", Severity::warning,
                                 "TLS without Network Level Authentication: the logon screen is offered before the "
                                 "user is authenticated")
                      .at(n.confirm_at)
                      .evidence("client requested", proto::protocols_text(requested), n.request_at)
                      .evidence("server selected", proto::selected_protocol_text(selected), n.confirm_at)
                      .remediation((requested & protocol::hybrid)
                                       ? "The client offered NLA but the server does not require it: enable 'Require "
                                         "user authentication for remote connections by using Network Level "
                                         "Authentication' on the server."
                                       : "The client did not offer NLA (CredSSP): enable it on the client, and "
                                         "require NLA on the server.")
                      .build());
  }
}

}  // namespace rdpcap::rules
