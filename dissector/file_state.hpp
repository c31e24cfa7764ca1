// Per-capture-file state of the plugin: the engine fed on the first pass, and
// after finish() display-ready records per frame. C++ objects live here, never
// in wmem (wmem does not run destructors). One FileState per open file, held
// by a raw pointer that the init/cleanup routines reset.
//
// Everything declared here is noexcept: exceptions are caught inside and
// never reach Wireshark's C code.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/catalog.hpp"
#include "engine/analyzer.hpp"

namespace rdpcap::plugin {

// ---- display records (strings already escaped for Wireshark) ----

struct EvidenceView {
  std::string key, value;
  uint64_t frame = 0;
};

using rules::ExpertGroup;  // mapped to PI_* in tree.cpp

struct FindingView {
  std::string code, severity, title, remediation, client_error, server_event;
  rules::Severity level = rules::Severity::info;
  ExpertGroup group = ExpertGroup::protocol;
  // Index in rules::finding_catalog() when the code is there with this
  // severity (its own expert info), else -1 (the group x severity expert).
  int catalog_index = -1;
  bool moved = false;  // the engine gave no frame: shown on the connection's first frame
  // Second pass only: why the first pass could not show it (see FileState::second_pass_only).
  enum class Late { no, capture_wide, capture_end } late = Late::no;
  std::vector<EvidenceView> evidence;
};

// First pass: one finding that became known at this frame (engine::FindingAt).
struct FirstPassFinding {
  uint64_t stream_id = 0;      // the engine's stream numbering (not the report's)
  std::string client, server;  // "ip:port" ("[v6]:port")
  bool withdrawn = false;      // given at an earlier frame; a later fact contradicts it
  FindingView finding;         // for a withdrawn one only the code
};

struct EventView {
  std::string what;
  std::string from;  // "client" / "server"
  bool failure = false;
};

struct ConnectionView {
  uint64_t id = 0;
  std::string client, server;  // "ip:port" ("[v6]:port")
  std::string outcome;         // session::outcome_name
  std::string verdict;         // one-line verdict text
  std::string stage;           // model::stage_name
  std::optional<uint16_t> tls_version;
  std::string tls_version_text;
  std::optional<uint16_t> tls_cipher;
  std::string tls_cipher_text;
  std::string decryption;              // with key material: model::decryption_text ("" without keys)
  std::vector<std::string> decrypted;  // text::inner_lines, "label: value" (issue 11)
  uint64_t first_frame = 0;    // first frame that shows this connection in the tree
};

struct FrameEntry {  // what one frame shows about one connection
  size_t connection = 0;  // index in FileState::connections
  bool first_for_connection = false;
  std::vector<EventView> events;
  std::vector<FindingView> findings;
};

struct FrameRecord {
  std::vector<FrameEntry> entries;
};

struct FileState {
  session::AnalyzerOptions options;
  std::unique_ptr<session::Analyzer> analyzer;  // null after finish()
  uint64_t frames_fed = 0;
  uint64_t last_frame_fed = 0;
  uint64_t frames_after_finish = 0;  // first-pass frames that came too late (live capture)
  bool finished = false;
  std::string error;  // what went wrong inside the plugin, if anything
  std::optional<session::AnalysisResult> result;
  std::vector<ConnectionView> connections;
  std::unordered_map<uint64_t, FrameRecord> frames;
  // First pass: what became known at the frame just fed (replaced at every frame).
  uint64_t first_pass_frame = 0;
  std::vector<FirstPassFinding> first_pass;
  // Findings the first pass could not show, by (result connection id, code):
  // capture-wide refinements, and those known only when the capture ended.
  std::map<std::pair<uint64_t, std::string>, FindingView::Late> second_pass_only;
};

// Init routine: a fresh engine for a new file, options from the preferences.
void state_reset(const session::AnalyzerOptions& options) noexcept;
// Cleanup routine: the file is closed. Runs finish() if the engine was fed but
// never finished, and keeps the result for a summary tap drawn afterwards.
void state_close() noexcept;
// The current state, or nullptr (no file open / out of memory).
FileState* state() noexcept;
// First pass: feed one frame. Frames repeated, out of order, or after
// finish() are counted and ignored.
void state_feed(const session::FrameInfo& frame, const uint8_t* data, size_t size) noexcept;
// Calls Analyzer::finish() once and builds the per-frame records.
// Returns the result (nullptr if there is nothing).
const session::AnalysisResult* state_finish() noexcept;
// The records for one frame after finish(), nullptr when the frame shows nothing.
const FrameRecord* state_frame(uint64_t frame) noexcept;
// First pass: the findings that became known at `frame`, just fed; nullptr when none.
const std::vector<FirstPassFinding>* state_first_pass(uint64_t frame) noexcept;
// The last result, also after state_close() (for -z rdpcap,summary).
const session::AnalysisResult* state_last_result() noexcept;

// Builds FileState::connections and FileState::frames from FileState::result
// (frame_records.cpp). May throw std::bad_alloc.
void build_frame_records(FileState& st);
// Display records of findings known at one frame of the first pass, and the
// second-pass-only set from those finish() gave (frame_records.cpp).
std::vector<FirstPassFinding> first_pass_records(const std::vector<engine::FindingAt>& found);
void note_second_pass_only(FileState& st, const std::vector<engine::FindingAt>& at_finish);
// Expert group of a finding code: the catalog's, else Protocol (frame_records.cpp).
ExpertGroup expert_group_for(const std::string& code);

}  // namespace rdpcap::plugin
