// The whole engine on real sample frames, re-fed in ways real captures
// differ: port reuse, retransmitted and reordered segments, a capture that
// stops after any frame.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capture_support.hpp"

using namespace rdpcap;

namespace {

using Frame = testing::LoadedFrame;

std::vector<Frame> load(const std::string& name) {
  bool opened = false;
  std::vector<Frame> out = testing::load_frames((std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/" + name), &opened);
  REQUIRE(opened);
  return out;
}

session::AnalysisResult run(const std::vector<Frame>& frames) {
  session::Analyzer a;
  uint64_t n = 0;
  for (const auto& f : frames) {
    auto info = f.info;
    info.number = ++n;
    a.on_frame(info, f.bytes);
  }
  return a.finish();
}

std::vector<std::string> codes(const session::ConnectionResult& c) {
  std::vector<std::string> out;
  for (const auto& f : c.findings) out.push_back(f.code);
  return out;
}

}  // namespace

TEST_CASE("A new SYN on the same 4-tuple after a close is a new connection", "[session]") {
  auto frames = load("17a-tcp-port-closed-rst.pcap");
  const size_t n = frames.size();
  for (size_t i = 0; i < n; ++i) {  // the same attempt again 10 s later
    Frame again = frames[i];
    again.info.time_us += 10'000'000;
    frames.push_back(again);
  }
  auto r = run(frames);
  REQUIRE(r.connections.size() == 2);
  for (const auto& c : r.connections) CHECK(testing::has_finding(c, "tcp.refused"));
  CHECK(r.connections[1].summary.first.frame == n + 1);
}

TEST_CASE("Retransmitted frames do not change the diagnosis", "[session]") {
  for (const char* name : {"09-tls-no-shared-cipher-alert.pcap", "01-healthy-hybrid-tls12.pcap",
                           "13a-client-rejects-cert-unknown-ca.pcap"}) {
    INFO(name);
    const auto frames = load(name);
    const auto base = run(frames);
    std::vector<Frame> doubled;
    for (const auto& f : frames) {
      doubled.push_back(f);
      doubled.push_back(f);  // every frame seen twice, as with a duplicating SPAN port
    }
    const auto twice = run(doubled);
    REQUIRE(twice.connections.size() == base.connections.size());
    CHECK(codes(twice.connections[0]) == codes(base.connections[0]));
    CHECK(twice.connections[0].verdict.outcome == base.connections[0].verdict.outcome);
  }
}

TEST_CASE("Reordered data segments are reassembled", "[session]") {
  // 01: the server's certificate flight spans several segments; swap each
  // adjacent pair of payload frames in turn: the diagnosis must not change.
  const auto frames = load("01-healthy-hybrid-tls12.pcap");
  const auto base = run(frames);
  REQUIRE(base.connections.size() == 1);
  for (size_t i = 2; i + 1 < 14 && i + 1 < frames.size(); ++i) {
    auto swapped = frames;
    std::swap(swapped[i], swapped[i + 1]);
    const auto r = run(swapped);
    INFO("swapped frames " << i + 1 << " and " << i + 2);
    REQUIRE(r.connections.size() == 1);
    CHECK(r.connections[0].summary.tls.certificates.size() == base.connections[0].summary.tls.certificates.size());
    CHECK(r.connections[0].verdict.outcome == base.connections[0].verdict.outcome);
  }
}

TEST_CASE("A capture cut after any frame gives a result, never a crash", "[session]") {
  for (const char* name : {"01-healthy-hybrid-tls12.pcap", "22-mixed-two-servers.pcap", "16-legacy-standard-rdp-security.pcap",
                           "rdp-07-shadow-nla-ok.pcap"}) {
    const auto frames = load(name);
    for (size_t n = 0; n <= frames.size(); ++n) {
      const std::vector<Frame> head(frames.begin(), frames.begin() + static_cast<std::ptrdiff_t>(n));
      const auto r = run(head);
      CHECK(r.stats.frames == n);
      for (const auto& c : r.connections) CHECK_FALSE(c.verdict.text.empty());
    }
  }
}

TEST_CASE("Every frame cut to every snap length never crashes the engine", "[session]") {
  const auto frames = load("09-tls-no-shared-cipher-alert.pcap");
  for (size_t snap : {0, 14, 20, 34, 40, 54, 60, 70, 100, 200}) {
    auto cut = frames;
    for (auto& f : cut)
      if (f.bytes.size() > snap) f.bytes.resize(snap);
    const auto r = run(cut);
    CHECK(r.stats.frames == frames.size());
  }
}
