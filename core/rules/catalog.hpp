// Every finding code rdpcap emits, with its severity, the Wireshark expert
// group it belongs to and a one-line meaning. The README table, the CLI's
// --list-codes and the plugin's expert infos all come from this list; a test
// checks that every code the rules emit is in it.
#pragma once

#include <span>
#include <string_view>

#include "rules/finding.hpp"

namespace rdpcap::rules {

enum class ExpertGroup { security, sequence, protocol, response_code, malformed };

struct CodeInfo {
  const char* code;
  Severity severity;
  ExpertGroup group;
  const char* meaning;
};

std::span<const CodeInfo> finding_catalog();
// nullptr when the code is unknown.
const CodeInfo* find_code(std::string_view code);

}  // namespace rdpcap::rules
