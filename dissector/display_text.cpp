#include "display_text.hpp"

#include "util/escape.hpp"

namespace rdpcap::plugin {

std::string display_text(std::string_view raw, size_t max_bytes) {
  std::string out = util::escape_text(raw);
  if (out.size() <= max_bytes) return out;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  out.resize(cut);
  out += "...";
  return out;
}

}  // namespace rdpcap::plugin
