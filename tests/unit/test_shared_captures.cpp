// The real public captures in ../shared/pcaps (Zeek, Suricata, nDPI, Arkime
// test suites): the verdicts and values their CATALOGUE.md states. Skipped
// with a visible note when the folder is absent, failed when CI is set
// (shared_pcaps.hpp); never copied into the project.
#include <catch2/catch.hpp>

#include "capture_support.hpp"
#include "shared_pcaps.hpp"
#include "proto/rdp_negotiation.hpp"

using namespace rdpcap;
using rdpcap::testing::analyze_file;
using rdpcap::testing::has_finding;

namespace {

std::string shared(const std::string& name) { return rdpcap::testing::shared_pcap_path(name); }

// Present, or a visible skip note (user clone), or a failure under CI (shared_pcaps.hpp).
bool available(const std::string& name) { return rdpcap::testing::shared_pcap_available(name); }

const std::set<uint16_t> kTlsPorts{443, 3000, 3001, 4433, 8443, 8888, 80};

}  // namespace

TEST_CASE("zeek rdp-to-ssl: NLA over TLS 1.0, self-signed, first attempt abandoned", "[shared]") {
  if (!available("zeek-rdp-to-ssl.pcap")) return;
  auto r = analyze_file(shared("zeek-rdp-to-ssl.pcap"));
  REQUIRE(r.connections.size() == 2);
  for (const auto& c : r.connections) {
    const auto& s = c.summary;
    REQUIRE(s.negotiation.request);
    CHECK(s.negotiation.request->cookie == "AWAKECODI");
    CHECK(s.negotiation.request->requested_protocols == 0x3);
    REQUIRE(s.negotiation.confirm);
    CHECK(s.negotiation.confirm->selected_protocol == proto::protocol::hybrid);
    REQUIRE(s.tls.server_hello);
    CHECK(s.tls.server_hello->negotiated_version() == 0x0301);
    CHECK(s.tls.server_hello->cipher_suite == 0x002F);
    REQUIRE_FALSE(s.tls.certificates.empty());
    CHECK(s.tls.certificates[0].subject_cn == "WIN2K8R2.awakecoding.ath.cx");
    CHECK(s.tls.certificates[0].self_signed);
    CHECK(has_finding(c, "cert.self_signed"));
    CHECK(has_finding(c, "tls.weak_version"));
    CHECK_FALSE(has_finding(c, "cert.expired"));  // issued an hour before the capture
    CHECK_FALSE(has_finding(c, "cert.not_yet_valid"));
  }
  // Stream 0: CredSSP round trips, then the client leaves; stream 1 works.
  CHECK(has_finding(r.connections[0], "credssp.client_closed"));
  CHECK(r.connections[1].verdict.outcome == rules::Outcome::established);
}

TEST_CASE("zeek rdp-proprietary-encryption: SSL_NOT_ALLOWED_BY_SERVER then Standard RDP Security", "[shared]") {
  if (!available("zeek-rdp-proprietary-encryption.pcap")) return;
  auto r = analyze_file(shared("zeek-rdp-proprietary-encryption.pcap"));
  REQUIRE(r.connections.size() == 2);
  const auto& first = r.connections[0];
  CHECK(first.summary.negotiation.request->cookie == "FTBCO\\A70");
  CHECK(first.summary.negotiation.request->requested_protocols == proto::protocol::ssl);
  CHECK(first.summary.negotiation.confirm->failure_code == proto::failure::ssl_not_allowed_by_server);
  CHECK(has_finding(first, "x224.neg_failure.ssl_not_allowed_by_server"));
  CHECK(first.verdict.outcome == rules::Outcome::failed_negotiation);
  const auto& second = r.connections[1];
  CHECK(second.summary.negotiation.request->requested_protocols == proto::protocol::rdp);
  CHECK(second.summary.stage == model::Stage::standard_security);
  CHECK(has_finding(second, "x224.standard_security"));
}

TEST_CASE("zeek rdp-x509 and unknown-keyboard: Standard RDP Security, SYN retransmitted", "[shared]") {
  if (!available("zeek-rdp-x509.pcap")) return;
  auto r = analyze_file(shared("zeek-rdp-x509.pcap"));
  REQUIRE(r.connections.size() == 1);
  const auto& c = r.connections[0];
  CHECK(c.summary.negotiation.request->cookie.rfind("JOHN-PC", 0) == 0);
  CHECK(c.summary.negotiation.confirm->selected_protocol == proto::protocol::rdp);
  CHECK(c.summary.tcp.syn_count >= 2);
  CHECK(has_finding(c, "x224.standard_security"));
  if (!available("zeek-rdp-unknown-keyboard.pcap")) return;
  auto k = analyze_file(shared("zeek-rdp-unknown-keyboard.pcap"));
  REQUIRE(k.connections.size() == 1);
  CHECK(k.connections[0].summary.negotiation.request->requested_protocols == 0);
}

