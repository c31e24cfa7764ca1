// Reads a capture with libpcap and streams its frames into an engine::Analyzer:
// the one pcap -> Analyzer loop of the project (CLI, unit tests, fuzz_pcap).
// Input is a pcap or pcapng file, '-' for standard input, or an open stream,
// any of them gzip-compressed (.pcap.gz / .pcapng.gz, recognised by the
// content, not the name; capture/gzip_file.hpp), or a live interface.
// Frames are numbered from 1 as Wireshark counts, and their times go through
// util::to_micros (clamped: a hostile file can claim any 64-bit time).
//
// pcapng Decryption Secrets Blocks are not read here (libpcap does not expose
// them): the CLI reads them from the file beforehand (tls/pcapng_secrets.hpp,
// offline-analyzer/key_sources.cpp) and passes them in AnalyzerOptions::keys.
#pragma once

#include <pcap/pcap.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "engine/analyzer.hpp"
#include "engine/frame_prefilter.hpp"
#include "util/byte_reader.hpp"
#include "util/stdio_buffer.hpp"

namespace rdpcap::capture {

struct ReadResult {
  bool opened = false;     // false: error says why (unreadable, unsupported link type)
  bool complete = true;    // false: the file is cut or corrupt after some frames
  std::string error;       // one line, without the file name
  uint64_t frames = 0;
};

// What a reader has done so far, for a progress display in another thread.
struct ReadProgress {
  std::atomic<uint64_t> bytes{0};        // input bytes consumed (pcap record headers included; uncompressed)
  std::atomic<uint64_t> connections{0};  // Analyzer::connections_seen() (feed() only)
};

// An open libpcap handle and what it reads through (a gzip stream).
class Capture {
 public:
  Capture() = default;
  Capture(Capture&&) = default;
  Capture& operator=(Capture&&) = default;
  ~Capture() = default;

  pcap_t* get() const { return pcap_.get(); }
  explicit operator bool() const { return pcap_ != nullptr; }
  const std::string& error() const { return error_; }  // why opening failed
  bool gzip() const { return gzip_error_ != nullptr; }
  bool live() const { return live_; }
  int timeout_ms() const { return timeout_ms_; }
  // A decompression error met while reading (corrupt or cut .gz), or "".
  std::string gzip_error() const { return gzip_error_ ? *gzip_error_ : std::string(); }

  // `path` ("-": standard input), plain or gzip-compressed.
  static Capture open_offline(const std::string& path);
  // An already open stream (fmemopen in the fuzz target), plain or
  // gzip-compressed; closed with the Capture (or at once when opening
  // fails), unless it is standard input.
  static Capture open_stream(std::FILE* file, bool is_stdin = false);
  // A live capture on `interface` (needs CAP_NET_RAW, or root): whole frames
  // (snap length 256 KiB), not promiscuous, microsecond times, BPF `filter`
  // ("" = every frame), read timeout `timeout_ms` (the reading loop checks
  // its stop flag and expires idle connections at least that often).
  static Capture open_live(const std::string& interface, const std::string& filter, int timeout_ms = 250);

  // Kernel counters of a live capture (pcap_stats): received, dropped by the
  // kernel (buffer full), dropped by the interface. false when unavailable.
  bool live_stats(pcap_stat& out) const;

 private:
  struct PcapClose {
    void operator()(pcap_t* p) const { pcap_close(p); }
  };
  // Written by the gzip FILE* that pcap_ reads through, and the stdio buffers
  // of the file and of that FILE*: declared before pcap_ so that they are
  // destroyed after pcap_close() closes them.
  std::unique_ptr<std::string> gzip_error_;
  util::StdioBuffer file_buffer_;
  util::StdioBuffer gunzip_buffer_;
  std::unique_ptr<pcap_t, PcapClose> pcap_;
  std::string error_;
  bool live_ = false;
  int timeout_ms_ = 250;
};

// Called once per frame, in capture order; `data` is valid during the call only.
using FrameCallback = std::function<void(const engine::FrameInfo& frame, util::Bytes data)>;

// Every frame of `capture` to `on_frame`, until the end of the input, an
// error (result.complete = false), or `*stop` turns true (checked between
// frames and, live, at each read timeout; a signal handler also calls
// pcap_breakloop). `progress` (optional): bytes, every 1024 frames and at the
// end. `on_wakeup` (optional): called after every read attempt of a live
// capture, frame or timeout.
// `prefilter` (optional): an offline capture without a stop flag is read in a
// thread of its own (capture/read_ahead.hpp), which asks it about every frame;
// the frames it surely ignores come with FrameInfo::surely_ignored and no bytes.
ReadResult for_each_frame(const Capture& capture, const FrameCallback& on_frame, ReadProgress* progress = nullptr,
                          const std::atomic<bool>* stop = nullptr, const std::function<void()>& on_wakeup = {},
                          engine::FramePrefilter* prefilter = nullptr);

// Every frame of `capture` into `analyzer` (for_each_frame with
// Analyzer::on_frame; progress also counts connections). On a live capture,
// idle connections are ended about once a second, traffic or not
// (Analyzer::expire_idle at the wall-clock time). Does not call
// analyzer.finish().
ReadResult feed(const Capture& capture, engine::Analyzer& analyzer, ReadProgress* progress = nullptr,
                const std::atomic<bool>* stop = nullptr);

// open_offline + feed.
ReadResult read_capture(const std::string& path, engine::Analyzer& analyzer, ReadProgress* progress = nullptr);

}  // namespace rdpcap::capture
