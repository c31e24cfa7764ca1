// engine/end_queue: jobs handled one at a time in push order on another
// thread, at most kMaxPending waiting (besides the batch being handled), drain() waits for all and rethrows
// what a job threw, the destructor drops what has not started.
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/end_queue.hpp"

using namespace rdpcap;
using engine::EndJob;
using engine::EndQueue;

namespace {
EndJob job_with_id(uint64_t id) {
  EndJob job;
  job.summary.id = id;
  return job;
}
}  // namespace

TEST_CASE("EndQueue handles jobs in push order, off the pushing thread", "[end_queue]") {
  std::vector<uint64_t> handled;
  std::thread::id handler_thread;
  EndQueue queue([&](EndJob& job) {
    handled.push_back(job.summary.id);
    handler_thread = std::this_thread::get_id();
  });
  for (uint64_t i = 1; i <= 1000; ++i) queue.push(job_with_id(i));
  queue.drain();
  REQUIRE(handled.size() == 1000);
  for (uint64_t i = 0; i < 1000; ++i) REQUIRE(handled[i] == i + 1);
  CHECK(handler_thread != std::this_thread::get_id());
  queue.push(job_with_id(1001));  // usable again after drain()
  queue.drain();
  CHECK(handled.back() == 1001);
}

TEST_CASE("EndQueue bounds what waits: push() blocks while kMaxPending jobs wait", "[end_queue]") {
  constexpr uint64_t kJobs = 3 * EndQueue::kMaxPending;
  std::atomic<bool> release{false};
  std::atomic<uint64_t> pushed{0}, started{0};
  EndQueue queue([&](EndJob&) {
    ++started;
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  std::thread producer([&] {
    for (uint64_t i = 0; i < kJobs; ++i) {
      queue.push(job_with_id(i));
      ++pushed;
    }
  });
  // One job runs (blocked) in the batch the thread took (1 to kMaxPending
  // jobs), kMaxPending wait: the producer cannot go further.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  uint64_t before = 0;
  do {
    before = pushed.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (pushed.load() != before && std::chrono::steady_clock::now() < deadline);
  CHECK(started.load() == 1);
  CHECK(pushed.load() >= EndQueue::kMaxPending + 1);
  CHECK(pushed.load() <= 2 * EndQueue::kMaxPending);
  release = true;
  producer.join();
  queue.drain();
  CHECK(started.load() == kJobs);
}

TEST_CASE("EndQueue: a job's exception stops the handling and drain() rethrows it", "[end_queue]") {
  std::vector<uint64_t> handled;
  EndQueue queue([&](EndJob& job) {
    if (job.summary.id == 3) throw std::runtime_error("disk full");
    handled.push_back(job.summary.id);
  });
  for (uint64_t i = 1; i <= 10; ++i) queue.push(job_with_id(i));
  CHECK_THROWS_WITH(queue.drain(), "disk full");
  CHECK(handled == std::vector<uint64_t>{1, 2});
  queue.push(job_with_id(11));  // ignored, does not block
  CHECK_THROWS(queue.drain());
}

TEST_CASE("EndQueue's destructor drops the jobs not started", "[end_queue]") {
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  std::thread releaser;
  {
    EndQueue queue([&](EndJob&) {
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ++ran;
    });
    for (uint64_t i = 0; i < 5; ++i) queue.push(job_with_id(i));
    releaser = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      release = true;
    });
  }  // waits for the job that runs, drops the other four
  releaser.join();
  CHECK(ran.load() <= 1);
}
