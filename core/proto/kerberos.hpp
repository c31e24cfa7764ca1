// Kerberos V5 messages as NLA and the KDC exchange carry them (RFC 4120):
// the AP-REQ inside SPNEGO (5.5.1), whose ticket names the service principal
// the client asked for (TERMSRV/host); and, in the clear on TCP/UDP 88, the
// KDC requests (5.4.1 AS-REQ/TGS-REQ: which service was requested), replies
// (5.4.2) and KRB-ERROR (5.9.1: error-code, realm, sname, cname, times).
// Strings are the raw KerberosString bytes, bounded: escape on output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto::kerberos {

// RFC 4120 7.5.7 message types (the APPLICATION tag number of each message).
namespace msg {
constexpr uint32_t as_req = 10, as_rep = 11, tgs_req = 12, tgs_rep = 13, ap_req = 14, ap_rep = 15, krb_error = 30;
}
const char* message_name(uint32_t type);  // "AS-REQ", ... or "unknown"

// RFC 4120 5.2.2 PrincipalName, name-string joined with '/' ("TERMSRV/host").
struct PrincipalName {
  int32_t name_type = 0;
  std::string text;
};

struct ApReq {            // 5.5.1
  std::string realm;      // ticket realm
  PrincipalName sname;    // ticket sname
};

struct KdcReq {           // 5.4.1 AS-REQ / TGS-REQ
  uint32_t msg_type = 0;
  std::string realm;
  std::optional<PrincipalName> cname;  // AS-REQ
  std::optional<PrincipalName> sname;
};

struct KrbError {         // 5.9.1
  int32_t error_code = 0;
  std::string ctime, stime;  // KerberosTime "YYYYMMDDHHMMSSZ"
  std::string realm, crealm;
  std::optional<PrincipalName> cname;
  PrincipalName sname;
  std::string e_text;
};

// One Kerberos message (an AP-REQ, KDC-REQ, KDC-REP or KRB-ERROR), the
// APPLICATION tag telling which. Unknown tags give invalid.
struct Message {
  uint32_t type = 0;
  std::optional<ApReq> ap_req;
  std::optional<KdcReq> kdc_req;
  std::optional<KrbError> error;
  std::string rep_realm;               // AS-REP / TGS-REP crealm
};
util::ParseResult<Message> parse_message(util::Bytes data);

// RFC 4120 7.2.2: over TCP each message is preceded by a 4-byte big-endian
// length (high bit reserved, must be 0). ok consumes the mark and the message
// and gives the message bytes; need_more when cut; invalid beyond max_length.
util::ParseResult<util::Bytes> frame_tcp_record(util::Bytes stream, size_t max_length = 65536);

// RFC 4121 4.1 / RFC 2743 3.1: the GSS-API InitialContextToken around a
// Kerberos token: [APPLICATION 0] { OID 1.2.840.113554.1.2.2 (or the MS
// variant 1.2.840.48018.1.2.2), TOK_ID (2 bytes: 01 00 AP-REQ, 02 00 AP-REP,
// 03 00 KRB-ERROR), message }. Returns the message after TOK_ID.
struct GssKerberos {
  std::string mech_oid;
  uint16_t tok_id = 0;
  util::Bytes message;
};
std::optional<GssKerberos> unwrap_gss(util::Bytes token);

}  // namespace rdpcap::proto::kerberos
