#include "report/code_table.hpp"

#include <fmt/format.h>

#include "rules/catalog.hpp"

namespace rdpcap::report {

std::string render_code_table() {
  std::string out = "| code | severity | meaning |\n|---|---|---|\n";
  for (const auto& info : rules::finding_catalog())
    out += fmt::format("| `{}` | {} | {} |\n", info.code, rules::severity_name(info.severity), info.meaning);
  return out;
}

}  // namespace rdpcap::report
