// Ticket report as one self-contained HTML file: no script, no external
// font, style sheet or image (a Content-Security-Policy forbids them too),
// responsive CSS for phones and a print style sheet. Same content as the
// Markdown report, with the ladder as inline SVG.
#pragma once

#include <string>

#include "report/report_facts.hpp"
#include "engine/analyzer.hpp"

namespace rdpcap::report {

std::string render_html(const session::AnalysisResult& result, const std::string& capture_name,
                        const TicketOptions& options = {});

}  // namespace rdpcap::report
