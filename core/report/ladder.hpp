// Ladder (sequence) diagram of one connection: client and server columns, one
// arrow per timeline event (SYN, SYN-ACK, X.224, TLS messages, alerts,
// FIN/RST, ICMP) with its relative time and frame number; the failing step is
// marked. Built from ConnectionSummary::timeline; rendered as text (terminal,
// Markdown code block) or as inline SVG (HTML report).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace rdpcap::report {

struct LadderStep {
  uint64_t frame = 0;
  int64_t time_us = 0;  // capture time
  model::Direction from = model::Direction::client_to_server;
  std::string label;    // raw: may hold capture bytes (certificate names)
  bool failure = false; // the step where the connection went wrong
};

struct Ladder {
  uint64_t connection_id = 0;
  std::string client, server;  // "ip:port"
  int64_t start_us = 0;        // time of the first frame: step times are relative to it
  uint64_t start_frame = 0;
  std::vector<LadderStep> steps;
  std::string end_note;        // "" or e.g. "capture ended before FIN/RST"
};

// Steps from the timeline. A step is marked failing when the engine flagged it;
// when none is flagged on a failed connection, the step at the frame of the
// first error finding is marked instead.
Ladder build_ladder(const session::ConnectionResult& r);

// Plain text within 80 columns: the label column is what the indent, times,
// frame numbers and arrow leave; labels wrap at spaces (a longer word after
// '_', '-', '.' or ',', never inside a UTF-8 sequence). Capture strings go
// through util::escape_text. Lines end in '\n'; every line starts with `indent`.
std::string render_ladder_text(const Ladder& ladder, const std::string& indent = "  ");

// One <svg> element (no scripts, no external references), scaled to its
// container's width. Capture strings go through util::escape_html.
std::string render_ladder_svg(const Ladder& ladder);

}  // namespace rdpcap::report
