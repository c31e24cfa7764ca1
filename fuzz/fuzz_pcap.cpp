// The whole pipeline from a file: the input is read by libpcap as a pcap or
// pcapng file (fmemopen + pcap_fopen_offline, as the CLI reads a file), every
// frame goes through Analyzer::on_frame, then finish() and every report,
// checked by report_checks.hpp (terminal-safe text, parseable JSON, inert HTML).
#include <pcap/pcap.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "report_checks.hpp"
#include "engine/analyzer.hpp"
#include "util/time.hpp"

using namespace rdpcap;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<uint8_t> copy(data, data + size);  // fmemopen wants a writable buffer
  FILE* file = fmemopen(copy.data(), copy.size(), "rb");
  if (!file) return 0;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  if (!pcap) {
    fclose(file);
    return 0;
  }
  session::AnalyzerOptions options;
  options.rdp_ports.insert(3390);
  session::Analyzer analyzer(options);
  const int link_type = pcap_datalink(pcap);
  pcap_pkthdr* header = nullptr;
  const u_char* frame = nullptr;
  uint64_t n = 0;
  while (pcap_next_ex(pcap, &header, &frame) == 1) {
    session::FrameInfo info;
    info.number = ++n;
    info.time_us = rdpcap::util::to_micros(header->ts.tv_sec, header->ts.tv_usec);
    info.link_type = static_cast<uint32_t>(link_type);
    info.wire_length = header->len;
    analyzer.on_frame(info, util::Bytes(frame, header->caplen));
  }
  pcap_close(pcap);  // closes `file`
  const auto result = analyzer.finish();
  if (result.stats.frames != n) abort();
  fuzz::render_and_check_reports(result, "fuzz.pcap");
  return 0;
}
