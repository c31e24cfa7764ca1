// Unit tests for x509::read_certificate (core/x509/certificate_facts.*):
// real certificates taken from the TLS streams of ../shared/pcaps, plus
// certificates generated here with OpenSSL for edge cases (EC P-256 with
// SANs/EKU, RSA-1024 + SHA-1 expired, same name but foreign signature,
// Ed25519, non-ASCII names), and malformed DER.
#include <catch2/catch.hpp>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

#include "text/time_text.hpp"
#include "tls/tls_stream.hpp"
#include "tls_test_support.hpp"
#include "x509/certificate_facts.hpp"

using namespace rdpcap;
using x509::CertificateFacts;
using x509::read_certificate;

namespace {

// The server certificates of the first connection to `server_port`, read with
// TlsStream (skip = bytes before TLS, e.g. the X.224 PDU).
std::vector<std::vector<uint8_t>> server_certs(const char* file, uint16_t server_port, size_t skip = 0) {
  auto segs = tls_test::read_tcp_segments(tls_test::pcap_path(file));
  uint16_t client_port = 0;
  for (const auto& s : segs)
    if (s.dport == server_port && s.syn) {
      client_port = s.sport;
      break;
    }
  auto d = tls_test::direction(segs, server_port, client_port);
  tls::TlsStream stream;
  tls_test::Recorder r;
  tls_test::feed_chunks(stream, d, r, skip);
  return r.certificates.empty() ? std::vector<std::vector<uint8_t>>{} : r.certificates.front();
}

template <auto Fn>
struct Free {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;

PkeyPtr make_key(const char* type, const char* ec_curve = nullptr, size_t rsa_bits = 0) {
  if (rsa_bits) return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", rsa_bits));
  if (ec_curve) return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", ec_curve));
  return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, type));
}

struct CertSpec {
  std::string subject_cn = "test-host";
  std::string issuer_cn;  // empty: same as subject
  int64_t not_before = 1700000000;
  int64_t not_after = 1800000000;
  uint64_t serial = 0x0102030405;
  std::vector<std::pair<int, std::string>> extensions;  // NID, OpenSSL config value
  const EVP_MD* md = EVP_sha256();
};

// DER of a certificate for `key`, signed by `signer` (itself when null).
std::vector<uint8_t> make_cert(const CertSpec& spec, EVP_PKEY* key, EVP_PKEY* signer = nullptr) {
  X509Ptr x(X509_new());
  REQUIRE(x);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(x.get()), spec.serial);
  ASN1_TIME_set(X509_getm_notBefore(x.get()), time_t(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x.get()), time_t(spec.not_after));
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.subject_cn.c_str()), -1, -1, 0);
  const std::string& icn = spec.issuer_cn.empty() ? spec.subject_cn : spec.issuer_cn;
  X509_NAME_add_entry_by_txt(X509_get_issuer_name(x.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(icn.c_str()), -1, -1, 0);
  X509_set_pubkey(x.get(), key);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x.get(), x.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : spec.extensions) {
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    REQUIRE(ext);
    X509_add_ext(x.get(), ext.get(), -1);
  }
  REQUIRE(X509_sign(x.get(), signer ? signer : key, spec.md) > 0);
  int n = i2d_X509(x.get(), nullptr);
  REQUIRE(n > 0);
  std::vector<uint8_t> der(static_cast<size_t>(n));
  unsigned char* p = der.data();
  i2d_X509(x.get(), &p);
  return der;
}

}  // namespace

