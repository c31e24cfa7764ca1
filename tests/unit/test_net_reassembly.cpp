// core/net/stream_reassembler: one TCP direction reassembled by sequence
// number. Synthetic segments pin each rule; real captures check the result
// against tshark's "Follow TCP stream" (tshark 4.0, -qz follow,tcp,raw,N).
#include <pcap/pcap.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "net/packet.hpp"
#include "shared_pcaps.hpp"
#include "net/stream_reassembler.hpp"

using rdpcap::model::FrameRef;
using rdpcap::net::StreamReassembler;
using rdpcap::net::StreamSink;
using rdpcap::util::Bytes;

namespace {

struct Event {
  bool gap = false;
  std::string data;      // delivered bytes (gap = false)
  uint64_t missing = 0;  // gap size (gap = true)
  uint64_t frame = 0;
  bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  if (e.gap) return os << "gap(" << e.missing << " @" << e.frame << ")";
  return os << "data(\"" << e.data << "\" @" << e.frame << ")";
}

Event D(std::string s, uint64_t frame) { return Event{false, std::move(s), 0, frame}; }
Event G(uint64_t missing, uint64_t frame) { return Event{true, {}, missing, frame}; }

struct Recorder : StreamSink {
  std::vector<Event> events;
  std::function<void()> on_data_hook;
  void on_stream_data(Bytes data, const FrameRef& at) override {
    events.push_back(D(std::string(data.begin(), data.end()), at.frame));
    if (on_data_hook) on_data_hook();
  }
  void on_stream_gap(uint64_t missing, const FrameRef& at) override {
    events.push_back(G(missing, at.frame));
  }
  std::string text() const {
    std::string s;
    for (const Event& e : events)
      if (!e.gap) s += e.data;
    return s;
  }
};

FrameRef F(uint64_t n) { return FrameRef{n, int64_t(n) * 1000}; }

struct Harness {
  StreamReassembler r;
  Recorder sink;
  explicit Harness(size_t cap = 256 * 1024) : r(cap) {}
  void seg(uint32_t seq, const std::string& s, uint64_t frame) {
    r.on_segment(seq, Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), F(frame), sink);
  }
  void ack(uint32_t a, uint64_t frame) { r.on_peer_ack(a, F(frame), sink); }
  void flush(uint64_t frame) { r.flush(F(frame), sink); }
};

using Events = std::vector<Event>;

}  // namespace

TEST_CASE("reassembly: in-order segments are delivered as they come, from the frame", "[net]") {
  Harness h;
  CHECK_FALSE(h.r.started());
  h.r.on_syn(1000);
  CHECK(h.r.started());
  h.seg(1001, "hello", 3);
  h.seg(1006, " world", 4);
  h.seg(1012, "", 5);  // pure ACK / FIN: nothing to deliver
  CHECK(h.sink.events == Events{D("hello", 3), D(" world", 4)});
  CHECK(h.r.bytes_delivered() == 11);
  CHECK(h.r.retransmitted_bytes() == 0);
  CHECK(h.r.buffered_bytes() == 0);
  CHECK_FALSE(h.r.had_gap());
  CHECK_FALSE(h.r.cap_hit());

  // In-order data is passed on without a copy.
  struct PtrSink : StreamSink {
    const uint8_t* seen = nullptr;
    void on_stream_data(Bytes d, const FrameRef&) override { seen = d.data(); }
    void on_stream_gap(uint64_t, const FrameRef&) override {}
  } ps;
  const std::string more = "!!";
  h.r.on_segment(1012, Bytes(reinterpret_cast<const uint8_t*>(more.data()), 2), F(6), ps);
  CHECK(ps.seen == reinterpret_cast<const uint8_t*>(more.data()));
}

