#include "rules/diagnose.hpp"

#include <algorithm>
#include <utility>

#include "rules/rule_context.hpp"

namespace rdpcap::rules {

std::string server_key(const model::ConnectionSummary& c) { return text::endpoint(c.server_ip, c.server_port); }

void add_to_view(ServerView& v, const model::ConnectionSummary& c, size_t max_ids) {
  const auto& t = c.tls;
  if (t.handshake_complete()) {
    ++v.versions[t.server_hello->negotiated_version()];
    ++v.suites[t.server_hello->cipher_suite];
    if (v.completed_ids.size() < max_ids) v.completed_ids.push_back(c.id);
  }
  add_certificate_to_view(v, c);
}

void add_certificate_to_view(ServerView& v, const model::ConnectionSummary& c) {
  const auto& t = c.tls;
  if (!t.certificates.empty() && !t.certificates.front().sha256_fingerprint.empty()) {
    auto [it, inserted] = v.certificates.try_emplace(t.certificates.front().sha256_fingerprint);
    if (inserted || t.certificate_at.frame < it->second.first.frame)
      it->second = {t.certificate_at, t.certificates.front().subject};
  }
}

std::map<std::string, ServerView> build_server_views(const std::vector<model::ConnectionSummary>& all) {
  std::map<std::string, ServerView> views;
  for (const auto& c : all) add_to_view(views[server_key(c)], c);
  return views;
}

namespace {
// With a key log the decrypted CredSSP/RDP facts name why the server closed
// (nla_rules, rdp_sequence_rules): the guess from the traffic's shape alone
// (credssp_rules: "most likely failed", six possible causes) then says less
// than the fact and is left out.
void drop_superseded_inferences(std::vector<Finding>& findings) {
  static constexpr const char* kDecrypted[] = {"credssp.credentials_rejected", "credssp.error_code",
                                               "credssp.version_mismatch", "rdp.authorization_denied",
                                               "rdp.error_info", "rdp.licensing_failed"};
  const bool known = std::any_of(findings.begin(), findings.end(), [](const Finding& f) {
    return std::any_of(std::begin(kDecrypted), std::end(kDecrypted), [&](const char* c) { return f.code == c; });
  });
  if (!known) return;
  std::erase_if(findings, [](const Finding& f) {
    return f.code == "credssp.server_closed" || f.code == "rdp.server_closed_after_tls";
  });
}
}  // namespace

Diagnosis diagnose_one(const model::ConnectionSummary& c, const ServerView& server,
                       std::optional<int64_t> reference_time_s) {
  const RuleContext ctx{c, server, reference_time_s};
  Diagnosis d;
  tcp_rules(ctx, d.findings);
  negotiation_rules(ctx, d.findings);
  tls_rules(ctx, d.findings);
  certificate_rules(ctx, d.findings);
  credssp_rules(ctx, d.findings);
  nla_rules(ctx, d.findings);
  tls13_refusal_rules(ctx, d.findings);
  rdp_sequence_rules(ctx, d.findings);
  kerberos_rules(ctx, d.findings);
  drop_superseded_inferences(d.findings);
  // Most severe first, then by frame and code; equal ones keep the rules'
  // order. An insertion sort (stable, as std::stable_sort, so the same order):
  // a connection has a handful of findings, and std::stable_sort allocated a
  // temporary buffer and moved them through it for every connection.
  const auto before = [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.frame != b.frame) return a.frame < b.frame;
    return a.code < b.code;
  };
  auto& f = d.findings;
  for (size_t i = 1; i < f.size(); ++i)
    for (size_t j = i; j > 0 && before(f[j], f[j - 1]); --j) std::swap(f[j], f[j - 1]);
  d.verdict = decide_verdict(c, d.findings);
  d.certificates_judged_at_s = certificate_judged_at(c, reference_time_s);
  return d;
}

std::vector<Diagnosis> diagnose(const std::vector<model::ConnectionSummary>& connections,
                                std::optional<int64_t> reference_time_s) {
  const auto views = build_server_views(connections);
  std::vector<Diagnosis> out;
  out.reserve(connections.size());
  for (const auto& c : connections) out.push_back(diagnose_one(c, views.at(server_key(c)), reference_time_s));
  return out;
}

}  // namespace rdpcap::rules
