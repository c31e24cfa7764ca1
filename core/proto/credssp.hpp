// CredSSP (MS-CSSP 2.2.1) TSRequest and the authentication tokens it
// carries in negoTokens: SPNEGO NegTokenInit/NegTokenResp (RFC 4178 4.2)
// wrapping Kerberos (RFC 4121 GSS-API token around an RFC 4120 AP-REQ,
// AP-REP or KRB-ERROR) or NTLM (MS-NLMP), or a bare NTLMSSP message (FreeRDP
// and the SSPI NTLM package send NTLM without SPNEGO).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto::credssp {

// MS-CSSP 2.2.1:
// TSRequest ::= SEQUENCE { version [0] INTEGER, negoTokens [1] NegoData OPTIONAL,
//   authInfo [2] OCTET STRING OPTIONAL, pubKeyAuth [3] OCTET STRING OPTIONAL,
//   errorCode [4] INTEGER OPTIONAL, clientNonce [5] OCTET STRING OPTIONAL }
// NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
struct TsRequest {
  uint32_t version = 0;
  std::optional<util::Bytes> nego_token;  // the first negoToken (a view into the input)
  bool auth_info = false;                 // encrypted credentials (TSCredentials)
  bool pub_key_auth = false;              // encrypted public key echo / hash
  std::optional<uint32_t> error_code;     // NTSTATUS or SECURITY_STATUS (version >= 3)
  bool client_nonce = false;              // version >= 5
};

// The whole TSRequest length from its DER header: need_more when the header
// is cut; invalid when it is not a SEQUENCE or longer than max_length.
util::ParseResult<size_t> frame_length(util::Bytes data, size_t max_length);
util::ParseResult<TsRequest> parse_ts_request(util::Bytes data);

// Security mechanism OIDs (RFC 4178, MS-SPNG 3.1.5.2).
namespace oid {
constexpr const char* spnego = "1.3.6.1.5.5.2";
constexpr const char* kerberos = "1.2.840.113554.1.2.2";
constexpr const char* kerberos_ms = "1.2.840.48018.1.2.2";  // legacy Microsoft Kerberos OID
constexpr const char* kerberos_u2u = "1.2.840.113554.1.2.2.3";
constexpr const char* ntlm = "1.3.6.1.4.1.311.2.2.10";
constexpr const char* negoex = "1.3.6.1.4.1.311.2.2.30";
}
const char* mech_name(const std::string& oid);  // "Kerberos", "NTLM", "NegoEx", or nullptr

enum class Inner { none, ntlm, kerberos, unknown };
const char* inner_name(Inner i);

// What one negoToken carries.
struct AuthToken {
  bool spnego = false;
  bool spnego_init = false;                 // NegTokenInit (else NegTokenResp)
  std::vector<std::string> mech_types;      // NegTokenInit mechTypes, OIDs, at most 8
  std::optional<std::string> supported_mech;// NegTokenResp supportedMech
  std::optional<int> neg_state;             // NegTokenResp negState: 0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic
  Inner inner = Inner::none;
  util::Bytes inner_token;                  // NTLM message, or the Kerberos message (after the GSS header)
  uint16_t kerberos_tok_id = 0;             // RFC 4121 4.1: 0x0100 AP-REQ, 0x0200 AP-REP, 0x0300 KRB-ERROR
};
// Never fails: an undecodable token gives inner = unknown.
AuthToken inspect_token(util::Bytes token);
const char* neg_state_name(int state);

}  // namespace rdpcap::proto::credssp
