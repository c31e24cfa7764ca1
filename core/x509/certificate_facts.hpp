// What rdpcap knows about one X.509 certificate, extracted with OpenSSL
// (RFC 5280). Owned values only; the DER itself is not kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/byte_reader.hpp"

namespace rdpcap::x509 {

struct CertificateFacts {
  bool parsed = false;              // OpenSSL decoded the DER
  std::string parse_error;          // why not, when !parsed
  size_t der_size = 0;
  std::string subject;              // RFC 2253 one-line, e.g. "CN=host"
  std::string subject_cn;           // first commonName, "" if none
  std::string issuer;
  std::string serial_hex;           // upper-case hex, no separators
  int64_t not_before = 0;           // seconds since epoch (UTC); 0 if unreadable
  int64_t not_after = 0;
  std::string key_type;             // "RSA", "EC", "ED25519", "DSA", ...
  int key_bits = 0;                 // RSA modulus bits / EC field bits
  std::string ec_curve;             // e.g. "prime256v1" for EC keys
  std::string signature_algorithm;  // e.g. "sha256WithRSAEncryption"
  std::string signature_hash;       // "SHA1", "SHA256", "MD5", ... ("" unknown)
  std::vector<std::string> san_dns; // subjectAltName dNSName entries
  std::vector<std::string> san_ip;  // subjectAltName iPAddress entries, text form
  bool san_truncated = false;       // more than 512 SAN entries: the rest were not kept
  bool has_eku = false;             // extendedKeyUsage present
  std::vector<std::string> eku_oids;// dotted OIDs, e.g. "1.3.6.1.5.5.7.3.1"
  bool issuer_equals_subject = false;
  bool self_signed = false;         // issuer == subject AND signature verifies with own key
  bool is_ca = false;               // basicConstraints cA
  std::string sha256_fingerprint;   // upper-case hex, colon separated

  bool operator==(const CertificateFacts&) const = default;
};

// Decodes one DER certificate. Never throws; a malformed DER gives
// parsed=false with a reason.
CertificateFacts read_certificate(util::Bytes der);

}  // namespace rdpcap::x509
