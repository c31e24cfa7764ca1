// Ticket report in Markdown (GitHub / GitLab / Jira-compatible tables and
// lists): per server and per connection with a problem, the verdict, findings
// with evidence and remediation, client offer vs server choice, decoded facts,
// a text ladder in a code block and what to do next.
#pragma once

#include <string>

#include "report/report_facts.hpp"
#include "engine/analyzer.hpp"

namespace rdpcap::report {

std::string render_markdown(const session::AnalysisResult& result, const std::string& capture_name,
                            const TicketOptions& options = {});

}  // namespace rdpcap::report
