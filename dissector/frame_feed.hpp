// First pass: hand one frame, exactly as captured, to the engine.
#pragma once

#include <epan/packet.h>

namespace rdpcap::plugin {

// Copies the frame's bytes out of `tvb` (tvb_memcpy, before any C++ object
// with a destructor exists in this call chain), maps the encapsulation to a
// pcap link type, and feeds the engine. Never throws a C++ exception.
void feed_frame(tvbuff_t* tvb, packet_info* pinfo);

}  // namespace rdpcap::plugin
