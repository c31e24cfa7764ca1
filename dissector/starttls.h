/* Let Wireshark's own TLS dissector decode the TLS handshake that follows an
 * X.224 Connection Confirm selecting an enhanced security protocol. C, because
 * epan/dissectors/packet-tls-utils.h has no extern "C" guard. */
#ifndef RDPCAP_STARTTLS_H
#define RDPCAP_STARTTLS_H

#ifdef __cplusplus
extern "C" {
#endif

void rdpcap_starttls_register(int proto);
void rdpcap_starttls_handoff(void);

#ifdef __cplusplus
}
#endif

#endif
