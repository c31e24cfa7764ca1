// Every capture string goes through util::escape_html (text and attribute
// values); the page carries no JavaScript and its CSP allows none.
#include "report/html_report.hpp"

#include <fmt/format.h>

#include "report/ladder.hpp"
#include "rules/rule_context.hpp"
#include "util/escape.hpp"

namespace rdpcap::report {

namespace {

std::string h(const std::string& s) { return util::escape_html(s); }

const char* outcome_class(rules::Outcome o) {
  switch (o) {
    case rules::Outcome::established: return "ok";
    case rules::Outcome::incomplete: return "incomplete";
    default: return "failed";
  }
}

constexpr const char* kStyle = R"css(
:root { --fg:#1b1f23; --muted:#57606a; --line:#d0d7de; --bg:#fff; --soft:#f6f8fa;
        --err:#c00000; --errbg:#fde8e8; --warn:#9a6700; --warnbg:#fff8c5; --ok:#1a7f37; --okbg:#dafbe1; --info:#0969da; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--fg); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; overflow-wrap: anywhere; }
h3 { font-size: 1.1rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--soft); }
table.summary th, table.summary td { white-space: nowrap; overflow-wrap: normal; }
table.offer th:first-child { width: 22%; }
table.offer td { width: 39%; }
section.conn { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }
section.conn.failed { border-left-color: var(--err); }
section.conn.incomplete { border-left-color: var(--warn); }
section.conn.ok { border-left-color: var(--ok); }
.verdict { padding: .5rem .75rem; border-radius: 4px; background: var(--soft); }
.failed .verdict { background: var(--errbg); }
.incomplete .verdict { background: var(--warnbg); }
.ok .verdict { background: var(--okbg); }
.badge { white-space: nowrap; display: inline-block; padding: 0 .4rem; border-radius: 3px; font-size: .8rem; font-weight: 700; text-transform: uppercase; color: #fff; }
.badge.error { background: var(--err); } .badge.warning { background: var(--warn); } .badge.info { background: var(--info); }
.badge.outcome-failed { background: var(--err); } .badge.outcome-incomplete { background: var(--warn); } .badge.outcome-ok { background: var(--ok); }
ol.findings > li { margin-bottom: .75rem; overflow-wrap: anywhere; }
ol.findings ul { padding-left: 1.2rem; }
.label { font-weight: 600; }
figure.ladder-fig { margin: .5rem 0; }
.ladder-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
svg.ladder { display: block; width: 100%; min-width: 34rem; max-width: 760px; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
ol.next li { margin-bottom: .25rem; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
@media (max-width: 40rem) {
  body { padding: .5rem; font-size: 14px; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .3rem; }
  section.conn { padding: .5rem; }
  table.facts, table.facts tbody, table.facts tr, table.facts th, table.facts td { display: block; width: 100%; }
  table.facts tr { border-bottom: 1px solid var(--line); }
  table.facts th { border: 0; background: none; padding-bottom: 0; }
  table.facts td { border: 0; }
}
@media print {
  :root { --soft:#f3f3f3; }
  body { padding: 0; font-size: 10.5pt; }
  main { max-width: none; }
  section.conn, figure.ladder-fig, ol.findings > li, tr { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  .ladder-wrap, .table-wrap { overflow: visible; }
  svg.ladder { min-width: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

std::string facts_dl(const std::vector<Fact>& facts) {
  std::string out = "<dl class=\"facts\">\n";
  for (const auto& f : facts) out += "<dt>" + h(f.label) + "</dt><dd>" + h(f.value) + "</dd>\n";
  return out + "</dl>\n";
}

std::string findings_html(const session::ConnectionResult& r) {
  std::string out = "<ol class=\"findings\">\n";
  for (const auto& f : r.findings) {
    const char* sev = rules::severity_name(f.severity);
    out += fmt::format("<li><span class=\"badge {}\">{}</span> <code>{}</code>{}: {}\n<ul>\n", sev, sev, h(f.code),
                       f.frame ? fmt::format(" (frame {})", f.frame) : std::string(), h(f.title));
    for (const auto& e : f.evidence) {
      const std::string where = evidence_where(e);
      out += "<li>" + h(e.key) + ": " + h(e.value) +
             (where.empty() ? std::string() : (e.value.empty() ? "" : " — ") + h(where)) + "</li>\n";
    }
    if (!f.client_error.empty())
      out += "<li><span class=\"label\">User sees (mstsc):</span> " + h(f.client_error) + "</li>\n";
    if (!f.server_event.empty())
      out += "<li><span class=\"label\">Server event log:</span> " + h(f.server_event) + "</li>\n";
    if (!f.remediation.empty()) out += "<li><span class=\"label\">Fix:</span> " + h(f.remediation) + "</li>\n";
    out += "</ul></li>\n";
  }
  return out + "</ol>\n";
}

std::string connection_html(const session::ConnectionResult& r) {
  const auto& c = r.summary;
  const char* cls = outcome_class(r.verdict.outcome);
  std::string out = fmt::format("<section class=\"conn {}\" id=\"conn-{}\">\n", cls, c.id);
  out += fmt::format("<h3>#{} <span class=\"badge outcome-{}\">{}</span> {} → {}</h3>\n", c.id, cls,
                     h(outcome_label(r.verdict.outcome)), h(text::endpoint(c.client_ip, c.client_port)),
                     h(text::endpoint(c.server_ip, c.server_port)));
  out += "<p class=\"verdict\"><strong>Verdict:</strong> " + h(r.verdict.text) + "</p>\n";
  if (!r.findings.empty()) out += "<h4>Findings</h4>\n" + findings_html(r);
  const auto offers = offer_vs_choice(c);
  if (!offers.empty()) {
    out += "<h4>Client offer vs server choice</h4>\n<div class=\"table-wrap\"><table class=\"offer\">\n"
           "<thead><tr><th></th><th>Client offered</th><th>Server chose</th></tr></thead><tbody>\n";
    for (const auto& row : offers)
      out += "<tr><th>" + h(row.what) + "</th><td>" + h(row.offered) + "</td><td>" + h(row.chosen) + "</td></tr>\n";
    out += "</tbody></table></div>\n";
  }
  out += "<h4>Decoded facts</h4>\n<div class=\"table-wrap\"><table class=\"facts\"><tbody>\n";
  for (const auto& f : connection_facts(r))
    out += "<tr><th>" + h(f.label) + "</th><td>" + h(f.value) + "</td></tr>\n";
  out += "</tbody></table></div>\n";
  out += "<h4>Ladder</h4>\n<figure class=\"ladder-fig\" id=\"ladder-" + std::to_string(c.id) + "\"><div class=\"ladder-wrap\">\n" +
         render_ladder_svg(build_ladder(r)) +
         "</div><figcaption>Times in seconds from the connection's first frame; the failing step is red.</figcaption>"
         "</figure>\n";
  out += "<h4>What to do next</h4>\n<ol class=\"next\">\n";
  for (const auto& step : next_steps(r)) out += "<li>" + h(step) + "</li>\n";
  out += "</ol>\n</section>\n";
  return out;
}

}  // namespace

std::string render_html(const session::AnalysisResult& result, const std::string& capture_name,
                        const TicketOptions& options) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:; script-src 'none'; base-uri 'none'; form-action 'none'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<title>RDP connection diagnosis: " + h(capture_name) + "</title>\n";
  out += std::string("<style>") + kStyle + "</style>\n</head>\n<body>\n<main>\n";
  out += "<header>\n<h1>RDP connection diagnosis: " + h(capture_name) + "</h1>\n";
  out += facts_dl(capture_facts(result, capture_name, options)) + "</header>\n";
  if (!result.connections.empty()) {
    out += "<h2>Connections</h2>\n<div class=\"table-wrap\"><table class=\"summary\">\n"
           "<thead><tr><th>#</th><th>Client</th><th>Server</th><th>Outcome</th><th>Findings</th></tr></thead><tbody>\n";
    for (const auto& r : result.connections) {
      const auto& c = r.summary;
      const std::string codes = finding_codes(r);
      const std::string id = has_problem(r) ? fmt::format("<a href=\"#conn-{0}\">{0}</a>", c.id) : std::to_string(c.id);
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td><span class=\"badge outcome-{}\">{}</span></td>"
                         "<td>{}</td></tr>\n",
                         id, h(text::endpoint(c.client_ip, c.client_port)),
                         h(text::endpoint(c.server_ip, c.server_port)), outcome_class(r.verdict.outcome),
                         h(outcome_label(r.verdict.outcome)), codes.empty() ? std::string("none") : h(codes));
    }
    out += "</tbody></table></div>\n";
    for (const auto& [server, conns] : group_by_server(result)) {
      out += "<h2>Server " + h(server) + "</h2>\n";
      std::string notes;
      for (const auto& note : server_notes(conns, h)) notes += "<li>" + note + "</li>\n";
      if (!notes.empty()) out += "<ul>\n" + notes + "</ul>\n";
      for (const auto* r : conns)
        if (has_problem(*r)) out += connection_html(*r);
    }
  }
  out += "<footer>Made by rdpcap-analyze " + h(RDPCAP_VERSION) +
         " from the capture alone (passive analysis). Frame numbers are those of the analyzed capture.</footer>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace rdpcap::report
