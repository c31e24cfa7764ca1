// Server certificate findings (RFC 5280): validity against the capture time,
// self-signed, weak key/signature, EKU, name vs SNI, changed certificate.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "rules/rule_context.hpp"

namespace rdpcap::rules {

namespace {

constexpr const char* kServerAuthEku = "1.3.6.1.5.5.7.3.1";
constexpr const char* kRemoteDesktopEku = "1.3.6.1.4.1.311.54.1.2";
constexpr const char* kAnyEku = "2.5.29.37.0";
constexpr int64_t kDay = 86400;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

// RFC 6125 6.4.3: a wildcard only as the whole left-most label.
bool name_matches(const std::string& pattern_in, const std::string& host_in) {
  const std::string pattern = lower(pattern_in), host = lower(host_in);
  if (pattern == host) return true;
  if (pattern.size() > 2 && pattern[0] == '*' && pattern[1] == '.') {
    const auto dot = host.find('.');
    return dot != std::string::npos && dot > 0 && host.substr(dot) == pattern.substr(1);
  }
  return false;
}

// Remediation by who issued the certificate: Windows' own self-signed
// Remote Desktop certificate is replaced on the server, a CA-issued one is
// renewed through the CA.
const char* renew_expired(const x509::CertificateFacts& leaf) {
  if (leaf.self_signed)
    return "Renew the Remote Desktop certificate. For the self-signed one Windows creates, delete it from the "
           "'Remote Desktop' certificate store (certlm.msc) and restart Remote Desktop Services to get a new one; "
           "better, deploy a certificate from your CA with the 'Remote Desktop Authentication' template through "
           "Group Policy ('Server authentication certificate template').";
  return "Renew the server's Remote Desktop certificate from the CA that issued it, and make sure Remote Desktop "
         "uses the new one (Group Policy 'Server authentication certificate template' with auto-enrollment, or "
         "the certificate thumbprint set on the RDP listener). Check why auto-enrollment did not renew it in time.";
}

const char* fix_not_yet_valid(const x509::CertificateFacts& leaf) {
  if (leaf.self_signed)
    return "The certificate's start date is in the future: the server's clock was ahead when Windows generated "
           "its self-signed certificate, or the client's clock is behind. Fix the clocks (NTP, w32tm /resync), then "
           "delete the certificate from the 'Remote Desktop' store (certlm.msc) and restart Remote Desktop Services "
           "to get a new one.";
  return "The certificate's start date is in the future: the server (or the CA) clock was ahead when it was "
         "issued, or the client's clock is behind. Fix the clocks (NTP, w32tm /resync) and reissue the certificate "
         "if needed.";
}

const char* renew_soon(const x509::CertificateFacts& leaf) {
  if (leaf.self_signed)
    return "Renew it before it expires: delete Windows' self-signed certificate from the 'Remote Desktop' store "
           "(certlm.msc) and restart Remote Desktop Services to get a new one; better, deploy a certificate from "
           "your CA with auto-enrollment.";
  return "Renew it before it expires; check that auto-enrollment renews Remote Desktop certificates.";
}

}  // namespace

void certificate_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& t = c.tls;
  if (t.certificates.empty()) return;
  const auto& leaf = t.certificates.front();
  const model::FrameRef at = t.certificate_at;
  if (!leaf.parsed) {
    out.push_back(FindingBuilder("cert.unparsable", Severity::warning, "The server certificate could not be decoded")
                      .at(at)
                      .evidence("problem", leaf.parse_error, at)
                      .remediation("The certificate is malformed; clients will reject it. Replace it.")
                      .build());
    return;
  }
  const std::string name = leaf.subject.empty() ? "(empty subject)" : leaf.subject;
  const int64_t now = *certificate_judged_at(c, ctx.reference_time_s);
  const std::string now_text = ctx.reference_time_s ? text::utc_seconds(now) + " (reference time)"
                                                    : text::utc_seconds(now) + " (capture time)";
  const size_t first_finding = out.size();
  const std::string validity = fmt::format("{} .. {}", text::utc_seconds(leaf.not_before), text::utc_seconds(leaf.not_after));

