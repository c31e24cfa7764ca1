// How a JSON value leaves the report: valid UTF-8 (the replace handler) and
// no raw character a terminal would act on.
#include <fmt/format.h>

#include "report/json_parts.hpp"

namespace rdpcap::report::json {

namespace {

// Terminal safety: JSON allows DEL, C1 controls (U+0080..U+009F: U+009B is
// CSI to an 8-bit terminal) and bidi/zero-width characters raw inside
// strings; capture bytes can put them there, so they leave as \uXXXX escapes
// (the same set util::escape_text escapes). The dump is valid UTF-8 (replace
// handler) and these bytes only occur inside strings.
std::string escape_terminal_controls(std::string in) {
  std::string out;
  out.reserve(in.size());
  const auto u = [&out](unsigned cp) { out += fmt::format("\\u{:04x}", cp); };
  for (size_t i = 0; i < in.size(); ++i) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(i + k < in.size() ? in[i + k] : 0); };
    if (b(0) == 0x7F) {
      u(0x7F);
    } else if (b(0) == 0xC2 && b(1) >= 0x80 && b(1) <= 0x9F) {
      u(b(1));
      i += 1;
    } else if (b(0) == 0xE2 && ((b(1) == 0x80 && ((b(2) >= 0x8B && b(2) <= 0x8F) || (b(2) >= 0xAA && b(2) <= 0xAE))) ||
                                (b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9))) {
      u(0x2000u | ((b(1) & 0x0Fu) << 6) | (b(2) & 0x3Fu));
      i += 2;
    } else if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
      u(0xFEFF);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

}  // namespace

std::string dump(const Json& j, int indent) {
  return escape_terminal_controls(j.dump(indent, ' ', false, Json::error_handler_t::replace));
}

}  // namespace rdpcap::report::json
