#include "engine/kept_results.hpp"

#include "rules/diagnose.hpp"

namespace rdpcap::engine {

void KeptResults::keep(model::ConnectionSummary summary, std::vector<GivenFinding> given) {
  if (amendable_only_ && !amendable(summary)) return;
  const bool beyond_tcp = summary.tcp.client_bytes + summary.tcp.server_bytes > 0 ||
                          summary.negotiation.request || summary.tls.client_hello;
  Key key{beyond_tcp ? 0 : 1, summary.first.frame, summary.client_ip, summary.client_port};
  const size_t bytes = model::approx_bytes(summary);
  const auto& lim = options_.limits;
  if (kept_.size() >= lim.max_kept_connections && !kept_.empty() && !(key < std::prev(kept_.end())->first)) {
    not_reported(summary);  // worse than everything kept
    return;
  }
  if (lim.max_kept_connections == 0) {  // nothing is kept (streaming only)
    not_reported(summary);
    return;
  }
  kept_bytes_ += bytes;
  kept_.insert_or_assign(std::move(key), Entry{KeptConnection{std::move(summary), std::move(given)}, bytes});
  while (!kept_.empty() && (kept_.size() > lim.max_kept_connections || kept_bytes_ > lim.max_kept_bytes)) {
    auto worst = std::prev(kept_.end());
    kept_bytes_ -= worst->second.bytes;
    not_reported(worst->second.kept.summary);
    kept_.erase(worst);
  }
}

// Counted by what the rules say of the connection on its own (no
// capture-wide view): outcome and first finding code.
void KeptResults::not_reported(const model::ConnectionSummary& summary) {
  if (amendable_only_) {  // it was reported (streamed); only an amendment is missing
    ++stats_.connections_not_amended;
    return;
  }
  ++stats_.connections_not_reported;
  one_[0] = summary;
  const auto d = rules::diagnose(one_, options_.reference_time_s);
  std::string what = rules::outcome_name(d[0].verdict.outcome);
  if (!d[0].findings.empty()) what += " " + d[0].findings.front().code;
  ++not_reported_by_outcome_[what];
}

std::vector<std::unique_ptr<KeptConnection>> KeptResults::take() {
  std::vector<std::unique_ptr<KeptConnection>> out;
  out.reserve(kept_.size());
  while (!kept_.empty()) {  // node by node: the map and the blocks do not both hold every summary
    auto node = kept_.extract(kept_.begin());
    out.push_back(std::make_unique<KeptConnection>(std::move(node.mapped().kept)));
  }
  kept_bytes_ = 0;
  return out;
}

}  // namespace rdpcap::engine
