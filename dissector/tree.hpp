// Fields (rdpcap.*), subtrees and expert infos, and the "RDP Diagnostics"
// tree of a frame.
#pragma once

#include <epan/packet.h>

#include "file_state.hpp"

namespace rdpcap::plugin {

void register_fields(int proto);
// Adds the RDP Diagnostics node, the expert infos and an Info-column note for
// one frame. Longjmp-safe: uses only what `record` and `st` own.
void add_diagnostics(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, int proto,
                     const FileState& st, const FrameRecord& record);

}  // namespace rdpcap::plugin
