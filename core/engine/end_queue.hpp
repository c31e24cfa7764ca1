// The ends of connections, handled on a thread of their own when the engine
// streams to a sink (Analyzer::set_sink, no findings per frame): diagnosing
// an ended connection, writing it out (the sink renders it) and keeping it for
// the capture-wide pass then run beside the reading of the next frames, on a
// second CPU.
//
// Jobs are handled one at a time in the order they were pushed, so the
// output is the same as when the reading thread handles them itself: the
// streaming view sees certificates and ended connections in frame order.
// The thread takes every waiting job at once and is woken only when it sleeps.
// At most kMaxPending jobs wait (push() blocks beyond), besides the batch being
// handled (as many at most): memory stays bounded.
// An exception thrown by a job stops the handling; drain() rethrows it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/results.hpp"
#include "model/connection_summary.hpp"

namespace rdpcap::engine {

struct EndJob {
  enum class Kind { ended, certificate } kind = Kind::ended;
  model::ConnectionSummary summary;  // certificate: only what the view takes (server, certificate)
  EndReason why = EndReason::closed;
};

class EndQueue {
 public:
  static constexpr size_t kMaxPending = 64;
  using Handler = std::function<void(EndJob&)>;

  explicit EndQueue(Handler handler);
  // Stops: jobs not yet started are dropped (call drain() first to have them handled).
  ~EndQueue();
  EndQueue(const EndQueue&) = delete;
  EndQueue& operator=(const EndQueue&) = delete;

  void push(EndJob job);
  // Returns once every job pushed so far was handled; rethrows what a job threw.
  void drain();

 private:
  void run();

  Handler handler_;
  std::mutex mutex_;
  std::condition_variable work_cv_, room_cv_;
  // Swapped whole with the thread's batch: both vectors keep their capacity, so
  // no job costs an allocation (a deque took a node per ~2 KB job).
  std::vector<EndJob> jobs_;
  bool busy_ = false;
  std::atomic<bool> quit_{false};  // set under mutex_; also read between the jobs of a batch
  bool idle_ = false;  // the thread waits for work (push() wakes it)
  std::exception_ptr error_;
  std::thread thread_;  // last: started once everything above is ready
};

}  // namespace rdpcap::engine
