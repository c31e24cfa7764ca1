#include "rules/catalog.hpp"

namespace rdpcap::rules {

namespace {

using S = Severity;
using G = ExpertGroup;

constexpr CodeInfo kCatalog[] = {
    // TCP: the connection never got going, or ended early.
    {"tcp.syn_unanswered", S::error, G::sequence, "SYNs got no answer at all: filtered port, host down or wrong address"},
    {"tcp.refused", S::error, G::sequence, "The server answered the SYN with a reset: nothing listens on the port"},
    {"tcp.icmp_unreachable", S::error, G::sequence, "A router or the host answered with ICMP destination unreachable"},
    {"tcp.closed_before_request", S::error, G::sequence, "TCP connected, then the server closed before any X.224 request"},
    {"tcp.client_left_before_request", S::info, G::sequence, "TCP connected, then the client left without an X.224 request (probe, scan)"},
    {"tcp.closed_before_tls", S::error, G::sequence, "Closed after the X.224 confirm, before TLS started"},
    {"tcp.mid_stream", S::info, G::sequence, "The capture started after the connection was opened"},
    {"tcp.continued_after_idle", S::info, G::sequence, "Live: the connection carried on after the idle timeout had ended it"},
    {"tcp.gap", S::warning, G::sequence, "Segments missing from the capture; decoding stopped at the gap"},
    {"proxy.socks_refused", S::error, G::response_code, "A SOCKS5 proxy in front of RDP refused the connection"},
    // The capture itself.
    {"capture.ended_during_setup", S::warning, G::sequence, "The capture ends while the setup was still waiting"},
    {"capture.ended_mid_record", S::warning, G::malformed, "The capture ends in the middle of a TLS record"},
    {"capture.one_sided", S::warning, G::sequence, "Only the client's packets are in the capture"},
    {"capture.limit_reached", S::warning, G::protocol, "A per-connection limit of rdpcap was reached"},
    // X.224 / RDP negotiation (MS-RDPBCGR 2.2.1.1-2.2.1.2).
    {"x224.neg_failure.ssl_required_by_server", S::error, G::response_code, "Server requires TLS; the client asked for Standard RDP Security only"},
    {"x224.neg_failure.ssl_not_allowed_by_server", S::error, G::response_code, "Server allows only Standard RDP Security; the client asked for TLS/NLA"},
    {"x224.neg_failure.ssl_cert_not_on_server", S::error, G::response_code, "Server has no usable Remote Desktop certificate"},
    {"x224.neg_failure.inconsistent_flags", S::error, G::response_code, "Server rejected the client's protocol flags as inconsistent"},
    {"x224.neg_failure.hybrid_required_by_server", S::error, G::response_code, "Server requires NLA (CredSSP); the client did not offer it"},
    {"x224.neg_failure.ssl_with_user_auth_required_by_server", S::error, G::response_code, "Server requires TLS with user authentication"},
    {"x224.neg_failure.unknown", S::error, G::response_code, "Server refused the negotiation with an unknown failure code"},
    {"x224.no_confirm", S::error, G::sequence, "The server never answered the X.224 Connection Request"},
    {"x224.malformed", S::error, G::malformed, "A TPKT/X.224 negotiation PDU does not follow MS-RDPBCGR"},
    {"x224.not_rdp", S::warning, G::protocol, "A connection on an RDP port does not start with RDP or TLS"},
    {"x224.selected_not_requested", S::error, G::protocol, "The server selected a protocol the client did not request"},
    {"x224.legacy_server", S::warning, G::security, "The server ignored the negotiation request (legacy server)"},
    {"x224.standard_security", S::warning, G::security, "Standard RDP Security: no TLS, no server authentication"},
    {"x224.downgraded", S::warning, G::security, "The client asked for TLS/NLA, the server chose Standard RDP Security"},
    {"x224.downgrade_refused", S::error, G::security, "...and the client gave up on the downgraded connection"},
    {"x224.no_nla", S::warning, G::security, "TLS without Network Level Authentication"},
    // TLS handshake.
    {"tls.no_shared_cipher", S::error, G::sequence, "No cipher suite in common (alert 40/71, or reset/close after the ClientHello)"},
    {"tls.version_mismatch", S::error, G::sequence, "No TLS version in common (alert 70, or an old version refused)"},
    {"tls.alert", S::error, G::sequence, "A fatal TLS alert, with who sent it and at which step"},
    {"tls.certificate_rejected", S::error, G::security, "The client rejected the server's certificate"},
    {"tls.client_refused_after_handshake", S::error, G::security, "TLS 1.3: the client closed right after the handshake, before any RDP data (refused, most likely the certificate)"},
    {"tls.client_certificate_required", S::error, G::sequence, "The server required a client certificate"},
    {"tls.no_server_hello", S::error, G::sequence, "The server never answered the ClientHello"},
    {"tls.handshake_aborted", S::error, G::sequence, "The TLS handshake was cut without an alert"},
    {"tls.handshake_incomplete", S::warning, G::sequence, "The capture ends before the TLS handshake completed"},
    {"tls.malformed", S::error, G::malformed, "A side sent data that is not TLS where TLS was expected"},
    {"tls.weak_version", S::warning, G::security, "SSL 3.0 / TLS 1.0 / TLS 1.1 negotiated"},
    {"tls.weak_cipher", S::warning, G::security, "RC4, 3DES, NULL, EXPORT, anonymous or CBC-SHA1 suite negotiated"},
    {"tls.no_forward_secrecy", S::warning, G::security, "RSA key exchange: no forward secrecy"},
    {"tls.certificate_not_visible", S::info, G::security, "TLS 1.3: the certificate is encrypted and cannot be checked"},
    {"tls.no_matching_key", S::info, G::protocol, "A key log was given, but it has no secrets for this connection"},
    {"tls.decryption_failed", S::warning, G::malformed, "A record did not decrypt with the logged secrets (wrong key log or damaged capture)"},
    {"tls.hello_retry", S::info, G::sequence, "The server asked for another key share (HelloRetryRequest)"},
    {"tls.sslv2_hello", S::warning, G::security, "SSLv2-format ClientHello (a very old client)"},
    {"tls.duplicate_client_hello", S::warning, G::protocol, "Several ClientHellos on one connection without HelloRetryRequest"},
    // Server certificate (RFC 5280).
    {"cert.expired", S::error, G::security, "The server certificate had expired at capture time"},
    {"cert.not_yet_valid", S::error, G::security, "The server certificate was not yet valid (clock skew)"},
    {"cert.expires_soon", S::warning, G::security, "The server certificate expires within 30 days"},
    {"cert.self_signed", S::warning, G::security, "Self-signed server certificate: identity cannot be verified"},
    {"cert.weak_key", S::warning, G::security, "RSA/DSA key below 2048 bits or EC key below 256 bits"},
    {"cert.weak_signature", S::warning, G::security, "Certificate signed with SHA-1 or MD5"},
    {"cert.no_server_auth_eku", S::warning, G::security, "No Server Authentication / Remote Desktop Authentication EKU"},
    {"cert.name_mismatch", S::warning, G::security, "The certificate does not match the name the client sent (SNI)"},
    {"cert.no_host_name", S::warning, G::security, "The certificate names no host (no CN, no SAN)"},
    {"cert.empty_name", S::warning, G::malformed, "Empty issuer, or empty subject without alternative names"},
    {"cert.changed", S::warning, G::security, "A different certificate for the same server earlier in the capture"},
    {"cert.unparsable", S::warning, G::malformed, "The server certificate could not be decoded"},
    // After TLS: NLA (CredSSP) and RDP.
    {"credssp.server_closed", S::error, G::sequence, "TLS done, then the server closed after a short CredSSP exchange: NLA failed"},
    {"credssp.client_closed", S::warning, G::sequence, "TLS done, then the client left during the CredSSP exchange"},
    {"rdp.server_closed_after_tls", S::error, G::sequence, "TLS done (no NLA), then the server closed after a short exchange"},
    {"rdp.weak_encryption", S::warning, G::security, "Standard RDP Security with 40/56-bit RC4 or no encryption"},
    {"rdp.server_closed_early", S::error, G::sequence, "The server closed during the Standard RDP Security setup"},
    // Decrypted NLA / RDP sequence (a key log) and cleartext Kerberos on port 88.
    {"credssp.error_code", S::error, G::response_code, "A side sent a CredSSP errorCode (NTSTATUS / SEC_E_*): it refused NLA"},
    {"credssp.version_mismatch", S::error, G::security, "CredSSP version below 5 against 5 or above, then a close (CVE-2018-0886 oracle remediation)"},
    {"credssp.credentials_rejected", S::error, G::response_code, "The server closed right after the NTLM AUTHENTICATE without an errorCode"},
    {"credssp.kerberos_fallback", S::info, G::security, "NLA tried Kerberos, then fell back to NTLM"},
    {"rdp.authorization_denied", S::error, G::response_code, "Early User Authorization Result: access denied (no Remote Desktop logon right)"},
    {"rdp.error_info", S::error, G::response_code, "The server sent a Set Error Info PDU with a failure code"},
    {"rdp.session_ended_by_server", S::warning, G::response_code, "Set Error Info: the server ended the session (admin, idle limit, other connection)"},
    {"rdp.licensing_failed", S::error, G::response_code, "The licensing Error Alert names a failure (not STATUS_VALID_CLIENT)"},
    {"rdp.server_disconnected_during_setup", S::error, G::sequence, "The server sent Disconnect Provider Ultimatum before the session ran"},
    {"kerberos.kdc_error", S::warning, G::response_code, "The client's KDC (port 88) or the server answered Kerberos with an error during the setup"},
};

}  // namespace

std::span<const CodeInfo> finding_catalog() { return kCatalog; }

const CodeInfo* find_code(std::string_view code) {
  for (const auto& info : kCatalog)
    if (code == info.code) return &info;
  return nullptr;
}

}  // namespace rdpcap::rules
