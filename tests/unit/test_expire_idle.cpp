// Analyzer::expire_idle (live capture, core/engine/analyzer.hpp): with no
// frame arriving, a connection silent for longer than Limits::idle_timeout_us
// is ended at the last frame seen and handed to the sink as idle_timeout; not
// before its timeout, not at all with the timeout 0. Real frames: the first
// half of sample 09 (the ClientHello sent, the server's alert not yet).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "capture_support.hpp"
#include "engine/analyzer.hpp"

using namespace rdpcap;

namespace {

struct Ends : engine::ResultSink {
  std::vector<std::pair<engine::ConnectionResult, engine::EndReason>> got;
  void on_connection(const engine::ConnectionResult& r, engine::EndReason why) override { got.emplace_back(r, why); }
};

}  // namespace

TEST_CASE("expire_idle ends a silent connection at the last frame, after its timeout only", "[engine][live]") {
  bool opened = false;
  auto frames = testing::load_frames(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/09-tls-no-shared-cipher-alert.pcap",
                                     &opened);
  REQUIRE(opened);
  REQUIRE(frames.size() > 8);
  frames.resize(8);  // up to the ClientHello: the connection is open
  const int64_t last_us = frames.back().info.time_us;

  for (int64_t timeout_us : {int64_t{0}, int64_t{5'000'000}}) {
    engine::AnalyzerOptions options;
    options.limits.idle_timeout_us = timeout_us;
    Ends sink;
    engine::Analyzer analyzer(options);
    analyzer.set_sink(&sink);
    for (const auto& f : frames) analyzer.on_frame(f.info, util::Bytes(f.bytes.data(), f.bytes.size()));
    REQUIRE(analyzer.connections_seen() == 1);

    analyzer.expire_idle(last_us + 4'000'000);  // silent 4 s: within any timeout here
    CHECK(sink.got.empty());
    analyzer.expire_idle(last_us + 6'000'000);  // silent 6 s
    if (timeout_us == 0) {
      CHECK(sink.got.empty());  // 0: never expired
      analyzer.finish();
      REQUIRE(sink.got.size() == 1);
      CHECK(sink.got[0].second == engine::EndReason::capture_end);
      continue;
    }
    REQUIRE(sink.got.size() == 1);
    CHECK(sink.got[0].second == engine::EndReason::idle_timeout);
    CHECK(sink.got[0].first.summary.last.frame == frames.back().info.number);  // ends at the last frame seen
    CHECK(sink.got[0].first.summary.client_port == 50576);
    analyzer.expire_idle(last_us + 60'000'000);
    analyzer.finish();
    CHECK(sink.got.size() == 1);  // ended once
  }
}
