// Pass logic. First pass (frame not visited): copy the frame out, feed the
// engine, and show the findings that became known at this frame (tshark
// without -2, Wireshark while loading, display filters applied then). Later passes (visited: tshark -2 second pass, GUI clicks and
// filters): finish() once, lazily, then show what the engine reported for
// this frame, without recomputing.
#include "postdissector.hpp"

#include <epan/packet.h>
#include <epan/tap.h>

#include "file_state.hpp"
#include "frame_feed.hpp"
#include "prefs.hpp"
#include "starttls.h"
#include "tree.hpp"

namespace rdpcap::plugin {

namespace {

int proto_rdpcap = -1;
int tap_rdpcap = -1;
dissector_handle_t rdpcap_handle = nullptr;

// Init routine: a new file (or a redissection after a preference change).
void init_routine() {
  try {
    state_reset(options_from_prefs());
  } catch (...) {
    state_close();  // out of memory: no engine, the plugin shows nothing for this file
  }
}

void cleanup_routine() { state_close(); }

// Longjmp zone: only raw pointers as locals; every C++ call below is noexcept.
int dissect_rdpcap(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void*) {
  if (!PINFO_FD_VISITED(pinfo)) {
    feed_frame(tvb, pinfo);
    const std::vector<FirstPassFinding>* found = state_first_pass(pinfo->num);
    if (!found) return 0;
    add_first_pass(tvb, pinfo, tree, proto_rdpcap, *found);
    return static_cast<int>(tvb_captured_length(tvb));
  }
  const FrameRecord* record = state_frame(pinfo->num);
  const FileState* st = state();
  if (st && !record && st->frames_after_finish > 0 && pinfo->num > st->last_frame_fed) {
    // Live capture: this frame arrived after the diagnosis was computed.
    add_not_analysed(tvb, tree, proto_rdpcap, st->last_frame_fed);
    return 0;
  }
  if (!record || !st) return 0;
  add_diagnostics(tvb, pinfo, tree, proto_rdpcap, *st, *record);
  tap_queue_packet(tap_rdpcap, pinfo, record);
  return static_cast<int>(tvb_captured_length(tvb));
}

}  // namespace

int rdpcap_tap_id() { return tap_rdpcap; }

void register_protocol() {
  proto_rdpcap = proto_register_protocol("RDP Diagnostics (rdpcap)", "RDPCAP", "rdpcap");
  register_fields(proto_rdpcap);
  register_prefs(proto_rdpcap);
  rdpcap_handle = register_dissector("rdpcap", dissect_rdpcap, proto_rdpcap);
  register_postdissector(rdpcap_handle);
  register_init_routine(init_routine);
  register_cleanup_routine(cleanup_routine);
  tap_rdpcap = register_tap("rdpcap");
  rdpcap_starttls_register(proto_rdpcap);
}

void register_handoff() { rdpcap_starttls_handoff(); }

}  // namespace rdpcap::plugin
