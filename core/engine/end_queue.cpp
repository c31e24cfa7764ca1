#include "engine/end_queue.hpp"

namespace rdpcap::engine {

EndQueue::EndQueue(Handler handler) : handler_(std::move(handler)), thread_([this] { run(); }) {}

EndQueue::~EndQueue() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
    jobs_.clear();
  }
  work_cv_.notify_all();
  room_cv_.notify_all();
  thread_.join();
}

void EndQueue::push(EndJob job) {
  std::unique_lock lock(mutex_);
  room_cv_.wait(lock, [&] { return quit_ || error_ || jobs_.size() < kMaxPending; });
  if (quit_ || error_) return;  // handling stopped: drain() says why
  jobs_.push_back(std::move(job));
  const bool wake = idle_;  // otherwise the thread takes it with its next batch, without a wake-up
  lock.unlock();
  if (wake) work_cv_.notify_one();
}

void EndQueue::drain() {
  std::unique_lock lock(mutex_);
  room_cv_.wait(lock, [&] { return quit_ || error_ || (jobs_.empty() && !busy_); });
  if (error_) std::rethrow_exception(error_);
}

void EndQueue::run() {
  std::vector<EndJob> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      idle_ = true;
      work_cv_.wait(lock, [&] { return quit_ || !jobs_.empty(); });
      idle_ = false;
      if (quit_) return;
      batch.swap(jobs_);  // every waiting job: one lock and one wake-up per batch, not per job
      busy_ = true;
    }
    room_cv_.notify_all();
    std::exception_ptr error;
    for (EndJob& job : batch) {
      if (quit_.load(std::memory_order_relaxed)) break;  // the destructor drops what has not started
      try {
        handler_(job);
      } catch (...) {
        error = std::current_exception();
        break;
      }
    }
    batch.clear();
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
      if (error) {
        error_ = error;
        jobs_.clear();
      }
    }
    room_cv_.notify_all();
    if (error) return;
  }
}

}  // namespace rdpcap::engine
