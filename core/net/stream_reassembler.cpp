// One direction of TCP reassembled by sequence number (RFC 9293 3.10.7.4).
//
// Offsets are relative to the first data byte and kept in 64 bits, so a
// stream may run past 2^32 bytes; 32-bit sequence numbers are unwrapped to the
// offset nearest to next_. In-order payload is handed to the sink straight
// from the frame (no copy); only out-of-order bytes are copied into pending_.
// Memory is bounded by max_buffered_ bytes and max_segments_ entries;
// every loop below removes a pending entry or advances next_, so nothing
// is proportional to sequence distances.
//
// The sink may call stop_buffering() from inside a callback: state is made
// consistent before each callback and buffering_ is checked after it.
#include "net/stream_reassembler.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>

namespace rdpcap::net {

namespace {

// The largest TCP window is 2^30 bytes (RFC 7323 2.3): an ack further ahead
// than that cannot be genuine.
constexpr uint64_t kMaxAckJump = uint64_t{1} << 30;

// Signed offset of `seq` relative to the stream start, taking the
// interpretation closest to `next` (the next offset to deliver).
int64_t unwrap(uint32_t seq, uint32_t isn, uint64_t next) {
  uint32_t next_seq = isn + static_cast<uint32_t>(next);
  int32_t diff = static_cast<int32_t>(seq - next_seq);
  return static_cast<int64_t>(next) + diff;
}

}  // namespace

StreamReassembler::StreamReassembler(size_t max_buffered_bytes, size_t max_segments)
    : max_buffered_(max_buffered_bytes), max_segments_(max_segments) {}

uint64_t StreamReassembler::relative(uint32_t seq) const {
  int64_t off = unwrap(seq, isn_, next_);
  return off < 0 ? 0 : static_cast<uint64_t>(off);
}

void StreamReassembler::on_syn(uint32_t isn) {
  // A repeated SYN (or a SYN/ACK with another ISN) before any data replaces
  // the start; once data was seen the stream keeps its origin.
  if (started_ && (next_ != 0 || !pending_.empty() || delivered_ != 0)) return;
  started_ = true;
  isn_ = isn + 1;
  next_ = 0;
}

void StreamReassembler::stop_buffering() {
  buffering_ = false;
  pending_.clear();
  buffered_ = 0;
}

void StreamReassembler::skip_to(uint64_t offset, const util::FrameRef& at, StreamSink& sink) {
  if (offset <= next_) return;
  uint64_t missing = offset - next_;
  next_ = offset;
  ++gaps_;
  // Entries wholly below the new position can never be delivered (callers
  // skip to the lowest pending offset, so normally there are none).
  while (!pending_.empty()) {
    auto it = pending_.begin();
    uint64_t end = it->first + it->second.data.size();
    if (end > next_) break;
    buffered_ -= it->second.data.size();
    pending_.erase(it);
  }
  sink.on_stream_gap(missing, at);
}

void StreamReassembler::deliver_ready(StreamSink& sink) {
  while (buffering_ && !pending_.empty()) {
    auto it = pending_.begin();
    if (it->first > next_) return;  // still a hole
    size_t size = it->second.data.size();
    uint64_t end = it->first + size;
    buffered_ -= size;
    if (end <= next_) {  // already delivered by a later, larger segment
      retransmitted_ += size;
      pending_.erase(it);
      continue;
    }
    size_t skip = static_cast<size_t>(next_ - it->first);
    retransmitted_ += skip;
    Pending p = std::move(it->second);
    pending_.erase(it);
    next_ = end;
    delivered_ += size - skip;
    sink.on_stream_data(util::Bytes(p.data).subspan(skip), p.at);
  }
}

void StreamReassembler::on_segment(uint32_t seq, util::Bytes payload, const util::FrameRef& at,
                                   StreamSink& sink) {
  if (!started_) {  // capture began mid-connection: this segment starts the stream
    started_ = true;
    isn_ = seq;
    next_ = 0;
  }
  if (payload.empty()) return;

  int64_t start = unwrap(seq, isn_, next_);
  int64_t end = start + static_cast<int64_t>(payload.size());
  if (end <= 0) return;  // entirely before the stream's first byte
  if (start < 0) {       // bytes before the first data byte (e.g. data on a SYN)
    payload = payload.subspan(static_cast<size_t>(-start));
    start = 0;
  }
  uint64_t s = static_cast<uint64_t>(start);
  uint64_t e = static_cast<uint64_t>(end);

  if (!buffering_) {  // bookkeeping only
    if (s < next_) retransmitted_ += std::min(e, next_) - s;
    if (e > next_) next_ = e;
    return;
  }

  // Bounded: each pass either delivers the segment or removes pending entries.
  for (;;) {
    if (e <= next_) {  // nothing new
      retransmitted_ += e - s;
      return;
    }
    if (s < next_) {  // overlap with delivered bytes: keep only the new tail
      retransmitted_ += next_ - s;
      payload = payload.subspan(static_cast<size_t>(next_ - s));
      s = next_;
    }

    if (s == next_) {  // in order: deliver straight from the frame
      next_ = e;
      delivered_ += payload.size();
      sink.on_stream_data(payload, at);
      deliver_ready(sink);
      return;
    }

    // Out of order. Count the bytes (and entries) not already pending.
    uint64_t new_bytes = 0;
    size_t new_entries = 0;
    {
      uint64_t cur = s;
      auto it = pending_.upper_bound(cur);
      if (it != pending_.begin()) {
        auto prev = std::prev(it);
        cur = std::max(cur, prev->first + prev->second.data.size());
      }
      for (; cur < e; ++it) {
        if (it == pending_.end() || it->first >= e) {
          new_bytes += e - cur;
          ++new_entries;
          break;
        }
        if (it->first > cur) {
          new_bytes += it->first - cur;
          ++new_entries;
        }
        cur = std::max(cur, it->first + it->second.data.size());
      }
    }
    if (new_bytes == 0) {  // every byte already waits in pending_
      retransmitted_ += e - s;
      return;
    }

    if (buffered_ + new_bytes > max_buffered_ ||
        pending_.size() + new_entries > max_segments_) {  // entries waiting beyond a hole: an
                                                          // adversary's tiny segments cost this many nodes
      // Over a cap: give up on the oldest hole, deliver what follows it and
      // try again with the room that made.
      cap_hit_ = true;
      uint64_t target = s;
      if (!pending_.empty()) target = std::min(target, pending_.begin()->first);
      skip_to(target, at, sink);
      if (!buffering_) return;
      deliver_ready(sink);
      if (!buffering_) return;
      continue;
    }

    // Insert the new pieces; bytes already pending are kept (first copy wins).
    uint64_t cur = s;
    auto it = pending_.upper_bound(cur);
    if (it != pending_.begin()) {
      auto prev = std::prev(it);
      cur = std::max(cur, prev->first + prev->second.data.size());
    }
    auto add = [&](uint64_t from, uint64_t to) {
      auto first = payload.begin() + static_cast<ptrdiff_t>(from - s);
      auto last = payload.begin() + static_cast<ptrdiff_t>(to - s);
      Pending p;
      p.data.assign(first, last);
      p.at = at;
      buffered_ += p.data.size();
      pending_.emplace_hint(it, from, std::move(p));
    };
    while (cur < e) {
      if (it == pending_.end() || it->first >= e) {
        add(cur, e);
        break;
      }
      if (it->first > cur) add(cur, it->first);
      cur = std::max(cur, it->first + it->second.data.size());
      ++it;
    }
    retransmitted_ += (e - s) - new_bytes;
    if (acked_unseen_ > next_) {
      // The peer had already acknowledged the hole in front of this data:
      // it will not be filled.
      const uint64_t target = acked_unseen_;
      acked_unseen_ = 0;
      while (buffering_ && target > next_ && !pending_.empty()) {
        skip_to(std::min(target, pending_.begin()->first), at, sink);
        deliver_ready(sink);
      }
    }
    return;
  }
}

void StreamReassembler::on_peer_ack(uint32_t ack, const util::FrameRef& at, StreamSink& sink) {
  if (!started_ || !buffering_) return;
  int64_t a = unwrap(ack, isn_, next_);
  if (a <= static_cast<int64_t>(next_)) return;
  uint64_t target = static_cast<uint64_t>(a);
  if (target - next_ > kMaxAckJump) return;  // bogus ack

  // Bounded: each pass reaches the ack or consumes at least one pending entry.
  while (buffering_ && target > next_) {
    if (pending_.empty()) {
      // Nothing waits beyond the hole: the acknowledged bytes may still come
      // (a capture point can see the ACK before the data it acknowledges).
      // Remember it; flush() reports the gap if they never arrive. The ACK of
      // our FIN covers one sequence number that carries no byte.
      if (target > acked_unseen_) acked_unseen_ = target;
      return;
    }
    skip_to(std::min(target, pending_.begin()->first), at, sink);
    deliver_ready(sink);
  }
}

void StreamReassembler::flush(const util::FrameRef& at, StreamSink& sink) {
  while (buffering_ && !pending_.empty()) {
    skip_to(pending_.begin()->first, at, sink);
    deliver_ready(sink);
  }
  if (buffering_ && acked_unseen_ > next_ + 1) skip_to(acked_unseen_, at, sink);  // acknowledged, never captured
}

}  // namespace rdpcap::net
