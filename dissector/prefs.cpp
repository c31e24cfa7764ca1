#include "prefs.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>

#include <epan/range.h>
#include <epan/wmem_scopes.h>

namespace rdpcap::plugin {

namespace {
range_t* g_extra_ports = nullptr;        // rdpcap.ports
const char* g_reference_time = "";       // rdpcap.reference_time

// As rdpcap-analyze --reference-time: seconds since the epoch, or
// YYYY-MM-DDTHH:MM:SSZ, or YYYY-MM-DD (UTC). Anything else: not set.
std::optional<int64_t> parse_reference_time(const char* text) {
  errno = 0;
  char* end = nullptr;
  const long long t = std::strtoll(text, &end, 10);
  if (errno == 0 && end != text && *end == '\0') return t;
  std::tm tm{};
  const char* rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) rest = strptime(text, "%Y-%m-%d", &tm);
  if (!rest || (*rest != '\0' && std::strcmp(rest, "Z") != 0)) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}
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
      module, "reference_time", "Reference time for certificate checks",
      "Check certificates against this time instead of the capture's own timestamps: seconds since "
      "1970, or YYYY-MM-DDTHH:MM:SSZ, or YYYY-MM-DD (UTC). Same as rdpcap-analyze --reference-time. "
      "Empty or invalid: the capture's timestamps.",
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
  if (g_reference_time && *g_reference_time) options.reference_time_s = parse_reference_time(g_reference_time);
  return options;
}

}  // namespace rdpcap::plugin
