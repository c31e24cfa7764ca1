/* Differences between the Wireshark versions the plugin builds against: 4.0 (Debian 12), 4.2 (Ubuntu 24.04,
 * source-compatible only: not built here), 4.4 (Debian 13) and 4.6 (Debian sid). C and C++. Each guard names
 * the header that changed; everything else in dissector/ uses the API the four share. */
#ifndef RDPCAP_WS_COMPAT_H
#define RDPCAP_WS_COMPAT_H

#include <ws_version.h>

#define RDPCAP_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* epan/proto.h, struct field_info: `fvalue_t value;` in 4.0, `fvalue_t *value;` from 4.2. */
#if RDPCAP_WS_AT_LEAST(4, 2)
#define RDPCAP_FI_FVALUE(fi) ((fi)->value)
#else
#define RDPCAP_FI_FVALUE(fi) (&(fi)->value)
#endif

#endif
