#include "summary_tap.hpp"

#include <cstdio>
#include <string>

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "capture_name.hpp"
#include "file_state.hpp"
#include "report/text_report.hpp"
#include "ws_compat.h"

namespace rdpcap::plugin {

namespace {

// ---- tshark -z rdpcap,summary ----

int summary_listener_tag;  // the listener's identity for register_tap_listener

tap_packet_status summary_packet(void*, packet_info*, epan_dissect_t*, const void*, tap_flags_t) {
  return TAP_PACKET_DONT_REDRAW;
}

void summary_draw(void*) {
  try {
    // Without -2 this is where finish() runs; with -2 it ran on the second pass.
    const session::AnalysisResult* result = state_finish();
    if (!result) {
      std::fputs("rdpcap: no analysis (the plugin could not start the engine for this file)\n", stdout);
      return;
    }
    const std::string text = report::render_text(*result, capture_name());
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (const FileState* st = state(); st && !st->error.empty())
      std::fprintf(stdout, "rdpcap plugin error: %s\n", st->error.c_str());
    std::fflush(stdout);
  } catch (...) {
    std::fputs("rdpcap: the summary could not be rendered\n", stdout);
  }
}

RDPCAP_STAT_TAP_INIT_RESULT summary_init(const char*, void*) {
  GString* error = register_tap_listener("rdpcap", &summary_listener_tag, nullptr, TL_REQUIRES_NOTHING, nullptr,
                                         summary_packet, summary_draw, nullptr);
  if (error) {
    std::fprintf(stderr, "rdpcap: cannot register the summary tap: %s\n", error->str);
    g_string_free(error, TRUE);
    RDPCAP_STAT_TAP_INIT_RETURN(false);
  }
  RDPCAP_STAT_TAP_INIT_RETURN(true);
}

stat_tap_ui summary_ui = {REGISTER_STAT_GROUP_GENERIC, "RDP Diagnostics summary", "rdpcap,summary", summary_init,
                          0, nullptr};

// ---- stats tree (GUI: Statistics > RDP Diagnostics) ----
// Node names are formatted into stack buffers: no C++ object with a
// destructor is alive while Wireshark code runs.

int st_verdicts = -1, st_codes = -1, st_severities = -1, st_connections = -1;

void st_init(stats_tree* st) {
  st_connections = stats_tree_create_node(st, "Connections (verdict, then findings)", 0, STAT_DT_INT, TRUE);
  st_verdicts = stats_tree_create_node(st, "Connections by verdict", 0, STAT_DT_INT, TRUE);
  st_codes = stats_tree_create_node(st, "Findings by code", 0, STAT_DT_INT, TRUE);
  st_severities = stats_tree_create_node(st, "Findings by severity", 0, STAT_DT_INT, TRUE);
}

tap_packet_status st_packet(stats_tree* st, packet_info*, epan_dissect_t*, const void* data, tap_flags_t) {
  const auto* record = static_cast<const FrameRecord*>(data);
  const FileState* fs = state();
  if (!record || !fs) return TAP_PACKET_DONT_REDRAW;
  char name[512];
  for (const FrameEntry& e : record->entries) {
    if (e.connection >= fs->connections.size()) continue;
    const ConnectionView& c = fs->connections[e.connection];
    g_snprintf(name, sizeof name, "#%u %s \u2192 %s: %s", static_cast<guint>(c.id), c.client.c_str(),
               c.server.c_str(), c.verdict.c_str());
    int conn_node = -1;
    if (e.first_for_connection) {
      tick_stat_node(st, "Connections (verdict, then findings)", 0, TRUE);
      conn_node = tick_stat_node(st, name, st_connections, TRUE);
      tick_stat_node(st, "Connections by verdict", 0, TRUE);
      tick_stat_node(st, c.outcome.c_str(), st_verdicts, FALSE);
    } else if (!e.findings.empty()) {
      conn_node = increase_stat_node(st, name, st_connections, TRUE, 0);  // look up, no tick
    }
    for (const FindingView& f : e.findings) {
      tick_stat_node(st, "Findings by code", 0, TRUE);
      tick_stat_node(st, f.code.c_str(), st_codes, FALSE);
      tick_stat_node(st, "Findings by severity", 0, TRUE);
      tick_stat_node(st, f.severity.c_str(), st_severities, FALSE);
      g_snprintf(name, sizeof name, "%s %s: %s", f.severity.c_str(), f.code.c_str(), f.title.c_str());
      tick_stat_node(st, name, conn_node, FALSE);
    }
  }
  return TAP_PACKET_REDRAW;
}

}  // namespace

void register_summary_taps() {
  register_stat_tap_ui(&summary_ui, nullptr);
  stats_tree_register_plugin("rdpcap", "rdpcap", "RDP Diagnostics", 0, st_packet, st_init, nullptr);
}

}  // namespace rdpcap::plugin
