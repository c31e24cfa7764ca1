#include "util/stdio_buffer.hpp"

namespace rdpcap::util {

StdioBuffer enlarge_stdio_buffer(std::FILE* file) {
  constexpr size_t kPage = 4096;
  static_assert(kStdioBufferBytes % kPage == 0, "aligned_alloc wants a multiple of the alignment");
  StdioBuffer buffer(static_cast<char*>(std::aligned_alloc(kPage, kStdioBufferBytes)));
  if (buffer && std::setvbuf(file, buffer.get(), _IOFBF, kStdioBufferBytes) != 0) buffer.reset();
  return buffer;
}

}  // namespace rdpcap::util
