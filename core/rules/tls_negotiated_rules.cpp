// What the ServerHello settled: downgrades, weak or legacy versions and
// suites, no forward secrecy, certificate rejected by the client, client
// certificates, aborts after the hello (RFC 5246, RFC 8446).
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <vector>

#include "rules/rule_context.hpp"
#include "rules/tls_rule_support.hpp"
#include "tls/tls_names.hpp"

namespace rdpcap::rules::tls_support {

using model::Direction;
using text::alert_text;
using text::suite_text;
using text::version_text;

void after_server_hello(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& t = c.tls;
  const auto& sh = *t.server_hello;
  const uint16_t version = sh.negotiated_version();
  const auto traits = tls::cipher_suite_traits(sh.cipher_suite);

  if (version <= 0x0302) {
    out.push_back(FindingBuilder("tls.weak_version", Severity::warning,
                                 fmt::format("Negotiated {}, which is deprecated (RFC 8996)", version_text(version)))
                      .at(t.server_hello_at)
                      .evidence("negotiated version", version_text(version), t.server_hello_at)
                      .evidence("client offered versions", t.client_hello ? offered_versions_text(*t.client_hello) : "?",
                                t.client_hello_at)
                      .remediation("Enable TLS 1.2 (or 1.3) on both sides and disable TLS 1.0/1.1 once every client "
                                   "supports it.")
                      .build());
  }
  if (traits.known && (traits.rc4 || traits.des3 || traits.des || traits.null_cipher || traits.export_grade ||
                       traits.anon || (traits.cbc && (traits.sha1_mac || traits.md5_mac)))) {
    out.push_back(FindingBuilder("tls.weak_cipher", Severity::warning,
                                 fmt::format("Weak cipher suite negotiated: {}", suite_text(sh.cipher_suite)))
                      .at(t.server_hello_at)
                      .evidence("cipher suite", suite_text(sh.cipher_suite), t.server_hello_at)
                      .remediation("Prefer AEAD suites (AES-GCM) with ECDHE key exchange; disable RC4, 3DES, NULL, "
                                   "EXPORT and CBC-SHA1 suites in the server's cipher suite order.")
                      .build());
  }
  if (traits.known && !traits.forward_secret && !traits.tls13 && !traits.anon) {
    out.push_back(FindingBuilder("tls.no_forward_secrecy", Severity::warning,
                                 fmt::format("RSA key exchange without forward secrecy: {}", suite_text(sh.cipher_suite)))
                      .at(t.server_hello_at)
                      .evidence("cipher suite", suite_text(sh.cipher_suite), t.server_hello_at)
                      .remediation("Put ECDHE suites first in the server's cipher suite order so that a stolen "
                                   "server key cannot decrypt recorded sessions.")
                      .build());
  }
  if (version >= 0x0304 && t.certificates.empty()) {  // decrypted with keys: the cert.* rules run instead
    out.push_back(FindingBuilder("tls.certificate_not_visible", Severity::info,
                                 "TLS 1.3: the server certificate is encrypted, so it cannot be checked from the capture")
                      .at(t.server_hello_at)
                      .evidence("negotiated version", version_text(version), t.server_hello_at)
                      .remediation("Check the certificate on the server itself (certlm.msc, 'Remote Desktop' store) "
                                   "or connect with TLS 1.2 while capturing.")
                      .build());
  }
  if (t.hello_retry) {
    out.push_back(FindingBuilder("tls.hello_retry", Severity::info,
                                 "The server asked the client to retry with another key share (HelloRetryRequest)")
                      .at(t.hello_retry_at)
                      .evidence("HelloRetryRequest",
                                t.hello_retry->selected_group
                                    ? fmt::format("group {}", tls::group_name(*t.hello_retry->selected_group)
                                                                  ? tls::group_name(*t.hello_retry->selected_group)
                                                                  : std::to_string(*t.hello_retry->selected_group))
                                    : std::string("no group"),
                                t.hello_retry_at)
                      .remediation("Harmless, but costs a round trip: the client's first key share was not one the "
                                   "server accepts.")
                      .build());
  }

  const Closure end = first_closure(c);
  const auto* client_alert = first_fatal(t, Direction::client_to_server);
  const auto* server_alert = first_fatal(t, Direction::server_to_client);
  const bool complete = t.handshake_complete();

  if (client_alert && is_certificate_alert(client_alert->alert.description)) {
    out.push_back(FindingBuilder("tls.certificate_rejected", Severity::error,
                                 fmt::format("The client rejected the server's certificate: alert {}",
                                             alert_text(client_alert->alert.description)))
                      .at(client_alert->at)
                      .evidence("server certificate", t.certificates.empty() ? "not visible" : t.certificates[0].subject,
                                t.certificate_at)
                      .evidence("client alert", alert_text(client_alert->alert.description), client_alert->at)
                      .remediation(rejected_certificate_advice(ctx))
                      .client_error("mstsc: 'The identity of the remote computer cannot be verified' / certificate "
                                    "error dialog")
                      .server_event("Schannel 36887 (fatal alert received)")
                      .build());
    return;
  }
  if (client_alert && (client_alert->alert.description == 70 ||
                       (version <= 0x0302 && t.client_hello &&
                        (!client_offers_version(*t.client_hello, version) || client_alert->alert.description == 80)))) {
    out.push_back(FindingBuilder("tls.version_mismatch", Severity::error,
                                 fmt::format("TLS version mismatch: the server chose {}, which the client refuses "
                                             "(alert {})",
                                             version_text(version), alert_text(client_alert->alert.description)))
                      .at(client_alert->at)
                      .evidence("client offered versions",
                                t.client_hello ? offered_versions_text(*t.client_hello) : "?", t.client_hello_at)
                      .evidence("server chose", version_text(version), t.server_hello_at)
                      .evidence("client alert", alert_text(client_alert->alert.description), client_alert->at)
                      .remediation("The server only speaks an old TLS version that the client no longer accepts. "
                                   "Enable TLS 1.2 on the server (SCHANNEL\\Protocols\\TLS 1.2\\Server Enabled=1; "
                                   "Windows Server 2008 R2 needs KB3080079 for RDP over TLS 1.2; xrdp: "
                                   "ssl_protocols=TLSv1.2, TLSv1.3). Allowing TLS 1.0 on the client is the insecure "
                                   "last resort.")
                      .client_error(kSetupClosed)
                      .server_event("Schannel 36887 (fatal alert received from the client)")
                      .build());
    return;
  }
  if (server_alert && server_alert->alert.description == 40 && t.certificate_request) {
    out.push_back(FindingBuilder("tls.client_certificate_required", Severity::error,
                                 "The server requires a client certificate and the client did not provide one it "
                                 "accepts")
                      .at(server_alert->at)
                      .evidence("CertificateRequest", "", t.certificate_request_at)
                      .evidence("server alert", alert_text(40), server_alert->at)
                      .remediation("A TLS-inspecting gateway or server requires mutual TLS. Configure the client "
                                   "certificate, or remove the requirement.")
                      .build());
    return;
  }
  if (client_alert || server_alert) return;  // explained by tls.alert

  if (!complete) {
    if (end.seen) {
      const bool client_after_cert = end.by == Direction::client_to_server && t.certificate_at.seen() &&
                                     !t.client_key_exchange_at.seen() && version < 0x0304;
      if (client_after_cert) {
        out.push_back(FindingBuilder("tls.certificate_rejected", Severity::error,
                                     fmt::format("The client {} the connection right after the server's certificate, "
                                                 "without answering: it most likely rejected the certificate",
                                                 end.how()))
                          .at(end.at)
                          .evidence("server certificate",
                                    t.certificates.empty() ? "not decoded" : t.certificates[0].subject, t.certificate_at)
                          .evidence(fmt::format("{} by client", end.reset ? "RST" : "FIN"), "no ClientKeyExchange",
                                    end.at)
                          .remediation("The client did not continue after seeing the certificate. Check the "
                                       "certificate findings, and whether the user declined the certificate warning.")
                          .client_error("mstsc: certificate warning declined")
                          .build());
        return;
      }
      out.push_back(FindingBuilder("tls.handshake_aborted", Severity::error,
                                   fmt::format("The {} {} the connection during the TLS handshake, {}", end.who(),
                                               end.how(), step_before(c, end.at.frame, end.by)))
                        .at(end.at)
                        .evidence("ServerHello", suite_text(sh.cipher_suite), t.server_hello_at)
                        .evidence(fmt::format("{} by {}", end.reset ? "RST" : "FIN", end.who()), "", end.at)
                        .remediation("The handshake was cut without a TLS alert. Look on the side that closed for "
                                     "Schannel or application errors, and for a middlebox resetting connections.")
                        .client_error(kSetupClosed)
                        .build());
    } else if (c.ended_by_capture) {
      out.push_back(FindingBuilder("tls.handshake_incomplete", Severity::warning,
                                   "Capture ends before the TLS handshake completed")
                        .at(c.last)
                        .evidence("ServerHello", suite_text(sh.cipher_suite), t.server_hello_at)
                        .evidence("last packet", "", c.last)
                        .remediation("Capture longer to see the end of the handshake.")
                        .build());
    }
    return;
  }
  // Completed, then the client immediately sent an encrypted alert and left
  // (FreeRDP's /cert:deny, mstsc declining the certificate warning).
  bool client_encrypted_alert = false;
  uint64_t client_alert_records = 0;
  model::FrameRef alert_at;
  for (const auto& a : t.alerts)
    if (a.encrypted && a.from == Direction::client_to_server) {
      if (!client_encrypted_alert) alert_at = a.at;
      client_encrypted_alert = true;
      ++client_alert_records;
    }
  // Records besides the alerts: only the client's Finished.
  const uint64_t client_data_records = t.client_encrypted.records - std::min(t.client_encrypted.records, client_alert_records);
  const bool rdp_context = c.negotiation.request.has_value() || c.server_port == 3389;
  if (rdp_context && client_encrypted_alert && version < 0x0304 && client_data_records <= 1 && end.seen &&
      end.by == Direction::client_to_server) {
    out.push_back(FindingBuilder("tls.certificate_rejected", Severity::error,
                                 "The client ended the connection right after the TLS handshake (encrypted alert, no "
                                 "data): it most likely rejected the server's certificate")
                      .at(alert_at)
                      .evidence("server certificate", t.certificates.empty() ? "not decoded" : t.certificates[0].subject,
                                t.certificate_at)
                      .evidence("encrypted alert from client", "", alert_at)
                      .evidence(fmt::format("{} by client", end.reset ? "RST" : "FIN"), "", end.at)
                      .remediation("The client closed before sending any RDP data. Check the certificate findings "
                                   "and whether the user declined the certificate warning.")
                      .client_error("mstsc: certificate warning declined")
                      .build());
  }
}

}  // namespace rdpcap::rules::tls_support
