// What the decrypted inside of a connection showed (model::InnerFacts), in
// words, for the reports: one labelled line per subject (NLA, the NTLM
// server and client, Early User Authorization, MCS, the connection sequence,
// licensing, Set Error Info, disconnect). Every line is a fact read from
// decrypted records, so the reports mark them as such. Values hold capture
// strings: escape them when printing.
#pragma once

#include <string>
#include <vector>

#include "model/inner_facts.hpp"

namespace rdpcap::text {

struct InnerLine {
  std::string label;  // "nla", "ntlm server", "mcs", ... (text report, JSON key with '_')
  std::string title;  // "NLA", "NTLM server", "MCS", ... (Markdown, HTML)
  std::string value;
};

// Empty when nothing was decrypted (facts.plaintext_seen false).
std::vector<InnerLine> inner_lines(const model::InnerFacts& facts);

}  // namespace rdpcap::text
