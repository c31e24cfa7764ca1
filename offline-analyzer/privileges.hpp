// Least privilege for live capture, as tcpdump does (-Z): the capture handle
// is opened with the privileges the process has (root, or only CAP_NET_RAW
// given with setcap), then, before a single packet is read, a process started
// as root becomes an ordinary user, and one that ran with file capabilities
// gives them up.
#pragma once

#include <optional>
#include <string>

namespace rdpcap::cli {

// Started as root (real or effective uid 0): become `user` (supplementary
// groups reset to the user's primary group, then setgid, then setuid, which
// also clears every capability) and check that root cannot be regained.
// Not root: clear the process's capabilities (CAP_NET_RAW from setcap is not
// needed once the socket is open). Returns an error to print, or nullopt.
std::optional<std::string> drop_privileges(const std::string& user);

}  // namespace rdpcap::cli
