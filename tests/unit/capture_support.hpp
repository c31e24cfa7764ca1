// Test helper: run the engine over a capture file read the way the CLI reads
// it (capture/capture_reader: libpcap, the time clamp), and query the result.
#pragma once

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "capture/capture_reader.hpp"
#include "engine/analyzer.hpp"

namespace rdpcap::testing {

// The .pcap and .pcapng files in `dir`, sorted (none when it cannot be read).
inline std::vector<std::string> captures_in(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The project's own captures (samples/pcaps).
inline std::vector<std::string> sample_captures() {
  return captures_in(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps");
}

inline bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

inline session::AnalysisResult analyze_file_with(const std::string& path, const session::AnalyzerOptions& options) {
  session::Analyzer analyzer(options);
  capture::read_capture(path, analyzer);
  return analyzer.finish();
}

inline session::AnalysisResult analyze_file(const std::string& path, std::set<uint16_t> extra_ports = {},
                                            std::optional<int64_t> reference_time = std::nullopt) {
  session::AnalyzerOptions options;
  options.rdp_ports.insert(extra_ports.begin(), extra_ports.end());
  options.reference_time_s = reference_time;
  return analyze_file_with(path, options);
}

// Every frame of a capture, read by the CLI's reader, kept in memory to be
// re-fed in other orders (numbers and times as the reader gave them).
struct LoadedFrame {
  engine::FrameInfo info;
  std::vector<uint8_t> bytes;
};

inline std::vector<LoadedFrame> load_frames(const std::string& path, bool* opened = nullptr) {
  std::vector<LoadedFrame> out;
  const capture::ReadResult read = capture::for_each_frame(
      capture::Capture::open_offline(path),
      [&](const engine::FrameInfo& info, util::Bytes data) { out.push_back({info, {data.begin(), data.end()}}); });
  if (opened) *opened = read.opened;
  return out;
}

inline bool has_finding(const session::ConnectionResult& c, const std::string& code) {
  return std::any_of(c.findings.begin(), c.findings.end(), [&](const auto& f) { return f.code == code; });
}

inline const rules::Finding* finding(const session::ConnectionResult& c, const std::string& code) {
  for (const auto& f : c.findings)
    if (f.code == code) return &f;
  return nullptr;
}

}  // namespace rdpcap::testing
