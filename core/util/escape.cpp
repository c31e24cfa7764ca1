#include "util/escape.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace rdpcap::util {

namespace {

// Length of a valid UTF-8 sequence at in[i] (RFC 3629), 0 if invalid.
size_t utf8_sequence(std::string_view in, size_t i, uint32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(in[k]); };
  const uint8_t c = b(i);
  size_t n = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > in.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

bool is_control(uint32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F); }

// Unicode characters that reorder or hide text (bidi overrides, zero-width).
bool is_format_trick(uint32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x200B && cp <= 0x200F) ||
         cp == 0xFEFF;
}

// Walks `in` one UTF-8 sequence at a time: valid(code point, its bytes) for
// a valid sequence, invalid(byte) for a byte that starts none.
template <typename Valid, typename Invalid>
void for_each_sequence(std::string_view in, Valid&& valid, Invalid&& invalid) {
  for (size_t i = 0; i < in.size();) {
    uint32_t cp = 0;
    const size_t n = utf8_sequence(in, i, cp);
    if (n == 0) {
      invalid(static_cast<uint8_t>(in[i]));
      ++i;
      continue;
    }
    valid(cp, in.substr(i, n));
    i += n;
  }
}

}  // namespace

std::string escape_text(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for_each_sequence(
      in,
      [&out](uint32_t cp, std::string_view bytes) {
        if (is_control(cp) || is_format_trick(cp))
          out += cp <= 0xFF ? fmt::format("\\x{:02x}", cp) : fmt::format("\\u{{{:04x}}}", cp);
        else
          out.append(bytes);
      },
      [&out](uint8_t byte) { out += fmt::format("\\x{:02x}", byte); });
  return out;
}

std::string sanitize_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for_each_sequence(
      in, [&out](uint32_t, std::string_view bytes) { out.append(bytes); },
      [&out](uint8_t) { out += "\xEF\xBF\xBD"; });  // U+FFFD REPLACEMENT CHARACTER
  return out;
}

namespace {

// escape_text, then & < > as HTML entities (both), quotes as entities (HTML)
// or a backslash before each Markdown punctuation character (Markdown).
std::string escape_for_markup(std::string_view in, bool markdown) {
  std::string out;
  for (char c : escape_text(in)) {
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      default: break;
    }
    if (!markdown) {
      if (c == '"') out += "&quot;";
      else if (c == '\'') out += "&#39;";
      else out += c;
      continue;
    }
    static constexpr std::string_view kMarkdownPunctuation = "\\`*_{}[]()#+-.!|~\"'";
    if (kMarkdownPunctuation.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string escape_html(std::string_view in) { return escape_for_markup(in, false); }

std::string escape_markdown(std::string_view in) { return escape_for_markup(in, true); }

}  // namespace rdpcap::util
