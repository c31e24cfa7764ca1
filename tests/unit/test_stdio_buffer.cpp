// util/stdio_buffer: the larger stdio buffer the capture reader, the --json
// spool and standard output use. It is page-aligned, and bytes go through it
// unchanged, also from a pipe whose first byte was peeked (the gzip check)
// right after the buffer was set.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "capture/capture_reader.hpp"
#include "util/spool_file.hpp"
#include "util/stdio_buffer.hpp"

using namespace rdpcap;

namespace {

// A classic pcap (Ethernet) of `n` frames of `len` bytes, frame k's bytes all (k mod 251).
std::string frames_capture(size_t n, size_t len) {
  std::string out;
  const auto put32 = [&out](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  put32(0xa1b2c3d4), put32(0x00040002), put32(0), put32(0), put32(262144), put32(1);
  for (size_t k = 0; k < n; ++k) {
    put32(1700000000), put32(static_cast<uint32_t>(k % 1000000));
    put32(static_cast<uint32_t>(len)), put32(static_cast<uint32_t>(len));
    out.append(len, static_cast<char>(k % 251));
  }
  return out;
}

}  // namespace

TEST_CASE("the enlarged stdio buffer is page-aligned and passes bytes unchanged", "[stdio_buffer]") {
  std::FILE* f = util::open_spool_file();
  REQUIRE(f);
  util::StdioBuffer buffer = util::enlarge_stdio_buffer(f);
  REQUIRE(buffer);
  CHECK(reinterpret_cast<uintptr_t>(buffer.get()) % 4096 == 0);
  std::string written;
  for (int i = 0; i < 100000; ++i) written += std::to_string(i) + ',';  // ~590 KB: more than two buffers
  REQUIRE(std::fwrite(written.data(), 1, written.size(), f) == written.size());
  REQUIRE(std::fflush(f) == 0);
  REQUIRE(std::fseek(f, 0, SEEK_SET) == 0);
  std::string read(written.size() + 1, '\0');
  CHECK(std::fread(read.data(), 1, read.size(), f) == written.size());
  read.resize(written.size());
  CHECK(read == written);
  std::fclose(f);  // before `buffer` goes
}

TEST_CASE("a capture read from a pipe through the enlarged buffer gives every frame", "[stdio_buffer]") {
  const size_t n = 3000, len = 700;  // 2.1 MB: many buffers, many pipe reads
  const std::string bytes = frames_capture(n, len);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t w = ::write(fds[1], bytes.data() + done, bytes.size() - done);
      if (w <= 0) break;
      done += static_cast<size_t>(w);
    }
    ::close(fds[1]);
  });
  std::FILE* in = ::fdopen(fds[0], "rb");
  REQUIRE(in);
  size_t frames = 0, wrong = 0;
  {
    const capture::Capture cap = capture::Capture::open_stream(in);  // closes `in`
    REQUIRE(cap);
    const capture::ReadResult result = capture::for_each_frame(cap, [&](const engine::FrameInfo&, util::Bytes data) {
      if (data.size() != len || data[0] != static_cast<uint8_t>(frames % 251) ||
          data[len - 1] != static_cast<uint8_t>(frames % 251))
        ++wrong;
      ++frames;
    });
    CHECK(result.complete);
    CHECK(result.error.empty());
  }
  writer.join();
  CHECK(frames == n);
  CHECK(wrong == 0);
}
