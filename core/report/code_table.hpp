// The finding-code catalog as a Markdown table (README.md, --list-codes).
#pragma once

#include <string>

namespace rdpcap::report {

std::string render_code_table();

}  // namespace rdpcap::report