TEST_CASE("zeek rdp-invalid-length: reported, not crashed", "[shared]") {
  if (!available("zeek-rdp-invalid-length.pcap")) return;
  auto r = analyze_file(shared("zeek-rdp-invalid-length.pcap"));
  REQUIRE(r.connections.size() == 1);
  CHECK(has_finding(r.connections[0], "x224.not_rdp"));
}

TEST_CASE("nDPI rdp: HYBRID_EX over TLS 1.2, self-signed but valid", "[shared]") {
  if (!available("ndpi-rdp.pcap")) return;
  auto r = analyze_file(shared("ndpi-rdp.pcap"));
  REQUIRE(r.connections.size() == 1);
  const auto& c = r.connections[0];
  CHECK(c.summary.negotiation.request->cookie.empty());
  CHECK(c.summary.negotiation.request->requested_protocols == 0xB);
  CHECK(c.summary.negotiation.confirm->selected_protocol == proto::protocol::hybrid_ex);
  CHECK(c.summary.tls.server_hello->cipher_suite == 0xC030);
  CHECK(c.summary.tls.client_hello->sni == "192.168.2.142");
  CHECK(c.summary.tls.certificates.at(0).subject_cn == "OFFICE-WIN10-VM");
  CHECK(has_finding(c, "cert.self_signed"));
  CHECK_FALSE(has_finding(c, "cert.expired"));
}

TEST_CASE("nDPI rdp3 and Suricata RDP-003: legacy RDP without negotiation", "[shared]") {
  if (!available("ndpi-rdp3.pcap")) return;
  auto r = analyze_file(shared("ndpi-rdp3.pcap"));
  REQUIRE(r.connections.size() == 1);
  const auto& neg = r.connections[0].summary.negotiation;
  CHECK(neg.request->cookie == "Administr");
  CHECK_FALSE(neg.request->has_neg_req);
  CHECK(neg.confirm->kind == proto::ConnectionConfirm::Kind::legacy);
  CHECK(has_finding(r.connections[0], "x224.standard_security"));
  if (!available("suricata-verify-RDP-003.pcap")) return;
  auto s = analyze_file(shared("suricata-verify-RDP-003.pcap"));
  REQUIRE(s.connections.size() == 1);
  CHECK(s.connections[0].summary.negotiation.request->cookie == "A70067");
  CHECK(s.connections[0].summary.stage == model::Stage::standard_security);
}

TEST_CASE("RDPEUDP-only captures: no TCP connection, no crash", "[shared]") {
  for (const char* name : {"zeek-rdpeudp-handshake-fail.pcap", "zeek-rdpeudp-handshake-success.pcap",
                           "zeek-rdpeudp2-handshake-success.pcap", "ndpi-rdp2.pcap"}) {
    if (!available(name)) continue;
    auto r = analyze_file(shared(name));
    CHECK(r.connections.empty());
    CHECK(r.stats.frames > 0);
  }
}

TEST_CASE("zeek tls-1.2-handshake-failure: no shared cipher, alert 40", "[shared]") {
  if (!available("zeek-tls-1.2-handshake-failure.pcap")) return;
  auto r = analyze_file(shared("zeek-tls-1.2-handshake-failure.pcap"), kTlsPorts);
  REQUIRE(r.connections.size() == 1);
  const auto& c = r.connections[0];
  CHECK(c.summary.tls.direct);
  const auto& suites = c.summary.tls.client_hello->cipher_suites;
  CHECK(std::find(suites.begin(), suites.end(), 0xC010) != suites.end());
  REQUIRE(c.summary.tls.alerts.size() >= 1);
  CHECK(c.summary.tls.alerts[0].alert.description == 40);
  CHECK(has_finding(c, "tls.no_shared_cipher"));
  CHECK(c.verdict.outcome == rules::Outcome::failed_tls);
}

