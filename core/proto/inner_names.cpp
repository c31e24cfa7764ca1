#include "proto/inner_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>

namespace rdpcap::proto::names {

namespace {
using W = Weight;

constexpr const char* kCredFix = "Check the user name (DOMAIN\\user or user@domain) and password the client sends";

// [MS-ERREF] 2.3.1 NTSTATUS values and 2.1 HRESULT / SECURITY_STATUS, as a
// CredSSP server puts them in TSRequest.errorCode (MS-CSSP 3.1.5).
constexpr CodeText kAuth[] = {
    {0x80070005, "E_ACCESSDENIED", "Access denied", "An authentication error has occurred", "", W::failure},
    {0x8007052E, "ERROR_LOGON_FAILURE", "Unknown user name or bad password", "The logon attempt failed", kCredFix, W::failure},
    {0x8007052F, "ERROR_ACCOUNT_RESTRICTION", "Account restriction (blank password, logon hours, workstation)",
     "A user account restriction is preventing you from logging on", "Check the account's restrictions in Active Directory", W::failure},
    {0x80070532, "ERROR_PASSWORD_EXPIRED", "The password has expired", "Your password has expired",
     "Change the password (allow it through RD Web or a console logon), or disable NLA for the change", W::failure},
    {0x80070533, "ERROR_ACCOUNT_DISABLED", "The account is disabled", "Your account has been disabled", "Enable the account", W::failure},
    {0x80070569, "ERROR_LOGON_TYPE_NOT_GRANTED", "The user lacks the logon right for Remote Desktop",
     "The connection was denied because the user account is not authorized for remote login",
     "Add the user to Remote Desktop Users / 'Allow log on through Remote Desktop Services' and remove 'Deny log on through RDS'", W::failure},
    {0x80070773, "ERROR_PASSWORD_MUST_CHANGE", "The password must be changed before the first logon",
     "You must change your password before logging on the first time", "Change the password first, or clear 'User must change password at next logon'", W::failure},
    {0x80070775, "ERROR_ACCOUNT_LOCKED_OUT", "The account is locked out", "The referenced account is currently locked out",
     "Unlock the account and find the source of the bad passwords (saved credentials, services)", W::failure},
    {0x80090300, "SEC_E_INSUFFICIENT_MEMORY", "Not enough memory for the security operation", "An authentication error has occurred", "", W::failure},
    {0x80090302, "SEC_E_UNSUPPORTED_FUNCTION", "The security package refused the requested function (NTLM refused by policy, or a CredSSP version/Encryption Oracle Remediation refusal)",
     "An authentication error has occurred. The function requested is not supported",
     "If Kerberos is expected: check the SPN TERMSRV/host and that the client reaches a DC; if NTLM is blocked ('Restrict NTLM'), allow it for this server; for CVE-2018-0886 update both sides", W::failure},
    {0x80090303, "SEC_E_TARGET_UNKNOWN", "The target (service principal) is unknown", "An authentication error has occurred",
     "Connect by the server's full DNS name; check the SPN TERMSRV/host", W::failure},
    {0x80090304, "SEC_E_INTERNAL_ERROR", "The Local Security Authority cannot be contacted",
     "An authentication error has occurred. The Local Security Authority cannot be contacted",
     "Often a password that must be changed, or a failed LSA on the server; check the server's System log", W::failure},
    {0x80090305, "SEC_E_SECPKG_NOT_FOUND", "The requested security package does not exist", "An authentication error has occurred", "", W::failure},
    {0x80090308, "SEC_E_INVALID_TOKEN", "The token given to the security package is invalid", "An authentication error has occurred",
     "A client/server CredSSP or NTLM incompatibility, or a middlebox changing the TLS stream", W::failure},
    {0x8009030C, "SEC_E_LOGON_DENIED", "The logon was denied (wrong credentials or account state)", "The logon attempt failed", kCredFix, W::failure},
    {0x8009030D, "SEC_E_UNKNOWN_CREDENTIALS", "The credentials supplied were not recognized", "The logon attempt failed", kCredFix, W::failure},
    {0x8009030E, "SEC_E_NO_CREDENTIALS", "No credentials are available", "An authentication error has occurred",
     "Saved credentials cannot be used (policy 'Allow delegating saved credentials'); type them", W::failure},
    {0x8009030F, "SEC_E_MESSAGE_ALTERED", "A message was altered (integrity check failed)", "An authentication error has occurred",
     "Something between client and server changes the traffic (TLS inspection)", W::failure},
    {0x80090311, "SEC_E_NO_AUTHENTICATING_AUTHORITY", "No authority could be contacted for authentication (no domain controller)",
     "An authentication error has occurred. No authority could be contacted for authentication",
     "Check the domain name typed, DNS and the path from client and server to a domain controller (TCP/UDP 88)", W::failure},
    {0x80090322, "SEC_E_WRONG_PRINCIPAL", "The target principal name is incorrect (Kerberos ticket for another machine)",
     "An authentication error has occurred. The target principal name is incorrect",
     "The name connected to resolves to a different machine, or the SPN TERMSRV/host is registered on the wrong account", W::failure},
    {0x80090324, "SEC_E_TIME_SKEW", "The clocks of client and server (or DC) differ too much", "An authentication error has occurred",
     "Synchronize the clocks (w32tm) of client, server and domain controller", W::failure},
    {0x80090346, "SEC_E_BAD_BINDINGS", "The channel bindings do not match (TLS intercepted)", "An authentication error has occurred",
     "Remove TLS interception between client and server", W::failure},
    {0x80090350, "SEC_E_DOWNGRADE_DETECTED", "A security package downgrade was detected", "An authentication error has occurred", "", W::failure},
    {0x8009035E, "SEC_E_DELEGATION_POLICY", "Policy does not allow delegating the credentials to this server",
     "Your system administrator does not allow the use of saved credentials / delegated credentials",
     "Allow delegating (saved) credentials for TERMSRV/server in the client's Credentials Delegation policy", W::failure},
    {0x8009035F, "SEC_E_POLICY_NLTM_ONLY", "Policy allows only NTLM, but Kerberos was needed", "An authentication error has occurred", "", W::failure},
    {0xC0000022, "STATUS_ACCESS_DENIED", "Access denied", "An authentication error has occurred", "", W::failure},
    {0xC000005E, "STATUS_NO_LOGON_SERVERS", "No logon server (domain controller) is available",
     "There are currently no logon servers available", "Check the server's connection to a domain controller", W::failure},
    {0xC0000064, "STATUS_NO_SUCH_USER", "The user name does not exist", "The logon attempt failed", kCredFix, W::failure},
    {0xC000006A, "STATUS_WRONG_PASSWORD", "The password is wrong", "The logon attempt failed", kCredFix, W::failure},
    {0xC000006D, "STATUS_LOGON_FAILURE", "Unknown user name or bad password", "The logon attempt failed / Your credentials did not work", kCredFix, W::failure},
    {0xC000006E, "STATUS_ACCOUNT_RESTRICTION", "Account restriction (blank password, Protected Users, logon hours)",
     "A user account restriction (for example, a time-of-day restriction) is preventing you from logging on",
     "Check the account's restrictions (blank password, logon hours, allowed workstations, Protected Users with NTLM)", W::failure},
    {0xC000006F, "STATUS_INVALID_LOGON_HOURS", "Logon outside the account's allowed hours", "Your account has time restrictions that keep you from logging on right now",
     "Change the account's logon hours", W::failure},
    {0xC0000070, "STATUS_INVALID_WORKSTATION", "Logon from this workstation is not allowed", "Your account is configured to prevent you from using this computer",
     "Add the workstation to the account's 'Log On To' list", W::failure},
    {0xC0000071, "STATUS_PASSWORD_EXPIRED", "The password has expired", "Your password has expired",
     "Change the password (NLA cannot change it: use another way, or disable NLA for the change)", W::failure},
    {0xC0000072, "STATUS_ACCOUNT_DISABLED", "The account is disabled", "Your account has been disabled", "Enable the account", W::failure},
    {0xC0000133, "STATUS_TIME_DIFFERENCE_AT_DC", "The clocks of the server and the domain controller differ too much",
     "An authentication error has occurred (time difference)", "Synchronize the clocks (w32tm /resync)", W::failure},
    {0xC000015B, "STATUS_LOGON_TYPE_NOT_GRANTED", "The user lacks the logon right for Remote Desktop (network logon denied)",
     "The connection was denied because the user account is not authorized for remote login",
     "Grant 'Access this computer from the network' and 'Allow log on through Remote Desktop Services' (Remote Desktop Users); remove the Deny rights", W::failure},
    {0xC000018B, "STATUS_NO_TRUST_SAM_ACCOUNT", "The server's computer account has no trust with the domain",
     "The trust relationship between this workstation and the primary domain failed", "Rejoin the server to the domain", W::failure},
    {0xC0000193, "STATUS_ACCOUNT_EXPIRED", "The account has expired", "Your account has expired", "Extend the account's expiry date", W::failure},
    {0xC0000224, "STATUS_PASSWORD_MUST_CHANGE", "The password must be changed before the first logon",
     "You must change your password before logging on the first time", "Change the password first, or clear 'User must change password at next logon'", W::failure},
    {0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT", "The account is locked out", "The referenced account is currently locked out and may not be logged on to",
     "Unlock the account and find the source of the bad passwords (saved credentials, services, phones)", W::failure},
    {0xC0000388, "STATUS_DOWNGRADE_DETECTED", "A downgrade of the authentication was detected", "An authentication error has occurred", "", W::failure},
    {0xC0000413, "STATUS_AUTHENTICATION_FIREWALL_FAILED", "Selective authentication of a trust refused the logon",
     "The machine you are logging onto is protected by an authentication firewall", "Grant 'Allowed to authenticate' on the server for the user's domain", W::failure},
};

// MS-RDPBCGR 2.2.5.1.1 Set Error Info PDU errorInfo.
constexpr CodeText kErrorInfo[] = {
    {0x0000, "ERRINFO_NONE", "No error", "", "", W::normal},
    {0x0001, "ERRINFO_RPC_INITIATED_DISCONNECT", "An administrative tool on the server disconnected the session",
     "Your Remote Desktop session has ended. The session was disconnected by an administrator", "", W::warning},
    {0x0002, "ERRINFO_RPC_INITIATED_LOGOFF", "An administrative tool on the server logged the session off",
     "Your Remote Desktop session has ended. An administrator logged you off", "", W::warning},
    {0x0003, "ERRINFO_IDLE_TIMEOUT", "The session's idle time limit expired", "The session was disconnected because it was idle",
     "Raise the idle session limit (RDS session time limits policy)", W::warning},
    {0x0004, "ERRINFO_LOGON_TIMEOUT", "The session's active time limit expired", "The session's time limit has been reached",
     "Raise the active session limit (RDS session time limits policy)", W::warning},
    {0x0005, "ERRINFO_DISCONNECTED_BY_OTHERCONNECTION", "Another user (or the same user) connected and took the session over",
     "Your Remote Desktop session has ended. Another user connected to the remote computer", "", W::warning},
    {0x0006, "ERRINFO_OUT_OF_MEMORY", "The server ran out of memory", "The remote computer ran out of memory", "Free memory on the server", W::failure},
    {0x0007, "ERRINFO_SERVER_DENIED_CONNECTION", "The server denied the connection",
     "The remote computer denied the connection (0x904 / extended 0x7)",
     "Check the server's RemoteDesktopServices-RdpCoreTS and TerminalServices logs: session limits, policy, Remote Desktop disabled", W::failure},
    {0x0009, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES", "The user lacks the right to log on to the session",
     "The connection was denied because the user account is not authorized for remote login",
     "Add the user to Remote Desktop Users / 'Allow log on through Remote Desktop Services'", W::failure},
    {0x000A, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED", "The server requires freshly typed credentials (saved ones refused)",
     "Your credentials did not work / You must type your credentials", "Type the credentials, or relax 'Always prompt for password upon connection'", W::failure},
    {0x000B, "ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER", "The user disconnected the session from an administrative tool", "", "", W::info},
    {0x000C, "ERRINFO_LOGOFF_BY_USER", "The user logged off", "", "", W::normal},
    {0x000F, "ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY", "The display driver was not ready in time", "", "Restart the server; check its display driver", W::failure},
    {0x0010, "ERRINFO_SERVER_DWM_CRASH", "The Desktop Window Manager crashed on the server", "", "Check the server's Application log", W::failure},
    {0x0011, "ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE", "The display driver failed to start", "", "Check the server's display driver", W::failure},
    {0x0012, "ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE", "The display driver interface failed", "", "", W::failure},
    {0x0017, "ERRINFO_SERVER_WINLOGON_CRASH", "Winlogon crashed on the server", "", "Check the server's Application log", W::failure},
    {0x0018, "ERRINFO_SERVER_CSRSS_CRASH", "CSRSS crashed on the server", "", "Check the server's Application log", W::failure},
    {0x0019, "ERRINFO_SERVER_SHUTDOWN", "The server is shutting down", "", "", W::warning},
    {0x001A, "ERRINFO_SERVER_REBOOT", "The server is rebooting", "", "", W::warning},
    {0x0100, "ERRINFO_LICENSE_INTERNAL", "An internal error in the licensing protocol", "A licensing error occurred (0x100)", "Check the server's licensing configuration", W::failure},
    {0x0101, "ERRINFO_LICENSE_NO_LICENSE_SERVER", "No Remote Desktop license server was available",
     "The remote session was disconnected because there are no Remote Desktop License Servers available to provide a license",
     "Configure a reachable RD license server for the session host (or remove the RDS role on an admin-mode server)", W::failure},
    {0x0102, "ERRINFO_LICENSE_NO_LICENSE", "No Client Access License was available for the client",
     "The remote session was disconnected because there are no Remote Desktop client access licenses available",
     "Install/activate CALs on the license server; check the licensing mode (per user / per device)", W::failure},
    {0x0103, "ERRINFO_LICENSE_BAD_CLIENT_MSG", "The server received an invalid licensing message from the client", "A licensing protocol error occurred", "", W::failure},
    {0x0104, "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE", "The client's stored licence was issued to another hardware ID", "A licensing error occurred",
     "Delete the client's stored licence (HKLM\\Software\\Microsoft\\MSLicensing) and retry", W::failure},
    {0x0105, "ERRINFO_LICENSE_BAD_CLIENT_LICENSE", "The client's licence is invalid", "A licensing error occurred",
     "Delete the client's stored licence (HKLM\\Software\\Microsoft\\MSLicensing) and retry", W::failure},
    {0x0106, "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL", "Network problems cut the licensing protocol", "A licensing error occurred", "", W::failure},
    {0x0107, "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL", "The client ended the licensing protocol early", "", "", W::failure},
    {0x0108, "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION", "A licensing message was incorrectly encrypted", "A licensing error occurred", "", W::failure},
    {0x0109, "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE", "The client's licence could not be upgraded or renewed", "A licensing error occurred",
     "Check the license server's CALs; delete the client's stored licence", W::failure},
    {0x010A, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS", "The server is not licensed to accept remote connections",
     "The remote computer is not licensed to accept remote connections", "Activate Remote Desktop Services licensing on the server", W::failure},
    {0x0400, "ERRINFO_CB_DESTINATION_NOT_FOUND", "The Connection Broker found no target endpoint", "", "Check the RD Connection Broker collection", W::failure},
    {0x0409, "ERRINFO_CB_CONNECTION_CANCELLED", "The Connection Broker connection was cancelled", "", "", W::failure},
    {0x0410, "ERRINFO_CB_CONNECTION_ERROR_INVALID_SETTINGS", "The Connection Broker rejected the connection settings", "", "", W::failure},
    {0x10C9, "ERRINFO_UNKNOWNPDUTYPE2", "The server received an unknown Share Data pduType2", "A protocol error occurred (0x10C9)", "", W::failure},
    {0x10CA, "ERRINFO_UNKNOWNPDUTYPE", "The server received an unknown Share Control pduType", "A protocol error occurred (0x10CA)", "", W::failure},
    {0x10CB, "ERRINFO_DATAPDUSEQUENCE", "An out-of-sequence slow-path Data PDU was received", "A protocol error occurred (0x10CB)", "", W::failure},
    {0x10CD, "ERRINFO_CONTROLPDUSEQUENCE", "An out-of-sequence slow-path non-data PDU was received", "A protocol error occurred (0x10CD)", "", W::failure},
    {0x10CE, "ERRINFO_INVALIDCONTROLPDUACTION", "A Control PDU had an invalid action", "A protocol error occurred (0x10CE)", "", W::failure},
    {0x10CF, "ERRINFO_INVALIDINPUTPDUTYPE", "An input event had an invalid type", "A protocol error occurred (0x10CF)", "", W::failure},
    {0x10D0, "ERRINFO_INVALIDINPUTPDUMOUSE", "A mouse event had invalid pointer flags", "A protocol error occurred (0x10D0)", "", W::failure},
    {0x10D1, "ERRINFO_INVALIDREFRESHRECTPDU", "An invalid Refresh Rect PDU was received", "A protocol error occurred (0x10D1)", "", W::failure},
    {0x10D2, "ERRINFO_CREATEUSERDATAFAILED", "The server could not build the GCC Conference Create Response user data", "A protocol error occurred (0x10D2)", "", W::failure},
    {0x10D3, "ERRINFO_CONNECTFAILED", "The server's connection sequence failed (e.g. a channel could not be joined)", "A protocol error occurred (0x10D3)", "", W::failure},
    {0x10D4, "ERRINFO_CONFIRMACTIVEWRONGSHAREID", "The Confirm Active PDU had the wrong shareId", "A protocol error occurred (0x10D4)", "", W::failure},
    {0x10D5, "ERRINFO_CONFIRMACTIVEWRONGORIGINATOR", "The Confirm Active PDU had the wrong originatorId", "A protocol error occurred (0x10D5)", "", W::failure},
    {0x10E0, "ERRINFO_SECURITYDATATOOSHORT", "A security PDU was too short", "A protocol error occurred (0x10E0)", "", W::failure},
    {0x10E2, "ERRINFO_SHAREDATATOOSHORT", "A Share Data PDU was too short", "A protocol error occurred (0x10E2)", "", W::failure},
    {0x10E5, "ERRINFO_CONFIRMACTIVEPDUTOOSHORT", "The Confirm Active PDU was too short", "A protocol error occurred (0x10E5)", "", W::failure},
    {0x10E7, "ERRINFO_CAPABILITYSETTOOSMALL", "A capability set was too small", "A protocol error occurred (0x10E7)", "", W::failure},
};

// MS-RDPBCGR 2.2.1.12.1.3 licensing Error Alert dwErrorCode.
constexpr CodeText kLicensing[] = {
    {0x01, "ERR_INVALID_SERVER_CERTIFICATE", "The client rejected the server's licensing certificate", "A licensing error occurred", "", W::failure},
    {0x02, "ERR_NO_LICENSE", "No licence for the client", "No Remote Desktop client access licenses available", "Install/activate CALs on the license server", W::failure},
    {0x03, "ERR_INVALID_MAC", "A licensing message failed its MAC check", "A licensing error occurred", "", W::failure},
    {0x04, "ERR_INVALID_SCOPE", "The licensing scope is invalid", "A licensing error occurred", "", W::failure},
    {0x06, "ERR_NO_LICENSE_SERVER", "No Remote Desktop license server was available",
     "There are no Remote Desktop License Servers available to provide a license",
     "Configure a reachable RD license server for the session host", W::failure},
    {0x07, "STATUS_VALID_CLIENT", "The client needs no further licensing (the normal answer when licensing is not enforced)", "", "", W::normal},
    {0x08, "ERR_INVALID_CLIENT", "The client is not valid for licensing", "A licensing error occurred", "", W::failure},
    {0x0B, "ERR_INVALID_PRODUCTID", "The product ID is invalid", "A licensing error occurred", "", W::failure},
    {0x0C, "ERR_INVALID_MESSAGE_LEN", "A licensing message had an invalid length", "A licensing error occurred", "", W::failure},
};

// RFC 4120 7.5.9 error codes (and MS-KILE 3.1.5.? extensions in use).
constexpr CodeText kKdc[] = {
    {0, "KDC_ERR_NONE", "No error", "", "", W::normal},
    {1, "KDC_ERR_NAME_EXP", "The client's entry in the database has expired", "", "Extend the account's expiry date", W::failure},
    {2, "KDC_ERR_SERVICE_EXP", "The server's entry in the database has expired", "", "", W::failure},
    {6, "KDC_ERR_C_PRINCIPAL_UNKNOWN", "The client (user) is not known to the KDC", "The logon attempt failed", "Check the user name and domain", W::failure},
    {7, "KDC_ERR_S_PRINCIPAL_UNKNOWN", "No account has the requested service principal name (e.g. TERMSRV/host): Kerberos is impossible, the client falls back to NTLM or fails",
     "An authentication error has occurred (if NTLM is not allowed)",
     "Connect by the server's registered DNS name, or register the SPN (setspn -S TERMSRV/host host)", W::failure},
    {8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE", "Several accounts carry the same service principal name", "An authentication error has occurred",
     "Remove the duplicate SPN (setspn -X)", W::failure},
    {12, "KDC_ERR_POLICY", "KDC policy rejects the request (e.g. logon hours, workstation restriction)", "A user account restriction is preventing you from logging on",
     "Check the account's restrictions", W::failure},
    {13, "KDC_ERR_BADOPTION", "The KDC cannot accommodate the requested option", "", "", W::info},
    {14, "KDC_ERR_ETYPE_NOSUPP", "No encryption type in common with the KDC (e.g. RC4 disabled, AES keys missing)",
     "An authentication error has occurred", "Align the allowed Kerberos encryption types; reset the account password to create AES keys", W::failure},
    {16, "KDC_ERR_PADATA_TYPE_NOSUPP", "The KDC does not support the pre-authentication type (smart card / PKINIT)", "", "", W::failure},
    {18, "KDC_ERR_CLIENT_REVOKED", "The client's credentials have been revoked: account disabled, locked out or expired",
     "Your account has been disabled / is locked out", "Unlock or enable the account", W::failure},
    {23, "KDC_ERR_KEY_EXPIRED", "The user's password has expired", "Your password has expired", "Change the password", W::failure},
    {24, "KDC_ERR_PREAUTH_FAILED", "Pre-authentication failed: wrong password", "The logon attempt failed", kCredFix, W::failure},
    {25, "KDC_ERR_PREAUTH_REQUIRED", "Pre-authentication required (the normal first answer to an AS-REQ without it)", "", "", W::normal},
    {31, "KRB_AP_ERR_BAD_INTEGRITY", "Integrity check on a decrypted field failed (key mismatch)", "An authentication error has occurred",
     "The service account's key differs from the KDC's (password changed, duplicate computer name)", W::failure},
    {32, "KRB_AP_ERR_TKT_EXPIRED", "The ticket has expired (the client renews it)", "", "", W::info},
    {34, "KRB_AP_ERR_REPEAT", "The request is a replay", "An authentication error has occurred", "", W::failure},
    {37, "KRB_AP_ERR_SKEW", "The clocks differ by more than the allowed skew (5 minutes by default)",
     "An authentication error has occurred (time difference)", "Synchronize the clocks of client, server and domain controller", W::failure},
    {41, "KRB_AP_ERR_MODIFIED", "The message was modified, or the ticket was encrypted for another account (duplicate SPN, stale DNS)",
     "An authentication error has occurred. The target principal name is incorrect",
     "Check that the name connected to resolves to the machine owning TERMSRV/host; look for duplicate SPNs", W::failure},
    {52, "KRB_ERR_RESPONSE_TOO_BIG", "The reply is too big for UDP (the client retries over TCP)", "", "", W::normal},
    {60, "KRB_ERR_GENERIC", "Generic Kerberos error", "An authentication error has occurred", "", W::failure},
    {68, "KDC_ERR_WRONG_REALM", "Wrong realm: a referral to another domain", "", "", W::info},
};

template <size_t N>
const CodeText* find(const CodeText (&table)[N], uint32_t code) {
  for (const auto& e : table)
    if (e.code == code) return &e;
  return nullptr;
}

}  // namespace

const CodeText* auth_status(uint32_t code) { return find(kAuth, code); }
const CodeText* error_info(uint32_t code) { return find(kErrorInfo, code); }
const CodeText* licensing_error(uint32_t code) { return find(kLicensing, code); }
const CodeText* kdc_error(uint32_t code) { return find(kKdc, code); }

const char* licensing_state_name(uint32_t transition) {
  switch (transition) {
    case 1: return "ST_TOTAL_ABORT";
    case 2: return "ST_NO_TRANSITION";
    case 3: return "ST_RESET_PHASE_TO_START";
    case 4: return "ST_RESEND_LAST_MESSAGE";
    default: return "unknown";
  }
}

std::string label(uint32_t code, const CodeText* known) {
  return known ? fmt::format("0x{:08X} {}", code, known->name) : fmt::format("0x{:08X} (unknown)", code);
}

std::string kdc_label(uint32_t code) {
  const CodeText* k = kdc_error(code);
  return k ? fmt::format("{} {}", code, k->name) : fmt::format("{} (unknown)", code);
}

}  // namespace rdpcap::proto::names
