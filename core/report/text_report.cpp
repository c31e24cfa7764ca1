// The default human report: per server, per connection, the verdict, the
// decoded setup and each finding with evidence and remediation, wrapped to
// 80 columns. Capture strings go through util::escape_text.
#include "report/text_report.hpp"

#include <fmt/format.h>

#include <map>

#include "proto/rdp_negotiation.hpp"
#include "report/ladder.hpp"
#include "report/report_facts.hpp"
#include "rules/rule_context.hpp"
#include "text/inner_text.hpp"
#include "util/escape.hpp"

namespace rdpcap::report {

namespace {

constexpr size_t kWidth = 80;

struct Style {
  bool on = false;
  std::string wrap(const char* code, const std::string& s) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
  }
  std::string bold(const std::string& s) const { return wrap("1", s); }
  std::string severity(rules::Severity sev, const std::string& s) const {
    switch (sev) {
      case rules::Severity::error: return wrap("1;31", s);
      case rules::Severity::warning: return wrap("33", s);
      default: return wrap("36", s);
    }
  }
  std::string outcome(rules::Outcome o, const std::string& s) const {
    return o == rules::Outcome::established ? wrap("32", s) : o == rules::Outcome::incomplete ? wrap("33", s)
                                                                                              : wrap("1;31", s);
  }
};

// Word-wraps `text` (already escaped) to kWidth: first line after `first`,
// following lines indented by `indent` spaces.
std::string wrap(const std::string& first, const std::string& text, size_t indent) {
  std::string out = first;
  size_t col = first.size();
  const std::string pad(indent, ' ');
  size_t i = 0;
  bool line_start = true;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    const std::string word = text.substr(i, j - i);
    if (!line_start && col + 1 + word.size() > kWidth) {
      out += "\n" + pad;
      col = indent;
      line_start = true;
    }
    if (!line_start) {
      out += ' ';
      ++col;
    }
    out += word;
    col += word.size();
    line_start = false;
    i = j + 1;
  }
  return out + "\n";
}

std::string safe(const std::string& s) { return util::escape_text(s); }

std::string frame_note(uint64_t frame) { return frame ? fmt::format(" (frame {})", frame) : std::string(); }

std::string setup_lines(const model::ConnectionSummary& c) {
  std::string out;
  if (c.proxy.socks5)
    out += wrap("     proxy: ", "SOCKS5 CONNECT " + safe(c.proxy.target), 12);
  const auto& n = c.negotiation;
  if (n.request) {
    std::string line = n.request->has_neg_req ? "requested " + proto::protocols_text(n.request->requested_protocols)
                                              : std::string("no RDP_NEG_REQ");
    if (!n.request->cookie.empty()) line += ", cookie " + safe(n.request->cookie);
    if (n.confirm) {
      using Kind = proto::ConnectionConfirm::Kind;
      if (n.confirm->kind == Kind::response)
        line += "; selected " + proto::protocols_text(n.confirm->selected_protocol);
      else if (n.confirm->kind == Kind::legacy)
        line += "; confirm without negotiation";
      else {
        const char* name = proto::failure_code_name(n.confirm->failure_code);
        line += fmt::format("; RDP_NEG_FAILURE {}", name ? name : std::to_string(n.confirm->failure_code));
      }
    } else {
      line += "; no confirm";
    }
    out += wrap("     negotiation: ", line, 18);
  }
  const auto& t = c.tls;
  if (t.client_hello) {
    const auto& ch = *t.client_hello;
    std::string line = fmt::format("client up to {}, {} suites",
                                   text::version_text(ch.max_offered_version()),
                                   ch.cipher_suites.size());
    if (!ch.sni.empty()) line += ", SNI " + safe(ch.sni);
    if (t.server_hello)
      line += fmt::format("; server chose {} {}", text::version_text(t.server_hello->negotiated_version()),
                          text::suite_text(t.server_hello->cipher_suite));
    else
      line += "; no ServerHello";
    out += wrap(t.direct ? "     tls (direct): " : "     tls: ", line, 10);
    if (t.decryption.keys_given) out += wrap("     decryption: ", safe(model::decryption_text(t.decryption)), 18);
  }
  if (!t.certificates.empty() && t.certificates.front().parsed) {
    const auto& leaf = t.certificates.front();
    // Under TLS 1.3 the certificate is encrypted: one that was read came from decryption.
    const bool decrypted = t.server_hello && t.server_hello->negotiated_version() >= 0x0304;
    out += wrap(decrypted ? "     certificate (decrypted): " : "     certificate: ",
                fmt::format("{}, {} {}, valid {} .. {}{}", safe(leaf.subject), leaf.key_type, leaf.key_bits,
                            text::utc_seconds(leaf.not_before), text::utc_seconds(leaf.not_after),
                            leaf.self_signed ? ", self-signed" : ""),
                18);
  }
  // What the decrypted records said (issue 11): each line is marked as such.
  for (const auto& line : text::inner_lines(*c.inner))
    out += wrap(fmt::format("     {} (decrypted): ", line.label), safe(line.value), 10);
  return out;
}

