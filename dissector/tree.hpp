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

// First pass: the findings that became known at this frame.
void add_first_pass(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, int proto,
                    const std::vector<FirstPassFinding>& found);

// For a frame that arrived after finish() (live capture): says so.
void add_not_analysed(tvbuff_t* tvb, proto_tree* tree, int proto, uint64_t last_analysed);

}  // namespace rdpcap::plugin