TEST_CASE("zeek tls-1.2-protocol-error: the mangled reply is not TLS", "[shared]") {
  if (!available("zeek-tls-1.2-protocol-error.pcap")) return;
  auto r = analyze_file(shared("zeek-tls-1.2-protocol-error.pcap"), kTlsPorts);
  REQUIRE(r.connections.size() == 1);
  CHECK(r.connections[0].verdict.outcome == rules::Outcome::failed_tls);
  CHECK_FALSE(has_finding(r.connections[0], "tls.version_mismatch"));
}

TEST_CASE("nDPI tls_alert: the server rejects TLS 1.0 (protocol_version)", "[shared]") {
  if (!available("ndpi-tls_alert.pcap")) return;
  auto r = analyze_file(shared("ndpi-tls_alert.pcap"), kTlsPorts);
  REQUIRE(r.connections.size() >= 1);
  const auto& c = r.connections[0];
  CHECK(c.summary.tls.client_hello->sni == "www.google-analytics.com");
  CHECK(c.summary.tls.alerts.at(0).alert.description == 70);
  CHECK(has_finding(c, "tls.version_mismatch"));
}

TEST_CASE("zeek certificate-request-failed: client certificate required", "[shared]") {
  if (!available("zeek-certificate-request-failed.pcap")) return;
  auto r = analyze_file(shared("zeek-certificate-request-failed.pcap"), kTlsPorts);
  REQUIRE(r.connections.size() == 1);
  const auto& c = r.connections[0];
  CHECK(c.summary.ipv6);
  CHECK(c.summary.tls.certificates.at(0).subject_cn == "testing.zeek.org");
  CHECK_FALSE(c.summary.tls.certificates.at(0).self_signed);
  CHECK(has_finding(c, "tls.client_certificate_required"));
}

