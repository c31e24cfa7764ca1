// Rule-level tests, TLS handshake (core/rules/tls_rules.cpp, RFC 5246 /
// RFC 8446): one test per catalog code, on summaries built with
// summary_builder.hpp.
#include "summary_builder.hpp"

using namespace rdpcap;
using namespace rdpcap::testing;
using rules::Severity;
namespace protocol = proto::protocol;

namespace {

// TCP, X.224 asking for TLS+CredSSP, CredSSP selected.
SummaryBuilder nla() {
  SummaryBuilder b;
  b.handshake().x224_request(protocol::ssl | protocol::hybrid).x224_confirm(protocol::hybrid);
  return b;
}

SummaryBuilder::Hello tls10_only() {
  SummaryBuilder::Hello h;
  h.legacy_version = 0x0301;
  h.suites = {0xc014, 0xc013, 0x0035, 0x002f};
  return h;
}

SummaryBuilder::Hello tls13() {
  SummaryBuilder::Hello h;
  h.versions = {0x0304, 0x0303};
  h.suites = {0x1301, 0x1302, 0xc030, 0xc02f};
  return h;
}

}  // namespace

RULE_TEST("tls.no_shared_cipher", "the server answers the ClientHello with handshake_failure") {
  auto b = nla();
  const auto alert = b.client_hello().alert(kServer, 40).last();
  auto d = diagnose_one(b.fin(kServer).build());
  expect_finding(d, rule_code, Severity::error, alert.frame);
  expect_no_finding(d, "tls.version_mismatch");
  CHECK(d.verdict.outcome == rules::Outcome::failed_tls);
}

RULE_TEST("tls.no_shared_cipher", "the server resets right after a TLS 1.2 ClientHello, no alert") {
  auto b = nla();
  const auto rst = b.client_hello().rst(kServer).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, rst.frame);
}

RULE_TEST("tls.version_mismatch", "a TLS 1.0-only client answered with protocol_version") {
  auto b = nla();
  const auto alert = b.client_hello(tls10_only()).alert(kServer, 70).last();
  auto d = diagnose_one(b.fin(kServer).build());
  expect_finding(d, rule_code, Severity::error, alert.frame);
  expect_no_finding(d, "tls.no_shared_cipher");
}

RULE_TEST("tls.version_mismatch", "capture-wide: the server completed TLS 1.2 elsewhere, this TLS 1.0 client was reset") {
  auto ok = nla();
  ok.client_hello().server_hello(0x0303, 0xc030).certificate(ca_issued("rdp.example.com")).handshake_done()
      .application_data(30, 30);
  SummaryBuilder bad(3389, 2);
  bad.starting_at(kCaptureStart + 60, 100).handshake().x224_request(protocol::ssl | protocol::hybrid)
      .x224_confirm(protocol::hybrid).client_hello(tls10_only());
  const auto rst = bad.rst(kServer).last();
  auto all = diagnose_all({ok.build(), bad.build()});
  expect_finding(all.at(1), rule_code, Severity::error, rst.frame);
  expect_no_finding(all.at(0), rule_code);
}

RULE_TEST("tls.alert", "the server sends internal_error after the client's key exchange") {
  auto b = nla();
  b.client_hello().server_hello().certificate(ca_issued("rdp.example.com")).server_hello_done().client_key_exchange();
  const auto alert = b.alert(kServer, 80).last();
  auto d = diagnose_one(b.fin(kServer).build());
  expect_finding(d, rule_code, Severity::error, alert.frame);
  expect_no_finding(d, "tls.handshake_aborted");
}

RULE_TEST("tls.certificate_rejected", "the client answers the certificate with unknown_ca") {
  auto b = nla();
  b.client_hello().server_hello().certificate(windows_self_signed("RDP-HOST")).server_hello_done();
  const auto alert = b.alert(kClient, 48).last();
  auto d = diagnose_one(b.fin(kClient).build());
  expect_finding(d, rule_code, Severity::error, alert.frame);
  expect_finding(d, "tls.alert", Severity::error, alert.frame);
}

RULE_TEST("tls.certificate_rejected", "the client resets right after the certificate, no alert") {
  auto b = nla();
  b.client_hello().server_hello().certificate(windows_self_signed("RDP-HOST")).server_hello_done();
  const auto rst = b.rst(kClient).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, rst.frame);
  expect_no_finding(d, "tls.handshake_aborted");
}

RULE_TEST("tls.certificate_rejected", "the handshake completes, the client sends an encrypted alert and leaves") {
  auto b = nla();
  b.client_hello().server_hello().certificate(windows_self_signed("RDP-HOST")).handshake_done();
  const auto alert = b.alert(kClient, 0, 1, true).last();  // encrypted: description unreadable
  auto d = diagnose_one(b.fin(kClient).build());
  expect_finding(d, rule_code, Severity::error, alert.frame);
  expect_no_finding(d, "credssp.client_closed");
}

