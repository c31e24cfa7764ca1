/* Differences between the Wireshark versions the plugin builds against: 4.0 (Debian 12), 4.2 (Ubuntu 24.04,
 * source-compatible only: not built here), 4.4 (Debian 13) and 4.6 (Debian sid). C and C++. Each guard names
 * the header that changed; everything else in dissector/ uses the API the four share (glib types such as
 * guint8 still exist in 4.4 and 4.6, so the plugin keeps them rather than 4.4's tvb_get_uint8/C99 names). */
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

/* epan/stat_tap_ui.h, stat_tap_init_cb: returns void up to 4.4, bool (true: the tap started) from 4.6. */
#if RDPCAP_WS_AT_LEAST(4, 6)
#define RDPCAP_STAT_TAP_INIT_RESULT bool
#define RDPCAP_STAT_TAP_INIT_RETURN(ok) return (ok)
#else
#define RDPCAP_STAT_TAP_INIT_RESULT void
#define RDPCAP_STAT_TAP_INIT_RETURN(ok) return
#endif

/* wsutil/plugins.h: plugin_describe() (WS_PLUGIN_DESC_* flags, shown by tshark -G plugins) exists from 4.4;
 * 4.0 and 4.2 neither have nor look for it. epan/stats_tree.h: stats_tree_register_plugin returns a
 * stats_tree_cfg* from 4.4 (void before); the plugin ignores the result, which compiles with both. */
#define RDPCAP_WS_HAS_PLUGIN_DESCRIBE RDPCAP_WS_AT_LEAST(4, 4)

#endif
