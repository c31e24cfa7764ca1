#include "capture/capture_reader.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "capture/gzip_file.hpp"
#include "capture/read_ahead.hpp"
#include "net/packet.hpp"
#include "util/stdio_buffer.hpp"
#include "util/time.hpp"

namespace rdpcap::capture {

namespace {

// libpcap reads a savefile with two fread()s per record (header, data)
// through the FILE's buffer: a larger one (util/stdio_buffer.hpp) halves the
// time of reading a 1 GiB capture. Standard input is never closed by
// pcap_close, so its buffer lives as long as the process, and is set once.
void enlarge_buffer(std::FILE* file, bool is_stdin, util::StdioBuffer& owned) {
  if (!is_stdin) {
    owned = util::enlarge_stdio_buffer(file);
    return;
  }
  static char* const stdin_buffer = util::enlarge_stdio_buffer(stdin).release();
  (void)stdin_buffer;
}

}  // namespace

Capture Capture::open_stream(std::FILE* file, bool is_stdin) {
  Capture c;
  enlarge_buffer(file, is_stdin, c.file_buffer_);
  if (starts_with_gzip(file)) {
    c.gzip_error_ = std::make_unique<std::string>();
    std::FILE* plain = open_gunzip(file, !is_stdin, c.gzip_error_.get());
    if (!plain) {
      if (!is_stdin) std::fclose(file);
      c.error_ = "cannot set up gzip decompression";
      return c;
    }
    file = plain;
    is_stdin = false;  // pcap_close / fclose close the cookie, which leaves standard input open
    enlarge_buffer(file, false, c.gunzip_buffer_);
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  if (!p) {
    if (!is_stdin) std::fclose(file);
    c.error_ = errbuf;
    if (c.gzip_error_ && !c.gzip_error_->empty()) c.error_ = *c.gzip_error_;
    return c;
  }
  c.pcap_.reset(p);
  return c;
}

Capture Capture::open_offline(const std::string& path) {
  if (path == "-") return open_stream(stdin, true);
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) {
    Capture c;
    c.error_ = path + ": " + std::strerror(errno);  // as pcap_open_offline said it
    return c;
  }
  return open_stream(file);
}

Capture Capture::open_live(const std::string& interface, const std::string& filter, int timeout_ms) {
  Capture c;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(interface.c_str(), errbuf);
  if (!p) {
    c.error_ = errbuf;
    return c;
  }
  c.pcap_.reset(p);
  c.live_ = true;
  // Whole frames (TLS records span many), not promiscuous (the host's own
  // connections; a mirror port delivers the rest anyway), microseconds.
  pcap_set_snaplen(p, 262144);
  pcap_set_promisc(p, 0);
  pcap_set_timeout(p, timeout_ms);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
  pcap_set_buffer_size(p, 8 << 20);
  const int rc = pcap_activate(p);
  if (rc < 0) {
    const std::string why = pcap_geterr(p);
    c.error_ = std::string(pcap_statustostr(rc)) + (why.empty() ? "" : ": " + why);
    if (rc == PCAP_ERROR_PERM_DENIED)
      c.error_ += " (needs CAP_NET_RAW: run as root, or give the binary that one capability with setcap, see README)";
    c.pcap_.reset();
    return c;
  }
  // Non-blocking, with our own poll() (for_each_frame): on Linux (TPACKET_V3)
  // a blocking read may wait without limit while no packet arrives, whatever
  // the read timeout, and idle connections must still be ended.
  if (pcap_setnonblock(p, 1, errbuf) != 0 || pcap_get_selectable_fd(p) < 0) {
    c.error_ = std::string("cannot poll the capture: ") + errbuf;
    c.pcap_.reset();
    return c;
  }
  c.timeout_ms_ = timeout_ms;
  if (!filter.empty()) {
    bpf_program program{};
    if (pcap_compile(p, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      c.error_ = std::string("filter: ") + pcap_geterr(p);
      c.pcap_.reset();
      return c;
    }
    const int set = pcap_setfilter(p, &program);
    pcap_freecode(&program);
    if (set != 0) {
      c.error_ = std::string("filter: ") + pcap_geterr(p);
      c.pcap_.reset();
      return c;
    }
  }
  return c;
}

bool Capture::live_stats(pcap_stat& out) const { return pcap_ && live_ && pcap_stats(pcap_.get(), &out) == 0; }

namespace {
engine::FrameInfo frame_info(uint64_t number, int64_t sec, int64_t usec, uint32_t link_type, uint32_t wire_length) {
  engine::FrameInfo frame;
  frame.number = number;
  frame.time_us = util::to_micros(sec, usec);
  frame.link_type = link_type;
  frame.wire_length = wire_length;
  return frame;
}

// The reading stopped on an error after `result.frames` frames.
void damaged(ReadResult& result, const Capture& capture, const std::string& pcap_error) {
  result.complete = false;
  std::string why = capture.gzip_error();  // libpcap only says the file was short
  if (why.empty()) why = pcap_error;
  result.error = "capture is damaged after frame " + std::to_string(result.frames) + ": " + why;
}

// An offline capture without a stop flag: read in a thread of its own
// (capture/read_ahead.hpp), the frames given here in the same order.
ReadResult read_ahead(const Capture& capture, uint32_t link_type, const FrameCallback& on_frame,
                      ReadProgress* progress, engine::FramePrefilter* prefilter) {
  ReadResult result;
  result.opened = true;
  ReadAhead reader(capture.get(), progress, prefilter);
  ReadAhead::Frame f;
  while (reader.next(f)) {
    engine::FrameInfo frame = frame_info(++result.frames, f.sec, f.usec, link_type, f.len);
    frame.surely_ignored = f.surely_ignored;
    on_frame(frame, util::Bytes(f.data, f.caplen));
  }
  if (reader.end_code() != PCAP_ERROR_BREAK) damaged(result, capture, reader.error());
  return result;
}
}  // namespace

ReadResult for_each_frame(const Capture& capture, const FrameCallback& on_frame, ReadProgress* progress,
                          const std::atomic<bool>* stop, const std::function<void()>& on_wakeup,
                          engine::FramePrefilter* prefilter) {
  ReadResult result;
  pcap_t* pcap = capture.get();
  if (!pcap) {
    result.error = capture.error();
    return result;
  }
  const int link_type = pcap_datalink(pcap);
  if (!net::link_type_supported(static_cast<uint32_t>(link_type))) {
    const char* name = pcap_datalink_val_to_name(link_type);
    result.error = "unsupported link type " + std::to_string(link_type) + (name ? std::string(" (") + name + ")" : "");
    return result;
  }
  result.opened = true;
  if (!capture.live() && !stop)
    return read_ahead(capture, static_cast<uint32_t>(link_type), on_frame, progress, prefilter);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  uint64_t bytes = 24;  // file header, then 16 per record (pcap; close enough for pcapng)
  while (!stop || !stop->load(std::memory_order_relaxed)) {
    const int rc = pcap_next_ex(pcap, &header, &data);
    if (on_wakeup && capture.live()) on_wakeup();
    if (rc == 0) {  // live capture: nothing waiting; sleep until a packet, a signal or the timeout
      pollfd pfd{pcap_get_selectable_fd(pcap), POLLIN, 0};
      poll(&pfd, 1, capture.timeout_ms());
      continue;
    }
    if (rc == PCAP_ERROR_BREAK) break;  // end of file, or pcap_breakloop
    if (rc != 1) {
      damaged(result, capture, pcap_geterr(pcap));
      break;
    }
    ++result.frames;
    on_frame(frame_info(result.frames, header->ts.tv_sec, header->ts.tv_usec, static_cast<uint32_t>(link_type),
                        header->len),
             util::Bytes(data, header->caplen));
    bytes += 16 + header->caplen;
    if (progress && (result.frames & 1023) == 0) progress->bytes.store(bytes, std::memory_order_relaxed);
  }
  if (progress) progress->bytes.store(bytes, std::memory_order_relaxed);
  return result;
}

ReadResult feed(const Capture& capture, engine::Analyzer& analyzer, ReadProgress* progress,
                const std::atomic<bool>* stop) {
  uint64_t n = 0;
  engine::FramePrefilter prefilter(analyzer.options());
  auto next_expiry = std::chrono::steady_clock::now();
  const auto expire = [&] {  // live capture: about once a second, frames or not
    const auto now = std::chrono::steady_clock::now();
    if (now < next_expiry) return;
    next_expiry = now + std::chrono::seconds(1);
    analyzer.expire_idle(std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
  };
  ReadResult result = for_each_frame(
      capture,
      [&](const engine::FrameInfo& frame, util::Bytes data) {
        analyzer.on_frame(frame, data);
        if (progress && (++n & 1023) == 0)
          progress->connections.store(analyzer.connections_seen(), std::memory_order_relaxed);
      },
      progress, stop, expire, &prefilter);
  if (progress) progress->connections.store(analyzer.connections_seen(), std::memory_order_relaxed);
  return result;
}

ReadResult read_capture(const std::string& path, engine::Analyzer& analyzer, ReadProgress* progress) {
  return feed(Capture::open_offline(path), analyzer, progress);
}

}  // namespace rdpcap::capture