RULE_TEST("tls.client_certificate_required", "CertificateRequest, then handshake_failure from the server") {
  auto b = nla();
  b.client_hello().server_hello().certificate(ca_issued("rdp.example.com")).certificate_request().server_hello_done()
      .client_key_exchange();
  const auto alert = b.alert(kServer, 40).last();
  auto d = diagnose_one(b.fin(kServer).build());
  expect_finding(d, rule_code, Severity::error, alert.frame);
}

RULE_TEST("tls.no_server_hello", "the client gives up 20 s after an unanswered ClientHello") {
  auto b = nla();
  b.client_hello().wait_s(20);
  const auto fin = b.fin(kClient).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, fin.frame);
  expect_no_finding(d, "tls.no_shared_cipher");
}

RULE_TEST("tls.handshake_aborted", "the server resets after its ServerHelloDone") {
  auto b = nla();
  b.client_hello().server_hello().certificate(ca_issued("rdp.example.com")).server_hello_done();
  const auto rst = b.rst(kServer).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, rst.frame);
}

RULE_TEST("tls.handshake_incomplete", "the capture ends after the ClientHello") {
  auto b = nla();
  const auto hello = b.client_hello().last();
  auto d = diagnose_one(b.capture_ends().build());
  expect_finding(d, rule_code, Severity::warning, hello.frame);
}

RULE_TEST("tls.handshake_incomplete", "the capture ends after the ServerHello") {
  auto b = nla();
  b.client_hello().server_hello();
  const auto last = b.certificate(ca_issued("rdp.example.com")).last();
  auto d = diagnose_one(b.capture_ends().build());
  expect_finding(d, rule_code, Severity::warning, last.frame);
}

RULE_TEST("tls.malformed", "the server answers the ClientHello with bytes that are not TLS") {
  auto b = nla();
  const auto bad = b.client_hello().tls_error(kServer, "not a TLS record: content type 3").last();
  auto d = diagnose_one(b.fin(kServer).build());
  expect_finding(d, rule_code, Severity::error, bad.frame);
}

RULE_TEST("tls.weak_version", "TLS 1.0 negotiated") {
  auto b = nla();
  const auto sh = b.client_hello(tls10_only()).server_hello(0x0301, 0xc014).last();
  auto d = diagnose_one(b.certificate(ca_issued("rdp.example.com")).handshake_done().application_data(30, 30).build());
  expect_finding(d, rule_code, Severity::warning, sh.frame);
}

RULE_TEST("tls.weak_cipher", "3DES negotiated") {
  auto b = nla();
  const auto sh = b.client_hello().server_hello(0x0303, 0x000a).last();  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
  auto d = diagnose_one(b.certificate(ca_issued("rdp.example.com")).handshake_done().application_data(30, 30).build());
  expect_finding(d, rule_code, Severity::warning, sh.frame);
}

RULE_TEST("tls.no_forward_secrecy", "RSA key exchange with AES-GCM") {
  auto b = nla();
  const auto sh = b.client_hello().server_hello(0x0303, 0x009d).last();  // TLS_RSA_WITH_AES_256_GCM_SHA384
  auto d = diagnose_one(b.certificate(ca_issued("rdp.example.com")).handshake_done().application_data(30, 30).build());
  expect_finding(d, rule_code, Severity::warning, sh.frame);
  expect_no_finding(d, "tls.weak_cipher");
}

RULE_TEST("tls.certificate_not_visible", "TLS 1.3: the certificate travels encrypted") {
  auto b = nla();
  const auto sh = b.client_hello(tls13()).server_hello(0x0304, 0x1301).last();
  auto d = diagnose_one(b.handshake_done().application_data(30, 30).build());
  expect_finding(d, rule_code, Severity::info, sh.frame);
  expect_no_finding(d, "tls.no_forward_secrecy");
}

RULE_TEST("tls.hello_retry", "HelloRetryRequest, second ClientHello, TLS 1.3") {
  auto b = nla();
  const auto hrr = b.client_hello(tls13()).hello_retry(0x0017).last();
  b.client_hello(tls13()).server_hello(0x0304, 0x1302).handshake_done().application_data(30, 30);
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::info, hrr.frame);
  expect_no_finding(d, "tls.duplicate_client_hello");
}

