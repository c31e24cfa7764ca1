#include "prefs.hpp"

#include <cerrno>
#include <cstdlib>

#include <epan/range.h>
#include <epan/wmem_scopes.h>

namespace rdpcap::plugin {

namespace {
range_t* g_extra_ports = nullptr;        // rdpcap.ports
const char* g_reference_time = "";       // rdpcap.reference_time
}  // namespace

void register_prefs(int proto) {
  module_t* module = prefs_register_protocol(proto, nullptr);
  g_extra_ports = range_empty(wmem_epan_scope());
  prefs_register_range_preference(
      module, "ports", "Extra RDP ports",
      "TCP ports (besides 3389) whose connections are analysed as RDP, e.g. 443,3000-3001. "
      "Same as rdpcap-analyze --port.",
      &g_extra_ports, 65535);
  prefs_register_string_preference(
      module, "reference_time", "Reference time (seconds since 1970)",
      "Time used for certificate validity checks. Empty: the capture's own timestamps. "
      "Same as rdpcap-analyze's reference time option; meant for reproducible tests.",
      &g_reference_time);
  prefs_register_static_text_preference(
      module, "two_pass",
      "Findings are computed at the end of the capture: tshark needs -2 to show them.",
      "The engine runs capture-wide rules once every frame has been read.");
}

session::AnalyzerOptions options_from_prefs() {
  session::AnalyzerOptions options;
  if (g_extra_ports) {
    for (guint i = 0; i < g_extra_ports->nranges; ++i) {
      const auto& r = g_extra_ports->ranges[i];
      for (guint32 p = r.low; p <= r.high && p <= 65535; ++p) options.rdp_ports.insert(static_cast<uint16_t>(p));
    }
  }
  if (g_reference_time && *g_reference_time) {
    errno = 0;
    char* end = nullptr;
    const long long t = std::strtoll(g_reference_time, &end, 10);
    if (errno == 0 && end != g_reference_time && *end == '\0') options.reference_time_s = t;
  }
  return options;
}

}  // namespace rdpcap::plugin