  if (now > leaf.not_after) {
    out.push_back(FindingBuilder("cert.expired", Severity::error,
                                 fmt::format("The server certificate expired {} before the connection",
                                             text::span(now - leaf.not_after)))
                      .at(at)
                      .evidence("certificate", name, at)
                      .evidence("valid", validity)
                      .evidence("checked at", now_text)
                      .remediation(renew_expired(leaf))
                      .client_error("mstsc: certificate warning 'The certificate has expired or is not yet valid'")
                      .build());
  } else if (now < leaf.not_before) {
    out.push_back(FindingBuilder("cert.not_yet_valid", Severity::error,
                                 fmt::format("The server certificate is not valid for another {}: clock skew?",
                                             text::span(leaf.not_before - now)))
                      .at(at)
                      .evidence("certificate", name, at)
                      .evidence("valid", validity)
                      .evidence("checked at", now_text)
                      .remediation(fix_not_yet_valid(leaf))
                      .client_error("mstsc: certificate warning 'The certificate has expired or is not yet valid'")
                      .build());
  } else if (leaf.not_after - now < 30 * kDay) {
    out.push_back(FindingBuilder("cert.expires_soon", Severity::warning,
                                 fmt::format("The server certificate expires in {}", text::span(leaf.not_after - now)))
                      .at(at)
                      .evidence("certificate", name, at)
                      .evidence("valid", validity)
                      .evidence("checked at", now_text)
                      .remediation(renew_soon(leaf))
                      .build());
  }
  if (leaf.issuer.empty() || (leaf.subject.empty() && leaf.san_dns.empty() && leaf.san_ip.empty())) {
    out.push_back(FindingBuilder("cert.empty_name", Severity::warning,
                                 leaf.issuer.empty() ? "The server certificate has an empty issuer name"
                                                     : "The server certificate has an empty subject and no "
                                                       "alternative names")
                      .at(at)
                      .evidence("subject", leaf.subject.empty() ? "(empty)" : name, at)
                      .evidence("issuer", leaf.issuer.empty() ? "(empty)" : leaf.issuer)
                      .remediation("RFC 5280 requires a non-empty issuer; clients cannot build a chain or match a "
                                   "name. Reissue the certificate.")
                      .build());
  } else if (leaf.subject_cn.empty() && leaf.san_dns.empty() && leaf.san_ip.empty()) {
    out.push_back(FindingBuilder("cert.no_host_name", Severity::warning,
                                 "The server certificate names no host (no CN, no subject alternative name)")
                      .at(at)
                      .evidence("subject", name, at)
                      .remediation("Clients cannot match it to the server's name. Issue a certificate with the host "
                                   "names clients use in its subject alternative names.")
                      .build());
  }
  if (leaf.self_signed) {
    out.push_back(FindingBuilder("cert.self_signed", Severity::warning,
                                 "The server certificate is self-signed: clients cannot verify the server's identity")
                      .at(at)
                      .evidence("certificate", name, at)
                      .evidence("SHA-256", leaf.sha256_fingerprint)
                      .remediation("Clients show an identity warning (and users learn to click through it). Deploy "
                                   "a certificate from a trusted CA for Remote Desktop, or distribute this one's "
                                   "fingerprint to users.")
                      .client_error("mstsc: 'The identity of the remote computer cannot be verified'")
                      .build());
  }
  const bool weak_rsa = (leaf.key_type == "RSA" || leaf.key_type == "DSA") && leaf.key_bits > 0 && leaf.key_bits < 2048;
  const bool weak_ec = leaf.key_type == "EC" && leaf.key_bits > 0 && leaf.key_bits < 256;
  if (weak_rsa || weak_ec) {
    out.push_back(FindingBuilder("cert.weak_key", Severity::warning,
                                 fmt::format("The server certificate has a weak {}-{} key", leaf.key_type, leaf.key_bits))
                      .at(at)
                      .evidence("certificate", name, at)
                      .evidence("key", fmt::format("{} {} bits", leaf.key_type, leaf.key_bits))
                      .remediation("Reissue the certificate with RSA 2048+ or ECDSA P-256+; current clients and "
                                   "TLS libraries refuse smaller keys.")
                      .build());
  }
  const std::string hash = lower(leaf.signature_hash);
  if (hash == "sha1" || hash == "md5") {
    out.push_back(FindingBuilder("cert.weak_signature", Severity::warning,
                                 fmt::format("The {}server certificate is signed with {}",
                                             leaf.self_signed ? "self-signed " : "", leaf.signature_algorithm))
                      .at(at)
                      .evidence("certificate", name, at)
                      .evidence("signature", leaf.signature_algorithm)
                      .remediation(leaf.self_signed ? "Regenerate the certificate with SHA-256."
                                                    : "Reissue the certificate with a SHA-256 signature.")
                      .build());
  }
  if (leaf.has_eku) {
    const auto has = [&](const char* oid) {
      return std::find(leaf.eku_oids.begin(), leaf.eku_oids.end(), oid) != leaf.eku_oids.end();
    };
    if (!has(kServerAuthEku) && !has(kRemoteDesktopEku) && !has(kAnyEku)) {
      std::string ekus;
      for (const auto& o : leaf.eku_oids) ekus += (ekus.empty() ? "" : ", ") + o;
      out.push_back(FindingBuilder("cert.no_server_auth_eku", Severity::warning,
                                   "The server certificate is not valid for server authentication (EKU)")
                        .at(at)
                        .evidence("certificate", name, at)
                        .evidence("extended key usage", ekus)
                        .remediation("Issue the certificate with the Server Authentication (1.3.6.1.5.5.7.3.1) or "
                                     "Remote Desktop Authentication (1.3.6.1.4.1.311.54.1.2) extended key usage.")
                        .build());
    }
  }
  if (t.client_hello && !t.client_hello->sni.empty()) {
    const std::string& sni = t.client_hello->sni;
    bool match = false;
    for (const auto& dns : leaf.san_dns) match |= name_matches(dns, sni);
    for (const auto& ip : leaf.san_ip) match |= ip == sni;
    if (leaf.san_dns.empty() && leaf.san_ip.empty()) match |= name_matches(leaf.subject_cn, sni);
    if (!match) {
      std::string names;
      for (const auto& dns : leaf.san_dns) names += (names.empty() ? "" : ", ") + dns;
      for (const auto& ip : leaf.san_ip) names += (names.empty() ? "" : ", ") + ip;
      if (names.empty()) names = "CN=" + leaf.subject_cn;
      out.push_back(FindingBuilder("cert.name_mismatch", Severity::warning,
                                   "The server certificate does not match the name the client connected to")
                        .at(at)
                        .evidence("client asked for (SNI)", sni, t.client_hello_at)
                        .evidence("certificate names", names, at)
                        .remediation("Connect with a name in the certificate, or issue a certificate whose subject "
                                     "alternative names include every name clients use (host name, FQDN, alias).")
                        .client_error("mstsc: 'The name in the certificate does not match' warning")
                        .build());
    }
  }
  // A different certificate for the same server elsewhere in the capture.
  if (!leaf.sha256_fingerprint.empty()) {
    for (const auto& [fp, first] : ctx.server.certificates) {
      if (fp == leaf.sha256_fingerprint || first.first.frame >= at.frame) continue;
      out.push_back(FindingBuilder("cert.changed", Severity::warning,
                                   "The server presented a different certificate earlier in this capture")
                        .at(at)
                        .evidence("this certificate", name + " " + leaf.sha256_fingerprint, at)
                        .evidence("earlier certificate", first.subject + " " + fp, first.first)
                        .remediation("Two certificates for one server address: a load balancer with servers "
                                     "configured differently, a renewed certificate, or an interception device. "
                                     "Make sure it is expected.")
                        .build());
      break;
    }
  }
  for (size_t i = first_finding; i < out.size(); ++i) out[i].judged_at_s = now;
}