TEST_CASE("ndpi-rdp: self-signed RDP certificate CN=OFFICE-WIN10-VM", "[x509]") {
  SHARED_PCAPS_OR_SKIP();
  auto certs = server_certs("ndpi-rdp.pcap", 3389, 19);
  REQUIRE(certs.size() == 1);
  CertificateFacts f = read_certificate(certs[0]);
  REQUIRE(f.parsed);
  CHECK(f.parse_error.empty());
  CHECK(f.der_size == 742);
  CHECK(f.subject == "CN=OFFICE-WIN10-VM");
  CHECK(f.subject_cn == "OFFICE-WIN10-VM");
  CHECK(f.issuer == "CN=OFFICE-WIN10-VM");
  CHECK(f.serial_hex == "3DDE271223F54FA148CCA5D217D88B33");
  CHECK(f.not_before == 1552992431);
  CHECK(text::utc_seconds(f.not_before) == "2019-03-19T10:47:11Z");
  CHECK(text::utc_seconds(f.not_after) == "2019-09-18T10:47:11Z");
  CHECK(f.key_type == "RSA");
  CHECK(f.key_bits == 2048);
  CHECK(f.ec_curve.empty());
  CHECK(f.signature_algorithm == "sha256WithRSAEncryption");
  CHECK(f.signature_hash == "SHA256");
  CHECK(f.san_dns.empty());
  CHECK(f.san_ip.empty());
  CHECK(f.has_eku);
  CHECK(f.eku_oids == std::vector<std::string>{"1.3.6.1.5.5.7.3.1"});  // serverAuth
  CHECK(f.issuer_equals_subject);
  CHECK(f.self_signed);
  CHECK_FALSE(f.is_ca);
  CHECK(f.sha256_fingerprint ==
        "93:CB:25:F0:E7:BF:32:4E:8D:FE:DA:4E:41:0A:02:E2:96:C6:31:EF:85:9E:61:5B:0E:C2:94:24:79:0B:41:2C");
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("zeek-ssl-v2: expired self-signed SHA-1 certificate from an SSLv2 SERVER-HELLO", "[x509]") {
  SHARED_PCAPS_OR_SKIP();
  auto certs = server_certs("zeek-ssl-v2.pcap", 443);
  REQUIRE(certs.size() == 1);
  CertificateFacts f = read_certificate(certs[0]);
  REQUIRE(f.parsed);
  CHECK(f.subject == "emailAddress=info@plesk.com,CN=plesk,OU=Plesk,O=Parallels,L=Herndon,ST=Virginia,C=US");
  CHECK(f.subject_cn == "plesk");
  CHECK(f.serial_hex == "4EB6F269");
  CHECK(text::utc_seconds(f.not_after) == "2012-11-05T20:47:37Z");
  CHECK(f.signature_algorithm == "sha1WithRSAEncryption");
  CHECK(f.signature_hash == "SHA1");
  CHECK(f.self_signed);
  CHECK_FALSE(f.has_eku);
  CHECK(f.sha256_fingerprint ==
        "8C:E7:A4:DE:80:16:6F:61:98:AD:55:9E:2A:AA:A0:D8:58:AD:2F:B1:73:55:7A:9B:15:9C:FC:AF:47:60:BE:EF");
}

TEST_CASE("zeek-cert-no-cn and ndpi-selfsigned: CA:TRUE self-signed certificates", "[x509]") {
  SHARED_PCAPS_OR_SKIP();
  auto no_cn = server_certs("zeek-cert-no-cn.pcap", 8888);
  REQUIRE_FALSE(no_cn.empty());
  CertificateFacts f = read_certificate(no_cn[0]);
  REQUIRE(f.parsed);
  CHECK(f.subject == "O=TestCorp");
  CHECK(f.subject_cn.empty());
  CHECK(f.is_ca);
  CHECK(f.self_signed);
  CHECK(text::utc_seconds(f.not_after) == "2016-03-03T00:31:05Z");

  auto ntop = server_certs("ndpi-selfsigned.pcap", 3001);
  REQUIRE_FALSE(ntop.empty());
  CertificateFacts g = read_certificate(ntop[0]);
  REQUIRE(g.parsed);
  CHECK(g.subject == "O=ntop.org,ST=Some-State,C=IT");
  CHECK(g.serial_hex == "916A4CD167871602");
  CHECK(g.self_signed);
  CHECK(g.is_ca);
  CHECK(text::utc_seconds(g.not_after) == "2016-10-09T15:55:47Z");
}

TEST_CASE("suricata tls-cert-noissuer: empty issuer DN, SAN localhost", "[x509]") {
  SHARED_PCAPS_OR_SKIP();
  auto certs = server_certs("suricata-verify-tls-cert-noissuer.pcap", 443);
  REQUIRE_FALSE(certs.empty());
  CertificateFacts f = read_certificate(certs[0]);
  REQUIRE(f.parsed);
  CHECK(f.issuer.empty());
  CHECK(f.subject_cn == "localhost");
  CHECK(f.san_dns == std::vector<std::string>{"localhost"});
  CHECK_FALSE(f.issuer_equals_subject);
  CHECK_FALSE(f.self_signed);
  CHECK(f.signature_algorithm == "ecdsa-with-SHA384");
  CHECK(f.signature_hash == "SHA384");
  CHECK(f.key_type == "RSA");
}

TEST_CASE("zeek-CVE-2015-3194: crafted RSA-PSS parameters do not crash", "[x509]") {
  SHARED_PCAPS_OR_SKIP();
  auto certs = server_certs("zeek-CVE-2015-3194.pcap", 4433);
  REQUIRE_FALSE(certs.empty());
  CertificateFacts f = read_certificate(certs[0]);
  REQUIRE(f.parsed);
  CHECK(f.subject == "CN=bro.org,L=Berkeley,ST=CA,C=US");
  CHECK(f.issuer == "CN=Visa eCommerce Root,OU=Visa International Service Association,O=VISA,C=US");
  CHECK(f.signature_algorithm == "rsassaPss");
  CHECK(f.signature_hash.empty());  // invalid PSS parameters: no usable hash
  CHECK_FALSE(f.self_signed);
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("generated EC P-256 certificate with SANs, EKU and CA:TRUE", "[x509]") {
  auto key = make_key("EC", "P-256");
  REQUIRE(key);
  CertSpec spec;
  spec.subject_cn = "rdp.example.com";
  spec.extensions = {{NID_subject_alt_name, "DNS:rdp.example.com,DNS:*.example.com,IP:10.0.0.5,IP:2001:db8::1,"
                                            "email:admin@example.com"},
                     {NID_ext_key_usage, "serverAuth,clientAuth"},
                     {NID_basic_constraints, "critical,CA:TRUE"}};
  auto der = make_cert(spec, key.get());
  CertificateFacts f = read_certificate(der);
  REQUIRE(f.parsed);
  CHECK(f.key_type == "EC");
  CHECK(f.key_bits == 256);
  CHECK(f.ec_curve == "prime256v1");
  CHECK(f.signature_algorithm == "ecdsa-with-SHA256");
  CHECK(f.signature_hash == "SHA256");
  CHECK(f.san_dns == std::vector<std::string>{"rdp.example.com", "*.example.com"});
  CHECK(f.san_ip == std::vector<std::string>{"10.0.0.5", "2001:db8::1"});
  CHECK(f.has_eku);
  CHECK(f.eku_oids == std::vector<std::string>{"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"});
  CHECK(f.is_ca);
  CHECK(f.self_signed);
  CHECK(f.serial_hex == "0102030405");
  CHECK(f.not_before == 1700000000);
  CHECK(f.not_after == 1800000000);
  CHECK(f.sha256_fingerprint.size() == 32 * 3 - 1);
}

TEST_CASE("generated RSA-1024 + SHA-1 expired certificate without EKU", "[x509]") {
  auto key = make_key("RSA", nullptr, 1024);
  REQUIRE(key);
  CertSpec spec;
  spec.subject_cn = "OLD-2003-SERVER";
  spec.not_before = 946684800;  // 2000-01-01
  spec.not_after = 978307200;   // 2001-01-01
  spec.md = EVP_sha1();
  auto der = make_cert(spec, key.get());
  CertificateFacts f = read_certificate(der);
  REQUIRE(f.parsed);
  CHECK(f.key_type == "RSA");
  CHECK(f.key_bits == 1024);
  CHECK(f.signature_algorithm == "sha1WithRSAEncryption");
  CHECK(f.signature_hash == "SHA1");
  CHECK_FALSE(f.has_eku);
  CHECK(f.eku_oids.empty());
  CHECK_FALSE(f.is_ca);
  CHECK(f.self_signed);
  CHECK(text::utc_seconds(f.not_after) == "2001-01-01T00:00:00Z");

  spec.md = EVP_md5();
  auto md5 = make_cert(spec, key.get());
  CertificateFacts m = read_certificate(md5);
  REQUIRE(m.parsed);
  CHECK(m.signature_algorithm == "md5WithRSAEncryption");
  CHECK(m.signature_hash == "MD5");
}

TEST_CASE("generated RSA-PSS (SHA-384) signature: hash read from the PSS parameters", "[x509]") {
  auto key = make_key("RSA", nullptr, 1024);
  REQUIRE(key);
  CertSpec spec;
  auto der0 = make_cert(spec, key.get());  // plain, then re-signed with PSS below
  const unsigned char* p = der0.data();
  X509Ptr x(d2i_X509(nullptr, &p, long(der0.size())));
  REQUIRE(x);
  std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX_free>> md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  REQUIRE(EVP_DigestSignInit(md.get(), &pctx, EVP_sha384(), nullptr, key.get()) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1);
  REQUIRE(X509_sign_ctx(x.get(), md.get()) > 0);
  int n = i2d_X509(x.get(), nullptr);
  std::vector<uint8_t> der(static_cast<size_t>(n));
  unsigned char* q = der.data();
  i2d_X509(x.get(), &q);
  CertificateFacts f = read_certificate(der);
  REQUIRE(f.parsed);
  CHECK(f.signature_algorithm == "rsassaPss");
  CHECK(f.signature_hash == "SHA384");
  CHECK(f.key_type == "RSA");
  CHECK(f.self_signed);
}

TEST_CASE("same subject and issuer but a foreign signature is not self-signed", "[x509]") {
  auto key = make_key("EC", "P-256");
  auto other = make_key("EC", "P-256");
  REQUIRE(key);
  REQUIRE(other);
  CertSpec spec;
  auto der = make_cert(spec, key.get(), other.get());
  CertificateFacts f = read_certificate(der);
  REQUIRE(f.parsed);
  CHECK(f.issuer_equals_subject);
  CHECK_FALSE(f.self_signed);
  CHECK(ERR_peek_error() == 0);

  CertSpec issued;
  issued.issuer_cn = "Example Issuing CA";
  auto leaf = make_cert(issued, key.get(), other.get());
  CertificateFacts g = read_certificate(leaf);
  REQUIRE(g.parsed);
  CHECK(g.issuer == "CN=Example Issuing CA");
  CHECK_FALSE(g.issuer_equals_subject);
  CHECK_FALSE(g.self_signed);
}

TEST_CASE("Ed25519 key and non-ASCII names", "[x509]") {
  auto key = make_key("ED25519");
  REQUIRE(key);
  CertSpec spec;
  spec.subject_cn = "Z\xc3\xbcrich, \"HQ\"";
  spec.md = nullptr;  // Ed25519 signs without a separate digest
  auto der = make_cert(spec, key.get());
  CertificateFacts f = read_certificate(der);
  REQUIRE(f.parsed);
  CHECK(f.key_type == "ED25519");
  CHECK(f.key_bits == 256);  // EVP_PKEY_get_bits for Ed25519 in OpenSSL 3.0
  CHECK(f.signature_algorithm == "ED25519");
  CHECK(f.signature_hash.empty());
  CHECK(f.self_signed);
  CHECK(f.subject_cn == "Z\xc3\xbcrich, \"HQ\"");
  CHECK(f.subject == "CN=Z\\C3\\BCrich\\, \\\"HQ\\\"");  // RFC 2253 escaping
}

TEST_CASE("malformed DER never crashes and leaves no OpenSSL error behind", "[x509]") {
  CertificateFacts e = read_certificate({});
  CHECK_FALSE(e.parsed);
  CHECK(e.parse_error == "empty certificate");

  auto junk = tls_test::hex("3082ffff0102");
  CertificateFacts j = read_certificate(junk);
  CHECK_FALSE(j.parsed);
  CHECK(j.der_size == 6);
  CHECK(j.parse_error.rfind("OpenSSL could not decode the certificate", 0) == 0);
  CHECK(ERR_peek_error() == 0);

  SHARED_PCAPS_OR_SKIP();  // the rest mutates a real certificate
  auto certs = server_certs("ndpi-rdp.pcap", 3389, 19);
  REQUIRE(certs.size() == 1);
  const auto& der = certs[0];
  for (size_t n = 0; n < der.size(); ++n) {
    CertificateFacts t = read_certificate(util::Bytes(der).first(n));
    INFO("prefix " << n);
    CHECK_FALSE(t.parsed);
  }
  CHECK(ERR_peek_error() == 0);

  tls_test::Lcg rng(42);
  int parsed = 0;
  for (size_t i = 0; i < der.size(); ++i) {
    auto m = der;
    m[i] ^= uint8_t(1 + rng.below(255));
    CertificateFacts t = read_certificate(m);
    parsed += t.parsed;
    if (t.parsed) CHECK_FALSE((t.subject.empty() && t.issuer.empty() && t.serial_hex.empty()));
  }
  CHECK(parsed > 0);  // flips inside the signature or key still decode
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> r(rng.below(400));
    for (auto& x : r) x = uint8_t(rng.next());
    if (!r.empty() && rng.below(2)) r[0] = 0x30;
    CHECK_FALSE(read_certificate(r).parsed);
  }
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("format_utc", "[x509]") {
  CHECK(text::utc_seconds(0) == "1970-01-01T00:00:00Z");
  CHECK(text::utc_seconds(1552992431) == "2019-03-19T10:47:11Z");
  CHECK(text::utc_seconds(253402300799) == "9999-12-31T23:59:59Z");
  CHECK(text::utc_seconds(-1) == "1969-12-31T23:59:59Z");
}
