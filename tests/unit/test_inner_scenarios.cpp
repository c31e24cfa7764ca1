// The inner stream and the rules on the decrypted application data of the
// scenario samples 25-32 (inner_vectors.hpp; samples/README.md says what
// each must show, and tshark with samples/tls-keylog.txt decodes the same
// PDUs independently). The TCP closing facts come from the capture itself.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "capture_support.hpp"
#include "inner_vectors.hpp"
#include "rules/catalog.hpp"
#include "rules/rule_context.hpp"
#include "session/inner_stream.hpp"

using namespace rdpcap;
using model::Direction;

namespace {
std::vector<uint8_t> hex(const char* h) {
  std::vector<uint8_t> out;
  for (; h[0] && h[1]; h += 2) out.push_back(static_cast<uint8_t>(std::stoul(std::string(h, 2), nullptr, 16)));
  return out;
}
const testing::scenarios::Capture& capture(const std::string& prefix) {
  for (const auto& c : testing::scenarios::kCaptures)
    if (std::string(c.name).rfind(prefix, 0) == 0) return c;
  FAIL("no capture " << prefix);
  return testing::scenarios::kCaptures[0];
}

struct Run {
  model::ConnectionSummary summary;
  std::vector<rules::Finding> findings;
  const rules::Finding* find(const std::string& code) const {
    for (const auto& f : findings)
      if (f.code == code) return &f;
    return nullptr;
  }
};

// The capture's own summary (TCP closes, negotiation) plus the inner facts
// from its decrypted records, then the new rule families.
Run run(const std::string& prefix, uint32_t selected = 0x2, const session::Limits& limits = {}) {
  const auto& cap = capture(prefix);
  auto result = testing::analyze_file(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/" + cap.name);
  Run r;
  REQUIRE_FALSE(result.connections.empty());
  r.summary = result.connections[0].summary;
  r.summary.inner = {};  // an empty box
  session::InnerStream s(limits);
  if (r.summary.negotiation.confirm) selected = r.summary.negotiation.confirm->selected_protocol;
  s.set_selected_protocol(selected);
  for (const auto& rec : cap.records) {
    const auto bytes = hex(rec.hex);
    s.on_application_data(r.summary.inner.mut(), rec.from_client ? Direction::client_to_server : Direction::server_to_client,
                          bytes, {rec.frame, r.summary.first.time_us});
  }
  rules::ServerView view;
  const rules::RuleContext ctx{r.summary, view, std::nullopt};
  rules::nla_rules(ctx, r.findings);
  rules::rdp_sequence_rules(ctx, r.findings);
  rules::kerberos_rules(ctx, r.findings);
  for (const auto& f : r.findings) {
    INFO(f.code);
    REQUIRE(rules::find_code(f.code));
    CHECK(rules::find_code(f.code)->severity == f.severity);
  }
  CHECK(r.summary.inner->parse_error.empty());
  return r;
}
}  // namespace

TEST_CASE("Scenario 25: server errorCode STATUS_LOGON_FAILURE after NTLM AUTHENTICATE", "[inner][scenarios]") {
  const auto r = run("25-");
  const auto& f = *r.summary.inner;
  CHECK(f.error_code == 0xC000006Du);
  CHECK(f.error_from == Direction::server_to_client);
  REQUIRE(f.ntlm_challenge);
  CHECK(f.ntlm_challenge->nb_computer == "RDP01");
  REQUIRE(f.ntlm_authenticate);
  CHECK(f.ntlm_authenticate->user == "alice");
  const auto* e = r.find("credssp.error_code");
  REQUIRE(e);
  CHECK(e->title.find("server refused") != std::string::npos);
  CHECK(e->title.find("STATUS_LOGON_FAILURE") != std::string::npos);
  CHECK_FALSE(r.find("credssp.credentials_rejected"));
}

TEST_CASE("Scenario 26: SEC_E_UNSUPPORTED_FUNCTION from the server, client resets", "[inner][scenarios]") {
  const auto r = run("26-");
  CHECK(r.summary.inner->error_code == 0x80090302u);
  CHECK(r.summary.inner->error_from == Direction::server_to_client);
  const auto* e = r.find("credssp.error_code");
  REQUIRE(e);
  CHECK(e->title.find("The server refused") != std::string::npos);
  CHECK(e->title.find("SEC_E_UNSUPPORTED_FUNCTION") != std::string::npos);
}

TEST_CASE("Scenario 27: Early User Authorization Result access denied (HYBRID_EX)", "[inner][scenarios]") {
  const auto r = run("27-", 0x8);
  CHECK(r.summary.inner->euar_result == 5u);
  CHECK(r.summary.inner->auth_info_at.seen());
  CHECK(r.find("rdp.authorization_denied"));
}

TEST_CASE("Scenario 28: Set Error Info 0x9 after licensing STATUS_VALID_CLIENT", "[inner][scenarios]") {
  const auto r = run("28-");
  const auto& f = *r.summary.inner;
  CHECK(f.license_error == 7u);
  CHECK(f.set_error_info == 9u);
  CHECK(f.client_info_user == "alice");
  CHECK(f.client_info_domain == "CORP");
  CHECK(f.dpu_reason == 1);  // rn-provider-initiated
  CHECK(f.dpu_from == Direction::server_to_client);
  REQUIRE(f.client_gcc);
  CHECK(f.phase >= model::RdpPhase::licensing);
  CHECK(r.find("rdp.error_info"));
  CHECK_FALSE(r.find("rdp.licensing_failed"));             // 0x7 is the normal answer
  CHECK_FALSE(r.find("rdp.server_disconnected_during_setup"));  // explained by the errorInfo
}

TEST_CASE("Scenario 29: licensing ERR_NO_LICENSE_SERVER, Set Error Info 0x101", "[inner][scenarios]") {
  const auto r = run("29-");
  CHECK(r.summary.inner->license_error == 6u);
  CHECK(r.summary.inner->license_state_transition == 1u);
  CHECK(r.summary.inner->set_error_info == 0x101u);
  CHECK(r.find("rdp.licensing_failed"));
  CHECK(r.find("rdp.error_info"));
}

TEST_CASE("Scenario 30: CredSSP v4 client against a v6 server", "[inner][scenarios]") {
  const auto r = run("30-");
  CHECK(r.summary.inner->client_credssp_version == 4u);
  CHECK(r.summary.inner->server_credssp_version == 6u);
  const auto* v = r.find("credssp.version_mismatch");
  REQUIRE(v);
  CHECK(v->remediation.find("client") != std::string::npos);
  CHECK_FALSE(r.find("credssp.credentials_rejected"));  // the version mismatch explains the close
}

TEST_CASE("Scenario 31: NTLM after a failed Kerberos pre-authentication, errorCode", "[inner][scenarios]") {
  const auto r = run("31-");
  CHECK(r.summary.inner->ntlm_used);
  CHECK(r.summary.inner->error_code.has_value());
  CHECK(r.find("credssp.error_code"));
}

TEST_CASE("Scenario 32: SPNEGO with a Kerberos AP-REQ for TERMSRV/host, SEC_E_WRONG_PRINCIPAL", "[inner][scenarios]") {
  const auto r = run("32-");
  const auto& f = *r.summary.inner;
  CHECK(f.spnego);
  CHECK(f.kerberos_attempted);
  CHECK(f.spn == "TERMSRV/rdp01.corp.example");
  CHECK(f.spn_realm == "CORP.EXAMPLE");
  CHECK(f.offered_mechs.size() >= 2);
  CHECK(f.error_code == 0x80090322u);
  const auto* e = r.find("credssp.error_code");
  REQUIRE(e);
  CHECK(e->title.find("SEC_E_WRONG_PRINCIPAL") != std::string::npos);
  bool spn = false;
  for (const auto& ev : e->evidence) spn |= ev.value == "TERMSRV/rdp01.corp.example@CORP.EXAMPLE";
  CHECK(spn);
}

TEST_CASE("Scenario 32 with Limits::max_offered_mechs 1: one SPNEGO mechanism kept", "[inner][scenarios][limits]") {
  session::Limits limits;
  limits.max_offered_mechs = 1;
  const auto r = run("32-", 0x2, limits);
  CHECK(r.summary.inner->offered_mechs.size() == 1);
  CHECK(r.summary.inner->spn == "TERMSRV/rdp01.corp.example");
}

TEST_CASE("Kerberos on port 88 in the clear: scenarios 31, 33, 34, 35", "[inner][scenarios][kerberos]") {
  const std::string dir = std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/";
  auto rdp = [](const session::AnalysisResult& a) -> const session::ConnectionResult& {
    for (const auto& c : a.connections)
      if (c.summary.server_port == 3389) return c;
    FAIL("no RDP connection");
    return a.connections[0];
  };
  {
    const auto a = testing::analyze_file(dir + "31-kerberos-preauth-failed-then-ntlm.pcap");
    const auto& c = rdp(a);
    REQUIRE(c.summary.inner->kerberos_errors.size() == 2);
    CHECK(c.summary.inner->kerberos_errors[0].error_code == 25);
    CHECK(c.summary.inner->kerberos_errors[1].error_code == 24);
    CHECK(c.summary.inner->kerberos_errors[1].kdc_ip == "198.51.100.88");
    const auto* f = testing::finding(c, "kerberos.kdc_error");
    REQUIRE(f);
    CHECK(f->title.find("24 KDC_ERR_PREAUTH_FAILED") != std::string::npos);
  }
  {
    const auto a = testing::analyze_file(dir + "33-kerberos-no-spn-ntlm-fallback.pcap");
    const auto& c = rdp(a);
    REQUIRE(c.summary.inner->kerberos_errors.size() == 1);
    CHECK(c.summary.inner->kerberos_errors[0].error_code == 7);
    CHECK(c.summary.inner->kerberos_errors[0].sname == "TERMSRV/rdp01.corp.example");
    REQUIRE_FALSE(c.summary.inner->kerberos_requests.empty());
    CHECK(c.summary.inner->kerberos_requests[0].sname == "TERMSRV/rdp01.corp.example");
    CHECK(testing::has_finding(c, "kerberos.kdc_error"));
  }
  {
    const auto a = testing::analyze_file(dir + "34-kerberos-client-revoked-locked-out.pcap");
    const auto* f = testing::finding(rdp(a), "kerberos.kdc_error");
    REQUIRE(f);
    CHECK(f->title.find("18 KDC_ERR_CLIENT_REVOKED") != std::string::npos);
  }
  {
    const auto a = testing::analyze_file(dir + "35-kerberos-error-other-client.pcap");
    const auto& c = rdp(a);
    CHECK(c.summary.inner->kerberos_errors.empty());
    CHECK_FALSE(testing::has_finding(c, "kerberos.kdc_error"));
  }
}
