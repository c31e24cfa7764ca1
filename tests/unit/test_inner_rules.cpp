// Rule-level tests for the codes that read decrypted NLA / RDP facts and
// cleartext Kerberos (nla_rules.cpp, rdp_sequence_rules.cpp,
// kerberos_rules.cpp): each fires on its facts, stays silent on the normal
// values (STATUS_VALID_CLIENT, ERRINFO_LOGOFF_BY_USER, KDC_ERR_PREAUTH_REQUIRED,
// success), and has the catalog's severity. The facts come from the inner
// stream fed the decrypted records of samples/pcaps/01 where possible.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "inner_vectors.hpp"
#include "rules/catalog.hpp"
#include "rules/diagnose.hpp"
#include "rules/rule_context.hpp"
#include "session/inner_stream.hpp"

using namespace rdpcap;
using model::Direction;

namespace {
std::vector<uint8_t> hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  return out;
}
model::FrameRef at(uint64_t frame) { return {frame, 1741597260000000 + static_cast<int64_t>(frame) * 1000}; }

// Sample 01's CredSSP exchange up to (and without) the frames from `stop_at` on.
model::InnerFacts sample01_until(uint64_t stop_at) {
  model::InnerFacts f;
  session::InnerStream s;
  for (const auto& r : testing::sample01::kRecords) {
    if (r.frame >= stop_at) break;
    const auto b = hex(r.hex);
    s.on_application_data(f, r.from_client ? Direction::client_to_server : Direction::server_to_client, b, at(r.frame));
  }
  return f;
}

std::vector<rules::Finding> run(const model::ConnectionSummary& c) {
  rules::ServerView view;
  const rules::RuleContext ctx{c, view, std::nullopt};
  std::vector<rules::Finding> out;
  rules::nla_rules(ctx, out);
  rules::rdp_sequence_rules(ctx, out);
  rules::kerberos_rules(ctx, out);
  for (const auto& f : out) {
    INFO(f.code);
    const auto* info = rules::find_code(f.code);
    REQUIRE(info);
    CHECK(info->severity == f.severity);
  }
  return out;
}
const rules::Finding* find(const std::vector<rules::Finding>& v, const std::string& code) {
  for (const auto& f : v)
    if (f.code == code) return &f;
  return nullptr;
}
std::string evidence(const rules::Finding& f, const std::string& key) {
  for (const auto& e : f.evidence)
    if (e.key == key) return e.value;
  return "<none>";
}
}  // namespace

TEST_CASE("credssp.credentials_rejected: server FIN right after AUTHENTICATE, names NTLM and the NetBIOS server", "[rules][inner]") {
  model::ConnectionSummary c;
  c.inner.mut() = sample01_until(17);  // NEGOTIATE, CHALLENGE, AUTHENTICATE; no pubKeyAuth
  c.tcp.server_fin = at(17);
  auto out = run(c);
  const auto* f = find(out, "credssp.credentials_rejected");
  REQUIRE(f);
  CHECK(f->frame == 17u);
  CHECK(evidence(*f, "security package") == "NTLM");
  CHECK(evidence(*f, "NTLM server (CHALLENGE target info)") == "CORP\\RDP01 (rdp01.corp.example), Windows 10.0 build 19041");
  CHECK(evidence(*f, "NTLM AUTHENTICATE user") == "CORP\\alice from workstation WS-ALICE");
  // The whole exchange (pubKeyAuth, authInfo) then a close: no finding.
  model::ConnectionSummary ok;
  ok.inner.mut() = sample01_until(31);
  ok.tcp.server_fin = at(35);
  CHECK(run(ok).empty());
  // The client closing is not a server rejection.
  model::ConnectionSummary client_left;
  client_left.inner.mut() = sample01_until(17);
  client_left.tcp.client_fin = at(17);
  CHECK_FALSE(find(run(client_left), "credssp.credentials_rejected"));
}

TEST_CASE("credssp.error_code names the status and the side that sent it", "[rules][inner]") {
  model::ConnectionSummary c;
  c.inner.mut() = sample01_until(17);
  session::InnerStream s;  // a fresh stream only for the server's errorCode TSRequest
  s.on_application_data(c.inner.mut(), Direction::server_to_client, hex("300da003020106a4060204c0000234"), at(17));
  c.tcp.client_rst = at(18);  // the client's reset ends it; the server still refused
  auto out = run(c);
  const auto* f = find(out, "credssp.error_code");
  REQUIRE(f);
  CHECK(f->title.find("server refused") != std::string::npos);
  CHECK(f->title.find("0xC0000234 STATUS_ACCOUNT_LOCKED_OUT") != std::string::npos);
  CHECK(f->client_error.find("locked out") != std::string::npos);
  CHECK_FALSE(find(out, "credssp.credentials_rejected"));  // an errorCode explains it already
}

