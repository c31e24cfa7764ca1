// Human report: grouped by server, then connection; 80 columns; every string
// from the capture escaped. Colour only when asked (the CLI decides).
#pragma once

#include <string>

#include "engine/analyzer.hpp"

namespace rdpcap::report {

struct TextOptions {
  bool colour = false;
  bool show_established = true;  // list healthy connections too
  bool ladder = false;            // ladder diagram after each connection with a problem
};

std::string render_text(const session::AnalysisResult& result, const std::string& capture_name,
                        const TextOptions& options = {});

}  // namespace rdpcap::report
