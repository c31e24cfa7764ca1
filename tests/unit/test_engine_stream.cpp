// The engine's streaming result API (core/engine/analyzer.hpp) on every sample
// capture: every connection reaches the sink once, whatever the kept-results
// caps; the sink's findings plus the amendments at finish() are what finish()
// says; findings per frame add up to the same; a sink changes nothing in finish().
#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "capture_support.hpp"
#include "summary_builder.hpp"
#include "engine/analyzer.hpp"
#include "engine/capture_pass.hpp"
#include "engine/kept_results.hpp"

using namespace rdpcap;

namespace {

using Frame = testing::LoadedFrame;

std::vector<Frame> load(const std::string& path) {
  bool opened = false;
  std::vector<Frame> out = testing::load_frames(path, &opened);
  REQUIRE(opened);
  return out;
}

using ConnKey = std::tuple<uint64_t, std::string, uint16_t>;  // first frame, client ip, client port
ConnKey key_of(const model::ConnectionSummary& s) { return {s.first.frame, s.client_ip, s.client_port}; }
std::multiset<std::string> codes(const std::vector<rules::Finding>& fs) {
  std::multiset<std::string> out;
  for (const auto& f : fs) out.insert(f.code);
  return out;
}

struct Recorder : engine::ResultSink {
  std::map<uint64_t, engine::ConnectionResult> by_id;
  std::vector<uint64_t> order;
  std::vector<engine::ServerRecord> servers;
  std::vector<engine::Amendment> amendments;
  bool finished_servers = false;
  void on_connection(const engine::ConnectionResult& r, engine::EndReason) override {
    CHECK_FALSE(finished_servers);  // connections come before the capture-wide records
    CHECK(by_id.count(r.summary.id) == 0);
    by_id[r.summary.id] = r;
    order.push_back(r.summary.id);
  }
  void on_server(const engine::ServerRecord& s) override {
    finished_servers = true;
    servers.push_back(s);
  }
  void on_amendment(const engine::Amendment& a) override { amendments.push_back(a); }
};

// A sink that takes the capture-wide pass's final results one at a time.
struct FinalRecorder : Recorder {
  std::vector<engine::ConnectionResult> finals;
  bool takes_finals() const override { return true; }
  void on_final(const engine::ConnectionResult& r) override {
    CHECK_FALSE(finished_servers);  // before the capture-wide records
    finals.push_back(r);
  }
};

engine::AnalysisResult run(const std::vector<Frame>& frames, engine::AnalyzerOptions options,
                           engine::ResultSink* sink = nullptr, std::vector<engine::FindingAt>* per_frame = nullptr) {
  engine::Analyzer analyzer(options);
  analyzer.set_sink(sink);
  for (const auto& f : frames) {
    analyzer.on_frame(f.info, util::Bytes(f.bytes.data(), f.bytes.size()));
    if (per_frame) {
      for (auto& n : analyzer.take_new_findings()) {
        CHECK(n.known_at == f.info.number);
        CHECK_FALSE(n.capture_wide);
        per_frame->push_back(std::move(n));
      }
    }
  }
  auto result = analyzer.finish();
  if (per_frame)
    for (auto& n : analyzer.take_new_findings()) per_frame->push_back(std::move(n));
  return result;
}

}  // namespace

