#include "util/spool_file.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace rdpcap::util {

std::FILE* open_spool_file() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/var/tmp") + "/rdpcap-spool-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return std::tmpfile();
  ::unlink(path.c_str());
  std::FILE* f = ::fdopen(fd, "w+");
  if (!f) ::close(fd);
  return f;
}

}  // namespace rdpcap::util
