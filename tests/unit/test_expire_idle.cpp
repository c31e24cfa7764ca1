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

// A session left idle longer than the timeout, then used again: its later
// packets are one more connection, marked as the continuation of the part
// that was ended (with that part's first and last frames), not as a capture
// that started late. A bare ACK (a TCP keep-alive) does not start it; the
// server speaking first does, and the client is still the client. Real
// frames: sample 01 cut after frame 23 (in the encrypted session), the rest
// 10 s later.
TEST_CASE("after the idle timeout, a connection's later packets continue it", "[engine][live]") {
  bool opened = false;
  auto frames = testing::load_frames(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/01-healthy-hybrid-tls12.pcap",
                                     &opened);
  REQUIRE(opened);
  REQUIRE(frames.size() == 36);
  engine::AnalyzerOptions options;
  options.limits.idle_timeout_us = 5'000'000;
  Ends sink;
  engine::Analyzer analyzer(options);
  analyzer.set_sink(&sink);
  const auto feed = [&](size_t i, int64_t shift_us) {
    engine::FrameInfo info = frames[i].info;
    info.time_us += shift_us;
    analyzer.on_frame(info, util::Bytes(frames[i].bytes.data(), frames[i].bytes.size()));
  };
  for (size_t i = 0; i < 23; ++i) feed(i, 0);
  const int64_t cut_us = frames[22].info.time_us;
  analyzer.expire_idle(cut_us + 6'000'000);
  REQUIRE(sink.got.size() == 1);
  CHECK(sink.got[0].second == engine::EndReason::idle_timeout);

  feed(23, 10'000'000);  // frame 24: the server's bare ACK
  CHECK(analyzer.connections_seen() == 1);
  for (size_t i = 24; i < frames.size(); ++i) feed(i, 10'000'000);  // frame 25: the server's data first
  CHECK(analyzer.connections_seen() == 2);
  analyzer.finish();
  REQUIRE(sink.got.size() == 2);
  const auto& later = sink.got[1].first;
  CHECK(sink.got[1].second == engine::EndReason::closed);  // its FIN exchange
  CHECK(later.summary.first.frame == 25);
  CHECK(later.summary.client_ip == "192.0.2.10");
  CHECK(later.summary.client_port == 50064);
  CHECK(later.summary.tcp.earlier_part_first.frame == 1);
  CHECK(later.summary.tcp.earlier_part_last.frame == 23);
  std::vector<std::string> codes;
  for (const auto& f : later.findings) codes.push_back(f.code);
  CHECK(codes == std::vector<std::string>{"tcp.continued_after_idle"});
  for (const auto& f : sink.got[0].first.findings) CHECK(f.code != "tcp.continued_after_idle");
}

TEST_CASE("later packets of a connection closed by FIN or RST start nothing", "[engine][live]") {
  bool opened = false;
  auto frames = testing::load_frames(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/01-healthy-hybrid-tls12.pcap",
                                     &opened);
  REQUIRE(opened);
  engine::AnalyzerOptions options;
  options.limits.idle_timeout_us = 5'000'000;
  Ends sink;
  engine::Analyzer analyzer(options);
  analyzer.set_sink(&sink);
  for (const auto& f : frames) analyzer.on_frame(f.info, util::Bytes(f.bytes.data(), f.bytes.size()));
  engine::FrameInfo late = frames[24].info;  // data of the closed connection, a minute later
  late.time_us += 60'000'000;
  late.number = 37;
  analyzer.on_frame(late, util::Bytes(frames[24].bytes.data(), frames[24].bytes.size()));
  analyzer.finish();
  CHECK(analyzer.connections_seen() == 1);
  REQUIRE(sink.got.size() == 1);
  CHECK(sink.got[0].second == engine::EndReason::closed);  // its FIN exchange, before the late frame
}
