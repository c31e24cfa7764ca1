// capture/read_ahead: an offline capture read in a thread of its own gives the
// same frames (numbers, times, lengths, bytes) and the same ending as the
// reading loop without it (for_each_frame with a stop flag reads in the
// caller's thread), on every sample, on captures cut anywhere, and on a
// capture of tiny frames (batches full by count) and large ones (by bytes).
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "capture/capture_reader.hpp"
#include "capture/read_ahead.hpp"
#include "capture_support.hpp"

using namespace rdpcap;

namespace {

struct Seen {
  std::vector<std::string> frames;  // number, time, lengths, bytes
  capture::ReadResult result;
};

// Reads `bytes` as a capture file, through the read-ahead thread or not.
Seen read(const std::string& bytes, bool read_ahead) {
  Seen seen;
  std::FILE* f = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
  REQUIRE(f);
  const capture::Capture cap = capture::Capture::open_stream(f);
  const std::atomic<bool> no_stop{false};
  seen.result = capture::for_each_frame(
      cap,
      [&](const engine::FrameInfo& fr, util::Bytes data) {
        seen.frames.push_back(std::to_string(fr.number) + " " + std::to_string(fr.time_us) + " " +
                              std::to_string(fr.wire_length) + " " + std::to_string(fr.link_type) + " " +
                              std::string(data.begin(), data.end()));
      },
      nullptr, read_ahead ? nullptr : &no_stop);
  return seen;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void require_same(const std::string& bytes) {
  const Seen plain = read(bytes, false), ahead = read(bytes, true);
  REQUIRE(ahead.result.opened == plain.result.opened);
  REQUIRE(ahead.result.complete == plain.result.complete);
  REQUIRE(ahead.result.error == plain.result.error);
  REQUIRE(ahead.result.frames == plain.result.frames);
  REQUIRE(ahead.frames == plain.frames);
}

// A classic pcap (Ethernet) of `n` frames of `len` bytes each, byte i of
// frame k being (k + i) mod 251.
std::string synthetic(size_t n, size_t len) {
  std::string out;
  const auto put32 = [&out](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  put32(0xa1b2c3d4), put32(0x00040002), put32(0), put32(0), put32(262144), put32(1);
  for (size_t k = 0; k < n; ++k) {
    put32(1700000000 + static_cast<uint32_t>(k / 1000)), put32(static_cast<uint32_t>(k % 1000) * 7);
    put32(static_cast<uint32_t>(len)), put32(static_cast<uint32_t>(len + 4));
    for (size_t i = 0; i < len; ++i) out.push_back(static_cast<char>((k + i) % 251));
  }
  return out;
}

}  // namespace

TEST_CASE("read-ahead gives every sample's frames as the reading loop does", "[read_ahead]") {
  const auto samples = testing::sample_captures();
  REQUIRE(samples.size() >= 20);
  for (const auto& path : samples) {
    INFO(path);
    require_same(file_bytes(path));
  }
}

TEST_CASE("read-ahead ends a cut capture with the reading loop's error, after the same frames", "[read_ahead]") {
  const std::string whole = file_bytes(testing::sample_captures().front());
  REQUIRE(whole.size() > 2000);
  for (size_t cut : {size_t(10), size_t(24), size_t(30), size_t(100), whole.size() / 2, whole.size() - 1}) {
    INFO("cut at " << cut);
    require_same(whole.substr(0, cut));
  }
  const Seen cut = read(whole.substr(0, whole.size() - 1), true);
  CHECK_FALSE(cut.result.complete);
  CHECK(cut.result.error.find("capture is damaged after frame") == 0);
}

TEST_CASE("read-ahead batches by frame count and by bytes, in order", "[read_ahead]") {
  // Tiny frames: batches end at kBatchRecords; large ones (up to Ethernet's
  // largest, 262144 bytes) at kBatchBytes.
  const size_t many = capture::ReadAhead::kBatches * capture::ReadAhead::kBatchRecords * 3 + 17;
  require_same(synthetic(many, 14));
  require_same(synthetic(40, 200000));
  require_same(synthetic(9, 262144));
  const Seen big = read(synthetic(many, 14), true);
  CHECK(big.result.frames == many);
  CHECK(big.result.complete);
}
