// What a rule family sees: one connection, what the same server did in the
// rest of the capture, and the reference time for certificate checks.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/connection_summary.hpp"
#include "rules/finding.hpp"
#include "text/time_text.hpp"
#include "text/wire_text.hpp"

namespace rdpcap::rules {

// Capture-wide view of one server (ip:port), from its successful handshakes.
struct ServerView {
  std::map<uint16_t, int> versions;  // negotiated version -> handshakes completed
  std::map<uint16_t, int> suites;    // negotiated suite -> handshakes completed
  struct SeenCertificate {
    model::FrameRef first;
    std::string subject;
  };
  std::map<std::string, SeenCertificate> certificates;  // SHA-256 fingerprint -> first sighting
  std::vector<uint64_t> completed_ids;  // connection ids with a completed handshake
};

struct RuleContext {
  const model::ConnectionSummary& conn;
  const ServerView& server;
  std::optional<int64_t> reference_time_s;
};

// Builds findings with evidence in a compact way.
class FindingBuilder {
 public:
  FindingBuilder(std::string code, Severity severity, std::string title);
  FindingBuilder& at(const model::FrameRef& where);  // primary frame
  FindingBuilder& evidence(std::string key, std::string value, const model::FrameRef& where = {});
  FindingBuilder& remediation(std::string text);
  FindingBuilder& client_error(std::string text);
  FindingBuilder& server_event(std::string text);
  Finding build() { return std::move(f_); }

 private:
  Finding f_;
};

// Who ended the connection first, and how.
struct Closure {
  bool seen = false;
  model::FrameRef at;
  model::Direction by = model::Direction::server_to_client;
  bool reset = false;  // RST (else FIN)
  const char* who() const { return by == model::Direction::client_to_server ? "client" : "server"; }
  const char* how() const { return reset ? "reset (RST)" : "closed (FIN)"; }
};
Closure first_closure(const model::ConnectionSummary& c);

// The first of these frame refs that was seen, in capture order.
model::FrameRef earliest(std::initializer_list<model::FrameRef> refs);

// Rule families.
void tcp_rules(const RuleContext& ctx, std::vector<Finding>& out);
void negotiation_rules(const RuleContext& ctx, std::vector<Finding>& out);
void tls_rules(const RuleContext& ctx, std::vector<Finding>& out);
void certificate_rules(const RuleContext& ctx, std::vector<Finding>& out);
// The instant a connection's certificates are judged at: reference_s if set,
// else the capture time of the certificate's frame; none without certificates.
std::optional<int64_t> certificate_judged_at(const model::ConnectionSummary& c, std::optional<int64_t> reference_s);
// Remediation for tls.certificate_rejected, from the certificate's facts.
const char* rejected_certificate_advice(const RuleContext& ctx);
void credssp_rules(const RuleContext& ctx, std::vector<Finding>& out);
// From decrypted NLA / RDP data and cleartext Kerberos (model::InnerFacts).
void nla_rules(const RuleContext& ctx, std::vector<Finding>& out);
void tls13_refusal_rules(const RuleContext& ctx, std::vector<Finding>& out);
void rdp_sequence_rules(const RuleContext& ctx, std::vector<Finding>& out);
void kerberos_rules(const RuleContext& ctx, std::vector<Finding>& out);

// Capture-wide inference: build a view per server.
std::map<std::string, ServerView> build_server_views(const std::vector<model::ConnectionSummary>& all);
std::string server_key(const model::ConnectionSummary& c);

Verdict decide_verdict(const model::ConnectionSummary& conn, const std::vector<Finding>& findings);

}  // namespace rdpcap::rules
