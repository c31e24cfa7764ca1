// util::Boxed (the connection summary's InnerFacts): an empty box reads as a
// default value without allocating, copies are deep, and the analyzer writes
// the box only for connections that have inner facts.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "capture_support.hpp"
#include "engine/analyzer.hpp"
#include "util/boxed.hpp"

using namespace rdpcap;

namespace {
struct Facts {
  int n = 7;
  std::vector<std::string> words;
};
}  // namespace

TEST_CASE("Boxed: empty reads as the default, writing creates it, copies are deep", "[util][boxed]") {
  util::Boxed<Facts> a;
  CHECK_FALSE(a.written());
  CHECK(a->n == 7);
  CHECK(a->words.empty());
  CHECK_FALSE(a.written());  // reading did not create it
  a.mut().words.push_back("x");
  CHECK(a.written());
  util::Boxed<Facts> b = a;  // deep copy
  b.mut().words.push_back("y");
  CHECK(a->words.size() == 1);
  CHECK(b->words.size() == 2);
  util::Boxed<Facts> c = std::move(b);
  CHECK(c->words.size() == 2);
  CHECK_FALSE(b.written());  // NOLINT(bugprone-use-after-move): moved from is empty
  b = c;
  CHECK(b->words == c->words);
  b = util::Boxed<Facts>{};
  CHECK_FALSE(b.written());
  const auto& same_b = b;
  b = same_b;  // self-assignment keeps nothing it did not have
  CHECK_FALSE(b.written());
  const auto& same_c = c;
  c = same_c;
  CHECK(c->words.size() == 2);
}

TEST_CASE("Boxed: without a key log only port-88 Kerberos writes a connection's inner facts", "[util][boxed]") {
  const auto paths = testing::sample_captures();
  REQUIRE(paths.size() > 20);
  size_t connections = 0, written = 0;
  for (const auto& path : paths) {
    INFO(path);
    bool opened = false;
    const auto frames = testing::load_frames(path, &opened);
    REQUIRE(opened);
    engine::Analyzer analyzer(engine::AnalyzerOptions{});
    for (const auto& f : frames) analyzer.on_frame(f.info, util::Bytes(f.bytes.data(), f.bytes.size()));
    for (const auto& c : analyzer.finish().connections) {
      const auto& in = c.summary.inner;
      const bool kerberos = !in->kerberos_errors.empty() || !in->kerberos_requests.empty();
      CHECK(in.written() == kerberos);
      CHECK_FALSE(in->plaintext_seen);
      ++connections;
      written += in.written();
    }
  }
  CHECK(connections > written);
}