std::string finding_lines(const rules::Finding& f, const Style& style) {
  std::string out;
  out += wrap("     " + style.severity(f.severity, fmt::format("[{}]", rules::severity_name(f.severity))) + " " +
                  style.bold(f.code) + frame_note(f.frame) + ": ",
              safe(f.title), 8);
  for (const auto& e : f.evidence) {
    std::string value = safe(e.value);
    if (e.frame) value += fmt::format("{}frame {}, {}", value.empty() ? "" : " — ", e.frame,
                                      text::capture_time(e.time_us));
    out += wrap("        - " + safe(e.key) + ": ", value, 10);
  }
  if (!f.client_error.empty()) out += wrap("        client sees: ", f.client_error, 10);
  if (!f.server_event.empty()) out += wrap("        server logs: ", f.server_event, 10);
  if (!f.remediation.empty()) out += wrap("        fix: ", f.remediation, 10);
  return out;
}

}  // namespace

std::string render_text(const session::AnalysisResult& result, const std::string& capture_name,
                        const TextOptions& options) {
  const Style style{options.colour};
  const auto& s = result.stats;
  std::string out;
  out += style.bold(fmt::format("rdpcap-analyze {} — {}", RDPCAP_VERSION, safe(capture_name))) + "\n";
  const ServerGroups by_server = group_by_server(result);
  out += wrap("  ", fmt::format("{} frames, {} RDP connection{} to {} server{}{}", s.frames, result.connections.size(),
                                result.connections.size() == 1 ? "" : "s", by_server.size(),
                                by_server.size() == 1 ? "" : "s",
                                s.frames ? fmt::format(", {} .. {}", text::capture_time(s.first_time_us),
                                                       text::capture_time(s.last_time_us))
                                         : std::string()),
              2);
  if (!result.connections.empty()) {
    out += wrap("  outcomes: ", outcome_counts(result), 4);
  }
  if (s.unsupported_link_frames || s.undecodable_frames)
    out += wrap("  note: ", fmt::format("{} frames with an unsupported link type, {} undecodable",
                                        s.unsupported_link_frames, s.undecodable_frames),
                4);
  for (const auto& note : s.notes) out += wrap("  note: ", safe(note), 4);  // capture-wide caps hit (Limits)
  if (result.connections.empty()) out += "\n  No RDP connections found (TCP 3389, --port ports, or X.224 by content).\n";

  for (const auto& [server, conns] : by_server) {
    out += "\n" + style.bold("Server " + server) + "\n";
    for (const auto& [what, n] : completed_tls(conns))
      out += wrap("  completed TLS: ", fmt::format("{} ({} connection{})", what, n, n == 1 ? "" : "s"), 4);
    for (const auto* r : conns) {
      const auto& c = r->summary;
      if (!options.show_established && r->verdict.outcome == rules::Outcome::established && r->findings.empty())
        continue;
      out += "\n" + wrap(fmt::format("  #{} ", c.id),
                         fmt::format("{} -> {}, frames {}-{}, {}, {}", text::endpoint(c.client_ip, c.client_port),
                                     server, c.first.frame, c.last.frame,
                                     text::duration(c.last.time_us - c.first.time_us),
                                     c.rdp_by_content ? "found by content" : "RDP port"),
                         5);
      out += wrap("     " + style.outcome(r->verdict.outcome, outcome_label(r->verdict.outcome)) + ": ",
                  safe(r->verdict.text), 8);
      out += setup_lines(c);
      for (const auto& f : r->findings) out += finding_lines(f, style);
      if (options.ladder && has_problem(*r)) out += "\n" + render_ladder_text(build_ladder(*r), "     ");
    }
  }
  return out;
}

}  // namespace rdpcap::report
