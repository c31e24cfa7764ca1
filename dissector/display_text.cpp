#include "display_text.hpp"

#include <cstdint>
#include <cstdio>

namespace rdpcap::plugin {

namespace {

// Length of the valid UTF-8 sequence at s[i] (RFC 3629 table 3.7), 0 if invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const size_t left = s.size() - i;
  const uint8_t c = b(0);
  const auto cont = [&](size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return (left > 1 && b(1) >= 0xA0 && b(1) <= 0xBF && cont(2)) ? 3 : 0;
  if (c == 0xED) return (left > 1 && b(1) >= 0x80 && b(1) <= 0x9F && cont(2)) ? 3 : 0;
  if (c >= 0xE1 && c <= 0xEF) return (cont(1) && cont(2)) ? 3 : 0;
  if (c == 0xF0) return (left > 1 && b(1) >= 0x90 && b(1) <= 0xBF && cont(2) && cont(3)) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return (cont(1) && cont(2) && cont(3)) ? 4 : 0;
  if (c == 0xF4) return (left > 1 && b(1) >= 0x80 && b(1) <= 0x8F && cont(2) && cont(3)) ? 4 : 0;
  return 0;
}

}  // namespace

std::string display_text(std::string_view raw, size_t max_bytes) {
  std::string out;
  out.reserve(raw.size() < max_bytes ? raw.size() : max_bytes);
  for (size_t i = 0; i < raw.size();) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<uint8_t>(raw[i]);
    const size_t n = utf8_sequence_length(raw, i);
    if (n == 1 && c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else if (n > 1) {
      out.append(raw.substr(i, n));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
      i += 1;
      continue;
    }
    i += n;
  }
  return out;
}

}  // namespace rdpcap::plugin
