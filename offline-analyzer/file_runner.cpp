#include "file_runner.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "ndjson_sink.hpp"
#include "util/spool_file.hpp"

namespace rdpcap::cli {

namespace {

// Input at least this large gets a progress line (when standard error is a
// terminal); smaller input is done before a line would be worth reading.
constexpr uint64_t kLargeInput = 64ull << 20;
constexpr auto kTick = std::chrono::milliseconds(250);
constexpr auto kFirstLine = std::chrono::milliseconds(500);

std::string size_text(double bytes) {
  if (bytes >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", bytes / (1024.0 * 1024 * 1024));
  return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024));
}

}  // namespace

void add_run_options(CLI::App& app, RunOptions& options) {
  app.add_option("-j,--jobs", options.jobs,
                 "analyse up to N capture files at once, one thread per file (output is identical to -j 1)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--progress", options.progress,
                 "progress line on standard error while large input is read (auto: when standard error is a "
                 "terminal)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

struct FileRunner::State {
  std::vector<std::string> files;
  session::AnalyzerOptions options;
  unsigned jobs = 1;
  Stream stream = Stream::none;
  bool lines_to_reader = false;  // standard output is a pipe or terminal: NDJSON lines go out as written
  bool parallel = false;  // workers read the files (set before they start)

  std::mutex mu;
  std::condition_variable cv;
  size_t next_to_start = 0;  // workers: next file index to read
  size_t taken = 0;          // files handed to the caller so far
  bool stopping = false;
  std::vector<std::optional<FileAnalysis>> done;
  std::vector<std::thread> workers;

  // Progress display.
  std::vector<ReadProgress> progress;  // one per file
  std::vector<uint64_t> sizes;         // 0 when unknown (standard input, pipes)
  uint64_t known_total = 0;
  bool show_progress = false;
  bool paused = true;                  // while the caller prints
  bool line_shown = false;
  std::thread ticker;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  FileAnalysis analyze(size_t index) {
    FileAnalysis out;
    try {
      std::optional<NdjsonSink> sink;  // before the analyzer: it outlives the analyzer's end queue
      session::Analyzer analyzer(options);
      if (stream == Stream::json) {
        out.json = std::make_unique<report::JsonDocumentStream>();
        analyzer.set_sink(out.json.get());
      }
      if (stream == Stream::ndjson) {
        // -j 1: straight to standard output; workers: a spool file each,
        // copied out by the caller in input order (output identical to -j 1).
        std::FILE* to = stdout;
        if (parallel) {
          out.spool = util::open_spool_file();
          if (!out.spool) throw std::runtime_error("cannot create a temporary file for -j output");
          to = out.spool;
        }
        sink.emplace(to, files[index], out.totals, /*flush_each_line=*/!parallel && lines_to_reader);
        analyzer.set_sink(&*sink);
      }
      out.read = capture::read_capture(files[index], analyzer, &progress[index]);
      if (out.read.opened) out.result = analyzer.finish();
    } catch (const std::exception& e) {  // out of memory, mostly
      if (out.spool) std::fclose(out.spool);
      out.spool = nullptr;
      out.json.reset();
      out.read = ReadResult{};
      out.read.error = std::string("internal error: ") + e.what();
    }
    return out;
  }

  void worker() {
    for (;;) {
      size_t index;
      {
        std::unique_lock lock(mu);
        // At most `jobs` results wait for the caller: memory stays bounded.
        cv.wait(lock, [&] { return stopping || (next_to_start < files.size() && next_to_start < taken + jobs); });
        if (stopping) return;
        index = next_to_start++;
      }
      FileAnalysis result = analyze(index);
      {
        std::lock_guard lock(mu);
        done[index] = std::move(result);
      }
      cv.notify_all();
    }
  }

  // --- progress line (called with mu held) ---
  void clear_line() {
    if (!line_shown) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    line_shown = false;
  }

  void draw_line() {
    uint64_t bytes = 0, connections = 0;
    for (const auto& p : progress) {
      bytes += p.bytes.load(std::memory_order_relaxed);
      connections += p.connections.load(std::memory_order_relaxed);
    }
    if (known_total < kLargeInput && bytes < kLargeInput) return;  // small input: stay silent
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string line = "rdpcap-analyze: " + size_text(static_cast<double>(bytes));
    if (known_total > 0 && std::find(sizes.begin(), sizes.end(), 0) == sizes.end())
      line += fmt::format(" of {} ({:.0f}%)", size_text(static_cast<double>(known_total)),
                          100.0 * static_cast<double>(bytes) / static_cast<double>(known_total));
    if (seconds > 0) line += fmt::format(", {:.0f} MB/s", static_cast<double>(bytes) / seconds / 1e6);
    line += fmt::format(", {} connection{}", connections, connections == 1 ? "" : "s");
    if (files.size() > 1) {
      size_t finished = 0;
      for (size_t i = 0; i < files.size(); ++i) finished += (i < taken || done[i].has_value());
      line += fmt::format(", {}/{} files", finished, files.size());
    }
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    std::fflush(stderr);
    line_shown = true;
  }

  void tick() {
    std::unique_lock lock(mu);
    cv.wait_for(lock, kFirstLine, [&] { return stopping; });
    while (!stopping) {
      if (!paused) draw_line();
      cv.wait_for(lock, kTick, [&] { return stopping; });
    }
    clear_line();
  }
};

FileRunner::FileRunner(const std::vector<std::string>& files, const session::AnalyzerOptions& options,
                       const RunOptions& run, Stream stream)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.files = files;
  s.stream = stream;
  struct stat out_st {};
  s.lines_to_reader = !(::fstat(STDOUT_FILENO, &out_st) == 0 && S_ISREG(out_st.st_mode));
  s.options = options;
  s.jobs = std::max(1u, run.jobs);
  s.done.resize(files.size());
  s.progress = std::vector<ReadProgress>(files.size());
  for (const auto& f : files) {
    struct stat st {};
    const bool regular = f != "-" && ::stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    s.sizes.push_back(regular ? static_cast<uint64_t>(st.st_size) : 0);
    s.known_total += s.sizes.back();
  }
  s.show_progress = run.progress == "always" || (run.progress == "auto" && isatty(STDERR_FILENO));
  if (s.show_progress) s.ticker = std::thread([&s] { s.tick(); });
  if (s.jobs > 1 && files.size() > 1) {
    const size_t n = std::min<size_t>(s.jobs, files.size());
    s.parallel = true;
    for (size_t i = 0; i < n; ++i) s.workers.emplace_back([&s] { s.worker(); });
  }
}

FileRunner::~FileRunner() {
  State& s = *state_;
  {
    std::lock_guard lock(s.mu);
    s.stopping = true;
  }
  s.cv.notify_all();
  for (auto& w : s.workers) w.join();
  if (s.ticker.joinable()) s.ticker.join();
}

FileAnalysis FileRunner::take(size_t index) {
  State& s = *state_;
  {
    std::lock_guard lock(s.mu);
    s.paused = false;
  }
  std::optional<FileAnalysis> result;
  if (s.workers.empty()) {
    result = s.analyze(index);  // -j 1: in this thread, one file at a time
  } else {
    std::unique_lock lock(s.mu);
    s.cv.wait(lock, [&] { return s.done[index].has_value(); });
    result = std::move(s.done[index]);
    s.done[index].reset();
  }
  {
    std::lock_guard lock(s.mu);
    s.taken = index + 1;
    s.paused = true;
    s.clear_line();
  }
  s.cv.notify_all();
  return std::move(*result);
}

}  // namespace rdpcap::cli