TEST_CASE("reassembly: without a SYN the first segment starts the stream", "[net]") {
  SECTION("first segment with payload") {
    Harness h;
    h.seg(777777, "abc", 10);
    h.seg(777780, "def", 11);
    CHECK(h.sink.events == Events{D("abc", 10), D("def", 11)});
  }
  SECTION("first segment is a bare ACK") {
    Harness h;
    h.seg(5000, "", 1);
    CHECK(h.r.started());
    h.seg(5003, "xyz", 3);  // 3 bytes before it were never seen
    CHECK(h.sink.events.empty());
    CHECK(h.r.buffered_bytes() == 3);
    h.seg(5000, "uvw", 2);
    CHECK(h.sink.events == Events{D("uvw", 2), D("xyz", 3)});
  }
  SECTION("a SYN repeated before any data replaces the start; after data it is ignored") {
    Harness h;
    h.r.on_syn(100);
    h.r.on_syn(5000);  // e.g. a second SYN/ACK with another ISN
    h.seg(5001, "ab", 1);
    h.r.on_syn(9000);
    h.seg(5003, "cd", 2);
    CHECK(h.sink.events == Events{D("ab", 1), D("cd", 2)});
  }
  SECTION("bytes at or before the SYN's own sequence number are not stream data") {
    Harness h;
    h.r.on_syn(100);
    h.seg(99, "XYab", 1);  // seq 99 and 100 precede the first data byte (101)
    CHECK(h.sink.events == Events{D("ab", 1)});
    h.seg(90, "0123", 2);  // entirely before the stream
    CHECK(h.sink.events.size() == 1);
    CHECK(h.r.retransmitted_bytes() == 0);
  }
}

TEST_CASE("reassembly: retransmissions and overlaps are delivered once", "[net]") {
  Harness h;
  h.r.on_syn(0);
  h.seg(1, "ABCDE", 1);
  h.seg(1, "ABCDE", 2);  // full retransmission
  CHECK(h.sink.events == Events{D("ABCDE", 1)});
  CHECK(h.r.retransmitted_bytes() == 5);
  h.seg(4, "DEFGH", 3);  // overlaps 2 delivered bytes
  CHECK(h.sink.events == Events{D("ABCDE", 1), D("FGH", 3)});
  CHECK(h.r.retransmitted_bytes() == 7);
  CHECK(h.r.bytes_delivered() == 8);
  CHECK(h.sink.text() == "ABCDEFGH");
}

TEST_CASE("reassembly: out-of-order segments wait for the hole", "[net]") {
  SECTION("simple swap, each chunk with the frame that carried it") {
    Harness h;
    h.r.on_syn(0);
    h.seg(6, "FGHIJ", 7);
    CHECK(h.sink.events.empty());
    CHECK(h.r.buffered_bytes() == 5);
    h.seg(1, "ABCDE", 8);
    CHECK(h.sink.events == Events{D("ABCDE", 8), D("FGHIJ", 7)});
    CHECK(h.r.buffered_bytes() == 0);
    CHECK(h.r.bytes_delivered() == 10);
  }
  SECTION("an in-order segment that covers part of a pending one") {
    Harness h;
    h.r.on_syn(0);
    h.seg(6, "FGHIJ", 1);
    h.seg(1, "ABCDEFGH", 2);
    CHECK(h.sink.events == Events{D("ABCDEFGH", 2), D("IJ", 1)});
    CHECK(h.r.retransmitted_bytes() == 3);
    CHECK(h.r.buffered_bytes() == 0);
  }
  SECTION("an out-of-order segment overlapping several pending ones keeps only new pieces") {
    Harness h;
    h.r.on_syn(0);
    h.seg(4, "D", 1);
    h.seg(7, "G", 2);
    h.seg(2, "BCDEFGHI", 3);  // new: BC, EF, HI
    CHECK(h.r.buffered_bytes() == 8);
    CHECK(h.r.retransmitted_bytes() == 2);
    h.seg(3, "CDE", 4);  // everything already pending
    CHECK(h.r.buffered_bytes() == 8);
    CHECK(h.r.retransmitted_bytes() == 5);
    h.seg(1, "A", 5);
    CHECK(h.sink.events ==
          Events{D("A", 5), D("BC", 3), D("D", 1), D("EF", 3), D("G", 2), D("HI", 3)});
    CHECK(h.sink.text() == "ABCDEFGHI");
    CHECK(h.r.buffered_bytes() == 0);
  }
  SECTION("a segment spanning pending ones delivers them as retransmissions") {
    Harness h;
    h.r.on_syn(0);
    h.seg(3, "C", 1);
    h.seg(6, "F", 2);
    h.seg(1, "ABCDEFGH", 3);
    CHECK(h.sink.events == Events{D("ABCDEFGH", 3)});
    CHECK(h.r.retransmitted_bytes() == 2);
    CHECK(h.r.buffered_bytes() == 0);
  }
}

