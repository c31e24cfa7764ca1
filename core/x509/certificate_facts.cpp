// X.509 certificate facts (RFC 5280) extracted with OpenSSL 3. No hand-written
// ASN.1: every field comes from an OpenSSL accessor. Every OpenSSL object is
// owned by a unique_ptr, and the OpenSSL error queue is cleared after each
// failure so one bad certificate never leaks errors into the next call.
#include "x509/certificate_facts.hpp"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <ctime>
#include <memory>

namespace rdpcap::x509 {

namespace {

constexpr size_t kMaxSanEntries = 512;

template <auto Fn>
struct Free {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
using EkuPtr = std::unique_ptr<EXTENDED_KEY_USAGE, Free<EXTENDED_KEY_USAGE_free>>;
using BasicConstraintsPtr = std::unique_ptr<BASIC_CONSTRAINTS, Free<BASIC_CONSTRAINTS_free>>;
struct OpenSslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};
using OsslString = std::unique_ptr<char, OpenSslFree>;
using OsslBytes = std::unique_ptr<unsigned char, OpenSslFree>;

// The first queued OpenSSL error as text; clears the queue.
std::string take_openssl_error() {
  unsigned long e = ERR_peek_error();
  std::string out;
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out = buf;
  }
  ERR_clear_error();
  return out;
}

// RFC 2253 one-line form of a name, e.g. "CN=host,O=Org".
std::string name_rfc2253(const X509_NAME* name) {
  if (!name) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    ERR_clear_error();
    return {};
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || !data) return {};
  return std::string(data, static_cast<size_t>(len));
}

// The first commonName of a name, as UTF-8.
std::string first_common_name(const X509_NAME* name) {
  if (!name) return {};
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return {};
  const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, idx);
  if (!entry) return {};
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
  if (len < 0) {
    ERR_clear_error();
    return {};
  }
  OsslBytes owned(utf8);
  return std::string(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
}

std::string serial_hex(const X509* cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  if (!serial) return {};
  BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) {
    ERR_clear_error();
    return {};
  }
  OsslString hex(BN_bn2hex(bn.get()));  // upper-case, no separators
  if (!hex) {
    ERR_clear_error();
    return {};
  }
  return hex.get();
}

// Seconds since the epoch of an ASN1_TIME (UTCTime or GeneralizedTime), 0 if unreadable.
int64_t to_epoch(const ASN1_TIME* t) {
  if (!t) return 0;
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return 0;
  }
  return static_cast<int64_t>(timegm(&tm));
}

std::string key_type_name(int id) {
  switch (id) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_DSA: return "DSA";
    case EVP_PKEY_DH: return "DH";
    case EVP_PKEY_ED25519: return "ED25519";
    case EVP_PKEY_ED448: return "ED448";
    case EVP_PKEY_X25519: return "X25519";
    case EVP_PKEY_X448: return "X448";
    default: break;
  }
  const char* sn = id != NID_undef ? OBJ_nid2sn(id) : nullptr;
  return sn ? sn : "unknown";
}

std::string digest_name(int md_nid) {
  switch (md_nid) {
    case NID_md2: return "MD2";
    case NID_md4: return "MD4";
    case NID_md5: return "MD5";
    case NID_sha1: return "SHA1";
    case NID_sha224: return "SHA224";
    case NID_sha256: return "SHA256";
    case NID_sha384: return "SHA384";
    case NID_sha512: return "SHA512";
    case NID_sha3_256: return "SHA3-256";
    case NID_sha3_384: return "SHA3-384";
    case NID_sha3_512: return "SHA3-512";
    case NID_sm3: return "SM3";
    default: break;
  }
  const char* sn = md_nid != NID_undef ? OBJ_nid2sn(md_nid) : nullptr;
  return sn ? sn : "";
}

std::string oid_text(const ASN1_OBJECT* obj, bool numeric) {
  if (!obj) return {};
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, numeric ? 1 : 0);
  if (n <= 0) {
    ERR_clear_error();
    return {};
  }
  return std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
}

void read_signature(X509* cert, CertificateFacts& f) {
  int sig_nid = X509_get_signature_nid(cert);
  if (sig_nid != NID_undef) {
    const char* ln = OBJ_nid2ln(sig_nid);
    f.signature_algorithm = ln ? ln : "";
  } else {
    const X509_ALGOR* alg = nullptr;
    X509_get0_signature(nullptr, &alg, cert);
    const ASN1_OBJECT* obj = nullptr;
    if (alg) X509_ALGOR_get0(&obj, nullptr, nullptr, alg);
    f.signature_algorithm = oid_text(obj, true);
  }
  // X509_get_signature_info also resolves RSA-PSS parameters.
  int md_nid = NID_undef, pk_nid = NID_undef;
  if (X509_get_signature_info(cert, &md_nid, &pk_nid, nullptr, nullptr) != 1) {
    ERR_clear_error();
    md_nid = NID_undef;
    if (sig_nid == NID_undef || OBJ_find_sigid_algs(sig_nid, &md_nid, &pk_nid) != 1) md_nid = NID_undef;
  }
  f.signature_hash = digest_name(md_nid);
}

