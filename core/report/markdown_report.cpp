// Every capture string goes through util::escape_markdown (inline text and
// table cells: Markdown punctuation, '|' and HTML are escaped); the ladder is
// a fenced code block of escape_text output, with a fence longer than any
// backtick run inside it.
#include "report/markdown_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/ladder.hpp"
#include "rules/rule_context.hpp"
#include "util/escape.hpp"

namespace rdpcap::report {

namespace {

std::string md(const std::string& s) { return util::escape_markdown(s); }

std::string code_block(const std::string& body) {
  size_t longest = 0, run = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  return fence + "text\n" + body + fence + "\n";
}

std::string findings_md(const session::ConnectionResult& r) {
  std::string out;
  int n = 0;
  for (const auto& f : r.findings) {
    out += fmt::format("{}. **{}** `{}`{}: {}\n", ++n, rules::severity_name(f.severity), f.code,
                       f.frame ? fmt::format(" (frame {})", f.frame) : std::string(), md(f.title));
    for (const auto& e : f.evidence) {
      const std::string where = evidence_where(e);
      out += fmt::format("   - {}: {}{}\n", md(e.key), md(e.value),
                         where.empty() ? std::string() : (e.value.empty() ? "" : " — ") + md(where));
    }
    if (!f.client_error.empty()) out += "   - **User sees (mstsc):** " + md(f.client_error) + "\n";
    if (!f.server_event.empty()) out += "   - **Server event log:** " + md(f.server_event) + "\n";
    if (!f.remediation.empty()) out += "   - **Fix:** " + md(f.remediation) + "\n";
  }
  return out;
}

std::string connection_md(const session::ConnectionResult& r) {
  const auto& c = r.summary;
  std::string out;
  out += fmt::format("### #{} {}: {} → {}\n\n", c.id, outcome_label(r.verdict.outcome),
                     md(text::endpoint(c.client_ip, c.client_port)), md(text::endpoint(c.server_ip, c.server_port)));
  out += "**Verdict:** " + md(r.verdict.text) + "\n\n";
  if (!r.findings.empty()) out += "#### Findings\n\n" + findings_md(r) + "\n";
  const auto offers = offer_vs_choice(c);
  if (!offers.empty()) {
    out += "#### Client offer vs server choice\n\n| | Client offered | Server chose |\n|---|---|---|\n";
    for (const auto& row : offers)
      out += fmt::format("| {} | {} | {} |\n", md(row.what), md(row.offered), md(row.chosen));
    out += "\n";
  }
  out += "#### Decoded facts\n\n| Fact | Value |\n|---|---|\n";
  for (const auto& f : connection_facts(r)) out += fmt::format("| {} | {} |\n", md(f.label), md(f.value));
  out += "\n#### Ladder\n\n" + code_block(render_ladder_text(build_ladder(r), "")) + "\n";
  out += "#### What to do next\n\n";
  int n = 0;
  for (const auto& step : next_steps(r)) out += fmt::format("{}. {}\n", ++n, md(step));
  return out + "\n";
}

}  // namespace

std::string render_markdown(const session::AnalysisResult& result, const std::string& capture_name,
                            const TicketOptions& options) {
  std::string out = "# RDP connection diagnosis: " + md(capture_name) + "\n\n";
  for (const auto& f : capture_facts(result, capture_name, options))
    out += "- **" + md(f.label) + ":** " + md(f.value) + "\n";
  out += "\n";
  if (result.connections.empty()) return out;

  out += "## Connections\n\n| # | Client | Server | Outcome | Findings |\n|---:|---|---|---|---|\n";
  for (const auto& r : result.connections) {
    const auto& c = r.summary;
    const std::string outcome = outcome_label(r.verdict.outcome);
    const std::string codes = finding_codes(r);
    out += fmt::format("| {} | {} | {} | {} | {} |\n", c.id, md(text::endpoint(c.client_ip, c.client_port)),
                       md(text::endpoint(c.server_ip, c.server_port)),
                       r.verdict.outcome == rules::Outcome::established ? md(outcome) : "**" + md(outcome) + "**",
                       codes.empty() ? std::string("none") : md(codes));
  }
  out += "\n";

  for (const auto& [server, conns] : group_by_server(result)) {
    out += "## Server " + md(server) + "\n\n";
    std::string notes;
    for (const auto& note : server_notes(conns, md)) notes += "- " + note + "\n";
    if (!notes.empty()) out += notes + "\n";
    for (const auto* r : conns)
      if (has_problem(*r)) out += connection_md(*r);
  }
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace rdpcap::report
