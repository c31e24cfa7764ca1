// --evidence: a second pass over the input capture that keeps only the frames
// of the selected connections (TCP 4-tuple within the connection's frame
// range, and ICMP errors quoting it), annotates each frame that carries a
// finding with a pcapng packet comment (code and title), optionally masks the
// redacted strings, and writes a pcapng file.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "redaction.hpp"
#include "engine/analyzer.hpp"

namespace rdpcap::cli {

struct EvidenceRequest {
  std::string input;                   // capture to re-read (not "-")
  std::string output;                  // pcapng to write
  std::set<uint64_t> connection_ids;   // empty: every connection with findings
  const Secrets* secrets = nullptr;    // non-null: overwrite these bytes
  std::string tls_secrets;             // --evidence-secrets: NSS key log lines of the kept connections ("" none)
};

struct EvidenceResult {
  bool ok = false;
  std::string error;
  std::vector<uint64_t> connections;  // ids written
  uint64_t frames = 0, comments = 0, redacted = 0;
  bool secrets_embedded = false;
};

// The connections --evidence keeps: those named, else those with findings.
std::vector<uint64_t> evidence_connections(const session::AnalysisResult& result, const std::set<uint64_t>& named);

// Comments for the frames of one connection: frame number -> comment lines.
std::vector<std::pair<uint64_t, std::string>> finding_comments(const session::ConnectionResult& r);

EvidenceResult write_evidence(const session::AnalysisResult& result, const EvidenceRequest& request);

}  // namespace rdpcap::cli
