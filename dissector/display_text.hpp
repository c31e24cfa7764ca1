// Presentation helper: make engine strings (which may carry capture bytes)
// safe for Wireshark labels and string fields.
#pragma once

#include <string>
#include <string_view>

namespace rdpcap::plugin {

// The engine's escaping (util::escape_text: printable UTF-8 kept, controls,
// backslash and invalid bytes as \xNN), cut to at most `max_bytes` on a
// character boundary, with "..." when cut. May throw std::bad_alloc.
std::string display_text(std::string_view raw, size_t max_bytes = 1024);

}  // namespace rdpcap::plugin
