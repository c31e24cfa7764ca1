// Presentation helpers: make engine strings (which may carry capture bytes)
// safe for Wireshark labels and string fields.
#pragma once

#include <string>
#include <string_view>

namespace rdpcap::plugin {

// Valid, printable UTF-8 passes through; control characters, backslashes and
// bytes that are not valid UTF-8 become \xNN. Longer than `max_bytes` is cut
// with "...". Never throws on bad input (may throw std::bad_alloc).
std::string display_text(std::string_view raw, size_t max_bytes = 1024);

}  // namespace rdpcap::plugin
