#include "file_state.hpp"

#include <exception>
#include <new>
#include <utility>

namespace rdpcap::plugin {

namespace {
FileState* g_state = nullptr;                     // current file (raw: reset by init/cleanup)
session::AnalysisResult* g_last_result = nullptr; // kept after cleanup for the summary tap

void note_error(FileState& st, const char* where, const std::exception* e) noexcept {
  try {
    if (st.error.empty()) st.error = std::string(where) + ": " + (e ? e->what() : "unknown exception");
  } catch (...) {
  }
}
}  // namespace

void state_reset(const session::AnalyzerOptions& options) noexcept {
  delete g_state;
  g_state = nullptr;
  delete g_last_result;
  g_last_result = nullptr;
  try {
    auto st = std::make_unique<FileState>();
    st->options = options;
    st->analyzer = std::make_unique<session::Analyzer>(options);
    g_state = st.release();
  } catch (...) {
    g_state = nullptr;  // the plugin shows nothing for this file
  }
}

void state_close() noexcept {
  if (!g_state) return;
  try {
    if (!g_state->finished && g_state->frames_fed > 0) state_finish();
    if (g_state->result) g_last_result = new session::AnalysisResult(std::move(*g_state->result));
  } catch (...) {
  }
  delete g_state;
  g_state = nullptr;
}

FileState* state() noexcept { return g_state; }

void state_feed(const session::FrameInfo& frame, const uint8_t* data, size_t size) noexcept {
  FileState* st = g_state;
  if (!st) return;
  if (st->finished || !st->analyzer) {
    ++st->frames_after_finish;
    return;
  }
  if (frame.number <= st->last_frame_fed) return;  // seen already (never feed twice)
  try {
    st->analyzer->on_frame(frame, util::Bytes(data, size));
    st->last_frame_fed = frame.number;
    ++st->frames_fed;
    st->first_pass_frame = frame.number;
    st->first_pass = first_pass_records(st->analyzer->take_new_findings());
  } catch (const std::exception& e) {
    note_error(*st, "on_frame", &e);
  } catch (...) {
    note_error(*st, "on_frame", nullptr);
  }
}

const session::AnalysisResult* state_finish() noexcept {
  FileState* st = g_state;
  if (!st) return g_last_result;
  if (!st->finished) {
    st->finished = true;  // once, even if it throws
    try {
      st->first_pass.clear();
      if (st->analyzer) {
        st->result = st->analyzer->finish();
        note_second_pass_only(*st, st->analyzer->take_new_findings());
      }
      st->analyzer.reset();
      if (st->result) build_frame_records(*st);
    } catch (const std::exception& e) {
      note_error(*st, "finish", &e);
      st->frames.clear();
    } catch (...) {
      note_error(*st, "finish", nullptr);
      st->frames.clear();
    }
  }
  return st->result ? &*st->result : nullptr;
}

const FrameRecord* state_frame(uint64_t frame) noexcept {
  FileState* st = g_state;
  if (!st) return nullptr;
  if (!st->finished) state_finish();
  auto it = st->frames.find(frame);
  return it == st->frames.end() ? nullptr : &it->second;
}

const std::vector<FirstPassFinding>* state_first_pass(uint64_t frame) noexcept {
  const FileState* st = g_state;
  if (!st || st->finished || st->first_pass_frame != frame || st->first_pass.empty()) return nullptr;
  return &st->first_pass;
}

const session::AnalysisResult* state_last_result() noexcept {
  if (g_state && g_state->result) return &*g_state->result;
  return g_last_result;
}

}  // namespace rdpcap::plugin
