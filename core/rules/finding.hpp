// A diagnosis: stable dotted code, severity, one-line title, evidence with
// frame numbers, remediation. Codes are listed in README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rdpcap::rules {

enum class Severity { info = 0, warning = 1, error = 2 };
const char* severity_name(Severity s);

struct Evidence {
  std::string key;
  std::string value;   // may hold capture bytes: escape when printing
  uint64_t frame = 0;  // 0 = not tied to one frame
  int64_t time_us = 0; // capture time of that frame
};

struct Finding {
  std::string code;          // e.g. "tls.no_shared_cipher"
  Severity severity = Severity::info;
  std::string title;
  std::vector<Evidence> evidence;
  std::string remediation;
  uint64_t frame = 0;        // the frame that shows it best (expert info goes there)
  std::string client_error;  // what the user most likely saw (mstsc code), "" if n/a
  std::string server_event;  // Windows event to look for on the server, "" if n/a
  // Certificate findings: the instant the certificate was judged at (seconds
  // since the epoch): --reference-time, else the capture time of the frame
  // that carried it. The reports show this instant, never another.
  std::optional<int64_t> judged_at_s;
};

enum class Outcome {
  established,        // setup completed as far as a passive observer can see
  failed_tcp,
  failed_negotiation,
  failed_tls,
  failed_after_tls,
  incomplete,         // capture ended during setup
};
const char* outcome_name(Outcome o);

struct Verdict {
  Outcome outcome = Outcome::incomplete;
  std::string text;   // one line: outcome and most likely cause
};

}  // namespace rdpcap::rules
