// Test helper: run the engine over a capture file read with libpcap, the way
// the CLI does, and query the result.
#pragma once

#include <pcap/pcap.h>

#include <algorithm>
#include <set>
#include <string>
#include <sys/stat.h>

#include "engine/analyzer.hpp"

namespace rdpcap::testing {

inline bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

inline session::AnalysisResult analyze_file(const std::string& path, std::set<uint16_t> extra_ports = {},
                                            std::optional<int64_t> reference_time = std::nullopt) {
  session::AnalyzerOptions options;
  options.rdp_ports.insert(extra_ports.begin(), extra_ports.end());
  options.reference_time_s = reference_time;
  session::Analyzer analyzer(options);
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
  if (!p) return analyzer.finish();
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  uint64_t n = 0;
  while (pcap_next_ex(p, &h, &data) == 1) {
    session::FrameInfo f;
    f.number = ++n;
    f.time_us = int64_t{h->ts.tv_sec} * 1000000 + h->ts.tv_usec;
    f.link_type = static_cast<uint32_t>(pcap_datalink(p));
    f.wire_length = h->len;
    analyzer.on_frame(f, util::Bytes(data, h->caplen));
  }
  pcap_close(p);
  return analyzer.finish();
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