TEST_CASE("reassembly: sequence numbers wrap around 2^32", "[net]") {
  Harness h;
  h.r.on_syn(0xFFFFFFF0u);  // data starts at 0xFFFFFFF1
  h.seg(0xFFFFFFF1u, "0123456789abcdef", 1);  // ends at seq 1 (wrapped)
  h.seg(0x00000005u, "WXYZ", 3);              // out of order, past the wrap
  h.seg(0x00000001u, "STUV", 2);
  h.seg(0xFFFFFFFEu, "defSTU", 4);  // retransmission straddling the wrap
  CHECK(h.sink.events == Events{D("0123456789abcdef", 1), D("STUV", 2), D("WXYZ", 3)});
  CHECK(h.r.retransmitted_bytes() == 6);
  h.ack(0x00000009u, 5);
  CHECK_FALSE(h.r.had_gap());
}

TEST_CASE("reassembly: a stream longer than 4 GiB keeps its place", "[net]") {
  struct Count : StreamSink {
    uint64_t bytes = 0, gaps = 0;
    void on_stream_data(Bytes d, const FrameRef&) override { bytes += d.size(); }
    void on_stream_gap(uint64_t, const FrameRef&) override { ++gaps; }
  } sink;
  StreamReassembler r;
  std::vector<uint8_t> chunk(65536, 0x5a);
  const uint32_t isn = 123456789;
  r.on_syn(isn);
  uint32_t seq = isn + 1;
  const uint64_t n = (uint64_t{1} << 32) / chunk.size() + 2;  // 4 GiB + 128 KiB
  for (uint64_t i = 0; i < n; ++i) {
    r.on_segment(seq, Bytes(chunk), F(i + 1), sink);
    seq += uint32_t(chunk.size());
  }
  CHECK(sink.bytes == n * chunk.size());
  // An old retransmission (one chunk back) and an ack of everything: no gap.
  r.on_segment(seq - uint32_t(chunk.size()), Bytes(chunk), F(n + 1), sink);
  r.on_peer_ack(seq, F(n + 2), sink);
  CHECK(sink.bytes == n * chunk.size());
  CHECK(r.retransmitted_bytes() == chunk.size());
  CHECK(sink.gaps == 0);
  CHECK(r.bytes_delivered() == n * chunk.size());
}

