#include "prefs.hpp"

#include <memory>
#include <optional>
#include <string>

#include <epan/prefs-int.h>
#include <epan/range.h>
#include <epan/wmem_scopes.h>
#include <wsutil/report_message.h>

#include "util/escape.hpp"
#include "util/utc_time.hpp"

#include "capture_name.hpp"
#include "tls/keylog.hpp"
#include "tls/pcapng_secrets.hpp"

namespace rdpcap::plugin {

namespace {
range_t* g_extra_ports = nullptr;        // rdpcap.ports
const char* g_reference_time = "";       // rdpcap.reference_time

std::string g_reported_bad_time;          // the invalid value last reported (reported once, not per file)

// As rdpcap-analyze --reference-time (util/utc_time.hpp, the same parser):
// seconds since the epoch, YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD (UTC). A
// Wireshark string preference cannot be refused when it is set, so an
// invalid value is reported (report_failure: a dialog in Wireshark, a line
// on standard error in tshark) and then treated as unset.
std::optional<int64_t> reference_time_pref(const char* text) {
  const util::UtcTimeParse t = util::parse_utc_time(text);
  if (t.ok()) return t.seconds;
  if (g_reported_bad_time != text) {
    g_reported_bad_time = text;
    report_failure("rdpcap: preference rdpcap.reference_time '%s' is not used: %s",
                   util::escape_text(text).c_str(), t.error.c_str());
  }
  return std::nullopt;
}
// The TLS secrets Wireshark itself would use (issue 11 item 5): its own
// tls.keylog_file preference and the Decryption Secrets Blocks of the open
// capture file, so no second preference is needed. Null when there are none.
std::shared_ptr<const tls::KeyLog> wireshark_tls_keys() {
  auto keys = std::make_shared<tls::KeyLog>();
  if (module_t* tls_module = prefs_find_module("tls")) {
    if (pref_t* pref = prefs_find_preference(tls_module, "keylog_file")) {
      const char* path = prefs_get_string_value(pref, pref_current);
      if (path && *path) keys->add_file(path);  // a malformed line: the secrets before it are kept
    }
  }
  const std::string capture = capture_name();
  if (capture != "capture") tls::add_pcapng_secrets(capture, *keys);
  if (keys->empty()) return nullptr;
  return keys;
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
      "Empty: the capture's timestamps. An invalid value is reported as an error and then ignored.",
      &g_reference_time);
  prefs_register_static_text_preference(
      module, "two_pass",
      "Findings are computed at the end of the capture: tshark needs -2 to show them.",
      "The engine runs capture-wide rules once every frame has been read.");
}

session::AnalyzerOptions options_from_prefs() {
  session::AnalyzerOptions options;
  options.findings_per_frame = true;  // findings in the first pass (postdissector.cpp)
  if (g_extra_ports) {
    for (guint i = 0; i < g_extra_ports->nranges; ++i) {
      const auto& r = g_extra_ports->ranges[i];
      for (guint32 p = r.low; p <= r.high && p <= 65535; ++p) options.rdp_ports.insert(static_cast<uint16_t>(p));
    }
  }
  if (g_reference_time && *g_reference_time) options.reference_time_s = reference_time_pref(g_reference_time);
  options.keys = wireshark_tls_keys();
  return options;
}

}  // namespace rdpcap::plugin
