#include "engine/capture_pass.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include "engine/packed_server_view.hpp"

namespace rdpcap::engine {

uint64_t finding_digest(const rules::Finding& f) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  const auto mix = [&h](const std::string& s) {
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  mix(f.code);
  mix(f.title);
  mix(std::to_string(f.frame));
  for (const auto& e : f.evidence) {
    mix(e.key);
    mix(e.value);
    mix(std::to_string(e.frame));
  }
  return h;
}

std::vector<GivenFinding> given_of(const std::vector<rules::Finding>& findings) {
  std::vector<GivenFinding> out;
  out.reserve(findings.size());
  for (const auto& f : findings) out.push_back({f.code, finding_digest(f)});
  return out;
}

const rules::ServerView& StreamView::view_of(const Server& server) const {
  if (scratch_of_ != &server) {
    unpack_view(server.view, scratch_);  // only ever packed by add() and add_certificate()
    scratch_of_ = &server;
  }
  return scratch_;
}

rules::Diagnosis StreamView::diagnose(const model::ConnectionSummary& c) const {
  const auto it = servers_.find(rules::server_key(c));
  return rules::diagnose_one(c, it == servers_.end() ? empty_ : view_of(it->second), options_.reference_time_s);
}

StreamView::Server* StreamView::server_for(const model::ConnectionSummary& c) {
  std::string key = rules::server_key(c);
  if (auto it = servers_.find(key); it != servers_.end()) return &it->second;
  if (servers_.size() >= options_.limits.max_streamed_servers) return nullptr;
  return &servers_.emplace(std::move(key), Server{0, c.server_port, {}}).first->second;
}

void StreamView::add(const model::ConnectionSummary& c) {
  Server* server = server_for(c);
  if (!server) {
    ++servers_not_viewed_;
    return;
  }
  ++server->connections;
  view_of(*server);
  rules::add_to_view(scratch_, c, 1);  // the rules ask only whether another one completed
  pack_view(scratch_, server->view);   // scratch_ still holds its view
}

void StreamView::add_certificate(const model::ConnectionSummary& c) {
  Server* server = server_for(c);
  if (!server) return;
  view_of(*server);
  rules::add_certificate_to_view(scratch_, c);
  pack_view(scratch_, server->view);
}

void StreamView::for_each_record(const std::function<void(const ServerRecord&)>& on_record) const {
  for (const auto& [key, s] : servers_) {
    const rules::ServerView& view = view_of(s);
    ServerRecord r;
    // The key is text::endpoint(ip, port): the address is what comes before ":port", without brackets.
    std::string_view ip(key);
    ip = ip.substr(0, ip.rfind(':'));
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    r.server_ip = ip;
    r.server_port = s.port;
    r.connections = s.connections;
    r.versions = view.versions;
    r.suites = view.suites;
    for (const auto& [fp, seen] : view.certificates) r.certificates.push_back({fp, seen.subject, seen.first});
    on_record(r);
  }
}

namespace {
// What the pass changed for one connection, compared with what was given.
void compare_with_given(const KeptConnection& k, uint64_t stream_id, const ConnectionResult& r, uint64_t last_frame,
                        CapturePass& out) {
  std::set<GivenFinding> given(k.given.begin(), k.given.end());
  std::set<std::string> final_codes;
  Amendment a;
  a.connection_id = stream_id;
  a.verdict = r.verdict;
  for (const auto& f : r.findings) {
    final_codes.insert(f.code);
    if (given.count({f.code, finding_digest(f)})) continue;
    a.added.push_back(f);
    out.refinements.push_back(finding_at(r.summary, stream_id, last_frame, false, true, f));
    out.refinements.back().result_id = r.summary.id;
  }
  for (const auto& [code, digest] : k.given) {
    if (final_codes.count(code) || std::count(a.removed.begin(), a.removed.end(), code)) continue;
    a.removed.push_back(code);
    rules::Finding gone;
    gone.code = code;
    out.refinements.push_back(finding_at(r.summary, stream_id, last_frame, true, true, std::move(gone)));
    out.refinements.back().result_id = r.summary.id;
  }
  if (!a.added.empty() || !a.removed.empty()) out.amendments.push_back(std::move(a));
}
}  // namespace

CapturePass run_capture_pass(std::vector<std::unique_ptr<KeptConnection>> kept,
                             std::optional<int64_t> reference_time_s, bool compare, uint64_t last_frame,
                             const StreamView* view, const FinalResult& on_final) {
  std::sort(kept.begin(), kept.end(), [](const auto& x, const auto& y) {
    const auto& a = x->summary;
    const auto& b = y->summary;
    if (a.first.frame != b.first.frame) return a.first.frame < b.first.frame;
    if (a.client_ip != b.client_ip) return a.client_ip < b.client_ip;
    return a.client_port < b.client_port;
  });
  CapturePass out;
  std::vector<uint64_t> stream_ids(kept.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    stream_ids[i] = kept[i]->summary.id;
    if (compare) out.result_ids[kept[i]->summary.id] = i + 1;
  }
  if (view) {
    // Judged one at a time, straight into the results (no copy of every
    // summary at once). The view's ids are stream ids (rules ask whether a
    // connection other than this one completed): judge each under its stream id.
    if (!on_final) out.connections.reserve(kept.size());
    for (size_t i = 0; i < kept.size(); ++i) {
      rules::Diagnosis d = view->diagnose(kept[i]->summary);
      ConnectionResult r{std::move(kept[i]->summary), std::move(d.verdict), std::move(d.findings),
                         d.certificates_judged_at_s};
      r.summary.id = i + 1;
      if (compare) compare_with_given(*kept[i], stream_ids[i], r, last_frame, out);
      kept[i].reset();
      if (on_final)
        on_final(r);
      else
        out.connections.push_back(std::move(r));
    }
    return out;
  }
  std::vector<model::ConnectionSummary> summaries;
  summaries.reserve(kept.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    summaries.push_back(std::move(kept[i]->summary));
    summaries.back().id = i + 1;
  }
  std::vector<rules::Diagnosis> diagnoses = rules::diagnose(summaries, reference_time_s);
  out.connections.reserve(kept.size());
  for (size_t i = 0; i < summaries.size(); ++i) {
    out.connections.push_back(
        {std::move(summaries[i]), std::move(diagnoses[i].verdict), std::move(diagnoses[i].findings),
         diagnoses[i].certificates_judged_at_s});
    if (compare) compare_with_given(*kept[i], stream_ids[i], out.connections.back(), last_frame, out);
  }
  return out;
}

}  // namespace rdpcap::engine
