// The name of the capture file being read, for the summary report header.
// epan does not know it: tshark's -r argument, else an open file descriptor
// that holds a pcap/pcapng file, else "capture".
#pragma once

#include <string>

namespace rdpcap::plugin {

std::string capture_name();  // may throw std::bad_alloc

}  // namespace rdpcap::plugin
