// The pipeline targets (fuzz_pcap, fuzz_tcp_flow) render every report from
// the fuzzed result and check what reaches a terminal, a browser or a parser,
// independently of util/escape (abort() = a finding):
//   text (plain)            printable UTF-8 and '\n' only: no C0/C1 control,
//                           DEL, invalid UTF-8, bidi override or zero-width
//   text (colour + ladder)  the same, besides the report's own SGR sequences
//                           (ESC '[' digits/';' 'm')
//   JSON, NDJSON            each document parses (valid UTF-8 included)
//   Markdown, HTML          the same character rule ('\t' allowed); HTML
//                           holds no <script (the report has none; '<' from
//                           data is always an entity)
#pragma once

#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/markdown_report.hpp"
#include "report/text_report.hpp"

namespace rdpcap::fuzz {

// Strict UTF-8 decode of s[i..]; returns the code point and advances i, or
// -1 for an invalid sequence (overlong, surrogate, > U+10FFFF, truncated).
inline long next_code_point(std::string_view s, size_t& i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  const int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
  if (n < 0 || c > 0xF4 || i + static_cast<size_t>(n) >= s.size()) return -1;
  long cp = c & (0x3F >> n);
  for (int k = 1; k <= n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;
  i += static_cast<size_t>(n) + 1;
  return cp;
}

inline bool dangerous(long cp, bool tab_ok) {
  if (cp == '\n' || (tab_ok && cp == '\t')) return false;
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF;
}

// Every character printable (or '\n'); with `sgr`, ESC only as the start of
// an SGR sequence ESC '[' [0-9;]* 'm'.
inline bool printable(std::string_view s, bool sgr = false, bool tab_ok = false) {
  size_t i = 0;
  while (i < s.size()) {
    if (sgr && s[i] == '\x1b') {
      size_t j = i + 1;
      if (j >= s.size() || s[j] != '[') return false;
      ++j;
      while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) ++j;
      if (j >= s.size() || s[j] != 'm') return false;
      i = j + 1;
      continue;
    }
    const long cp = next_code_point(s, i);
    if (cp < 0 || dangerous(cp, tab_ok)) return false;
  }
  return true;
}

inline bool parses_as_json(const std::string& s) {
  return !nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false).is_discarded();
}

inline bool each_line_parses(const std::string& s) {
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    if (end > start && !parses_as_json(s.substr(start, end - start))) return false;
    start = end + 1;
  }
  return true;
}

inline bool inert_html(const std::string& html) {
  if (!printable(html, false, true)) return false;
  std::string lower(html);
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return lower.find("<script") == std::string::npos;
}

inline void render_and_check_reports(const session::AnalysisResult& result, const std::string& name) {
  if (!parses_as_json(report::render_json(result, name))) abort();
  if (!each_line_parses(report::render_ndjson(result, name))) abort();
  if (!printable(report::render_text(result, name, {}))) abort();
  report::TextOptions coloured;
  coloured.colour = true;
  coloured.ladder = true;
  if (!printable(report::render_text(result, name, coloured), /*sgr=*/true)) abort();
  if (!printable(report::render_markdown(result, name, {}), false, true)) abort();
  if (!inert_html(report::render_html(result, name, {}))) abort();
}

}  // namespace rdpcap::fuzz