TEST_CASE("reassembly: a hole the peer acknowledged is a gap", "[net]") {
  SECTION("ack past a hole skips to the pending data") {
    Harness h;
    h.r.on_syn(0);
    h.seg(1, "ABCDE", 1);
    h.seg(11, "KLMNO", 3);  // 6..10 lost before the capture point
    h.ack(16, 4);
    CHECK(h.sink.events == Events{D("ABCDE", 1), G(5, 4), D("KLMNO", 3)});
    CHECK(h.r.had_gap());
    CHECK(h.r.gap_count() == 1);
    CHECK(h.r.buffered_bytes() == 0);
    CHECK_FALSE(h.r.cap_hit());
  }
  SECTION("ack inside the hole skips to the ack only; the rest may still come") {
    Harness h;
    h.r.on_syn(0);
    h.seg(1, "ABCDE", 1);
    h.seg(11, "KLMNO", 3);
    h.ack(9, 4);  // peer has 6..8, we never saw them
    CHECK(h.sink.events == Events{D("ABCDE", 1), G(3, 4)});
    h.seg(9, "IJ", 5);
    CHECK(h.sink.events == Events{D("ABCDE", 1), G(3, 4), D("IJ", 5), D("KLMNO", 3)});
    CHECK(h.r.gap_count() == 1);
  }
  SECTION("ack past two holes reports both") {
    Harness h;
    h.r.on_syn(0);
    h.seg(3, "C", 1);
    h.seg(6, "F", 2);
    h.ack(10, 3);  // 1-2, 4-5 and 7-9 missing
    CHECK(h.sink.events == Events{G(2, 3), D("C", 1), G(2, 3), D("F", 2)});
    CHECK(h.r.gap_count() == 2);
    h.flush(4);  // 7-9 never came: a gap at the end
    CHECK(h.sink.events.back() == G(3, 4));
    CHECK(h.r.gap_count() == 3);
  }
  SECTION("ack of data never captured: a gap once later data proves it will not come") {
    Harness h;
    h.r.on_syn(0);
    h.seg(1, "AB", 1);
    h.ack(101, 2);
    CHECK(h.sink.events == Events{D("AB", 1)});  // the bytes may still arrive
    h.seg(101, "Z", 3);
    CHECK(h.sink.events == Events{D("AB", 1), G(98, 3), D("Z", 3)});
  }
  SECTION("an ack captured before the data it acknowledges is not a gap") {
    Harness h;
    h.r.on_syn(0);
    h.seg(1, "AB", 1);
    h.ack(5, 2);  // the capture point saw the peer's ACK first
    h.seg(3, "CD", 3);
    h.flush(4);
    CHECK(h.sink.events == Events{D("AB", 1), D("CD", 3)});
    CHECK(h.r.gap_count() == 0);
  }
  SECTION("ack of a FIN (one sequence number, no byte) is not a gap") {
    Harness h;
    h.r.on_syn(0);
    h.seg(1, "AB", 1);
    h.seg(3, "", 2);  // FIN
    h.ack(4, 3);
    CHECK(h.sink.events == Events{D("AB", 1)});
    CHECK_FALSE(h.r.had_gap());
  }
  SECTION("old, equal and absurd acks are ignored") {
    Harness h;
    h.r.on_syn(1000);
    h.seg(1001, "ABCD", 1);
    h.seg(1009, "IJ", 2);
    h.ack(1003, 3);
    h.ack(1005, 4);
    h.ack(1005u + (1u << 30) + 1, 5);  // more than 1 GiB ahead
    h.ack(1005u + 0x80000000u, 6);     // half the sequence space away
    CHECK(h.sink.events == Events{D("ABCD", 1)});
    CHECK(h.r.buffered_bytes() == 2);
    CHECK_FALSE(h.r.had_gap());
  }
  SECTION("acks before the stream started are ignored") {
    Harness h;
    h.ack(5000, 1);
    CHECK(h.sink.events.empty());
    CHECK_FALSE(h.r.started());
  }
}