TEST_CASE("Certificates: expired, self-signed, no CN, empty issuer", "[shared]") {
  if (available("zeek-tls-expired-cert.pcap")) {
    auto r = analyze_file(shared("zeek-tls-expired-cert.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 2);
    CHECK(r.connections[0].summary.tls.certificates.at(0).subject_cn == "www.spidh.org");
    CHECK(has_finding(r.connections[0], "cert.expired"));
  }
  if (available("ndpi-selfsigned.pcap")) {
    auto r = analyze_file(shared("ndpi-selfsigned.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(has_finding(r.connections[0], "cert.expired"));
    CHECK(has_finding(r.connections[0], "cert.self_signed"));
  }
  if (available("zeek-cert-no-cn.pcap")) {
    auto r = analyze_file(shared("zeek-cert-no-cn.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(r.connections[0].summary.tls.certificates.at(0).subject_cn.empty());
    CHECK(has_finding(r.connections[0], "cert.self_signed"));
    CHECK(has_finding(r.connections[0], "cert.no_host_name"));
  }
  if (available("suricata-verify-tls-cert-noissuer.pcap")) {
    auto r = analyze_file(shared("suricata-verify-tls-cert-noissuer.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(r.connections[0].summary.tls.certificates.at(0).subject_cn == "localhost");
    CHECK(has_finding(r.connections[0], "cert.empty_name"));
  }
  if (available("zeek-CVE-2015-3194.pcap")) {  // crafted PSS parameters: decoded or reported, never a crash
    auto r = analyze_file(shared("zeek-CVE-2015-3194.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK_FALSE(r.connections[0].summary.tls.certificates.empty());
  }
}

TEST_CASE("Weak results: SSL 3.0 / TLS 1.0 with RC4", "[shared]") {
  if (available("arkime-openssl-ssl3.pcap")) {
    auto r = analyze_file(shared("arkime-openssl-ssl3.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(r.connections[0].summary.tls.server_hello->negotiated_version() == 0x0300);
    CHECK(r.connections[0].summary.tls.server_hello->cipher_suite == 0xC011);
    CHECK(has_finding(r.connections[0], "tls.weak_version"));
    CHECK(has_finding(r.connections[0], "tls.weak_cipher"));
  }
  if (available("arkime-openssl-tls1_2-tls1.pcap")) {
    auto r = analyze_file(shared("arkime-openssl-tls1_2-tls1.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(r.connections[0].summary.tls.server_hello->negotiated_version() == 0x0301);
    CHECK(r.connections[0].summary.tls.server_hello->cipher_suite == 0x0004);
    CHECK(has_finding(r.connections[0], "tls.weak_cipher"));
  }
  if (available("zeek-missing-intermediate.pcap")) {
    auto r = analyze_file(shared("zeek-missing-intermediate.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 3);
    CHECK(r.connections[0].summary.tls.server_hello->cipher_suite == 0x0004);
  }
}

TEST_CASE("TLS 1.3 HelloRetryRequest and duplicate ClientHello", "[shared]") {
  if (available("zeek-hrr.pcap")) {
    auto r = analyze_file(shared("zeek-hrr.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(has_finding(r.connections[0], "tls.hello_retry"));
    CHECK(r.connections[0].summary.tls.server_hello->negotiated_version() == 0x0304);
  }
  if (available("suricata-verify-tls-duplicate-hello.pcap")) {
    auto r = analyze_file(shared("suricata-verify-tls-duplicate-hello.pcap"), kTlsPorts);
    bool duplicate = false;
    for (const auto& c : r.connections) duplicate |= has_finding(c, "tls.duplicate_client_hello");
    CHECK(duplicate);
  }
}

TEST_CASE("TLS spoken to a plain HTTP server", "[shared]") {
  for (const char* name : {"zeek-https-to-http.pcap", "zeek-ssl-to-http-server.pcap"}) {
    if (!available(name)) continue;
    auto r = analyze_file(shared(name), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(has_finding(r.connections[0], "tls.malformed"));
    CHECK_FALSE(has_finding(r.connections[0], "tls.no_shared_cipher"));
  }
}

TEST_CASE("Capture artefacts: one-sided, unanswered ClientHello, missing first segment", "[shared]") {
  if (available("ndpi-tls_1.2_unidirectional_client_no_cert.pcapng")) {
    auto r = analyze_file(shared("ndpi-tls_1.2_unidirectional_client_no_cert.pcapng"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(has_finding(r.connections[0], "capture.one_sided"));
    CHECK_FALSE(has_finding(r.connections[0], "tcp.syn_unanswered"));
  }
  if (available("ndpi-tls_multiple_synack_different_seq.pcapng")) {
    auto r = analyze_file(shared("ndpi-tls_multiple_synack_different_seq.pcapng"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK_FALSE(r.connections[0].summary.tls.server_hello);
    CHECK(r.connections[0].verdict.outcome != rules::Outcome::established);
  }
  if (available("ndpi-tls_missing_ch_frag.pcap")) {
    auto r = analyze_file(shared("ndpi-tls_missing_ch_frag.pcap"), kTlsPorts);
    REQUIRE(r.connections.size() == 1);
    CHECK(has_finding(r.connections[0], "tcp.mid_stream"));
    CHECK(has_finding(r.connections[0], "tcp.gap"));
  }
}

TEST_CASE("SSLv2 ClientHello is recognised", "[shared]") {
  if (!available("zeek-ssl-v2.pcap")) return;
  auto r = analyze_file(shared("zeek-ssl-v2.pcap"), kTlsPorts);
  REQUIRE(r.connections.size() == 1);
  REQUIRE(r.connections[0].summary.tls.client_hello);
  CHECK(r.connections[0].summary.tls.client_hello->sslv2_format);
  CHECK(has_finding(r.connections[0], "tls.sslv2_hello"));
  // The SSLv2 SERVER-HELLO carries the certificate: CN=plesk, self-signed, expired 2012-11-05.
  REQUIRE_FALSE(r.connections[0].summary.tls.certificates.empty());
  CHECK(r.connections[0].summary.tls.certificates[0].subject_cn == "plesk");
  CHECK(has_finding(r.connections[0], "cert.self_signed"));
  CHECK(has_finding(r.connections[0], "cert.expired"));
  CHECK(has_finding(r.connections[0], "tls.weak_version"));
}

TEST_CASE("Arkime socks5-rdp: RDP behind a SOCKS5 proxy, Standard RDP Security", "[shared]") {
  if (!available("arkime-socks5-rdp.pcap")) return;
  auto r = analyze_file(shared("arkime-socks5-rdp.pcap"), {42356});
  REQUIRE(r.connections.size() == 1);
  const auto& c = r.connections[0];
  CHECK(c.summary.proxy.socks5);
  CHECK(c.summary.proxy.reply_code == 0);
  REQUIRE(c.summary.negotiation.request);
  CHECK(c.summary.negotiation.request->cookie == "XXX");
  CHECK(c.summary.negotiation.request->requested_protocols == 0);
  CHECK(c.summary.negotiation.confirm->selected_protocol == proto::protocol::rdp);
  CHECK(has_finding(c, "x224.standard_security"));
}
