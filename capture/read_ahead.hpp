// Reads an offline capture in a thread of its own, a few batches ahead of the
// analysis, so that libpcap's reading (the kernel copying the file, zlib
// inflating a .gz) runs on one CPU while the analyzer runs on another.
//
// Frames come out in the order pcap_next_ex() gave them, with the same
// header and bytes (but for those a prefilter surely ignores: no bytes); the
// reading ends as pcap_next_ex() ended it (end of file or an error, whose
// message is taken at once, in the reading thread).
// Memory is bounded and allocated once: kBatches batches of kBatchBytes plus
// room for one more frame (a larger frame grows its batch, shrunk back after),
// and kBatchRecords frame headers.
#pragma once

#include <pcap/pcap.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capture/capture_reader.hpp"
#include "engine/frame_prefilter.hpp"

namespace rdpcap::capture {

class ReadAhead {
 public:
  static constexpr size_t kBatches = 4;
  static constexpr size_t kBatchBytes = 512 * 1024;    // a batch is full beyond this many bytes
  static constexpr size_t kSlackBytes = 256 * 1024;    // room for the last frame (a 256 KiB snap length)
  static constexpr size_t kBatchRecords = 4096;        // or this many frames

  struct Frame {
    int64_t sec = 0, usec = 0;
    uint32_t caplen = 0, len = 0;
    const unsigned char* data = nullptr;  // valid until the next call to next()
    bool surely_ignored = false;          // the prefilter said so: data not copied (caplen 0)
  };

  // Starts reading `pcap` at once; `progress` (optional) gets the input bytes
  // read so far. `prefilter` (optional) is asked about every frame, in order,
  // in the reading thread; the bytes of a frame it surely ignores are not
  // copied. `pcap` and `prefilter` must outlive this object.
  ReadAhead(pcap_t* pcap, ReadProgress* progress, engine::FramePrefilter* prefilter = nullptr);
  ~ReadAhead();  // stops the reading thread and waits for it
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next frame; false once every frame was given (then end_code()).
  bool next(Frame& out);
  // What ended the reading: PCAP_ERROR_BREAK (end of input) or the error
  // pcap_next_ex() returned, with error() its message. Valid once next()
  // returned false.
  int end_code() const { return end_code_; }
  const std::string& error() const { return error_; }

 private:
  struct Record {
    int64_t sec, usec;
    uint32_t caplen, len;
    size_t offset;
    bool surely_ignored;
  };
  struct Batch {
    std::vector<unsigned char> bytes;
    std::vector<Record> records;
    bool last = false;  // the reading ended after these records
  };

  void read_loop();

  pcap_t* pcap_;
  ReadProgress* progress_;
  engine::FramePrefilter* prefilter_;
  Batch batches_[kBatches];
  std::mutex mutex_;
  std::condition_variable filled_cv_, free_cv_;
  std::deque<size_t> filled_, free_;
  bool quit_ = false;
  int end_code_ = PCAP_ERROR_BREAK;
  std::string error_;
  // The consumer's batch and position in it.
  Batch* current_ = nullptr;
  size_t current_index_ = 0, next_record_ = 0;
  bool ended_ = false;
  std::thread thread_;  // last: started once everything above is ready
};

}  // namespace rdpcap::capture
