// Capture-wide summary: tshark -z rdpcap,summary prints the CLI's text report
// (report::render_text); a stats tree "RDP Diagnostics" (Statistics menu in
// the GUI, tshark -z rdpcap,tree) counts connections by verdict and findings.
#pragma once

namespace rdpcap::plugin {

void register_summary_taps();  // tap_plugin register_tap_listener time

}  // namespace rdpcap::plugin
