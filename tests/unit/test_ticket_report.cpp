// Ticket reports on a synthetic connection whose capture strings are hostile
// (markup, control characters, a Markdown fence): the ladder (text, SVG), the
// Markdown and the HTML report keep them inert; ladder failure marking and
// certificate validity wording.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "report/html_report.hpp"
#include "report/ladder.hpp"
#include "report/markdown_report.hpp"
#include "report/report_facts.hpp"

using namespace rdpcap;

namespace {

const std::string kHostile = "<script>document.title='x'</script> **b** | [a](javascript:1) ```\x1b[31m\x07";

model::FrameRef at(uint64_t frame) { return {frame, 1741597200000000 + static_cast<int64_t>(frame) * 1000}; }

session::AnalysisResult hostile_result(bool flag_failure) {
  session::AnalysisResult result;
  result.reference_time_s = 1741597200;
  session::ConnectionResult r;
  r.certificates_judged_at_s = 1741597200;
  auto& c = r.summary;
  c.id = 1;
  c.client_ip = "192.0.2.10", c.server_ip = "198.51.100.1";
  c.client_port = 50000, c.server_port = 3389;
  c.first = at(1), c.last = at(6);
  c.tcp.saw_handshake = true;
  proto::ConnectionRequest req;
  req.cookie = kHostile;
  req.has_neg_req = true;
  req.requested_protocols = 3;
  c.negotiation.request = req;
  c.negotiation.request_at = at(3);
  tls::ClientHello hello;
  hello.legacy_version = 0x0303;
  hello.cipher_suites = {0xc030};
  hello.sni = kHostile;
  c.tls.client_hello = hello;
  c.tls.client_hello_at = at(4);
  x509::CertificateFacts cert;
  cert.parsed = true;
  cert.subject = "CN=" + kHostile;
  cert.subject_cn = kHostile;
  cert.san_dns = {"<img src=x onerror=alert(1)>"};
  cert.not_before = 1700000000, cert.not_after = 1741000000;  // expired before the reference time
  c.tls.certificates.push_back(cert);
  using model::EventKind;
  namespace events = model::events;
  auto certificate = events::with_detail(EventKind::certificate, kHostile, at(5), model::Direction::server_to_client);
  certificate.flag = true, certificate.number = 1;  // "Certificate (<hostile>)"
  auto alert = events::alert({2, 42}, false, at(6), model::Direction::client_to_server);
  alert.failure = flag_failure;  // "Alert fatal bad_certificate (42)"
  c.timeline = {events::simple(EventKind::syn, at(1), model::Direction::client_to_server),
                events::simple(EventKind::syn_ack, at(2), model::Direction::server_to_client), certificate, alert};
  r.verdict = {rules::Outcome::failed_tls, "rejected " + kHostile};
  rules::Finding f;
  f.code = "tls.certificate_rejected";
  f.severity = rules::Severity::error;
  f.title = "rejected " + kHostile;
  f.frame = 6;
  f.evidence.push_back({"server certificate", kHostile, 5, at(5).time_us});
  f.remediation = "fix " + kHostile;
  f.client_error = "mstsc says " + kHostile;
  f.server_event = "Schannel 36887";
  r.findings.push_back(f);
  result.connections.push_back(r);
  return result;
}

bool has_control(const std::string& s, bool allow_newline) {
  return std::any_of(s.begin(), s.end(), [&](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && !(allow_newline && c == '\n')) || c == 0x7f;
  });
}

}  // namespace

TEST_CASE("ladder: steps, relative times, failing step marked") {
  const auto result = hostile_result(true);
  const report::Ladder l = report::build_ladder(result.connections[0]);
  REQUIRE(l.steps.size() == 4);
  CHECK(l.client == "192.0.2.10:50000");
  CHECK(l.server == "198.51.100.1:3389");
  CHECK(l.steps[3].failure);
  const std::string text = report::render_ladder_text(l);
  CHECK(text.find("+0.005000") != std::string::npos);  // frame 6, 5 ms after frame 1
  CHECK(text.find("|== FAILED ==>|  Alert fatal bad_certificate (42)") != std::string::npos);
  CHECK(text.find("|<------------|  SYN-ACK") != std::string::npos);
  CHECK_FALSE(has_control(text, true));
  CHECK(text.find("\\x1b[31m") != std::string::npos);  // the ESC shown, not sent
}

TEST_CASE("ladder text: every line within 80 columns, long words split between parts, UTF-8 kept whole") {
  report::Ladder l;
  l.connection_id = 7;
  l.client = "192.0.2.10:50000", l.server = "198.51.100.1:3389";
  l.steps.push_back({9, 0, model::Direction::server_to_client,
                     "ServerHello (TLS 1.2, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (0xcca9))", false});
  // 60 two-byte characters in one word: cut by characters, never inside one.
  std::string word;
  for (int i = 0; i < 60; ++i) word += "\xC3\xA9";
  l.steps.push_back({10, 1000, model::Direction::server_to_client, "Certificate (CN=" + word + ")", true});
  for (const std::string indent : {"", "  ", "     "}) {
    const std::string text = report::render_ladder_text(l, indent);
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = text.find('\n', start);
      const std::string line = text.substr(start, end - start);
      size_t cols = 0;
      for (unsigned char c : line) cols += (c & 0xC0) != 0x80;
      CHECK(cols <= 80);
      start = end + 1;
    }
    // split after a '_' (where depends on the label column's width)
    CHECK((text.find("_CHACHA20_\n") != std::string::npos || text.find("_POLY1305_\n") != std::string::npos));
    CHECK(text.find("\xC3\n") == std::string::npos);  // no sequence cut
    CHECK(text.find("\n" + indent + std::string(20, ' ') + "|") != std::string::npos);  // continuation rows
  }
}

