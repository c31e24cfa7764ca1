// Rule-level tests for the codes read from decrypted NLA / RDP data and
// cleartext Kerberos (nla_rules.cpp, rdp_sequence_rules.cpp,
// kerberos_rules.cpp): a summary from summary_builder.hpp with its inner
// facts set the way session::InnerStream / KerberosWatch set them; one test
// per catalog code, through the public diagnose entry point.
#include "summary_builder.hpp"

using namespace rdpcap;
using namespace rdpcap::testing;
using rules::Severity;
namespace protocol = proto::protocol;

namespace {

SummaryBuilder tls_done(uint32_t selected) {
  SummaryBuilder b;
  b.handshake().x224_request(protocol::ssl | protocol::hybrid | protocol::hybrid_ex).x224_confirm(selected).client_hello()
      .server_hello().certificate(ca_issued("rdp.example.com")).handshake_done();
  return b;
}

model::NtlmAuthenticateFacts authenticate(model::FrameRef at) { return {at, "CORP", "alice", "WS-ALICE", false, true}; }

}  // namespace

RULE_TEST("credssp.error_code", "the server's TSRequest carries STATUS_LOGON_FAILURE, the client resets") {
  auto b = tls_done(protocol::hybrid);
  const auto err = b.application_data(3, 2).last();
  b.wait_ms(5).rst(kClient);
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().error_code = 0xC000006D;
  c.inner.mut().error_from = kServer;
  c.inner.mut().error_at = err;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::error, err.frame);
  CHECK(d.verdict.outcome == rules::Outcome::failed_after_tls);
}

RULE_TEST("credssp.version_mismatch", "client CredSSP 4 against server 6, then the server closes") {
  auto b = tls_done(protocol::hybrid);
  const auto first = b.application_data(2, 1).last();
  const auto fin = b.wait_ms(5).fin(kServer).last();
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().client_credssp_version = 4;
  c.inner.mut().server_credssp_version = 6;
  c.inner.mut().client_first_ts_request = first;
  c.inner.mut().server_first_ts_request = first;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::error, fin.frame);
  expect_no_finding(d, "credssp.credentials_rejected");
}

RULE_TEST("credssp.credentials_rejected", "the server closes right after the NTLM AUTHENTICATE, no errorCode") {
  auto b = tls_done(protocol::hybrid);
  const auto auth = b.application_data(3, 2).last();
  const auto fin = b.wait_ms(2).fin(kServer).last();
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().ntlm_used = true;
  c.inner.mut().package = "NTLM";
  c.inner.mut().ntlm_at = auth;
  c.inner.mut().ntlm_authenticate = authenticate(auth);
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::error, fin.frame);
}

RULE_TEST("credssp.kerberos_fallback", "a Kerberos AP-REQ, then NTLM") {
  auto b = tls_done(protocol::hybrid);
  const auto krb = b.application_data(1, 1).last();
  const auto ntlm = b.application_data(1, 1).last();
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().kerberos_attempted = true;
  c.inner.mut().kerberos_at = krb;
  c.inner.mut().spn = "TERMSRV/10.0.0.5";
  c.inner.mut().ntlm_used = true;
  c.inner.mut().ntlm_after_kerberos = true;
  c.inner.mut().ntlm_at = ntlm;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::info, ntlm.frame);
}

RULE_TEST("rdp.authorization_denied", "HYBRID_EX, Early User Authorization Result 0x5") {
  auto b = tls_done(protocol::hybrid_ex);
  const auto creds = b.application_data(3, 2).last();
  const auto euar = b.application_data(0, 1).last();
  b.fin(kServer);
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().auth_info_at = creds;
  c.inner.mut().euar_result = 5;
  c.inner.mut().euar_at = euar;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::error, euar.frame);
  CHECK(d.verdict.outcome == rules::Outcome::failed_after_tls);
}

RULE_TEST("rdp.error_info", "Set Error Info 0x9 (insufficient privileges)") {
  auto b = tls_done(protocol::hybrid);
  const auto sei = b.application_data(8, 8).last();
  b.fin(kServer);
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().set_error_info = 0x9;
  c.inner.mut().set_error_info_at = sei;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::error, sei.frame);
}

RULE_TEST("rdp.session_ended_by_server", "Set Error Info 0x3 (idle timeout)") {
  auto b = tls_done(protocol::hybrid);
  const auto sei = b.application_data(20, 20).last();
  b.fin(kServer);
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().set_error_info = 0x3;
  c.inner.mut().set_error_info_at = sei;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::warning, sei.frame);
  expect_no_finding(d, "rdp.error_info");
}

RULE_TEST("rdp.licensing_failed", "licensing Error Alert ERR_NO_LICENSE_SERVER; STATUS_VALID_CLIENT is not") {
  auto b = tls_done(protocol::hybrid);
  const auto alert = b.application_data(8, 8).last();
  b.fin(kServer);
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().license_error = 0x7;
  c.inner.mut().license_at = alert;
  expect_no_finding(diagnose_one(c), rule_code);
  c.inner.mut().license_error = 0x6;
  c.inner.mut().license_state_transition = 1;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::error, alert.frame);
}

RULE_TEST("rdp.server_disconnected_during_setup", "the server's Disconnect Provider Ultimatum at channel connection") {
  auto b = tls_done(protocol::hybrid);
  const auto dpu = b.application_data(8, 6).last();
  b.fin(kServer);
  auto c = b.build();
  c.inner.mut().plaintext_seen = true;
  c.inner.mut().phase = model::RdpPhase::channel_connection;
  c.inner.mut().phase_at[static_cast<size_t>(model::RdpPhase::channel_connection)] = dpu;
  c.inner.mut().dpu_reason = 1;
  c.inner.mut().dpu_from = kServer;
  c.inner.mut().dpu_at = dpu;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::error, dpu.frame);
}

RULE_TEST("kerberos.kdc_error", "KDC_ERR_PREAUTH_FAILED for the client; PREAUTH_REQUIRED is not a finding") {
  auto b = tls_done(protocol::hybrid);
  const auto krb = b.application_data(2, 1).last();
  b.application_data(2, 1).fin(kServer);
  auto c = b.build();
  model::KerberosErrorFact e;
  e.at = krb;
  e.error_code = 25;
  e.kdc_ip = "192.0.2.53";
  e.sname = "krbtgt/CORP.EXAMPLE";
  c.inner.mut().kerberos_errors.push_back(e);
  expect_no_finding(diagnose_one(c), rule_code);
  c.inner.mut().kerberos_errors[0].error_code = 24;
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::warning, krb.frame);
}
