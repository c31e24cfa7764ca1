#include "privileges.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rdpcap::cli {

namespace {

// capset(2) with empty effective, permitted and inheritable sets: always
// allowed (a process may only lower its own sets); the ambient set follows
// the permitted one (capabilities(7)). glibc has no wrapper, hence syscall().
bool clear_capabilities() {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  return syscall(SYS_capset, &header, data) == 0;
}

}  // namespace

std::optional<std::string> drop_privileges(const std::string& user) {
  if (geteuid() != 0 && getuid() != 0) {
    if (!clear_capabilities()) return std::string("capset: ") + std::strerror(errno);
    return std::nullopt;
  }
  errno = 0;
  const passwd* pw = getpwnam(user.c_str());
  if (!pw) return "-Z " + user + ": no such user" + (errno ? std::string(" (") + std::strerror(errno) + ")" : "");
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  if (uid == 0) return "-Z " + user + ": refusing to keep running as root";
  // Order matters: groups and gid while still root, the uid last.
  if (setgroups(1, &gid) != 0) return std::string("setgroups: ") + std::strerror(errno);
  if (setgid(gid) != 0) return std::string("setgid: ") + std::strerror(errno);
  if (setuid(uid) != 0) return std::string("setuid: ") + std::strerror(errno);
  if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0) return "could not drop root privileges";
  return std::nullopt;
}

}  // namespace rdpcap::cli