TEST_CASE("reassembly: the byte cap declares a gap instead of growing", "[net]") {
  SECTION("skip to the lowest pending offset, then buffer the newcomer") {
    Harness h(10);
    h.r.on_syn(0);
    h.seg(1, "ABCDE", 1);
    h.seg(11, "KLMNOP", 2);  // 6 bytes pending
    h.seg(21, "UVWXYZ", 3);  // 12 > 10: give up on 6..10
    CHECK(h.r.cap_hit());
    CHECK(h.sink.events == Events{D("ABCDE", 1), G(5, 3), D("KLMNOP", 2)});
    CHECK(h.r.buffered_bytes() == 6);
    h.flush(4);
    CHECK(h.sink.events ==
          Events{D("ABCDE", 1), G(5, 3), D("KLMNOP", 2), G(4, 4), D("UVWXYZ", 3)});
    CHECK(h.r.gap_count() == 2);
    CHECK(h.r.buffered_bytes() == 0);
  }
  SECTION("one segment larger than the cap") {
    Harness h(10);
    h.r.on_syn(0);
    h.seg(6, "0123456789ABCDEF", 1);
    CHECK(h.sink.events == Events{G(5, 1), D("0123456789ABCDEF", 1)});
    CHECK(h.r.cap_hit());
    CHECK(h.r.buffered_bytes() == 0);
  }
  SECTION("a newcomer before the pending data skips only to itself") {
    Harness h(10);
    h.r.on_syn(0);
    h.seg(21, "UVWXYZ", 1);
    h.seg(11, "KLMNOP", 2);  // 6 + 6 > 10: skip to 10, then deliver; 21 still pending
    CHECK(h.sink.events == Events{G(10, 2), D("KLMNOP", 2)});
    CHECK(h.r.buffered_bytes() == 6);
  }
  SECTION("cap 0 buffers nothing") {
    Harness h(0);
    h.r.on_syn(0);
    h.seg(3, "C", 1);
    h.seg(1, "AB", 2);
    CHECK(h.sink.events == Events{G(2, 1), D("C", 1)});
    CHECK(h.r.retransmitted_bytes() == 2);
  }
}

TEST_CASE("reassembly: the number of pending entries is capped", "[net]") {
  Harness h(size_t{1} << 30);
  h.r.on_syn(0);
  // 1024 one-byte segments, each after a one-byte hole: all fit.
  for (uint32_t i = 0; i < 1024; ++i) h.seg(1 + 2 * (i + 1), "x", i + 1);
  CHECK(h.sink.events.empty());
  CHECK(h.r.buffered_bytes() == 1024);
  CHECK_FALSE(h.r.cap_hit());
  // The 1025th entry: the first hole is given up.
  h.seg(1 + 2 * 1025, "y", 2000);
  CHECK(h.r.cap_hit());
  CHECK(h.sink.events == Events{G(2, 2000), D("x", 1)});
  CHECK(h.r.buffered_bytes() == 1024);

  SECTION("an adversary's flood of tiny segments stays bounded and quick") {
    Harness a(size_t{1} << 30);
    a.r.on_syn(0);
    for (uint32_t i = 0; i < 300000; ++i) {
      a.seg(1 + 2 * (i + 1), "z", i + 1);
      REQUIRE(a.r.buffered_bytes() <= 1024);
    }
    CHECK(a.r.gap_count() == 300000 - 1024);
    CHECK(a.r.bytes_delivered() == 300000 - 1024);
    a.flush(1);
    CHECK(a.r.bytes_delivered() == 300000);
    CHECK(a.r.gap_count() == 300000);
    CHECK(a.r.buffered_bytes() == 0);
  }
}

TEST_CASE("reassembly: flush reports the hole then delivers what is left", "[net]") {
  Harness h;
  h.r.on_syn(0);
  h.flush(1);
  CHECK(h.sink.events.empty());
  h.seg(1, "AB", 2);
  h.seg(6, "FG", 3);
  h.seg(11, "KL", 4);
  h.flush(5);
  CHECK(h.sink.events == Events{D("AB", 2), G(3, 5), D("FG", 3), G(3, 5), D("KL", 4)});
  CHECK(h.r.gap_count() == 2);
  CHECK(h.r.buffered_bytes() == 0);
}

