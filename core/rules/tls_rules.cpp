// TLS handshake findings: no shared cipher, version mismatch, alerts,
// certificate rejected, weak results (RFC 5246, RFC 8446).
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <vector>

#include "rules/rule_context.hpp"
#include "rules/tls_rule_support.hpp"
#include "tls/tls_parser.hpp"
#include "tls/tls_names.hpp"

namespace rdpcap::rules {

using model::Direction;
using text::alert_text;
using text::suite_text;
using text::version_text;

namespace tls_support {

const model::AlertFact* first_fatal(const model::TlsFacts& t, Direction from) {
  for (const auto& a : t.alerts)
    if ((!a.encrypted || a.decrypted) && a.alert.level == 2 && a.from == from) return &a;
  return nullptr;
}

std::string offered_versions_text(const tls::ClientHello& ch) {
  std::string out;
  for (uint16_t v : ch.offered_versions()) {
    if (!out.empty()) out += ", ";
    out += version_text(v);
  }
  if (ch.supported_versions.empty()) out = "up to " + out;
  return out;
}

bool client_offers_version(const tls::ClientHello& ch, uint16_t v) {
  if (ch.supported_versions.empty()) return v <= ch.legacy_version && v >= 0x0300;
  return std::find(ch.supported_versions.begin(), ch.supported_versions.end(), v) != ch.supported_versions.end();
}

// The handshake step an alert or abort answered.
std::string step_before(const model::ConnectionSummary& c, uint64_t frame, Direction who) {
  const auto& t = c.tls;
  const auto before = [frame](const model::FrameRef& r) { return r.seen() && r.frame <= frame; };
  if (!before(t.server_hello_at)) return who == Direction::server_to_client ? "in answer to the ClientHello" : "before any ServerHello";
  if (t.handshake_complete() && before(t.server_encrypted.first) && before(t.client_encrypted.first))
    return "after the handshake completed";
  if (who == Direction::client_to_server) {
    if (before(t.certificate_at) && !before(t.client_key_exchange_at)) return "after the server's certificate";
    return "after the ServerHello";
  }
  if (before(t.client_key_exchange_at)) return "after the client's key exchange";
  if (before(t.certificate_request_at)) return "after requesting a client certificate";
  return "after the ServerHello";
}

}  // namespace tls_support

namespace {

using namespace tls_support;

constexpr const char* kSchannelNoCipher =
    "Schannel event 36874 ('none of the cipher suites supported by the client application are supported by the "
    "server') or 36888 (fatal alert generated) in the server's System log";



std::string offered_suites_text(const tls::ClientHello& ch) {
  std::string out;
  size_t n = 0;
  for (uint16_t s : ch.cipher_suites) {
    if (tls::is_grease(s) || s == 0x00ff || s == 0x5600) continue;  // GREASE, SCSVs
    if (!out.empty()) out += ", ";
    const char* name = tls::cipher_suite_name(s);
    out += name ? name : fmt::format("0x{:04x}", s);
    ++n;
  }
  return out.empty() ? "none" : out;
}



bool client_offers_suite(const tls::ClientHello& ch, uint16_t s) {
  return std::find(ch.cipher_suites.begin(), ch.cipher_suites.end(), s) != ch.cipher_suites.end();
}

// At most this many versions and suites are named as accepted elsewhere,
// the most used first: a capture of many handshakes with distinct suites
// would otherwise give every failing connection one line per suite
// (quadratic memory and output).
constexpr size_t kAcceptedShown = 8;

template <typename Map>
std::set<typename Map::key_type> most_used(const Map& counts) {
  std::vector<std::pair<typename Map::mapped_type, typename Map::key_type>> by_use;
  for (const auto& [value, n] : counts) by_use.push_back({n, value});
  std::stable_sort(by_use.begin(), by_use.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::set<typename Map::key_type> out;
  for (size_t i = 0; i < by_use.size() && i < kAcceptedShown; ++i) out.insert(by_use[i].second);
  return out;
}

// What other connections to the same server prove it accepts.
struct Inference {
  bool known = false;          // the server completed handshakes with others
  bool version_missing = false;// none of the versions it used is offered by this client
  bool suite_missing = false;  // none of the suites it used is offered by this client
  std::vector<std::pair<std::string, std::string>> lines;
};

// A line per value (TLS version or cipher suite) the server completed
// handshakes with, for the most used ones, then "and N other <others>"; true
// when this client offered any of them.
template <typename Counts, typename Offered, typename Name>
bool accepted_elsewhere(const Counts& counts, const std::string& server, const char* others, Offered&& offered_by_client,
                        Name&& name, Inference& inf) {
  bool any = false;
  const auto shown = most_used(counts);
  for (const auto& [value, count] : counts) {
    const bool offered = offered_by_client(value);
    any |= offered;
    if (!shown.count(value)) continue;
    inf.lines.push_back({"server accepted elsewhere",
                         fmt::format("{} completed {} handshake{} with {}; this client {} it", server, count,
                                     count == 1 ? "" : "s", name(value), offered ? "offered" : "did not offer")});
  }
  if (counts.size() > shown.size())
    inf.lines.push_back({"server accepted elsewhere", fmt::format("and {} other {}", counts.size() - shown.size(), others)});
  return any;
}

Inference infer(const RuleContext& ctx, const tls::ClientHello& ch) {
  Inference inf;
  const auto& view = ctx.server;
  int others = 0;
  for (uint64_t id : view.completed_ids)
    if (id != ctx.conn.id) ++others;
  if (others == 0) return inf;
  inf.known = true;
  const std::string server = text::endpoint(ctx.conn.server_ip, ctx.conn.server_port);
  const bool any_version = accepted_elsewhere(
      view.versions, server, "TLS versions", [&](uint16_t v) { return client_offers_version(ch, v); },
      [](uint16_t v) { return version_text(v); }, inf);
  const bool any_suite = accepted_elsewhere(
      view.suites, server, "cipher suites", [&](uint16_t s) { return client_offers_suite(ch, s); },
      [](uint16_t s) { return suite_text(s); }, inf);
  inf.version_missing = !any_version;
  inf.suite_missing = !any_suite;
  return inf;
}


void alert_findings(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  for (const auto& a : c.tls.alerts) {
    if ((a.encrypted && !a.decrypted) || a.alert.level != 2) continue;  // decrypted alerts are named
    const char* who = a.from == Direction::client_to_server ? "client" : "server";
    out.push_back(FindingBuilder("tls.alert", Severity::error,
                                 fmt::format("The {} sent fatal alert {} {}", who, alert_text(a.alert.description),
                                             step_before(c, a.at.frame, a.from)))
                      .at(a.at)
                      .evidence("alert", fmt::format("fatal {} from {}", alert_text(a.alert.description), who), a.at)
                      .remediation(a.from == Direction::server_to_client
                                       ? "The server ended the handshake. Look for Schannel event 36888 (fatal alert "
                                         "generated) on the server; the alert names the reason."
                                       : "The client ended the handshake; the alert names the reason (certificate "
                                         "alerts mean the client did not accept the server's certificate).")
                      .server_event(a.from == Direction::server_to_client ? "Schannel 36888" : "")
                      .build());
  }
}

void no_server_hello(const RuleContext& ctx, const Inference& inf, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& t = c.tls;
  const auto& ch = *t.client_hello;
  const Closure end = first_closure(c);
  const auto* server_alert = first_fatal(t, Direction::server_to_client);
  const bool server_closed = end.seen && end.by == Direction::server_to_client;
  if (!t.server_error.empty() || c.tcp.server_packets == 0) return;  // tls.malformed / capture.one_sided
  if (!server_alert && !server_closed) {
    if (end.seen) {
      out.push_back(FindingBuilder("tls.no_server_hello", Severity::error,
                                   fmt::format("The server never answered the ClientHello; the client {} the "
                                               "connection {} later",
                                               end.how(), text::duration(end.at.time_us - t.client_hello_at.time_us)))
                        .at(end.at)
                        .evidence("ClientHello", offered_versions_text(ch), t.client_hello_at)
                        .evidence(fmt::format("{} by client", end.reset ? "RST" : "FIN"), "no ServerHello", end.at)
                        .remediation("The server accepted the connection but its TLS stack did not answer. Check "
                                     "the server for a hung Remote Desktop service or Schannel errors, and any "
                                     "TLS-inspecting middlebox in between.")
                        .client_error(kSetupClosed)
                        .build());
    } else if (c.ended_by_capture) {
      out.push_back(FindingBuilder("tls.handshake_incomplete", Severity::warning,
                                   "Capture ends after the ClientHello, with no ServerHello")
                        .at(t.client_hello_at)
                        .evidence("ClientHello", offered_versions_text(ch), t.client_hello_at)
                        .evidence("last packet", "", c.last)
                        .remediation("Capture longer to see the server's answer.")
                        .build());
    }
    return;
  }
  const model::FrameRef at = server_alert ? server_alert->at : end.at;
  const uint8_t desc = server_alert ? server_alert->alert.description : 0;
  const uint16_t max_offered = ch.max_offered_version();
  bool version_problem = desc == 70;
  // The server settles the version before the suite (RFC 5246 7.4.1.3, RFC 8446 4.1.1), and which
  // suites it can pick depend on that version: a client offering none of the versions the server
  // completed elsewhere has a version problem, whether or not its suites also differ (a TLS 1.0-only
  // client offers no GCM suite).
  if (!version_problem && inf.known) version_problem = inf.version_missing;
  if (!version_problem && !server_alert && !inf.known) version_problem = max_offered < 0x0303;

  const std::string answer = server_alert ? fmt::format("fatal alert {}", alert_text(desc))
                                          : fmt::format("{} with no alert and no ServerHello", end.how());
  if (version_problem) {
    FindingBuilder b("tls.version_mismatch", Severity::error,
                     fmt::format("TLS version mismatch: the server refused the client's TLS versions ({})",
                                 offered_versions_text(ch)));
    b.at(at)
        .evidence("client offered versions", offered_versions_text(ch), t.client_hello_at)
        .evidence("server answered", answer, at);
    for (const auto& [k, v] : inf.lines) b.evidence(k, v);
    b.remediation(max_offered < 0x0303
                      ? "The client offers only TLS 1.0/1.1, which the server has disabled. Update the client or "
                        "enable TLS 1.2 on it (Windows 7: KB3140245 and the DefaultSecureProtocols registry value); "
                        "re-enabling TLS 1.0 on the server is the insecure last resort."
                      : "The server does not support the TLS versions the client offers (an old server with only "
                        "TLS 1.0/1.1). Enable TLS 1.2 on the server (SCHANNEL\\Protocols\\TLS 1.2\\Server "
                        "Enabled=1; Windows Server 2008 R2 needs the RDP TLS 1.1/1.2 update KB3080079), or update "
                        "it.")
        .client_error(kSetupClosed)
        .server_event(kSchannelNoCipher);
    out.push_back(b.build());
    return;
  }
  std::string title =
      server_alert ? fmt::format("No cipher suite in common: the server answered the ClientHello with {}", answer)
                   : fmt::format("No cipher suite in common: the server {} right after the ClientHello without an "
                                 "alert (Windows Schannel behaviour)",
                                 end.how());
  if (inf.known && inf.suite_missing && ctx.server.suites.size() == 1)
    title += fmt::format("; with other clients it used {}, which this client did not offer",
                         suite_text(ctx.server.suites.begin()->first));
  FindingBuilder b("tls.no_shared_cipher", Severity::error, title);
  b.at(at)
      .evidence("client offered suites", offered_suites_text(ch), t.client_hello_at)
      .evidence("client offered versions", offered_versions_text(ch), t.client_hello_at)
      .evidence("server answered", answer, at);
  for (const auto& [k, v] : inf.lines) b.evidence(k, v);
  b.remediation("Client and server have no TLS cipher suite in common. Compare the client's offer above with the "
                "server's enabled suites (server: Group Policy 'SSL Cipher Suite Order' under Network > SSL "
                "Configuration Settings, or the SCHANNEL registry; Get-TlsCipherSuite in PowerShell). Enable a "
                "modern suite such as TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 on both sides; an RDP certificate with "
                "an unusual key type also limits the usable suites.")
      .client_error(kSetupClosed)
      .server_event(kSchannelNoCipher);
  out.push_back(b.build());
}

}  // namespace


void tls_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  decryption_rules(ctx, out);
  const auto& c = ctx.conn;
  const auto& t = c.tls;
  if (!t.client_error.empty() || !t.server_error.empty()) {
    const bool client = !t.client_error.empty();
    out.push_back(FindingBuilder("tls.malformed", Severity::error,
                                 fmt::format("The {} sent data that is not valid TLS", client ? "client" : "server"))
                      .at(client ? t.client_error_at : t.server_error_at)
                      .evidence("problem", client ? t.client_error : t.server_error,
                                client ? t.client_error_at : t.server_error_at)
                      .remediation("The stream stopped being TLS: the peer speaks another protocol on this port, or a "
                                   "middlebox corrupted the traffic.")
                      .build());
  }
  if (t.client_pending_bytes + t.server_pending_bytes > 0 && c.ended_by_capture) {
    out.push_back(FindingBuilder("capture.ended_mid_record", Severity::warning,
                                 "The capture ends in the middle of a TLS record")
                      .at(c.last)
                      .evidence("incomplete record bytes",
                                fmt::format("client {}, server {}", t.client_pending_bytes, t.server_pending_bytes),
                                c.last)
                      .remediation("The capture was cut (file truncated or capture stopped mid-packet); what follows "
                                   "that point is unknown.")
                      .build());
  }
  if (!t.client_hello) return;
  if (t.client_hello->sslv2_format) {
    out.push_back(FindingBuilder("tls.sslv2_hello", Severity::warning,
                                 "The client sent an SSLv2-format ClientHello (a very old TLS stack)")
                      .at(t.client_hello_at)
                      .evidence("ClientHello", "SSLv2 record format", t.client_hello_at)
                      .remediation("Update the client; SSLv2 hellos are rejected by modern servers.")
                      .build());
  }
  if (t.client_hello_count > 1 && !t.hello_retry) {
    out.push_back(FindingBuilder("tls.duplicate_client_hello", Severity::warning,
                                 fmt::format("The client sent {} ClientHellos on one connection without a "
                                             "HelloRetryRequest",
                                             t.client_hello_count))
                      .at(t.client_hello_at)
                      .evidence("first ClientHello", "", t.client_hello_at)
                      .remediation("A protocol violation (RFC 8446 4.1.2): a faulty client or a middlebox replaying "
                                   "data.")
                      .build());
  }
  alert_findings(ctx, out);
  if (!t.server_hello) {
    no_server_hello(ctx, infer(ctx, *t.client_hello), out);
    return;
  }
  tls_support::after_server_hello(ctx, out);
}

}  // namespace rdpcap::rules