void read_key(X509* cert, CertificateFacts& f) {
  EVP_PKEY* pkey = X509_get0_pubkey(cert);  // owned by cert
  if (!pkey) {
    ERR_clear_error();
    // Still name the algorithm from the SubjectPublicKeyInfo OID.
    X509_PUBKEY* spki = X509_get_X509_PUBKEY(cert);
    ASN1_OBJECT* alg = nullptr;
    if (spki && X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr, spki) == 1 && alg) {
      int nid = OBJ_obj2nid(alg);
      f.key_type = nid != NID_undef ? key_type_name(nid) : oid_text(alg, true);
    }
    ERR_clear_error();
    return;
  }
  f.key_type = key_type_name(EVP_PKEY_get_base_id(pkey));
  f.key_bits = EVP_PKEY_get_bits(pkey);
  if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
    char group[80];
    size_t len = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof group, &len) == 1)
      f.ec_curve.assign(group, std::min(len, sizeof group - 1));
    else
      ERR_clear_error();
  }
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  const unsigned char* p = ASN1_STRING_get0_data(ip);
  int n = ASN1_STRING_length(ip);
  char buf[INET6_ADDRSTRLEN] = {};
  if (p && n == 4 && inet_ntop(AF_INET, p, buf, sizeof buf)) return buf;
  if (p && n == 16 && inet_ntop(AF_INET6, p, buf, sizeof buf)) return buf;
  std::string hex;  // unusual length: show the bytes
  for (int i = 0; p && i < n; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, "%02X", p[i]);
    hex += b;
  }
  return hex;
}

// RFC 5280 4.2.1.6 subjectAltName: dNSName and iPAddress entries.
void read_san(X509* cert, CertificateFacts& f) {
  int crit = 0;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, nullptr)));
  if (!names) {
    ERR_clear_error();  // absent (crit -1), duplicated (-2) or undecodable
    return;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (!gn) continue;
    if (f.san_dns.size() + f.san_ip.size() >= kMaxSanEntries) {
      f.san_truncated = true;
      break;
    }
    if (gn->type == GEN_DNS && gn->d.dNSName) {
      const unsigned char* p = ASN1_STRING_get0_data(gn->d.dNSName);
      int n = ASN1_STRING_length(gn->d.dNSName);
      if (p && n >= 0) f.san_dns.emplace_back(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    } else if (gn->type == GEN_IPADD && gn->d.iPAddress) {
      f.san_ip.push_back(ip_text(gn->d.iPAddress));
    }
  }
}

// RFC 5280 4.2.1.12 extendedKeyUsage.
void read_eku(X509* cert, CertificateFacts& f) {
  f.has_eku = X509_get_ext_by_NID(cert, NID_ext_key_usage, -1) >= 0;
  if (!f.has_eku) return;
  EkuPtr eku(static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) {
    ERR_clear_error();
    return;
  }
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()) && i < int(kMaxSanEntries); ++i)
    f.eku_oids.push_back(oid_text(sk_ASN1_OBJECT_value(eku.get(), i), true));
}

// RFC 5280 4.2.1.9 basicConstraints.
void read_basic_constraints(X509* cert, CertificateFacts& f) {
  BasicConstraintsPtr bc(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr)));
  if (!bc) {
    ERR_clear_error();
    return;
  }
  f.is_ca = bc->ca != 0;
}

std::string sha256_fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) != 1) {
    ERR_clear_error();
    return {};
  }
  std::string out;
  out.reserve(n * 3);
  for (unsigned int i = 0; i < n; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, i ? ":%02X" : "%02X", md[i]);
    out += b;
  }
  return out;
}

}  // namespace

CertificateFacts read_certificate(util::Bytes der) {
  CertificateFacts f;
  f.der_size = der.size();
  if (der.empty()) {
    f.parse_error = "empty certificate";
    return f;
  }
  if (der.size() > static_cast<size_t>(LONG_MAX)) {
    f.parse_error = "certificate too large";
    return f;
  }
  ERR_clear_error();
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    std::string why = take_openssl_error();
    f.parse_error = "OpenSSL could not decode the certificate" + (why.empty() ? std::string() : ": " + why);
    return f;
  }
  f.parsed = true;

  const X509_NAME* subject = X509_get_subject_name(cert.get());
  const X509_NAME* issuer = X509_get_issuer_name(cert.get());
  f.subject = name_rfc2253(subject);
  f.subject_cn = first_common_name(subject);
  f.issuer = name_rfc2253(issuer);
  f.serial_hex = serial_hex(cert.get());
  f.not_before = to_epoch(X509_get0_notBefore(cert.get()));
  f.not_after = to_epoch(X509_get0_notAfter(cert.get()));
  read_key(cert.get(), f);
  read_signature(cert.get(), f);
  read_san(cert.get(), f);
  read_eku(cert.get(), f);
  read_basic_constraints(cert.get(), f);

  f.issuer_equals_subject = subject && issuer && X509_NAME_cmp(issuer, subject) == 0;
  if (f.issuer_equals_subject) {
    EVP_PKEY* own = X509_get0_pubkey(cert.get());
    f.self_signed = own && X509_verify(cert.get(), own) == 1;
  }
  f.sha256_fingerprint = sha256_fingerprint(cert.get());
  ERR_clear_error();
  return f;
}

}  // namespace rdpcap::x509
