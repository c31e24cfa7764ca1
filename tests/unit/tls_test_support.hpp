// Test helpers for the TLS / X.509 unit tests: read TCP payloads from the
// real captures in RDPCAP_SHARED_PCAPS with libpcap, rebuild one direction of
// a connection (ordered by sequence number, retransmissions dropped, stops at
// the first hole), hex decoding, and an observer that logs TLS callbacks as
// comparable strings.
#pragma once

#include <pcap/pcap.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "shared_pcaps.hpp"
#include "tls/tls_stream.hpp"

namespace tls_test {

inline std::string pcap_path(const std::string& name) { return rdpcap::testing::shared_pcap_path(name); }

inline bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

inline std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : s) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;  // spaces, newlines
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

struct Segment {
  uint64_t frame = 0;  // 1-based
  int64_t time_us = 0;
  uint16_t sport = 0, dport = 0;
  uint32_t seq = 0;
  bool syn = false;
  std::vector<uint8_t> payload;
};

// TCP segments of a capture (Ethernet, BSD loopback or raw IP; IPv4/IPv6;
// VLAN tags skipped). Frames that are not TCP are skipped but still counted.
inline std::vector<Segment> read_tcp_segments(const std::string& path) {
  std::vector<Segment> out;
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) FAIL("cannot open " << path << ": " << err);  // a clean failure: callers slice the bytes read
  int dlt = pcap_datalink(p);
  pcap_pkthdr* h;
  const u_char* d;
  uint64_t frame = 0;
  while (pcap_next_ex(p, &h, &d) == 1) {
    ++frame;
    size_t n = h->caplen, off = 0;
    int ethertype = 0;
    if (dlt == DLT_EN10MB) {
      if (n < 14) continue;
      ethertype = (d[12] << 8) | d[13];
      off = 14;
      while ((ethertype == 0x8100 || ethertype == 0x88a8) && n >= off + 4) {
        ethertype = (d[off + 2] << 8) | d[off + 3];
        off += 4;
      }
    } else if (dlt == DLT_NULL) {
      if (n < 4) continue;
      uint32_t fam = d[0] | (d[1] << 8) | (d[2] << 16) | (uint32_t(d[3]) << 24);
      ethertype = fam == 2 ? 0x0800 : 0x86dd;
      off = 4;
    } else if (dlt == DLT_RAW) {
      ethertype = n > 0 && (d[0] >> 4) == 6 ? 0x86dd : 0x0800;
    } else {
      continue;
    }
    size_t l4 = 0, l4_end = n;
    if (ethertype == 0x0800) {
      if (n < off + 20 || d[off + 9] != 6) continue;
      size_t ihl = (d[off] & 0x0f) * 4;
      size_t total = (d[off + 2] << 8) | d[off + 3];
      l4 = off + ihl;
      l4_end = std::min(n, off + total);
    } else if (ethertype == 0x86dd) {
      if (n < off + 40 || d[off + 6] != 6) continue;  // no extension headers in these captures
      size_t plen = (d[off + 4] << 8) | d[off + 5];
      l4 = off + 40;
      l4_end = std::min(n, l4 + plen);
    } else {
      continue;
    }
    if (l4_end < l4 + 20) continue;
    size_t thl = (d[l4 + 12] >> 4) * 4;
    if (l4_end < l4 + thl) continue;
    Segment s;
    s.frame = frame;
    s.time_us = int64_t(h->ts.tv_sec) * 1000000 + h->ts.tv_usec;
    s.sport = (d[l4] << 8) | d[l4 + 1];
    s.dport = (d[l4 + 2] << 8) | d[l4 + 3];
    s.seq = (uint32_t(d[l4 + 4]) << 24) | (d[l4 + 5] << 16) | (d[l4 + 6] << 8) | d[l4 + 7];
    s.syn = d[l4 + 13] & 0x02;
    s.payload.assign(d + l4 + thl, d + l4_end);
    out.push_back(std::move(s));
  }
  pcap_close(p);
  return out;
}

// A stream chunk: the new bytes a frame contributed.
struct Chunk {
  uint64_t frame = 0;
  int64_t time_us = 0;
  std::vector<uint8_t> bytes;
};

struct Direction {
  std::vector<uint8_t> bytes;  // contiguous stream from the first byte after SYN
  std::vector<Chunk> chunks;   // the same bytes, per frame
  bool hole = false;           // stopped at a gap
};