TEST_CASE("reassembly: stop_buffering keeps only sequence bookkeeping", "[net]") {
  SECTION("from outside") {
    Harness h;
    h.r.on_syn(0);
    h.seg(1, "AB", 1);
    h.seg(6, "FG", 2);
    CHECK(h.r.buffered_bytes() == 2);
    h.r.stop_buffering();
    CHECK(h.r.buffered_bytes() == 0);
    h.seg(3, "CDE", 3);
    h.seg(3, "CDE", 4);
    h.seg(100, "zz", 5);
    h.ack(500, 6);
    h.flush(7);
    CHECK(h.sink.events == Events{D("AB", 1)});
    CHECK(h.r.retransmitted_bytes() == 3);
    CHECK_FALSE(h.r.had_gap());
    CHECK(h.r.bytes_delivered() == 2);
  }
  SECTION("from inside the sink, while pending data is being delivered") {
    Harness h;
    h.r.on_syn(0);
    h.seg(3, "CD", 1);
    h.seg(5, "EF", 2);
    h.sink.on_data_hook = [&] {
      if (h.sink.text().size() >= 4) h.r.stop_buffering();
    };
    h.seg(1, "AB", 3);  // delivers AB, CD, then stops: EF is dropped
    CHECK(h.sink.events == Events{D("AB", 3), D("CD", 1)});
    CHECK(h.r.buffered_bytes() == 0);
    h.seg(7, "GH", 4);
    h.flush(5);
    CHECK(h.sink.events.size() == 2);
  }
}

TEST_CASE("reassembly: far-away sequence numbers do not hang", "[net]") {
  Harness h(64);
  h.r.on_syn(0);
  h.seg(1, "A", 1);
  h.seg(0x7FFFFFF0u, "far", 2);  // about 2 GiB ahead: buffered
  CHECK(h.r.buffered_bytes() == 3);
  h.seg(0x80000010u, "behind", 3);  // nearer interpretation is 2 GiB behind: old
  CHECK(h.r.buffered_bytes() == 3);
  h.flush(4);
  CHECK(h.sink.events == Events{D("A", 1), G(0x7FFFFFF0u - 2, 4), D("far", 2)});
}

// --- real captures ----------------------------------------------------------

namespace {

uint64_t fnv1a(uint64_t h, Bytes d) {
  for (uint8_t b : d) {
    h ^= b;
    h *= 1099511628211ull;
  }
  return h;
}

struct DirResult {
  uint64_t bytes = 0;
  uint64_t hash = 1469598103934665603ull;
  std::vector<std::pair<uint64_t, uint64_t>> gaps;  // (missing, frame)
  uint64_t retransmitted = 0;
};

// A minimal flow table over one capture: every TCP direction gets a
// reassembler; SYN -> on_syn, payload -> on_segment, ACK -> the other
// direction's on_peer_ack; flush at the end. Keyed "src:port>dst:port".
std::map<std::string, DirResult> reassemble(const std::string& file) {
  struct Dir : StreamSink {
    StreamReassembler r;
    DirResult res;
    void on_stream_data(Bytes d, const FrameRef&) override {
      res.bytes += d.size();
      res.hash = fnv1a(res.hash, d);
    }
    void on_stream_gap(uint64_t m, const FrameRef& at) override { res.gaps.emplace_back(m, at.frame); }
  };
  std::map<std::string, Dir> dirs;
  std::string path = rdpcap::testing::shared_pcap_path(file);
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) FAIL("cannot open " << path << ": " << err);
  int link = pcap_datalink(p);
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  uint64_t n = 0;
  while (pcap_next_ex(p, &hdr, &data) == 1) {
    ++n;
    rdpcap::net::DecodedPacket pkt;
    if (rdpcap::net::decode_frame(link, Bytes(data, hdr->caplen), pkt) != rdpcap::net::DecodeStatus::ok ||
        pkt.kind != rdpcap::net::PacketKind::tcp)
      continue;
    const auto& t = pkt.tcp;
    std::string a = t.src.to_string() + ":" + std::to_string(t.sport);
    std::string b = t.dst.to_string() + ":" + std::to_string(t.dport);
    Dir& d = dirs[a + ">" + b];
    if (t.flags & rdpcap::net::tcp_flag::syn)
      d.r.on_syn(t.seq);
    else
      d.r.on_segment(t.seq, t.payload, F(n), d);
    auto rev = dirs.find(b + ">" + a);
    if ((t.flags & rdpcap::net::tcp_flag::ack) && rev != dirs.end())
      rev->second.r.on_peer_ack(t.ack, F(n), rev->second);
  }
  pcap_close(p);
  std::map<std::string, DirResult> out;
  for (auto& [k, d] : dirs) {
    d.r.flush(F(n + 1), d);
    d.res.retransmitted = d.r.retransmitted_bytes();
    out[k] = d.res;
  }
  return out;
}

}  // namespace

