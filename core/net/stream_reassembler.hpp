// One direction of a TCP connection, reassembled by sequence number
// (RFC 9293 3.10.7.4). Retransmitted and overlapping bytes are delivered once;
// out-of-order segments wait (up to a byte cap) until the hole is filled.
// A hole that the peer has acknowledged, or that outlives the cap, is a gap:
// the consumer is told and the direction is marked partial; no byte is ever
// guessed.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "util/frame_ref.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::net {

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // In-order bytes; `at` is the frame whose segment carried them.
  virtual void on_stream_data(util::Bytes data, const util::FrameRef& at) = 0;
  // Bytes are missing before the next delivered byte.
  virtual void on_stream_gap(uint64_t missing_bytes, const util::FrameRef& at) = 0;
};

class StreamReassembler {
 public:
  // Out-of-order data waits in at most `max_buffered_bytes` bytes and
  // `max_segments` segments (session::Limits reassembly_bytes, reassembly_segments).
  explicit StreamReassembler(size_t max_buffered_bytes = 256 * 1024, size_t max_segments = 1024);

  // SYN seen with this sequence number: data starts at isn + 1.
  void on_syn(uint32_t isn);
  // A data segment (payload may be empty: then only FIN/seq bookkeeping).
  void on_segment(uint32_t seq, util::Bytes payload, const util::FrameRef& at, StreamSink& sink);
  // The peer acknowledged up to `ack`: a hole below it, with data already
  // waiting beyond it, will never be filled. With nothing waiting, the bytes
  // may still arrive (reordered capture); flush() reports them if not.
  void on_peer_ack(uint32_t ack, const util::FrameRef& at, StreamSink& sink);
  // End of the direction (FIN, RST, capture end): flush what can be
  // delivered; buffered data beyond a hole is reported as a gap first.
  void flush(const util::FrameRef& at, StreamSink& sink);

  // Stop keeping payload (encrypted application data): sequence numbers are
  // still followed, nothing is buffered or delivered.
  void stop_buffering();

  bool started() const { return started_; }
  bool had_gap() const { return gaps_ > 0; }
  uint64_t gap_count() const { return gaps_; }
  uint64_t bytes_delivered() const { return delivered_; }
  uint64_t retransmitted_bytes() const { return retransmitted_; }
  bool cap_hit() const { return cap_hit_; }
  size_t buffered_bytes() const { return buffered_; }
  size_t pending_segments() const { return pending_.size(); }  // entries behind buffered_bytes()

 private:
  struct Pending {
    std::vector<uint8_t> data;
    util::FrameRef at;
  };
  uint64_t relative(uint32_t seq) const;  // unwraps 32-bit seq around next_
  void deliver_ready(StreamSink& sink);
  void skip_to(uint64_t offset, const util::FrameRef& at, StreamSink& sink);

  size_t max_buffered_;
  size_t max_segments_;
  bool started_ = false;
  bool buffering_ = true;
  uint32_t isn_ = 0;        // seq of relative offset 0
  uint64_t next_ = 0;       // next relative offset to deliver
  uint64_t acked_unseen_ = 0;  // highest offset the peer acknowledged with nothing pending
  std::map<uint64_t, Pending> pending_;  // relative offset -> segment
  size_t buffered_ = 0;
  uint64_t gaps_ = 0;
  uint64_t delivered_ = 0;
  uint64_t retransmitted_ = 0;
  bool cap_hit_ = false;
};

}  // namespace rdpcap::net
