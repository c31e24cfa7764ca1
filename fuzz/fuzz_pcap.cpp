// The whole pipeline from a file: the input is read as a pcap or pcapng file
// by the CLI's reader (capture/capture_reader, over fmemopen), every frame goes
// through Analyzer::on_frame, then finish() and every report, checked by
// report_checks.hpp (terminal-safe text, parseable JSON, inert HTML).
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "capture/capture_reader.hpp"
#include "report_checks.hpp"
#include "engine/analyzer.hpp"

using namespace rdpcap;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<uint8_t> copy(data, data + size);  // fmemopen wants a writable buffer
  FILE* file = fmemopen(copy.data(), copy.size(), "rb");
  if (!file) return 0;
  const capture::Capture input = capture::Capture::open_stream(file);  // closes `file`
  if (!input) return 0;
  session::AnalyzerOptions options;
  options.rdp_ports.insert(3390);
  session::Analyzer analyzer(options);
  const capture::ReadResult read = capture::feed(input, analyzer);
  const auto result = analyzer.finish();
  if (result.stats.frames != read.frames) abort();
  fuzz::render_and_check_reports(result, "fuzz.pcap");
  return 0;
}
