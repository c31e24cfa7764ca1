// Findings about decryption itself (issue 11): a key log with no key for this
// connection, or records that do not decrypt with it.
#include <fmt/format.h>

#include <vector>

#include "rules/rule_context.hpp"
#include "rules/tls_rule_support.hpp"

namespace rdpcap::rules {

using model::Direction;

// With key material (issue 11): a connection whose secrets are not in the key
// logs, or whose records do not decrypt with them, says so as a finding, so
// that a wrong or foreign key log is never silent.
void decryption_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& t = ctx.conn.tls;
  const auto& d = t.decryption;
  if (!d.keys_given || !t.client_hello || !t.server_hello) return;
  using S = model::DecryptionFacts::Status;
  if (d.status == S::no_matching_key) {
    out.push_back(FindingBuilder("tls.no_matching_key", Severity::info,
                                 "Key material was given, but none of it is for this connection: it was not decrypted")
                      .at(t.server_hello_at)
                      .evidence("key logs", d.detail, t.client_hello_at)
                      .remediation("The key log belongs to other TLS sessions (another capture, another run of the "
                                   "client). Use the key log written by the client (SSLKEYLOGFILE) during this capture; "
                                   "its lines are matched by the ClientHello random.")
                      .build());
    return;
  }
  if (d.status != S::failed) return;
  const auto& side = d.client.failed ? d.client : d.server;
  const char* who = d.client.failed ? "client" : "server";
  out.push_back(FindingBuilder("tls.decryption_failed", Severity::warning,
                               fmt::format("A record from the {} did not decrypt with the logged secrets: decryption "
                                           "of that direction stopped there",
                                           who))
                    .at(side.failed_at)
                    .evidence("record", side.failure, side.failed_at)
                    .evidence("decrypted before it", fmt::format("{} record{}", side.records, side.records == 1 ? "" : "s"))
                    .remediation("The key log has secrets for this ClientHello random, but they do not authenticate "
                                 "its records: the key log was edited or mixed up with another run, or the capture "
                                 "is damaged. Nothing after this record was read; use the key log the client wrote "
                                 "during this very capture.")
                    .build());
}

}  // namespace rdpcap::rules
