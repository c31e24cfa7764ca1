#include "capture/gzip_file.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace rdpcap::capture {

namespace {

struct Gunzip {
  FILE* in = nullptr;
  bool close_in = true;
  std::string* error = nullptr;
  z_stream z{};
  std::vector<unsigned char> buffer = std::vector<unsigned char>(256 * 1024);
  bool member_done = false;  // the last member ended exactly; more input may start another
  bool failed = false;

  ~Gunzip() {
    inflateEnd(&z);
    if (close_in && in) std::fclose(in);
  }

  ssize_t fail(const std::string& why) {
    failed = true;
    if (error) *error = "gzip: " + why;
    errno = EIO;
    return -1;
  }

  bool refill() {
    const size_t n = std::fread(buffer.data(), 1, buffer.size(), in);
    z.next_in = buffer.data();
    z.avail_in = static_cast<uInt>(n);
    return n > 0;
  }

  ssize_t read(char* out, size_t size) {
    if (failed) {
      errno = EIO;
      return -1;
    }
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = static_cast<uInt>(size);
    while (z.avail_out == size) {  // until at least one byte is produced
      if (z.avail_in == 0 && !refill()) {
        if (std::ferror(in)) return fail(std::strerror(errno));
        if (member_done) return 0;  // clean end after a complete member
        return fail("compressed stream is cut short");
      }
      if (member_done) {  // RFC 1952 2.2: members follow one another
        if (inflateReset(&z) != Z_OK) return fail("inflateReset failed");
        member_done = false;
      }
      const int rc = inflate(&z, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_done = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return fail(z.msg ? z.msg : "corrupt compressed stream");
      }
    }
    return static_cast<ssize_t>(size - z.avail_out);
  }
};

ssize_t cookie_read(void* cookie, char* buf, size_t size) {
  if (size > (1u << 30)) size = 1u << 30;  // uInt counts
  return static_cast<Gunzip*>(cookie)->read(buf, size);
}

int cookie_close(void* cookie) {
  delete static_cast<Gunzip*>(cookie);
  return 0;
}

}  // namespace

bool starts_with_gzip(FILE* file) {
  const int c = std::getc(file);
  if (c == EOF) return false;
  std::ungetc(c, file);
  return c == 0x1f;
}

FILE* open_gunzip(FILE* compressed, bool close_underlying, std::string* error) {
  auto state = std::make_unique<Gunzip>();
  state->in = compressed;
  state->close_in = close_underlying;
  state->error = error;
  // 15 + 16: zlib window of 2^15, gzip wrapper only (RFC 1952).
  if (inflateInit2(&state->z, 15 + 16) != Z_OK) {
    state->close_in = false;
    return nullptr;
  }
  cookie_io_functions_t io{};
  io.read = cookie_read;
  io.close = cookie_close;
  FILE* file = fopencookie(state.get(), "rb", io);
  if (!file) {
    state->close_in = false;
    return nullptr;
  }
  state.release();
  return file;
}

}  // namespace rdpcap::capture
