#include "frame_feed.hpp"

#include <cstdint>
#include <limits>
#include <type_traits>

#include <wiretap/wtap.h>

#include "file_state.hpp"
#include "link_type.hpp"
#include "util/time.hpp"

namespace rdpcap::plugin {

namespace {

static_assert(std::is_trivially_destructible_v<session::FrameInfo>,
              "FrameInfo lives in a frame a tvb exception may longjmp out of");

// No Wireshark call below this line can throw: the bytes are already ours.
void feed_copy(const session::FrameInfo& frame, int wtap_encap, const guint8* data,
               guint length) noexcept {
  session::FrameInfo f = frame;
  // A Wireshark-only encapsulation has no pcap link type: the engine counts
  // the frame as an unsupported link, as it would for an unknown LINKTYPE.
  f.link_type = pcap_link_type(wtap_encap).value_or(std::numeric_limits<uint32_t>::max());
  state_feed(f, data, length);
}

}  // namespace

// Longjmp zone: tvb_* may throw (longjmp). Only trivially destructible locals
// live in this frame.
void feed_frame(tvbuff_t* tvb, packet_info* pinfo) {
  if (!state()) return;
  if (!pinfo->rec || pinfo->rec->rec_type != REC_TYPE_PACKET) return;  // not a packet
  const guint length = tvb_captured_length(tvb);
  guint8* copy = nullptr;
  if (length > 0) {
    copy = static_cast<guint8*>(wmem_alloc(pinfo->pool, length));
    tvb_memcpy(tvb, copy, 0, length);
  }
  session::FrameInfo frame;  // trivially destructible aggregate
  frame.number = pinfo->num;
  frame.time_us = util::to_micros(pinfo->abs_ts.secs, pinfo->abs_ts.nsecs / 1000);
  frame.wire_length = pinfo->fd->pkt_len;
  feed_copy(frame, pinfo->rec->rec_header.packet_header.pkt_encap, copy, length);
}

}  // namespace rdpcap::plugin