TEST_CASE("credssp.version_mismatch (CVE-2018-0886) and kerberos_fallback", "[rules][inner]") {
  model::ConnectionSummary c;
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().client_credssp_version = 6;
  c.inner.mut().server_credssp_version = 3;
  c.inner.mut().client_first_ts_request = at(10);
  c.inner.mut().server_first_ts_request = at(11);
  c.tcp.client_fin = at(12);
  auto out = run(c);
  const auto* f = find(out, "credssp.version_mismatch");
  REQUIRE(f);
  CHECK(f->remediation.find("server") != std::string::npos);
  c.inner.mut().server_credssp_version = 5;
  CHECK_FALSE(find(run(c), "credssp.version_mismatch"));

  model::ConnectionSummary k;
  k.inner.mut().plaintext_seen = true;
  k.inner.mut().kerberos_attempted = true;
  k.inner.mut().kerberos_at = at(10);
  k.inner.mut().spn = "TERMSRV/10.0.0.5";
  k.inner.mut().ntlm_used = true;
  k.inner.mut().ntlm_after_kerberos = true;
  k.inner.mut().ntlm_at = at(12);
  const auto out_k = run(k);  // keep the findings alive while fb points into them
  const auto* fb = find(out_k, "credssp.kerberos_fallback");
  REQUIRE(fb);
  CHECK(fb->severity == rules::Severity::info);
}

TEST_CASE("rdp.* sequence findings: EUAR, Set Error Info, licensing, DPU", "[rules][inner]") {
  model::ConnectionSummary c;
  c.inner.mut() = sample01_until(31);
  c.inner.mut().euar_result = 5;
  c.inner.mut().euar_at = at(19);
  auto out = run(c);
  REQUIRE(find(out, "rdp.authorization_denied"));
  c.inner.mut().euar_result = 0;
  CHECK_FALSE(find(run(c), "rdp.authorization_denied"));

  c.inner.mut().set_error_info = 0xC;  // LOGOFF_BY_USER: normal
  c.inner.mut().set_error_info_at = at(40);
  CHECK_FALSE(find(run(c), "rdp.error_info"));
  c.inner.mut().set_error_info = 0x3;  // idle timeout: a warning code
  CHECK(find(run(c), "rdp.session_ended_by_server"));
  c.inner.mut().set_error_info = 0x9;
  const auto sei = run(c);
  const auto* e = find(sei, "rdp.error_info");
  REQUIRE(e);
  CHECK(e->title.find("ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES") != std::string::npos);
  CHECK(evidence(*e, "connection sequence reached") == "channel connection");
  CHECK(evidence(*e, "Disconnect Provider Ultimatum") == "from the client, reason user-requested");
  c.inner.mut().set_error_info.reset();

  c.inner.mut().license_error = 7;  // STATUS_VALID_CLIENT
  c.inner.mut().license_at = at(41);
  CHECK_FALSE(find(run(c), "rdp.licensing_failed"));
  c.inner.mut().license_error = 6;
  c.inner.mut().license_state_transition = 1;
  const auto lic = run(c);
  const auto* l = find(lic, "rdp.licensing_failed");
  REQUIRE(l);
  CHECK(l->title.find("ERR_NO_LICENSE_SERVER") != std::string::npos);
  CHECK(evidence(*l, "dwStateTransition") == "ST_TOTAL_ABORT");
  c.inner.mut().license_error.reset();

  // Sample 01's own DPU comes from the client: no finding; from the server during setup: one.
  CHECK_FALSE(find(run(c), "rdp.server_disconnected_during_setup"));
  c.inner.mut().dpu_from = Direction::server_to_client;
  CHECK(find(run(c), "rdp.server_disconnected_during_setup"));
  c.inner.mut().phase = model::RdpPhase::session_running;
  CHECK_FALSE(find(run(c), "rdp.server_disconnected_during_setup"));
}

TEST_CASE("kerberos.kdc_error: failures reported, PREAUTH_REQUIRED is normal", "[rules][inner]") {
  model::ConnectionSummary c;
  model::KerberosErrorFact e;
  e.at = at(5);
  e.error_code = 25;
  e.kdc_ip = "192.0.2.53";
  e.sname = "krbtgt/CORP.EXAMPLE";
  c.inner.mut().kerberos_errors.push_back(e);
  CHECK(run(c).empty());
  e.error_code = 24;
  e.at = at(7);
  c.inner.mut().kerberos_errors.push_back(e);
  c.inner.mut().kerberos_requests.push_back({at(6), 10, "krbtgt/CORP.EXAMPLE", "CORP.EXAMPLE"});
  const auto out = run(c);
  REQUIRE(out.size() == 1);
  CHECK(out[0].code == "kerberos.kdc_error");
  CHECK(out[0].title.find("24 KDC_ERR_PREAUTH_FAILED") != std::string::npos);
  CHECK(out[0].title.find("192.0.2.53") != std::string::npos);
  CHECK(evidence(out[0], "requested before") == "AS-REQ for krbtgt/CORP.EXAMPLE");
}
