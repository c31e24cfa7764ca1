// The plugin entry points, and nothing else: plugin_version, plugin_want_major,
// plugin_want_minor and plugin_register (Wireshark 4.0 to 4.6), and from 4.4
// plugin_describe (check: nm -D --defined-only rdpcap.so).
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include <ws_symbol_export.h>
#include <ws_version.h>

#include "postdissector.hpp"
#include "summary_tap.hpp"
#include "ws_compat.h"
#if RDPCAP_WS_HAS_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>
#endif

#ifndef RDPCAP_PLUGIN_VERSION
#define RDPCAP_PLUGIN_VERSION "0.0.0"
#endif

// Each symbol gets its own extern "C": the braced extern "C" { } form gives
// a namespace-scope const object internal linkage, and the symbol vanishes.
extern "C" WS_DLL_PUBLIC_DEF const char plugin_version[] = RDPCAP_PLUGIN_VERSION;
extern "C" WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
extern "C" WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

#if RDPCAP_WS_HAS_PLUGIN_DESCRIBE
// What tshark -G plugins lists for it: a dissector (postdissector) and tap listeners (summary, stats tree).
extern "C" WS_DLL_PUBLIC_DEF uint32_t plugin_describe(void) {
  return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif

namespace {

void register_protoinfo() {
  try {
    rdpcap::plugin::register_protocol();
  } catch (...) {
  }
}

void register_handoff() {
  try {
    rdpcap::plugin::register_handoff();
  } catch (...) {
  }
}

void register_taps() {
  try {
    rdpcap::plugin::register_summary_taps();
  } catch (...) {
  }
}

}  // namespace

extern "C" WS_DLL_PUBLIC_DEF void plugin_register(void) {
  static proto_plugin proto;
  proto.register_protoinfo = register_protoinfo;
  proto.register_handoff = register_handoff;
  proto_register_plugin(&proto);

  static tap_plugin taps;
  taps.register_tap_listener = register_taps;
  tap_register_plugin(&taps);
}
