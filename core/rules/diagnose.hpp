// Findings and a verdict for every connection, from connection summaries
// only (rules never see bytes). One file per rule family.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/connection_summary.hpp"
#include "rules/finding.hpp"
#include "rules/rule_context.hpp"

namespace rdpcap::rules {

struct Diagnosis {
  Verdict verdict;
  std::vector<Finding> findings;  // severity desc, then frame, then code
  // The instant this connection's certificates were judged at (seconds):
  // --reference-time, else the capture time of the certificate's frame;
  // none when no certificate was seen.
  std::optional<int64_t> certificates_judged_at_s;
};

// `connections` is the whole capture (capture-wide inference reads the
// others). reference_time_s overrides each certificate's capture time.
std::vector<Diagnosis> diagnose(const std::vector<model::ConnectionSummary>& connections,
                                std::optional<int64_t> reference_time_s);

// One connection against a given view of its server (the streaming result
// API: the view holds what the capture showed so far).
Diagnosis diagnose_one(const model::ConnectionSummary& connection, const ServerView& server,
                       std::optional<int64_t> reference_time_s);
// Adds what one connection shows of its server to `view`; completed_ids keeps
// at most `max_ids` ids (the rules only ask whether others completed).
void add_to_view(ServerView& view, const model::ConnectionSummary& c, size_t max_ids = SIZE_MAX);
// Only its leaf certificate (the earliest frame that showed a fingerprint counts).
void add_certificate_to_view(ServerView& view, const model::ConnectionSummary& c);

}  // namespace rdpcap::rules