TEST_CASE("reassembly: real out-of-order RDP session equals tshark's Follow TCP Stream", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  // Server direction has segments captured out of order (frames 120/122,
  // 133/135, 140/142, ...). Sizes and FNV-1a of tshark's follow output.
  auto r = reassemble("zeek-rdp-proprietary-encryption.pcap");
  REQUIRE(r.size() == 4);
  const DirResult& c2s = r.at("172.21.128.16:1312>10.226.24.52:3389");
  const DirResult& s2c = r.at("10.226.24.52:3389>172.21.128.16:1312");
  CHECK(c2s.bytes == 28206);
  CHECK(c2s.hash == 0x6323b61372aa87dbull);
  CHECK(s2c.bytes == 76506);
  CHECK(s2c.hash == 0x0e241725ce94daddull);
  CHECK(c2s.gaps.empty());
  CHECK(s2c.gaps.empty());
  const DirResult& first = r.at("172.21.128.16:1311>10.226.24.52:3389");
  CHECK(first.bytes == 47);  // X.224 Connection Request of the refused attempt
  CHECK(first.hash == 0x5f1e3177a597bac8ull);
}

TEST_CASE("reassembly: real capture with segments missing reports the gaps", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  // ndpi-tls_missing_ch_frag.pcap: the client's second ClientHello segment
  // (481 bytes, seq 2260747306..2260747787) is not in the capture; frame 3
  // acknowledges it, and the gap is certain when the client's next segment
  // (frame 9) lands beyond it. The server's last 1306 bytes are acked by
  // frame 14 only: nothing follows them, so the gap is reported at the end.
  auto r = reassemble("ndpi-tls_missing_ch_frag.pcap");
  const DirResult& client = r.at("192.168.0.1:33063>10.10.10.1:443");
  const DirResult& server = r.at("10.10.10.1:443>192.168.0.1:33063");
  CHECK(client.gaps == std::vector<std::pair<uint64_t, uint64_t>>{{481, 9}});
  CHECK(client.bytes == 1024 + 80 + 1024 + 180 + 721);
  CHECK(server.gaps == std::vector<std::pair<uint64_t, uint64_t>>{{1306, 15}});
  CHECK(server.bytes == 1388 * 3 + 1957);
}

TEST_CASE("reassembly: real retransmissions are counted, not delivered twice", "[net]") {
  SHARED_PCAPS_OR_SKIP();
  // zeek-rdp-x509.pcap: client X.224 request (47 bytes) sent twice, server
  // confirm (19 bytes) sent twice; tshark's follow shows 493 / 1424 bytes.
  auto r = reassemble("zeek-rdp-x509.pcap");
  const DirResult& c = r.at("192.168.1.1:54990>192.168.1.2:3389");
  const DirResult& s = r.at("192.168.1.2:3389>192.168.1.1:54990");
  CHECK(c.bytes == 493);
  CHECK(c.retransmitted == 47);
  CHECK(s.bytes == 1424);
  CHECK(s.retransmitted == 19);
  CHECK(c.gaps.empty());
  CHECK(s.gaps.empty());
}