TEST_CASE("Streaming: every connection reaches the sink, and sink + amendments = finish()", "[engine][stream]") {
  const auto paths = testing::sample_captures();
  REQUIRE(paths.size() > 20);
  size_t amended = 0;
  for (const auto& path : paths) {
    INFO(path);
    const auto frames = load(path);
    const auto plain = run(frames, {});

    Recorder rec;
    const auto with_sink = run(frames, {}, &rec);
    // With a sink, finish() keeps only the connections it can amend (a
    // ClientHello never answered), with the findings of the whole-capture result.
    std::map<ConnKey, const engine::ConnectionResult*> plain_by_key;
    size_t amendable = 0;
    for (const auto& c : plain.connections) {
      plain_by_key[key_of(c.summary)] = &c;
      amendable += engine::KeptResults::amendable(c.summary);
    }
    CHECK(with_sink.connections.size() == amendable);
    for (const auto& c : with_sink.connections) {
      CHECK(engine::KeptResults::amendable(c.summary));
      REQUIRE(plain_by_key.count(key_of(c.summary)));
      CHECK(codes(c.findings) == codes(plain_by_key[key_of(c.summary)]->findings));
      CHECK(c.verdict.text == plain_by_key[key_of(c.summary)]->verdict.text);
    }
    CHECK(with_sink.stats.notes == plain.stats.notes);
    // A sink that takes them gets the same final results, in the same order,
    // and finish() keeps none; the amendments are the same.
    FinalRecorder fin;
    const auto with_finals = run(frames, {}, &fin);
    CHECK(with_finals.connections.empty());
    REQUIRE(fin.finals.size() == with_sink.connections.size());
    for (size_t i = 0; i < fin.finals.size(); ++i) {
      const auto& a = fin.finals[i];
      const auto& b = with_sink.connections[i];
      CHECK(a.summary.id == b.summary.id);
      CHECK(key_of(a.summary) == key_of(b.summary));
      CHECK(a.verdict.text == b.verdict.text);
      REQUIRE(a.findings.size() == b.findings.size());
      for (size_t j = 0; j < a.findings.size(); ++j)
        CHECK(engine::finding_digest(a.findings[j]) == engine::finding_digest(b.findings[j]));
    }
    REQUIRE(fin.amendments.size() == rec.amendments.size());
    for (size_t i = 0; i < fin.amendments.size(); ++i) {
      CHECK(fin.amendments[i].connection_id == rec.amendments[i].connection_id);
      CHECK(fin.amendments[i].removed == rec.amendments[i].removed);
      CHECK(engine::given_of(fin.amendments[i].added) == engine::given_of(rec.amendments[i].added));
    }
    CHECK(fin.servers.size() == rec.servers.size());
    // Every connection streamed exactly once.
    CHECK(rec.by_id.size() == plain.stats.flows_seen);
    // Streamed findings, amended, are the final ones.
    std::map<ConnKey, std::multiset<std::string>> streamed;
    std::map<uint64_t, ConnKey> key_by_id;
    for (const auto& [id, r] : rec.by_id) {
      streamed[key_of(r.summary)] = codes(r.findings);
      key_by_id[id] = key_of(r.summary);
    }
    for (const auto& a : rec.amendments) {
      REQUIRE(key_by_id.count(a.connection_id));
      auto& set = streamed[key_by_id[a.connection_id]];
      for (const auto& code : a.removed) set.erase(code);
      for (const auto& f : a.added) set.erase(f.code), ++amended;
      for (const auto& f : a.added) set.insert(f.code);
    }
    // Streamed findings, amended, are the final ones, in content too.
    for (const auto& c : plain.connections) CHECK(streamed[key_of(c.summary)] == codes(c.findings));
    for (const auto& [id, r] : rec.by_id) {
      if (engine::KeptResults::amendable(r.summary)) continue;
      const auto* final = plain_by_key.at(key_of(r.summary));
      REQUIRE(r.findings.size() == final->findings.size());
      for (size_t i = 0; i < r.findings.size(); ++i)
        CHECK(engine::finding_digest(r.findings[i]) == engine::finding_digest(final->findings[i]));
    }
    // One record per server with the connections that ended there, named
    // as its connections name it (IPv6 without brackets).
    std::set<std::pair<std::string, uint16_t>> servers_seen;
    for (const auto& [id, r] : rec.by_id) servers_seen.insert({r.summary.server_ip, r.summary.server_port});
    uint64_t per_server = 0;
    for (const auto& s : rec.servers) {
      CHECK(servers_seen.count({s.server_ip, s.server_port}) == 1);
      per_server += s.connections;
    }
    CHECK(per_server == rec.by_id.size());
  }
  CHECK(amended > 0);  // a ClientHello never answered, amended with what the server accepted later
}

