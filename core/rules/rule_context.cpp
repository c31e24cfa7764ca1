#include "rules/rule_context.hpp"

#include <fmt/format.h>


namespace rdpcap::rules {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "info";
}

FindingBuilder::FindingBuilder(std::string code, Severity severity, std::string title) {
  f_.code = std::move(code);
  f_.severity = severity;
  f_.title = std::move(title);
}

FindingBuilder& FindingBuilder::at(const model::FrameRef& where) {
  f_.frame = where.frame;
  return *this;
}

FindingBuilder& FindingBuilder::evidence(std::string key, std::string value, const model::FrameRef& where) {
  f_.evidence.push_back({std::move(key), std::move(value), where.frame, where.time_us});
  if (f_.frame == 0) f_.frame = where.frame;
  return *this;
}

FindingBuilder& FindingBuilder::remediation(std::string text) {
  f_.remediation = std::move(text);
  return *this;
}

FindingBuilder& FindingBuilder::client_error(std::string text) {
  f_.client_error = std::move(text);
  return *this;
}

FindingBuilder& FindingBuilder::server_event(std::string text) {
  f_.server_event = std::move(text);
  return *this;
}

model::FrameRef earliest(std::initializer_list<model::FrameRef> refs) {
  model::FrameRef best;
  for (const auto& r : refs)
    if (r.seen() && (!best.seen() || r.frame < best.frame)) best = r;
  return best;
}

Closure first_closure(const model::ConnectionSummary& c) {
  using model::Direction;
  Closure out;
  const auto consider = [&](const model::FrameRef& r, Direction by, bool reset) {
    if (r.seen() && (!out.seen || r.frame < out.at.frame)) out = {true, r, by, reset};
  };
  consider(c.tcp.client_fin, Direction::client_to_server, false);
  consider(c.tcp.server_fin, Direction::server_to_client, false);
  consider(c.tcp.client_rst, Direction::client_to_server, true);
  consider(c.tcp.server_rst, Direction::server_to_client, true);
  return out;
}

}  // namespace rdpcap::rules
