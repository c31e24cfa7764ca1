// The streamed --json document (core/report/json_stream.hpp) on every sample:
// byte for byte the whole-capture document, and with nothing kept for the
// capture-wide pass still every connection, in the same order and numbering.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "capture_support.hpp"
#include "engine/analyzer.hpp"
#include "engine/kept_results.hpp"
#include "report/json_report.hpp"
#include "report/json_stream.hpp"

using namespace rdpcap;

namespace {

struct Run {
  engine::AnalysisResult result;
  std::string document;  // the streamed document, when streamed
  report::StreamTotals totals;
};

Run run(const std::vector<testing::LoadedFrame>& frames, engine::AnalyzerOptions options, bool stream) {
  std::optional<report::JsonDocumentStream> doc;  // outlives the analyzer's end queue
  engine::Analyzer analyzer(options);
  if (stream) analyzer.set_sink(&doc.emplace());
  for (const auto& f : frames) analyzer.on_frame(f.info, util::Bytes(f.bytes.data(), f.bytes.size()));
  Run out;
  out.result = analyzer.finish();
  if (doc) {
    char* text = nullptr;
    size_t size = 0;
    std::FILE* mem = open_memstream(&text, &size);
    REQUIRE(mem);
    CHECK(doc->write(out.result, "capture.pcap", mem, true));
    std::fclose(mem);
    out.document.assign(text, size);
    std::free(text);
    out.totals = doc->totals();
  }
  return out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("Streamed --json document: byte for byte the whole-capture document", "[report][json_stream]") {
  const auto paths = testing::sample_captures();
  REQUIRE(paths.size() > 20);
  for (const auto& path : paths) {
    INFO(path);
    bool opened = false;
    const auto frames = testing::load_frames(path, &opened);
    REQUIRE(opened);
    const Run plain = run(frames, {}, false);
    const Run streamed = run(frames, {}, true);
    CHECK(streamed.document == report::render_json(plain.result, "capture.pcap"));
    CHECK(streamed.totals.connections == plain.result.connections.size());
  }
}

TEST_CASE("Streamed --json document with nothing kept: every connection, numbered in order", "[report][json_stream]") {
  size_t with_amendable = 0;
  for (const auto& path : testing::sample_captures()) {
    INFO(path);
    bool opened = false;
    const auto frames = testing::load_frames(path, &opened);
    REQUIRE(opened);
    const Run plain = run(frames, {}, false);
    engine::AnalyzerOptions none;
    none.limits.max_kept_connections = 0;
    const Run streamed = run(frames, none, true);
    const size_t n = plain.result.connections.size();
    CHECK(count(streamed.document, "\n    {\n      \"id\": ") == n);
    for (size_t id = 1; id <= n; ++id)
      CHECK(count(streamed.document, "\n    {\n      \"id\": " + std::to_string(id) + ",\n") == 1);
    size_t amendable = 0;
    for (const auto& c : plain.result.connections) amendable += engine::KeptResults::amendable(c.summary);
    if (amendable == 0) {
      CHECK(streamed.document == report::render_json(plain.result, "capture.pcap"));
    } else {  // said in the capture's notes: no amendment for them
      ++with_amendable;
      CHECK(count(streamed.document, "no amendment") == 1);
    }
  }
  CHECK(with_amendable > 0);
}

TEST_CASE("Recurring values (cipher suite lists, certificates) come out the same from a thread's cache",
          "[json_stream]") {
  // json_tls.cpp writes each distinct suite list and certificate once per
  // thread and layout and copies it after. Each document rendered by a fresh
  // thread (an empty cache) must equal the same document rendered by one
  // thread after all the others, in both layouts, forwards and back.
  const char* names[] = {"01-healthy-hybrid-tls12.pcap", "03-cert-expired-selfsigned.pcap",
                         "06-cert-rsa1024-sha1.pcap", "11-tls-version-mismatch-server-tls10.pcap",
                         "12-tls-version-mismatch-client-tls10.pcap", "22-mixed-two-servers.pcap",
                         "24-hostile-certificate-names.pcap"};
  std::vector<session::AnalysisResult> results;
  for (const char* n : names)
    results.push_back(testing::analyze_file(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/" + n));
  const auto render = [&](size_t i, bool pretty) {
    return pretty ? report::render_json(results[i], names[i]) : report::render_ndjson(results[i], names[i]);
  };
  std::vector<std::string> fresh(2 * results.size()), warm(4 * results.size());
  for (size_t k = 0; k < fresh.size(); ++k) std::thread([&, k] { fresh[k] = render(k / 2, k % 2); }).join();
  std::thread([&] {
    for (size_t k = 0; k < warm.size(); ++k) {
      const size_t i = k < fresh.size() ? k / 2 : (warm.size() - 1 - k) / 2;  // forwards, then back
      warm[k] = render(i, k % 2);
    }
  }).join();
  for (size_t k = 0; k < warm.size(); ++k) {
    const size_t i = k < fresh.size() ? k / 2 : (warm.size() - 1 - k) / 2;
    INFO(names[i] << ((k % 2) ? " (JSON)" : " (NDJSON)"));
    CHECK(warm[k] == fresh[2 * i + k % 2]);
  }
  size_t with_certificates = 0;
  for (const auto& r : results)
    for (const auto& c : r.connections) with_certificates += !c.summary.tls.certificates.empty();
  CHECK(with_certificates >= 6);
}

TEST_CASE("Stream totals: a final finding of the capture-wide pass counts for --fail-on, not as a connection",
          "[report][json_stream]") {
  report::StreamTotals t;
  CHECK_FALSE(t.at_or_above(0));
  engine::ConnectionResult r;
  r.findings.emplace_back();
  r.findings.back().severity = rules::Severity::warning;
  t.add_final(r);
  CHECK(t.connections == 0);
  CHECK(t.warnings == 0);
  CHECK(t.at_or_above(1));
  CHECK(t.at_or_above(0));
  CHECK_FALSE(t.at_or_above(2));
  r.findings.back().severity = rules::Severity::error;
  t.add_final(r);
  CHECK(t.at_or_above(2));
}