// One direction (sport -> dport) of a connection, in sequence order.
inline Direction direction(const std::vector<Segment>& segs, uint16_t sport, uint16_t dport) {
  Direction out;
  std::vector<const Segment*> mine;
  bool have_isn = false;
  uint32_t isn = 0;
  for (const auto& s : segs) {
    if (s.sport != sport || s.dport != dport) continue;
    if (s.syn && !have_isn) {
      isn = s.seq + 1;
      have_isn = true;
    }
    if (!s.payload.empty()) mine.push_back(&s);
  }
  if (mine.empty()) return out;
  if (!have_isn) {
    isn = mine.front()->seq;
    for (auto* s : mine)
      if (int32_t(s->seq - isn) < 0) isn = s->seq;
  }
  std::stable_sort(mine.begin(), mine.end(),
                   [&](const Segment* a, const Segment* b) { return uint32_t(a->seq - isn) < uint32_t(b->seq - isn); });
  uint64_t next = 0;
  for (auto* s : mine) {
    uint64_t start = uint32_t(s->seq - isn), end = start + s->payload.size();
    if (end <= next) continue;  // retransmission
    if (start > next) {
      out.hole = true;
      break;
    }
    Chunk c;
    c.frame = s->frame;
    c.time_us = s->time_us;
    c.bytes.assign(s->payload.begin() + (next - start), s->payload.end());
    out.bytes.insert(out.bytes.end(), c.bytes.begin(), c.bytes.end());
    out.chunks.push_back(std::move(c));
    next = end;
  }
  return out;
}

// Logs every callback as one string; frames are logged separately so the
// same events can be compared across different chunkings.
class Recorder : public rdpcap::tls::TlsObserver {
 public:
  std::vector<std::string> events;
  std::vector<uint64_t> frames;
  std::vector<rdpcap::tls::ClientHello> client_hellos;
  std::vector<rdpcap::tls::ServerHello> server_hellos;
  std::vector<std::vector<std::vector<uint8_t>>> certificates;  // owned copies
  std::vector<rdpcap::tls::CertificateRequest> certificate_requests;
  std::vector<std::string> errors;
  std::vector<uint64_t> error_offsets;

  void on_client_hello(rdpcap::tls::ClientHello&& ch, const rdpcap::model::FrameRef& at) override {
    client_hellos.push_back(ch);
    add(std::string("CH ") + hex4(ch.legacy_version) + " suites=" + std::to_string(ch.cipher_suites.size()) +
            (ch.sslv2_format ? " sslv2" : ""),
        at);
  }
  void on_server_hello(const rdpcap::tls::ServerHello& sh, const rdpcap::model::FrameRef& at) override {
    server_hellos.push_back(sh);
    add(std::string(sh.hello_retry_request ? "HRR " : "SH ") + hex4(sh.negotiated_version()) + " " +
            hex4(sh.cipher_suite) + (sh.sslv2_format ? " sslv2" : ""),
        at);
  }
  void on_certificates(const std::vector<rdpcap::util::Bytes>& certs, const rdpcap::model::FrameRef& at) override {
    std::vector<std::vector<uint8_t>> copy;
    for (auto c : certs) copy.emplace_back(c.begin(), c.end());
    certificates.push_back(std::move(copy));
    add("CERT " + std::to_string(certs.size()), at);
  }
  void on_certificate_request(const rdpcap::tls::CertificateRequest& cr, const rdpcap::model::FrameRef& at) override {
    certificate_requests.push_back(cr);
    add("CR", at);
  }
  void on_server_hello_done(const rdpcap::model::FrameRef& at) override { add("SHD", at); }
  void on_other_handshake(uint8_t t, const rdpcap::model::FrameRef& at) override {
    add("HS " + std::to_string(t), at);
  }
  void on_change_cipher_spec(const rdpcap::model::FrameRef& at) override { add("CCS", at); }
  void on_alert(const rdpcap::tls::Alert& a, bool enc, const rdpcap::model::FrameRef& at) override {
    add("ALERT " + std::to_string(a.level) + "/" + std::to_string(a.description) + (enc ? " enc" : ""), at);
  }
  void on_encrypted_record(uint8_t type, uint16_t len, const rdpcap::model::FrameRef& at) override {
    add("ENC " + std::to_string(type) + " " + std::to_string(len), at);
  }
  void on_tls_error(const std::string& reason, uint64_t off, const rdpcap::model::FrameRef& at) override {
    errors.push_back(reason);
    error_offsets.push_back(off);
    add("ERR @" + std::to_string(off), at);
  }
  void on_tls_limit(const std::string& what, const rdpcap::model::FrameRef& at) override { add("LIMIT " + what, at); }

 private:
  static std::string hex4(uint16_t v) {
    char b[8];
    std::snprintf(b, sizeof b, "%04x", v);
    return b;
  }
  void add(std::string e, const rdpcap::model::FrameRef& at) {
    events.push_back(std::move(e));
    frames.push_back(at.frame);
  }
};

// Feeds a direction frame by frame (FrameRef = the frame that carried the bytes).
inline void feed_chunks(rdpcap::tls::TlsStream& s, const Direction& d, Recorder& r, size_t skip_bytes = 0) {
  size_t skipped = 0;
  for (const auto& c : d.chunks) {
    rdpcap::util::Bytes b(c.bytes);
    if (skipped < skip_bytes) {
      size_t n = std::min(skip_bytes - skipped, b.size());
      skipped += n;
      b = b.subspan(n);
    }
    if (!b.empty()) s.feed(b, rdpcap::model::FrameRef{c.frame, c.time_us}, r);
  }
}

// Deterministic pseudo-random numbers (64-bit LCG, Knuth MMIX constants).
struct Lcg {
  uint64_t state;
  explicit Lcg(uint64_t seed) : state(seed) {}
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
  uint32_t below(uint32_t n) { return n ? next() % n : 0; }
};

}  // namespace tls_test