TEST_CASE("ladder: without an engine flag, the first error finding's frame is marked") {
  const auto result = hostile_result(false);
  const report::Ladder l = report::build_ladder(result.connections[0]);
  CHECK(l.steps[3].failure);  // finding frame 6
  CHECK_FALSE(l.steps[2].failure);
}

TEST_CASE("ladder SVG: one element, no script, capture strings escaped") {
  const auto result = hostile_result(true);
  const std::string svg = report::render_ladder_svg(report::build_ladder(result.connections[0]));
  CHECK(svg.rfind("<svg class=\"ladder\"", 0) == 0);
  CHECK(svg.find("</svg>") == svg.size() - 7);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;document.title=&#39;x&#39;&lt;/script&gt;") != std::string::npos);
  CHECK(svg.find("class=\"step failure\"") != std::string::npos);
  CHECK_FALSE(has_control(svg, true));
}

TEST_CASE("Markdown report: hostile strings inert, tables intact, ladder fence longer than any backtick run") {
  const auto result = hostile_result(true);
  const std::string md = report::render_markdown(result, "capture`<x>`.pcap");
  // Outside the ladder's code block (whose text is shown verbatim) no markup
  // from the capture is live.
  const size_t fence = md.find("````text\n");
  REQUIRE(fence != std::string::npos);
  const size_t fence_end = md.find("\n````\n", fence);
  REQUIRE(fence_end != std::string::npos);
  const std::string prose = md.substr(0, fence) + md.substr(fence_end + 6);
  CHECK(prose.find("<script") == std::string::npos);
  CHECK(prose.find("<img") == std::string::npos);
  CHECK(prose.find("](javascript") == std::string::npos);  // no live link syntax
  CHECK(md.substr(fence, fence_end - fence).find("\n````") == std::string::npos);  // not closed early
  CHECK_FALSE(has_control(md, true));
  // The ladder label holds ``` : the fence must be longer.
  CHECK(md.find("````text\n") != std::string::npos);
  // Every table row has the header's number of unescaped pipes.
  size_t header = 0;
  size_t pos = 0;
  while (pos < md.size()) {
    const size_t end = md.find('\n', pos);
    const std::string line = md.substr(pos, end - pos);
    pos = end == std::string::npos ? md.size() : end + 1;
    if (line.empty() || line[0] != '|') {
      header = 0;
      continue;
    }
    size_t pipes = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '|') continue;
      size_t slashes = 0;
      while (slashes < i && line[i - 1 - slashes] == '\\') ++slashes;
      if (slashes % 2 == 0) ++pipes;
    }
    if (!header) header = pipes;
    INFO(line);
    CHECK(pipes == header);
  }
  CHECK(md.find("### #1 FAILED (TLS)") != std::string::npos);
  CHECK(md.find("#### What to do next") != std::string::npos);
}

TEST_CASE("HTML report: no script, a CSP that forbids scripts, hostile strings as text") {
  const auto result = hostile_result(true);
  report::TicketOptions options;
  options.redacted = true;
  const std::string html = report::render_html(result, "<b>name</b>.pcap", options);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("script-src 'none'") != std::string::npos);
  CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  CHECK(html.find("<svg class=\"ladder\"") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("Redacted") != std::string::npos);
  CHECK_FALSE(has_control(html, true));
}

TEST_CASE("certificate validity against the reference time") {
  x509::CertificateFacts cert;
  cert.not_before = 1000000, cert.not_after = 1000000 + 10 * 86400;
  CHECK(report::certificate_validity(cert, 1000000 + 86400) .rfind("valid at", 0) == 0);
  CHECK(report::certificate_validity(cert, 1000000 + 86400).find("expires in 9 days") != std::string::npos);
  CHECK(report::certificate_validity(cert, 1000000 + 12 * 86400).rfind("EXPIRED", 0) == 0);
  CHECK(report::certificate_validity(cert, 1000000 - 3600).rfind("NOT YET VALID", 0) == 0);
  CHECK(report::certificate_time_ok(cert, 1000000));
  CHECK_FALSE(report::certificate_time_ok(cert, 999999));
}

TEST_CASE("next steps: fix, server event, client error, re-test") {
  const auto result = hostile_result(true);
  const auto steps = report::next_steps(result.connections[0]);
  REQUIRE(steps.size() == 4);
  CHECK(steps[0].rfind("Fix (tls.certificate_rejected)", 0) == 0);
  CHECK(steps[1].find("Schannel 36887") != std::string::npos);
  CHECK(steps[2].find("mstsc says") != std::string::npos);
  CHECK(steps[3].rfind("Re-test", 0) == 0);
}
