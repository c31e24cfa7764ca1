// Names, meanings, what the user saw and the fix for the status codes that
// decrypted NLA/RDP traffic and cleartext Kerberos carry: NTSTATUS
// ([MS-ERREF] 2.3) and SSPI SECURITY_STATUS / HRESULT ([MS-ERREF] 2.1) in a
// CredSSP errorCode (MS-CSSP 2.2.1), Set Error Info errorInfo (MS-RDPBCGR
// 2.2.5.1.1), licensing dwErrorCode (2.2.1.12.1.3) and KDC error codes
// (RFC 4120 7.5.9). To move into core/text/ with the other wording.
#pragma once

#include <cstdint>
#include <string>

namespace rdpcap::proto::names {

// How a code weighs in a diagnosis.
enum class Weight { normal, info, warning, failure };

struct CodeText {
  uint32_t code;
  const char* name;      // "STATUS_LOGON_FAILURE"
  const char* meaning;   // one line
  const char* user_sees; // what mstsc shows, "" when unknown
  const char* fix;       // what to do, "" when nothing
  Weight weight;
};

// nullptr when unknown.
const CodeText* auth_status(uint32_t code);  // NTSTATUS, SEC_E_*, HRESULT_FROM_WIN32
const CodeText* error_info(uint32_t code);
const CodeText* licensing_error(uint32_t code);
const CodeText* kdc_error(uint32_t code);
const char* licensing_state_name(uint32_t transition);  // ST_TOTAL_ABORT, ...

// "0xC000006D STATUS_LOGON_FAILURE" or "0x12345678 (unknown)".
std::string label(uint32_t code, const CodeText* known);
// "24 KDC_ERR_PREAUTH_FAILED" (decimal, as RFC 4120 numbers them).
std::string kdc_label(uint32_t code);

}  // namespace rdpcap::proto::names
