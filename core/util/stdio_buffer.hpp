// A larger stdio buffer for a FILE* that moves a lot of bytes: the capture
// libpcap reads, the --json spool file, standard output. stdio's default is
// st_blksize (4 KiB), i.e. about one read() or write() per frame or per
// connection; reading a 1 GiB capture took twice as long as with 256 KiB
// (bench/README.md). Page-aligned: the kernel's copy into a misaligned buffer
// took 2.5 times as long on the benchmark machine.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace rdpcap::util {

struct StdioBufferFree {
  void operator()(char* p) const { std::free(p); }
};
using StdioBuffer = std::unique_ptr<char, StdioBufferFree>;

constexpr size_t kStdioBufferBytes = 256 * 1024;

// Gives `file` a kStdioBufferBytes buffer, fully buffered. Call it before any
// other operation on `file` (C11 7.21.5.6; glibc drops the bytes already
// buffered from a pipe when the buffer changes later). The buffer must be
// kept until `file` is closed; empty (and `file` unchanged) on failure.
StdioBuffer enlarge_stdio_buffer(std::FILE* file);

}  // namespace rdpcap::util
