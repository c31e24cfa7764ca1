// After finish(): turn the AnalysisResult into display-ready records indexed
// by frame number (timeline events and findings at that frame, plus the
// connection's verdict and stage). Pure C++: no Wireshark calls here.
#include <algorithm>
#include <cstdio>
#include <string>

#include "display_text.hpp"
#include "file_state.hpp"
#include "text/event_text.hpp"
#include "text/inner_text.hpp"
#include "text/wire_text.hpp"

namespace rdpcap::plugin {

namespace {

std::string endpoint(const std::string& ip, uint16_t port, bool v6) {
  std::string host = display_text(ip, 64);
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// "TLS 1.2 (0x0303)": the engine's name, with the number once.
std::string with_hex(const std::string& name, uint16_t value) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04x", value);
  std::string text = display_text(name, 128);
  if (text.find(hex) == std::string::npos) text += std::string(" (") + hex + ")";
  return text;
}

FrameEntry& entry_for(FrameRecord& rec, size_t connection) {
  for (auto& e : rec.entries)
    if (e.connection == connection) return e;
  rec.entries.push_back(FrameEntry{});
  rec.entries.back().connection = connection;
  return rec.entries.back();
}

FindingView view_of(const rules::Finding& f) {
  FindingView v;
  v.code = display_text(f.code, 128);
  v.severity = rules::severity_name(f.severity);
  v.level = f.severity;
  v.group = expert_group_for(f.code);
  if (const rules::CodeInfo* info = rules::find_code(f.code); info && info->severity == f.severity)
    v.catalog_index = static_cast<int>(info - rules::finding_catalog().data());
  v.title = display_text(f.title);
  v.remediation = display_text(f.remediation);
  v.client_error = display_text(f.client_error);
  v.server_event = display_text(f.server_event);
  for (const auto& e : f.evidence)
    v.evidence.push_back(EvidenceView{display_text(e.key, 128), display_text(e.value), e.frame});
  return v;
}

}  // namespace

// The expert group of a code: from the catalog (rules/catalog.cpp), which
// lists every code the engine gives (tests/unit/test_catalog.cpp); Protocol
// for anything else.
ExpertGroup expert_group_for(const std::string& code) {
  if (const rules::CodeInfo* info = rules::find_code(code)) return info->group;
  return ExpertGroup::protocol;
}

std::vector<FirstPassFinding> first_pass_records(const std::vector<engine::FindingAt>& found) {
  std::vector<FirstPassFinding> out;
  out.reserve(found.size());
  for (const auto& f : found) {
    FirstPassFinding r;
    r.stream_id = f.connection_id;
    r.client = endpoint(f.client_ip, f.client_port, f.ipv6);
    r.server = endpoint(f.server_ip, f.server_port, f.ipv6);
    r.withdrawn = f.withdrawn;
    r.finding = view_of(f.finding);
    out.push_back(std::move(r));
  }
  return out;
}

// What finish() gave could not be shown in the first pass: the frames were
// dissected already. The second pass marks those findings.
void note_second_pass_only(FileState& st, const std::vector<engine::FindingAt>& at_finish) {
  for (const auto& f : at_finish) {
    if (f.withdrawn || f.result_id == 0) continue;
    st.second_pass_only[{f.result_id, f.finding.code}] =
        f.capture_wide ? FindingView::Late::capture_wide : FindingView::Late::capture_end;
  }
}

void build_frame_records(FileState& st) {
  st.connections.clear();
  st.frames.clear();
  if (!st.result) return;
  const auto& conns = st.result->connections;
  st.connections.reserve(conns.size());
  for (size_t ci = 0; ci < conns.size(); ++ci) {
    const auto& c = conns[ci];
    const auto& s = c.summary;
    ConnectionView cv;
    cv.id = s.id;
    cv.client = endpoint(s.client_ip, s.client_port, s.ipv6);
    cv.server = endpoint(s.server_ip, s.server_port, s.ipv6);
    cv.outcome = session::outcome_name(c.verdict.outcome);
    cv.verdict = display_text(c.verdict.text);
    cv.stage = model::stage_name(s.stage);
    if (s.tls.server_hello) {
      cv.tls_version = s.tls.server_hello->negotiated_version();
      cv.tls_version_text = with_hex(text::version_text(*cv.tls_version), *cv.tls_version);
      cv.tls_cipher = s.tls.server_hello->cipher_suite;
      cv.tls_cipher_text = with_hex(text::suite_text(*cv.tls_cipher), *cv.tls_cipher);
    }
    if (s.tls.decryption.keys_given && s.tls.client_hello)
      cv.decryption = display_text(model::decryption_text(s.tls.decryption));
    for (const auto& line : text::inner_lines(*s.inner)) cv.decrypted.push_back(display_text(line.label + ": " + line.value));
    st.connections.push_back(std::move(cv));

    for (const auto& ev : s.timeline) {
      if (!ev.at.seen()) continue;
      auto& e = entry_for(st.frames[ev.at.frame], ci);
      e.events.push_back(EventView{display_text(text::event_text(ev), 256), model::direction_name(ev.from), ev.failure});
    }
    for (const auto& f : c.findings) {
      uint64_t at = f.frame;
      bool moved = false;
      if (at == 0) {  // not tied to a frame: show it where the connection starts
        at = s.first.seen() ? s.first.frame : 0;
        moved = true;
      }
      if (at == 0) continue;
      auto v = view_of(f);
      v.moved = moved;
      if (auto late = st.second_pass_only.find({s.id, f.code}); late != st.second_pass_only.end())
        v.late = late->second;
      entry_for(st.frames[at], ci).findings.push_back(std::move(v));
    }
  }
  // The first frame showing each connection (the stats tree counts it there).
  std::vector<uint64_t> first(st.connections.size(), 0);
  for (const auto& [num, rec] : st.frames)
    for (const auto& e : rec.entries)
      if (first[e.connection] == 0 || num < first[e.connection]) first[e.connection] = num;
  for (size_t ci = 0; ci < first.size(); ++ci) {
    st.connections[ci].first_frame = first[ci];
    if (first[ci] == 0) continue;
    for (auto& e : st.frames[first[ci]].entries)
      if (e.connection == ci) e.first_for_connection = true;
  }
  // Deterministic order inside a frame: by connection order in the result.
  for (auto& [num, rec] : st.frames)
    std::sort(rec.entries.begin(), rec.entries.end(),
              [](const FrameEntry& a, const FrameEntry& b) { return a.connection < b.connection; });
}

}  // namespace rdpcap::plugin
