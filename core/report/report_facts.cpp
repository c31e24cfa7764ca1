// Shared content of the human reports: labels, decoded facts and next steps
// as plain strings. No formatting and no escaping here: each renderer escapes
// for its own output.
#include "report/report_facts.hpp"

#include "text/inner_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "proto/rdp_negotiation.hpp"
#include "rules/rule_context.hpp"
#include "text/event_text.hpp"
#include "text/inner_text.hpp"

namespace rdpcap::report {

namespace {

std::string frame_at(const model::FrameRef& r) {
  return r.seen() ? fmt::format("frame {}, {}", r.frame, text::capture_time(r.time_us)) : std::string();
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string confirm_text(const proto::ConnectionConfirm& cc) {
  using Kind = proto::ConnectionConfirm::Kind;
  switch (cc.kind) {
    case Kind::response: return "selected " + proto::protocols_text(cc.selected_protocol);
    case Kind::legacy: return "confirm without negotiation (Standard RDP Security)";
    case Kind::failure: {
      const char* name = proto::failure_code_name(cc.failure_code);
      return fmt::format("RDP_NEG_FAILURE {}", name ? name : std::to_string(cc.failure_code));
    }
  }
  return "?";
}

}  // namespace

const char* outcome_label(rules::Outcome o) {
  switch (o) {
    case rules::Outcome::established: return "OK";
    case rules::Outcome::failed_tcp: return "FAILED (TCP)";
    case rules::Outcome::failed_negotiation: return "FAILED (negotiation)";
    case rules::Outcome::failed_tls: return "FAILED (TLS)";
    case rules::Outcome::failed_after_tls: return "FAILED (after TLS)";
    case rules::Outcome::incomplete: return "INCOMPLETE";
  }
  return "?";
}

bool has_problem(const session::ConnectionResult& r) {
  return r.verdict.outcome != rules::Outcome::established || !r.findings.empty();
}

ServerGroups group_by_server(const session::AnalysisResult& result) {
  ServerGroups out;
  for (const auto& r : result.connections) out[rules::server_key(r.summary)].push_back(&r);
  return out;
}

std::string outcome_counts(const session::AnalysisResult& result) {
  std::map<rules::Outcome, int> outcomes;
  for (const auto& r : result.connections) ++outcomes[r.verdict.outcome];
  std::string counts;
  for (const auto& [o, n] : outcomes) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, outcome_label(o));
  return counts;
}

std::map<std::string, int> completed_tls(const std::vector<const session::ConnectionResult*>& conns) {
  std::map<std::string, int> accepted;
  for (const auto* r : conns) {
    const auto& t = r->summary.tls;
    if (t.handshake_complete())
      ++accepted[text::version_text(t.server_hello->negotiated_version()) + " " +
                 text::suite_text(t.server_hello->cipher_suite)];
  }
  return accepted;
}

std::vector<std::string> server_notes(const std::vector<const session::ConnectionResult*>& conns,
                                      std::string (*escape)(const std::string&)) {
  std::vector<std::string> notes;
  for (const auto& [what, n] : completed_tls(conns))
    notes.push_back(fmt::format("Completed TLS: {} ({} connection{})", escape(what), n, n == 1 ? "" : "s"));
  std::string healthy;
  for (const auto* r : conns)
    if (!has_problem(*r)) healthy += fmt::format("{}#{}", healthy.empty() ? "" : ", ", r->summary.id);
  if (!healthy.empty()) notes.push_back("Connections without a problem: " + healthy);
  return notes;
}

bool certificate_time_ok(const x509::CertificateFacts& cert, int64_t now) {
  return cert.not_before <= now && now <= cert.not_after;
}

std::string certificate_validity(const x509::CertificateFacts& cert, int64_t now) {
  if (!cert.not_before && !cert.not_after) return "validity dates unreadable";
  const std::string when = text::utc_seconds(now);
  if (now < cert.not_before)
    return fmt::format("NOT YET VALID at {}: valid from {} ({} later)", when, text::utc_seconds(cert.not_before),
                       text::span(cert.not_before - now));
  if (now > cert.not_after)
    return fmt::format("EXPIRED at {}: expired {} ({} before)", when, text::utc_seconds(cert.not_after),
                       text::span(now - cert.not_after));
  return fmt::format("valid at {} (expires in {})", when, text::span(cert.not_after - now));
}

std::vector<Fact> connection_facts(const session::ConnectionResult& r) {
  const auto& c = r.summary;
  std::vector<Fact> out;
  out.push_back({"Client", text::endpoint(c.client_ip, c.client_port)});
  out.push_back({"Server", text::endpoint(c.server_ip, c.server_port)});
  out.push_back({"Frames", fmt::format("{}-{}, {} .. {} ({})", c.first.frame, c.last.frame,
                                       text::capture_time(c.first.time_us), text::capture_time(c.last.time_us),
                                       text::duration(c.last.time_us - c.first.time_us))});
  out.push_back({"Found by", c.rdp_by_content ? "X.224 Connection Request (content)" : "RDP port"});
  out.push_back({"Stage reached", model::stage_name(c.stage)});
  const auto& tcp = c.tcp;
  if (tcp.syn_count > 1) out.push_back({"SYN sent", fmt::format("{} times (retransmissions)", tcp.syn_count)});
  if (!tcp.saw_handshake) out.push_back({"TCP handshake", "not in the capture (started mid-connection)"});
  for (const auto& icmp : tcp.icmp)
    out.push_back({"ICMP", fmt::format("{} from {} ({})", text::icmp_unreachable_text(icmp.v6, icmp.type, icmp.code),
                                       icmp.reporter, frame_at(icmp.at))});
  const rules::Closure closure = rules::first_closure(c);
  if (closure.seen)
    out.push_back({"Closed", fmt::format("{} {} ({})", closure.who(), closure.how(), frame_at(closure.at))});
  else if (c.ended_by_capture)
    out.push_back({"Closed", "no FIN/RST before the capture ended"});

  const auto& n = c.negotiation;
  if (n.request) {
    out.push_back({"Requested protocols",
                   (n.request->has_neg_req ? proto::protocols_text(n.request->requested_protocols)
                                           : std::string("no RDP_NEG_REQ (Standard RDP Security only)")) +
                       " (" + frame_at(n.request_at) + ")"});
    if (!n.request->cookie.empty()) out.push_back({"Cookie (user name)", n.request->cookie});
    if (!n.request->routing_token.empty()) out.push_back({"Routing token", n.request->routing_token});
  }
  if (n.confirm)
    out.push_back({"Selected protocol", confirm_text(*n.confirm) + " (" + frame_at(n.confirm_at) + ")"});
  else if (n.request)
    out.push_back({"Selected protocol", "no X.224 Connection Confirm"});
  if (!n.parse_error.empty()) out.push_back({"X.224 problem", n.parse_error + " (" + frame_at(n.parse_error_at) + ")"});

  const auto& t = c.tls;
  if (t.direct) out.push_back({"TLS", "from the first byte (no X.224): direct TLS / RD Gateway style"});
  if (t.client_hello && !t.client_hello->sni.empty()) out.push_back({"SNI (server name asked)", t.client_hello->sni});
  if (t.client_hello && !t.client_hello->alpn.empty()) out.push_back({"ALPN", join(t.client_hello->alpn, ", ")});
  for (const auto& a : t.alerts)
    out.push_back({"TLS alert", fmt::format("{} from {} ({})", text::event_text(model::events::alert(a.alert, a.encrypted, a.at, a.from)),
                                            model::direction_name(a.from), frame_at(a.at))});
  if (!t.client_error.empty()) out.push_back({"Client stream", t.client_error + " (" + frame_at(t.client_error_at) + ")"});
  if (!t.server_error.empty()) out.push_back({"Server stream", t.server_error + " (" + frame_at(t.server_error_at) + ")"});
  if (t.decryption.keys_given && t.client_hello)
    out.push_back({"Decryption", model::decryption_text(t.decryption)});
  if (t.client_encrypted.records || t.server_encrypted.records)
    out.push_back({"Encrypted records", fmt::format("{} from the client, {} from the server", t.client_encrypted.records,
                                                    t.server_encrypted.records)});

  for (size_t i = 0; i < t.certificates.size(); ++i) {
    const auto& cert = t.certificates[i];
    // Under TLS 1.3 the certificate is encrypted: one that was read came from decryption.
    const bool decrypted = t.server_hello && t.server_hello->negotiated_version() >= 0x0304;
    const std::string which = (i == 0 ? std::string("Certificate") : fmt::format("Chain certificate {}", i + 1)) +
                              (decrypted ? " (decrypted)" : "");
    if (!cert.parsed) {
      out.push_back({which, "unreadable: " + cert.parse_error});
      continue;
    }
    out.push_back({which + " subject", cert.subject.empty() ? std::string("(empty)") : cert.subject});
    out.push_back({which + " issuer", cert.issuer.empty() ? std::string("(empty)") : cert.issuer});
    if (i == 0) {
      std::vector<std::string> names = cert.san_dns;
      names.insert(names.end(), cert.san_ip.begin(), cert.san_ip.end());
      out.push_back({which + " SAN", names.empty() ? std::string("(none)") : join(names, ", ")});
    }
    out.push_back({which + " validity",
                   fmt::format("{} .. {}{}", text::utc_seconds(cert.not_before), text::utc_seconds(cert.not_after),
                               r.certificates_judged_at_s
                                   ? ": " + certificate_validity(cert, *r.certificates_judged_at_s)
                                   : std::string())});
    if (i == 0) {
      out.push_back({which + " key", fmt::format("{} {}{}, signed {}", cert.key_type, cert.key_bits,
                                                 cert.ec_curve.empty() ? "" : " " + cert.ec_curve,
                                                 cert.signature_algorithm)});
      if (cert.self_signed) out.push_back({which + " issuer check", "self-signed"});
      out.push_back({which + " SHA-256", cert.sha256_fingerprint});
    }
  }
  // What the decrypted records said (issue 11), marked as such.
  for (const auto& line : text::inner_lines(*c.inner)) out.push_back({line.title + " (decrypted)", line.value});
  if (c.timeline_truncated) out.push_back({"Timeline", "cut at its cap: later events are not shown"});
  for (const auto& limit : c.limits_hit) out.push_back({"Limit reached", limit});
  return out;
}

std::vector<OfferRow> offer_vs_choice(const model::ConnectionSummary& c) {
  std::vector<OfferRow> rows;
  const auto& n = c.negotiation;
  if (n.request)
    rows.push_back({"Security protocol (X.224)",
                    n.request->has_neg_req ? proto::protocols_text(n.request->requested_protocols)
                                           : std::string("no negotiation request"),
                    n.confirm ? confirm_text(*n.confirm) : std::string("no answer")});
  const auto& t = c.tls;
  if (t.client_hello) {
    const auto& ch = *t.client_hello;
    std::vector<std::string> versions;
    for (uint16_t v : ch.offered_versions()) versions.push_back(text::version_text(v));
    const std::string no_answer = t.alerts.empty() ? "no ServerHello" : "no ServerHello (alert)";
    rows.push_back({"TLS version", join(versions, ", "),
                    t.server_hello ? text::version_text(t.server_hello->negotiated_version()) : no_answer});
    std::vector<std::string> suites;
    const size_t shown = std::min<size_t>(ch.cipher_suites.size(), 6);
    for (size_t i = 0; i < shown; ++i) suites.push_back(text::suite_text(ch.cipher_suites[i]));
    std::string offered = fmt::format("{} suite{}: {}", ch.cipher_suites.size(), ch.cipher_suites.size() == 1 ? "" : "s",
                                      join(suites, ", "));
    if (ch.cipher_suites.size() > shown) offered += fmt::format(" (+{} more)", ch.cipher_suites.size() - shown);
    rows.push_back({"Cipher suite", offered,
                    t.server_hello ? text::suite_text(t.server_hello->cipher_suite) : no_answer});
    if (!ch.sni.empty() || !t.certificates.empty()) {
      std::string names = "(no certificate seen)";
      if (!t.certificates.empty() && t.certificates.front().parsed) {
        const auto& leaf = t.certificates.front();
        std::vector<std::string> all;
        if (!leaf.subject_cn.empty()) all.push_back("CN " + leaf.subject_cn);
        for (const auto& d : leaf.san_dns) all.push_back("DNS " + d);
        for (const auto& ip : leaf.san_ip) all.push_back("IP " + ip);
        names = all.empty() ? std::string("(no names)") : join(all, ", ");
      }
      rows.push_back({"Server name", ch.sni.empty() ? std::string("(no SNI)") : ch.sni, names});
    }
  }
  return rows;
}

std::vector<Fact> capture_facts(const session::AnalysisResult& result, const std::string& capture_name,
                                const TicketOptions& options) {
  const auto& s = result.stats;
  const ServerGroups servers = group_by_server(result);
  std::vector<Fact> out;
  out.push_back({"Capture", capture_name});
  out.push_back({"Frames", s.frames ? fmt::format("{}, {} .. {}", s.frames, text::capture_time(s.first_time_us),
                                                  text::capture_time(s.last_time_us))
                                    : std::string("0")});
  out.push_back({"RDP connections",
                 result.connections.empty()
                     ? std::string("none found (TCP 3389, --port ports, or X.224 by content)")
                     : fmt::format("{} to {} server{}: {}", result.connections.size(), servers.size(),
                                   servers.size() == 1 ? "" : "s", outcome_counts(result))});
  std::string problems;
  for (const auto& r : result.connections)
    if (has_problem(r)) problems += fmt::format("{}#{}", problems.empty() ? "" : ", ", r.summary.id);
  out.push_back({"With a problem", problems.empty() ? std::string("none") : problems});
  out.push_back({"Certificates checked at",
                 result.reference_time_s ? text::utc_seconds(*result.reference_time_s) + " (--reference-time)"
                                         : std::string("the capture time of the frame that carried each")});
  if (s.unsupported_link_frames || s.undecodable_frames || s.segments_over_flow_cap)
    out.push_back({"Not analyzed", fmt::format("{} frames with an unsupported link type, {} undecodable, {} TCP "
                                               "segments over the connection caps",
                                               s.unsupported_link_frames, s.undecodable_frames,
                                               s.segments_over_flow_cap)});
  if (options.redacted) out.push_back({"Redacted", "user names (X.224 cookie) and server names asked (TLS SNI)"});
  if (!options.evidence_name.empty()) {
    std::string ids;
    for (uint64_t id : options.evidence_connections) ids += fmt::format("{}#{}", ids.empty() ? "" : ", ", id);
    out.push_back({"Evidence capture", fmt::format("{} (connections {}; frame comments name the findings)",
                                                   options.evidence_name, ids.empty() ? "none" : ids)});
  }
  out.push_back({"Analyzer", std::string("rdpcap-analyze ") + RDPCAP_VERSION});
  return out;
}

std::string finding_codes(const session::ConnectionResult& r) {
  std::vector<std::string> codes;
  for (const auto& f : r.findings) codes.push_back(f.code);
  return join(codes, ", ");
}

std::string evidence_where(const rules::Evidence& e) {
  return e.frame ? fmt::format("frame {}, {}", e.frame, text::capture_time(e.time_us)) : std::string();
}

std::string first_sentence(const std::string& text) {
  const size_t end = text.find(". ");
  return end == std::string::npos ? text : text.substr(0, end + 1);
}

std::vector<std::string> next_steps(const session::ConnectionResult& r) {
  const auto& c = r.summary;
  std::vector<std::string> steps;
  std::set<std::string> seen;
  const auto add = [&](std::string s) {
    if (seen.insert(s).second) steps.push_back(std::move(s));
  };
  int fixes = 0;
  for (const auto& f : r.findings) {
    if (f.severity == rules::Severity::info || f.remediation.empty() || fixes >= 2) continue;
    add(fmt::format("Fix ({}): {}", f.code, f.remediation));
    ++fixes;
  }
  std::vector<std::string> events, errors;
  std::set<std::string> seen_events, seen_errors;
  for (const auto& f : r.findings) {
    if (!f.server_event.empty() && seen_events.insert(f.server_event).second) events.push_back(f.server_event);
    if (!f.client_error.empty() && seen_errors.insert(f.client_error).second) errors.push_back(f.client_error);
  }
  if (!events.empty())
    add(fmt::format("On the server {}, look in the event log around {} for: {}", c.server_ip,
                    text::capture_time(c.first.time_us), join(events, "; ")));
  if (!errors.empty()) add("Check with the user that the client showed: " + join(errors, "; "));
  if (r.findings.empty() && r.verdict.outcome == rules::Outcome::incomplete)
    add("The capture ended before the setup finished: capture for longer, or on both sides, and analyze again.");
  add(fmt::format("Re-test after the change: capture a new attempt (e.g. tcpdump -w retry.pcap tcp port {}) and run "
                  "rdpcap-analyze on it; the connection should show OK.",
                  c.server_port));
  return steps;
}

}  // namespace rdpcap::report
