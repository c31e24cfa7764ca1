#include "report/ladder.hpp"

#include <fmt/format.h>

#include <string_view>

#include "rules/rule_context.hpp"
#include "text/event_text.hpp"
#include "util/escape.hpp"

namespace rdpcap::report {

namespace {

std::string relative_time(int64_t micros) {
  const char* sign = micros < 0 ? "-" : "+";
  if (micros < 0) micros = -micros;
  return fmt::format("{}{}.{:06}", sign, micros / 1000000, micros % 1000000);
}

// Characters (code points) of valid UTF-8 text: escaped text is valid UTF-8,
// and one code point is taken as one terminal column.
size_t columns(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte length of the first `count` code points of `text`.
size_t prefix_bytes(std::string_view text, size_t count) {
  size_t i = 0;
  for (size_t seen = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && seen++ == count) break;
  }
  return i;
}

// Splits already-escaped text into lines of at most `width` columns at
// spaces. A longer word is cut after its last '_', '-', '.' or ',' that
// fits (a cipher suite name splits between its parts), else at `width`;
// never inside a UTF-8 sequence.
std::vector<std::string> wrap_words(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    std::string word = text.substr(i, j - i);
    i = j + 1;
    while (columns(word) > width) {
      if (!line.empty()) lines.push_back(std::move(line)), line.clear();
      size_t cut = prefix_bytes(word, width);
      const size_t sep = word.find_last_of("_-.,", cut - 1);
      if (sep != std::string::npos && sep + 1 > cut / 2) cut = sep + 1;
      lines.push_back(word.substr(0, cut));
      word.erase(0, cut);
    }
    if (!line.empty() && columns(line) + 1 + columns(word) > width) lines.push_back(std::move(line)), line.clear();
    if (!line.empty()) line += ' ';
    line += word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

Ladder build_ladder(const session::ConnectionResult& r) {
  const auto& c = r.summary;
  Ladder l;
  l.connection_id = c.id;
  l.client = text::endpoint(c.client_ip, c.client_port);
  l.server = text::endpoint(c.server_ip, c.server_port);
  l.start_us = c.first.time_us;
  l.start_frame = c.first.frame;
  bool any_failure = false;
  for (const auto& e : c.timeline) {
    l.steps.push_back({e.at.frame, e.at.time_us, e.from, text::event_text(e), e.failure});
    any_failure = any_failure || e.failure;
  }
  if (!any_failure && r.verdict.outcome != rules::Outcome::established) {
    for (const auto& f : r.findings) {
      if (f.severity != rules::Severity::error || !f.frame) continue;
      for (auto& s : l.steps)
        if (s.frame == f.frame) s.failure = true, any_failure = true;
      if (any_failure) break;
    }
  }
  if (c.timeline_truncated)
    l.end_note = "timeline cut at its cap: later events not shown";
  else if (c.ended_by_capture)
    l.end_note = "capture ended: no FIN/RST seen";
  return l;
}

std::string render_ladder_text(const Ladder& l, const std::string& indent) {
  constexpr size_t kShaft = 13;  // characters between the two bars
  constexpr size_t kPrefix = 2 + 9 + 1 + 6 + 2;
  // Label column: what is left of 80 columns (at least 24 for a very deep
  // indent), wrapped beyond.
  const size_t used = indent.size() + kPrefix + kShaft + 2 + 2;
  const size_t label_width = used + 24 < 80 ? 80 - used : 24;
  const std::string time_head = "time (s)", frame_head = "frame";
  std::string out;
  out += indent + fmt::format("#{} client {} <-> server {}\n", l.connection_id, util::escape_text(l.client),
                              util::escape_text(l.server));
  out += indent + fmt::format("t=0 at {} (frame {})\n", text::capture_time(l.start_us), l.start_frame);
  const std::string blank_prefix(kPrefix, ' ');
  out += indent + fmt::format("  {:>9} {:>6}  {:<{}}{}\n", time_head, frame_head, "client", kShaft + 2 - 6,
                              "server");
  for (const auto& s : l.steps) {
    const auto lines = wrap_words(util::escape_text(s.label), label_width);
    // The failing step: a double shaft that says so ("|<=== FAILED ===|").
    std::string shaft(kShaft - 1, s.failure ? '=' : '-');
    if (s.failure) shaft.replace((shaft.size() - 8) / 2, 8, " FAILED ");
    const std::string arrow = s.from == model::Direction::client_to_server ? "|" + shaft + ">|" : "|<" + shaft + "|";
    const std::string empty_arrow = "|" + std::string(kShaft, ' ') + "|";
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string prefix = i == 0 ? fmt::format("  {:>9} {:>6}  ",
                                                relative_time(s.time_us - l.start_us), s.frame)
                                  : blank_prefix;
      out += indent + prefix + (i == 0 ? arrow : empty_arrow) + "  " + lines[i] + "\n";
    }
  }
  if (!l.end_note.empty()) out += indent + blank_prefix + "(" + l.end_note + ")\n";
  return out;
}

std::string render_ladder_svg(const Ladder& l) {
  constexpr int kWidth = 760, kClientX = 180, kServerX = 740, kTop = 64, kRow = 34;
  const int rows = static_cast<int>(l.steps.size()) + (l.end_note.empty() ? 0 : 1);
  const int height = kTop + rows * kRow + 24;
  const std::string client = util::escape_html(l.client), server = util::escape_html(l.server);
  std::string out;
  out += fmt::format(
      "<svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" "
      "height=\"{h}\" role=\"img\" aria-labelledby=\"ladder-{id}-title\" "
      "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" font-size=\"12\">\n"
      "<title id=\"ladder-{id}-title\">Ladder diagram of connection #{id}: client {c}, server {s}</title>\n",
      fmt::arg("w", kWidth), fmt::arg("h", height), fmt::arg("id", l.connection_id), fmt::arg("c", client),
      fmt::arg("s", server));
  // Column heads and lifelines.
  out += fmt::format("<text x=\"8\" y=\"20\" font-weight=\"bold\">time (s)</text>\n"
                     "<text x=\"100\" y=\"20\" font-weight=\"bold\">frame</text>\n"
                     "<text x=\"{cx}\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">client</text>\n"
                     "<text x=\"{cx}\" y=\"36\" text-anchor=\"middle\">{c}</text>\n"
                     "<text x=\"{sx}\" y=\"20\" text-anchor=\"end\" font-weight=\"bold\">server</text>\n"
                     "<text x=\"{sx}\" y=\"36\" text-anchor=\"end\">{s}</text>\n"
                     "<line x1=\"{cx}\" y1=\"{top}\" x2=\"{cx}\" y2=\"{bottom}\" stroke=\"#555\" stroke-width=\"2\"/>\n"
                     "<line x1=\"{sx}\" y1=\"{top}\" x2=\"{sx}\" y2=\"{bottom}\" stroke=\"#555\" stroke-width=\"2\"/>\n",
                     fmt::arg("cx", kClientX), fmt::arg("sx", kServerX), fmt::arg("c", client), fmt::arg("s", server),
                     fmt::arg("top", kTop - 18), fmt::arg("bottom", height - 12));
  int y = kTop;
  for (const auto& s : l.steps) {
    const bool to_server = s.from == model::Direction::client_to_server;
    const int x1 = to_server ? kClientX : kServerX, x2 = to_server ? kServerX : kClientX;
    const int head = to_server ? x2 - 10 : x2 + 10;
    const char* colour = s.failure ? "#c00000" : "#1f4e79";
    std::string label = util::escape_html(s.label);
    const size_t length = util::escape_text(s.label).size();
    const std::string fit = length > 84 ? fmt::format(" textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"",
                                                      kServerX - kClientX - 20)
                                        : std::string();
    if (s.failure)
      out += fmt::format("<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fde8e8\"/>\n", y - kRow + 10,
                         kWidth, kRow);
    out += fmt::format("<g class=\"step{}\">\n", s.failure ? " failure" : "");
    out += fmt::format("<text x=\"8\" y=\"{}\">{}</text>\n", y + 4, relative_time(s.time_us - l.start_us));
    out += fmt::format("<text x=\"100\" y=\"{}\">{}</text>\n", y + 4, s.frame);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n", x1, y,
                       head, y, colour, s.failure ? 2.5 : 1.5, s.failure ? " stroke-dasharray=\"6 3\"" : "");
    out += fmt::format("<polygon points=\"{},{} {},{} {},{}\" fill=\"{}\"/>\n", x2, y, head, y - 5, head, y + 5,
                       colour);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\"{}{}>{}{}</text>\n",
                       (kClientX + kServerX) / 2, y - 6, colour, s.failure ? " font-weight=\"bold\"" : "", fit,
                       s.failure ? "\u2716 " : "", label);
    out += "</g>\n";
    y += kRow;
  }
  if (!l.end_note.empty())
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-style=\"italic\" fill=\"#555\">{}</text>\n",
                       (kClientX + kServerX) / 2, y - 6, util::escape_html(l.end_note));
  out += "</svg>\n";
  return out;
}

}  // namespace rdpcap::report
