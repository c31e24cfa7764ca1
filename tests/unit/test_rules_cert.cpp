// Rule-level tests, server certificate (core/rules/certificate_rules.cpp,
// RFC 5280 / RFC 6125): one test per catalog code, on summaries built with
// summary_builder.hpp. The capture clock starts at kCaptureStart.
#include "summary_builder.hpp"

using namespace rdpcap;
using namespace rdpcap::testing;
using rules::Severity;
namespace protocol = proto::protocol;

namespace {

// A TLS 1.2 connection whose server sends `leaf`, completed, with NLA traffic.
struct Built {
  model::ConnectionSummary summary;
  uint64_t certificate_frame = 0;
};

Built with_certificate(const x509::CertificateFacts& leaf, const std::string& sni = "") {
  SummaryBuilder b;
  SummaryBuilder::Hello h;
  h.sni = sni;
  b.handshake().x224_request(protocol::ssl | protocol::hybrid).x224_confirm(protocol::hybrid).client_hello(h)
      .server_hello();
  const auto cert = b.certificate(leaf).last();
  b.handshake_done().application_data(30, 30);
  return {b.build(), cert.frame};
}

void check_certificate(std::string_view code, Severity severity, const x509::CertificateFacts& leaf,
                       const std::string& sni = "") {
  const Built c = with_certificate(leaf, sni);
  expect_finding(diagnose_one(c.summary), code, severity, c.certificate_frame);
}

}  // namespace

RULE_TEST("cert.expired", "expired 10 days before the capture") {
  check_certificate(rule_code, Severity::error,
                    ca_issued("rdp.example.com", kCaptureStart - 400 * kDay, kCaptureStart - 10 * kDay));
}

RULE_TEST("cert.expired", "valid at capture time, expired at the reference time") {
  const Built c = with_certificate(ca_issued("rdp.example.com"));
  expect_no_finding(diagnose_one(c.summary), rule_code);
  expect_finding(diagnose_one(c.summary, kCaptureStart + 300 * kDay), rule_code, Severity::error, c.certificate_frame);
}

RULE_TEST("cert.not_yet_valid", "valid only from 3 days after the capture (clock skew)") {
  check_certificate(rule_code, Severity::error,
                    ca_issued("rdp.example.com", kCaptureStart + 3 * kDay, kCaptureStart + 365 * kDay));
}

RULE_TEST("cert.expires_soon", "expires 10 days after the capture") {
  const auto leaf = ca_issued("rdp.example.com", kCaptureStart - 300 * kDay, kCaptureStart + 10 * kDay);
  check_certificate(rule_code, Severity::warning, leaf);
  expect_no_finding(diagnose_one(with_certificate(leaf).summary), "cert.expired");
}

RULE_TEST("cert.self_signed", "the certificate Windows creates for Remote Desktop") {
  check_certificate(rule_code, Severity::warning, windows_self_signed("RDP-HOST"));
}

RULE_TEST("cert.weak_key", "RSA-1024") {
  auto leaf = ca_issued("rdp.example.com");
  leaf.key_bits = 1024;
  check_certificate(rule_code, Severity::warning, leaf);
}

RULE_TEST("cert.weak_key", "EC on a 192-bit curve") {
  auto leaf = ca_issued("rdp.example.com");
  leaf.key_type = "EC";
  leaf.key_bits = 192;
  leaf.ec_curve = "prime192v1";
  check_certificate(rule_code, Severity::warning, leaf);
}

RULE_TEST("cert.weak_signature", "signed with SHA-1") {
  auto leaf = ca_issued("rdp.example.com");
  leaf.signature_algorithm = "sha1WithRSAEncryption";
  leaf.signature_hash = "SHA1";
  check_certificate(rule_code, Severity::warning, leaf);
}

RULE_TEST("cert.no_server_auth_eku", "an EKU with Client Authentication only") {
  auto leaf = ca_issued("rdp.example.com");
  leaf.eku_oids = {"1.3.6.1.5.5.7.3.2"};
  check_certificate(rule_code, Severity::warning, leaf);
  leaf.eku_oids = {"1.3.6.1.4.1.311.54.1.2"};  // Remote Desktop Authentication is enough
  expect_no_finding(diagnose_one(with_certificate(leaf).summary), rule_code);
}

RULE_TEST("cert.name_mismatch", "SNI rdp.example.com, certificate for other.example.org") {
  check_certificate(rule_code, Severity::warning, ca_issued("other.example.org"), "rdp.example.com");
  // A wildcard covers one left-most label (RFC 6125 6.4.3).
  auto wildcard = ca_issued("*.example.com");
  expect_no_finding(diagnose_one(with_certificate(wildcard, "rdp.example.com").summary), rule_code);
  check_certificate(rule_code, Severity::warning, wildcard, "a.rdp.example.com");
}

RULE_TEST("cert.no_host_name", "a subject without CN and no SAN") {
  auto leaf = ca_issued("rdp.example.com");
  leaf.subject = "O=Example,OU=Servers";
  leaf.subject_cn.clear();
  leaf.san_dns.clear();
  check_certificate(rule_code, Severity::warning, leaf);
}

RULE_TEST("cert.empty_name", "an empty issuer name") {
  auto leaf = ca_issued("rdp.example.com");
  leaf.issuer.clear();
  check_certificate(rule_code, Severity::warning, leaf);
}

RULE_TEST("cert.changed", "the same server presents another certificate later in the capture") {
  SummaryBuilder first(3389, 1);
  first.handshake().x224_request(protocol::ssl | protocol::hybrid).x224_confirm(protocol::hybrid).client_hello()
      .server_hello().certificate(windows_self_signed("RDP-HOST")).handshake_done().application_data(30, 30);
  SummaryBuilder second(3389, 2);
  second.starting_at(kCaptureStart + 600, 200).handshake().x224_request(protocol::ssl | protocol::hybrid)
      .x224_confirm(protocol::hybrid).client_hello().server_hello();
  const auto cert = second.certificate(windows_self_signed("RDP-HOST.example.com")).last();
  second.handshake_done().application_data(30, 30);
  auto all = diagnose_all({first.build(), second.build()});
  expect_finding(all.at(1), rule_code, Severity::warning, cert.frame);
  expect_no_finding(all.at(0), rule_code);  // the first one is not "changed"
}

RULE_TEST("cert.unparsable", "DER that OpenSSL cannot decode") {
  x509::CertificateFacts leaf;
  leaf.parsed = false;
  leaf.der_size = 6;
  leaf.parse_error = "OpenSSL could not decode the certificate";
  const Built c = with_certificate(leaf);
  auto d = diagnose_one(c.summary);
  expect_finding(d, rule_code, Severity::warning, c.certificate_frame);
  expect_no_finding(d, "cert.expired");  // not_after 0 is unknown, not 1970
}
