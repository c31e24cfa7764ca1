// --redact: the X.224 cookie (user name) and the TLS SNI travel with a
// ticket; mask them. In the analysis result (hence every report) the fields
// become "[redacted]" and any other occurrence (certificate names, finding
// texts, ladder labels) is replaced too; in the evidence capture the bytes
// are overwritten in place with the same number of 'x', so it still parses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace rdpcap::cli {

constexpr const char* kRedacted = "[redacted]";

// One string to mask, found as prefix + value + suffix (ASCII case-insensitive);
// only the value bytes are overwritten. Short values (< kMinFreeLength bytes)
// are only searched with their wire context as prefix/suffix, so that a
// one-letter user name does not mask every such letter of a capture.
struct Secret {
  std::string value;
  std::string prefix, suffix;
};
constexpr size_t kMinFreeLength = 4;

struct Secrets {
  std::vector<Secret> items;
  size_t longest() const;  // longest prefix+value+suffix
  bool empty() const { return items.empty(); }
};

// Cookies and SNIs of every connection in the result.
Secrets collect_secrets(const session::AnalysisResult& result);

// Masks the secrets in every string of the result that came from the capture
// or quotes it (cookie, SNI, certificate names, finding texts, timeline labels).
void redact_result(session::AnalysisResult& result, const Secrets& secrets);

// Replaces `text`'s occurrences of the secrets' values with "[redacted]": values of
// kMinFreeLength bytes or more anywhere, shorter ones only as a whole word in their
// prefix/suffix context (a decrypted workstation "vm" in "from vm").
std::string redact_text(const std::string& text, const Secrets& secrets);

// Overwrites occurrences in `data` with 'x' (same length). Returns how many.
size_t redact_bytes(uint8_t* data, size_t size, const Secrets& secrets);

}  // namespace rdpcap::cli