// What to do when the client rejects the server's certificate, from what it
// was: out of its dates at the instant it was judged, Windows' self-signed
// one, or one from a CA the client does not trust.
const char* rejected_certificate_advice(const RuleContext& ctx) {
  const auto& t = ctx.conn.tls;
  if (t.certificates.empty() || !t.certificates.front().parsed)
    return "The client does not trust the server's Remote Desktop certificate (see the certificate findings). "
           "Deploy a certificate from a CA the clients trust, with the name clients connect to, or renew an "
           "expired one.";
  const auto& leaf = t.certificates.front();
  const int64_t now = *certificate_judged_at(ctx.conn, ctx.reference_time_s);
  if (now > leaf.not_after || now < leaf.not_before)
    return "The certificate is outside its validity dates (see the certificate findings): renew it, or fix the "
           "clock of the side that is wrong (NTP, w32tm /resync).";
  if (leaf.self_signed)
    return "The client does not trust the server's self-signed Remote Desktop certificate. Deploy a certificate "
           "from a CA the clients trust (Group Policy 'Server authentication certificate template'), or "
           "distribute this certificate's fingerprint to the clients.";
  return "The client does not trust the CA that issued the server's Remote Desktop certificate, or the name it "
         "connected to is not in it (see the certificate findings). Install the issuing CA's root in the "
         "clients' Trusted Root Certification Authorities (Group Policy), or use a certificate from a CA they "
         "already trust.";
}

std::optional<int64_t> certificate_judged_at(const model::ConnectionSummary& c, std::optional<int64_t> reference_s) {
  if (c.tls.certificates.empty()) return std::nullopt;
  if (reference_s) return reference_s;
  return c.tls.certificate_at.time_us / 1000000;  // the frame that carried the certificate
}

}  // namespace rdpcap::rules