RULE_TEST("tls.sslv2_hello", "an SSLv2-format ClientHello") {
  auto b = nla();
  SummaryBuilder::Hello h = tls10_only();
  h.sslv2 = true;
  const auto hello = b.client_hello(h).last();
  auto d = diagnose_one(b.server_hello(0x0301, 0x002f).certificate(ca_issued("rdp.example.com")).handshake_done()
                            .application_data(30, 30).build());
  expect_finding(d, rule_code, Severity::warning, hello.frame);
}

RULE_TEST("tls.duplicate_client_hello", "two ClientHellos without a HelloRetryRequest") {
  auto b = nla();
  const auto first = b.client_hello().last();
  auto d = diagnose_one(b.wait_s(1).client_hello().capture_ends().build());
  expect_finding(d, rule_code, Severity::warning, first.frame);
}

// TLS 1.3 (RFC 8446): Finished of TLS_AES_256_GCM_SHA384 = 4 + 48 + 1 + 16 bytes; an alert record = 2 + 1 + 16.
RULE_TEST("tls.client_refused_after_handshake", "TLS 1.3: client Finished, one alert-sized record, FIN") {
  auto b = nla();
  b.client_hello(tls13()).server_hello(0x0304, 0x1302).encrypted(kServer, 1).encrypted(kClient, 1, 69);
  const auto close = b.encrypted(kClient, 1, 19).fin(kClient).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, close.frame);
  expect_no_finding(d, "credssp.client_closed");
  CHECK(d.verdict.outcome == rules::Outcome::failed_tls);
}

RULE_TEST("tls.client_refused_after_handshake", "with a key log: what is wrong with the decrypted certificate") {
  auto b = nla();
  b.client_hello(tls13()).server_hello(0x0304, 0x1302).certificate(windows_self_signed("RDP-HOST"));
  b.encrypted(kServer, 1).encrypted(kClient, 1, 69);
  const auto close = b.encrypted(kClient, 1, 19).fin(kClient).last();
  auto d = diagnose_one(b.build());
  expect_finding(d, rule_code, Severity::error, close.frame);
  for (const auto& f : d.findings) {
    if (f.code != rule_code) continue;
    CHECK(f.title.find("which is self-signed (decrypted with the key log)") != std::string::npos);
    CHECK(f.title.find("(inferred)") == std::string::npos);
    CHECK(f.remediation.find("self-signed Remote Desktop certificate") != std::string::npos);
  }
}

RULE_TEST("tls.client_refused_after_handshake", "not when the client goes on with CredSSP or on TLS 1.2") {
  auto b = nla();
  b.client_hello(tls13()).server_hello(0x0304, 0x1301).encrypted(kServer, 1).encrypted(kClient, 1, 53);
  auto d = diagnose_one(b.encrypted(kClient, 1, 120).encrypted(kClient, 1, 19).fin(kClient).build());
  expect_no_finding(d, rule_code);  // a TSRequest went first: not a refusal after Finished
  auto b12 = nla();
  b12.client_hello().server_hello(0x0303, 0xc030).handshake_done();
  auto d12 = diagnose_one(b12.fin(kClient).build());
  expect_no_finding(d12, rule_code);
}

// With key material (issue 11): what could not be decrypted is a finding.
RULE_TEST("tls.no_matching_key", "keys given, none for this ClientHello random") {
  auto b = nla();
  const auto sh = b.client_hello().server_hello(0x0303, 0xc030).last();
  auto c = b.certificate(ca_issued("rdp.example.com")).handshake_done().application_data(30, 30).build();
  c.tls.decryption.keys_given = true;
  c.tls.decryption.status = model::DecryptionFacts::Status::no_matching_key;
  c.tls.decryption.detail = "the key logs have no secrets for client random 0011223344556677...";
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::info, sh.frame);
  expect_no_finding(d, "tls.decryption_failed");
  c.tls.decryption.keys_given = false;  // no key material at all: nothing to say
  expect_no_finding(diagnose_one(c), rule_code);
}

RULE_TEST("tls.decryption_failed", "a record whose tag does not verify") {
  auto b = nla();
  b.client_hello().server_hello(0x0303, 0xc030).certificate(ca_issued("rdp.example.com")).handshake_done();
  const auto bad = b.application_data(30, 30).last();
  auto c = b.build();
  auto& dec = c.tls.decryption;
  dec.keys_given = true;
  dec.status = model::DecryptionFacts::Status::failed;
  dec.client.keys = dec.server.keys = true;
  dec.server.failed = true;
  dec.server.failed_at = bad;
  dec.server.failure = "Handshake record of 40 bytes: authentication tag does not verify";
  auto d = diagnose_one(c);
  expect_finding(d, rule_code, Severity::warning, bad.frame);
  expect_no_finding(d, "tls.no_matching_key");
}
