#include "capture/read_ahead.hpp"

#include <cstring>

namespace rdpcap::capture {

ReadAhead::ReadAhead(pcap_t* pcap, ReadProgress* progress, engine::FramePrefilter* prefilter)
    : pcap_(pcap), progress_(progress), prefilter_(prefilter) {
  for (size_t i = 0; i < kBatches; ++i) {
    batches_[i].bytes.reserve(kBatchBytes + kSlackBytes);
    batches_[i].records.reserve(kBatchRecords);
    free_.push_back(i);
  }
  thread_ = std::thread([this] { read_loop(); });
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  free_cv_.notify_all();
  thread_.join();
}

void ReadAhead::read_loop() {
  const uint32_t link_type = static_cast<uint32_t>(pcap_datalink(pcap_));
  uint64_t bytes = 24;  // file header, then 16 per record (pcap; close enough for pcapng)
  for (bool done = false; !done;) {
    size_t index;
    {
      std::unique_lock lock(mutex_);
      free_cv_.wait(lock, [&] { return quit_ || !free_.empty(); });
      if (quit_) return;
      index = free_.front();
      free_.pop_front();
    }
    Batch& b = batches_[index];
    b.records.clear();
    b.bytes.clear();
    if (b.bytes.capacity() > kBatchBytes + kSlackBytes) {  // grown for a frame over the slack: back to size
      b.bytes = std::vector<unsigned char>();
      b.bytes.reserve(kBatchBytes + kSlackBytes);
    }
    int rc = 1;
    std::string error;
    while (b.bytes.size() < kBatchBytes && b.records.size() < kBatchRecords) {
      pcap_pkthdr* header = nullptr;
      const u_char* data = nullptr;
      rc = pcap_next_ex(pcap_, &header, &data);
      if (rc != 1) {
        if (rc != PCAP_ERROR_BREAK) error = pcap_geterr(pcap_);
        break;
      }
      bytes += 16 + header->caplen;
      if (prefilter_ && prefilter_->surely_ignored(link_type, util::Bytes(data, header->caplen))) {
        b.records.push_back({header->ts.tv_sec, header->ts.tv_usec, header->caplen, header->len, 0, true});
        continue;
      }
      b.records.push_back({header->ts.tv_sec, header->ts.tv_usec, header->caplen, header->len, b.bytes.size(), false});
      b.bytes.insert(b.bytes.end(), data, data + header->caplen);
    }
    if (progress_) progress_->bytes.store(bytes, std::memory_order_relaxed);
    done = rc != 1;
    b.last = done;
    {
      std::lock_guard lock(mutex_);
      if (done) {
        end_code_ = rc;
        error_ = std::move(error);
      }
      filled_.push_back(index);
    }
    filled_cv_.notify_one();
  }
}

bool ReadAhead::next(Frame& out) {
  while (!current_ || next_record_ == current_->records.size()) {
    if (ended_) return false;
    std::unique_lock lock(mutex_);
    if (current_) {
      ended_ = current_->last;
      free_.push_back(current_index_);
      current_ = nullptr;
      free_cv_.notify_one();
      if (ended_) return false;
    }
    filled_cv_.wait(lock, [&] { return !filled_.empty(); });
    current_index_ = filled_.front();
    filled_.pop_front();
    current_ = &batches_[current_index_];
    next_record_ = 0;
  }
  const Record& r = current_->records[next_record_++];
  out.sec = r.sec;
  out.usec = r.usec;
  out.surely_ignored = r.surely_ignored;
  out.caplen = r.surely_ignored ? 0 : r.caplen;
  out.len = r.surely_ignored && r.len == 0 ? r.caplen : r.len;  // the analyzer counts len, else caplen
  out.data = current_->bytes.data() + r.offset;
  return true;
}

}  // namespace rdpcap::capture
