// Per-capture-file state of the plugin: the engine fed on the first pass, and
// after finish() display-ready records per frame. C++ objects live here, never
// in wmem (wmem does not run destructors). One FileState per open file, held
// by a raw pointer that the init/cleanup routines reset.
//
// Everything declared here is noexcept: exceptions are caught inside and
// never reach Wireshark's C code.
#pragma once

#include <cstdint>
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
  std::vector<EvidenceView> evidence;
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
// The last result, also after state_close() (for -z rdpcap,summary).
const session::AnalysisResult* state_last_result() noexcept;

// Builds FileState::connections and FileState::frames from FileState::result
// (frame_records.cpp). May throw std::bad_alloc.
void build_frame_records(FileState& st);
// Expert group of a finding code: the catalog's, else Protocol (frame_records.cpp).
ExpertGroup expert_group_for(const std::string& code);

}  // namespace rdpcap::plugin
