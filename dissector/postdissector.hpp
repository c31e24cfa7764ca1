// The rdpcap protocol: registration, per-file init/cleanup, the postdissector.
#pragma once

namespace rdpcap::plugin {

void register_protocol();  // proto_register_* time
void register_handoff();   // proto_reg_handoff_* time
int rdpcap_tap_id();       // the "rdpcap" tap (data: const FrameRecord*)

}  // namespace rdpcap::plugin
