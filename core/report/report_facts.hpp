// What the human reports (text, Markdown, HTML) say about a connection, as
// plain values: labels, decoded facts, client offer vs server choice,
// certificate validity, next steps. Strings may hold capture bytes: every
// renderer escapes them for its own format (util::escape_*).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace rdpcap::report {

// What the ticket reports (Markdown, HTML) say besides the analysis.
struct TicketOptions {
  bool redacted = false;                      // cookie and SNI were masked (--redact)
  std::string evidence_name;                  // evidence capture written with the report, "" if none
  std::vector<uint64_t> evidence_connections; // the connections it holds
};

// "OK", "FAILED (TLS)", ...
const char* outcome_label(rules::Outcome o);

// A connection the ticket reports detail (and draw a ladder for): the setup
// did not complete, or a rule found something.
bool has_problem(const session::ConnectionResult& r);

// Connections grouped by server ("ip:port"), each group in capture order.
using ServerGroups = std::map<std::string, std::vector<const session::ConnectionResult*>>;
ServerGroups group_by_server(const session::AnalysisResult& result);

// "3 OK, 1 FAILED (TLS)"
std::string outcome_counts(const session::AnalysisResult& result);

// Completed handshakes of one server: "TLS 1.2 TLS_ECDHE_... (0xc030)" -> count.
std::map<std::string, int> completed_tls(const std::vector<const session::ConnectionResult*>& conns);

// The notes under a server's heading in the ticket reports, one per line:
// "Completed TLS: <version and suite> (3 connections)" for each, then
// "Connections without a problem: #1, #4". `escape` is the format's escaping
// (applied to the version and suite text).
std::vector<std::string> server_notes(const std::vector<const session::ConnectionResult*>& conns,
                                      std::string (*escape)(const std::string&));

struct Fact {
  std::string label;
  std::string value;  // may hold capture bytes
};

// Decoded facts of one connection: endpoints, frames, X.224 request/confirm,
// cookie, TLS, certificate chain with validity at the instant the rules
// judged it (r.certificates_judged_at_s).
std::vector<Fact> connection_facts(const session::ConnectionResult& r);

// One row of the "client offered / server chose" comparison.
struct OfferRow {
  std::string what;     // "Security protocol", "TLS version", "Cipher suite"
  std::string offered;  // client side
  std::string chosen;   // server side
};
std::vector<OfferRow> offer_vs_choice(const model::ConnectionSummary& c);

// At `judged_at_s`: "valid at T (expires in 662 days)", "EXPIRED at T:
// expired D (5 hours before)", "NOT YET VALID at T: valid from D (3 days later)".
std::string certificate_validity(const x509::CertificateFacts& cert, int64_t reference_time_s);
bool certificate_time_ok(const x509::CertificateFacts& cert, int64_t reference_time_s);

// A short ordered "what to do next" list for one connection, from its
// findings (server events to look for, fix, what the user saw, re-check).
std::vector<std::string> next_steps(const session::ConnectionResult& r);

// Header lines of a ticket report: label -> value (plain text, may hold the
// capture name).
std::vector<Fact> capture_facts(const session::AnalysisResult& result, const std::string& capture_name,
                                const TicketOptions& options);

// Short finding list "tls.alert, tls.no_shared_cipher" ("" if none).
std::string finding_codes(const session::ConnectionResult& r);

// "frame 94, 2025-03-10 09:22:00.322518 UTC" for an evidence line ("" if no frame).
std::string evidence_where(const rules::Evidence& e);

// First sentence of a remediation text.
std::string first_sentence(const std::string& text);

}  // namespace rdpcap::report
