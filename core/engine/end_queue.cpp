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
  lock.unlock();
  work_cv_.notify_one();
}

void EndQueue::drain() {
  std::unique_lock lock(mutex_);
  room_cv_.wait(lock, [&] { return quit_ || error_ || (jobs_.empty() && !busy_); });
  if (error_) std::rethrow_exception(error_);
}

void EndQueue::run() {
  for (;;) {
    EndJob job;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return quit_ || !jobs_.empty(); });
      if (quit_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
    }
    room_cv_.notify_all();
    std::exception_ptr error;
    try {
      handler_(job);
    } catch (...) {
      error = std::current_exception();
    }
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