TEST_CASE("Streaming with nothing kept: finish() keeps none and says how many got no amendment", "[engine][stream]") {
  for (const auto& path : testing::sample_captures()) {
    INFO(path);
    const auto frames = load(path);
    engine::AnalyzerOptions options;
    options.limits.max_kept_connections = 0;
    Recorder rec;
    const auto result = run(frames, options, &rec);
    CHECK(result.connections.empty());
    CHECK(result.stats.connections_not_reported == 0);  // every one was streamed
    size_t amendable = 0;
    for (const auto& [id, r] : rec.by_id) amendable += engine::KeptResults::amendable(r.summary);
    CHECK(result.stats.connections_not_amended == amendable);
    CHECK((amendable > 0) == !result.stats.notes.empty());
    CHECK(rec.by_id.size() == result.stats.flows_seen);
    CHECK(rec.amendments.empty());
  }
}

TEST_CASE("Findings per frame add up to what finish() says", "[engine][stream]") {
  size_t early = 0;
  for (const auto& path : testing::sample_captures()) {
    INFO(path);
    const auto frames = load(path);
    engine::AnalyzerOptions options;
    options.findings_per_frame = true;
    Recorder rec;  // for the stream ids of the connections
    std::vector<engine::FindingAt> per_frame;
    const auto result = run(frames, options, &rec, &per_frame);
    std::map<uint64_t, std::map<std::string, int>> held;  // stream id -> code -> count given
    std::set<std::tuple<uint64_t, std::string, uint64_t>> given_at;   // (stream id, code, frame)
    for (const auto& n : per_frame)
      if (!n.withdrawn) given_at.insert({n.connection_id, n.finding.code, n.known_at});
    for (const auto& n : per_frame)  // given and withdrawn at one frame: never shown (take_new_findings)
      if (n.withdrawn) CHECK_FALSE(given_at.count({n.connection_id, n.finding.code, n.known_at}));
    for (const auto& n : per_frame) {
      auto& h = held[n.connection_id];
      if (n.withdrawn)
        h.erase(n.finding.code);
      else
        h[n.finding.code] = 1;
      if (!n.withdrawn && !n.capture_wide && n.known_at < rec.by_id[n.connection_id].summary.last.frame) ++early;
    }
    for (const auto& [id, r] : rec.by_id) {
      std::set<std::string> got;
      for (const auto& [code, n] : held[id]) got.insert(code);
      std::set<std::string> want;
      for (const auto& c : result.connections)
        if (key_of(c.summary) == key_of(r.summary))
          for (const auto& f : c.findings) want.insert(f.code);
      CHECK(got == want);
    }
  }
  CHECK(early > 0);  // some findings are known before the connection's last frame
}

TEST_CASE("Streaming view: a certificate seen on a connection still open counts for cert.changed", "[engine][stream]") {
  using namespace rdpcap::testing;
  namespace protocol = proto::protocol;
  // A starts first and presents its certificate, but is still open when B,
  // which started later with another certificate, ends.
  SummaryBuilder a(3389, 1);
  a.handshake().x224_request(protocol::ssl | protocol::hybrid).x224_confirm(protocol::hybrid).client_hello()
      .server_hello().certificate(windows_self_signed("RDP-HOST"));
  SummaryBuilder b(3389, 2);
  b.starting_at(kCaptureStart + 60, 200).handshake().x224_request(protocol::ssl | protocol::hybrid)
      .x224_confirm(protocol::hybrid).client_hello().server_hello();
  const auto cert = b.certificate(windows_self_signed("RDP-HOST.example.com")).last();
  b.handshake_done().application_data(30, 30).fin(kClient).fin(kServer);
  const auto open_a = a.build();
  const auto ended_b = b.build();
  const engine::AnalyzerOptions options;
  const auto has_changed = [](const rules::Diagnosis& d) {
    return std::any_of(d.findings.begin(), d.findings.end(), [](const rules::Finding& f) { return f.code == "cert.changed"; });
  };
  engine::StreamView before(options);  // only what ended: A is not in it
  CHECK_FALSE(has_changed(before.diagnose(ended_b)));
  engine::StreamView view(options);
  view.add_certificate(open_a);
  const auto d = view.diagnose(ended_b);
  REQUIRE(has_changed(d));
  for (const auto& f : d.findings)
    if (f.code == "cert.changed") CHECK(f.frame == cert.frame);
  // A's own certificate, then B's later one: A is not "changed" when it ends.
  view.add(ended_b);
  CHECK_FALSE(has_changed(view.diagnose(open_a)));
}
