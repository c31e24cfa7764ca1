// rdpcap-fuzz-seeds OUT_DIR CAPTURE...: seed corpora for every fuzz target,
// made at run time from sample captures (nothing is checked in):
//   fuzz_pcap          the capture files themselves
//   fuzz_tcp_flow      each TCP connection as streams + segment list (capture order)
//   fuzz_negotiation   the TPKT PDUs at the start of each direction
//   fuzz_tls_stream    each direction's TLS bytes, whole and in small splits
//   fuzz_tls_messages  every handshake message / alert (selector byte + body)
//   fuzz_x509          every certificate DER
//   fuzz_inner         the plaintext TPKT stream of each direction, and the decrypted records of
//                      samples/pcaps/01 (tests/unit/inner_vectors.hpp), as control-byte pieces
#include <pcap/pcap.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "../tests/unit/inner_vectors.hpp"
#include "net/packet.hpp"
#include "proto/rdp_negotiation.hpp"
#include "session/flow_key.hpp"
#include "tls/tls_parser.hpp"

using namespace rdpcap;

namespace {

constexpr size_t kMaxStream = 32 * 1024;  // per direction, per seed
constexpr size_t kMaxFlowOps = 512;
constexpr size_t kMaxFlowsPerCapture = 12;

std::string out_dir;
std::map<std::string, size_t> written;

void write_seed(const std::string& target, const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return;
  uint64_t h = 1469598103934665603ull;  // FNV-1a: content-addressed names dedupe seeds
  for (uint8_t b : bytes) h = (h ^ b) * 1099511628211ull;
  const std::string dir = out_dir + "/" + target;
  ::mkdir(dir.c_str(), 0755);
  char name[32];
  std::snprintf(name, sizeof name, "/seed-%016llx", static_cast<unsigned long long>(h));
  std::ofstream(dir + name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                    static_cast<std::streamsize>(bytes.size()));
  ++written[target];
}

// fuzz_inner input: each piece is a control byte (bit 0: server direction,
// bits 1-7: length - 1) and up to 128 bytes.
void append_inner(std::vector<uint8_t>& out, const std::vector<uint8_t>& bytes, bool from_server) {
  for (size_t pos = 0; pos < bytes.size();) {
    const size_t n = std::min<size_t>(128, bytes.size() - pos);
    out.push_back(static_cast<uint8_t>(((n - 1) << 1) | (from_server ? 1 : 0)));
    out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
  }
}

void inner_seeds() {
  std::vector<uint8_t> all;
  for (const auto& r : testing::sample01::kRecords) {
    std::vector<uint8_t> bytes;
    for (const char* h = r.hex; h[0] && h[1]; h += 2) bytes.push_back(static_cast<uint8_t>(std::stoul(std::string(h, 2), nullptr, 16)));
    write_seed("fuzz_inner", bytes.size() <= 128 ? std::vector<uint8_t>{} : bytes);  // a whole record (parsers only)
    std::vector<uint8_t> one;
    append_inner(one, bytes, !r.from_client);
    write_seed("fuzz_inner", one);
    append_inner(all, bytes, !r.from_client);
  }
  write_seed("fuzz_inner", all);
}

struct Segment {
  bool from_b;  // direction relative to the first packet's source
  uint32_t seq, ack;
  uint8_t flags;
  std::vector<uint8_t> payload;
};

struct Flow {
  net::IpAddress a_ip;
  uint16_t a_port = 0;
  std::vector<Segment> segs;
};

// Bytes of one direction placed by sequence number from `base`, up to kMaxStream.
std::vector<uint8_t> stream_of(const Flow& f, bool from_b, uint32_t base) {
  std::vector<uint8_t> out;
  for (const auto& s : f.segs) {
    if (s.from_b != from_b || s.payload.empty()) continue;
    const uint32_t off = s.seq - base;
    if (off >= kMaxStream) continue;
    const size_t end = std::min<size_t>(off + s.payload.size(), kMaxStream);
    if (out.size() < end) out.resize(end);
    std::copy(s.payload.begin(), s.payload.begin() + static_cast<std::ptrdiff_t>(end - off), out.begin() + off);
  }
  return out;
}

// Offset where TLS starts in a direction's stream (after TPKT PDUs), or npos.
size_t tls_start(const std::vector<uint8_t>& s) {
  size_t pos = 0;
  while (pos + 4 <= s.size() && s[pos] == 3 && s[pos + 1] == 0) {
    const size_t len = (size_t{s[pos + 2]} << 8) | s[pos + 3];
    if (len < 4) return std::string::npos;
    pos += len;
  }
  if (pos < s.size() && tls::looks_like_tls(util::Bytes(s).subspan(pos))) return pos;
  return std::string::npos;
}

void tls_seeds(const std::vector<uint8_t>& stream) {
  const size_t start = tls_start(stream);
  if (start == std::string::npos) return;
  util::Bytes tls(util::Bytes(stream).subspan(start));
  std::vector<uint8_t> whole{0, 0};
  whole.insert(whole.end(), tls.begin(), tls.end());
  write_seed("fuzz_tls_stream", whole);
  std::vector<uint8_t> split{0, 16};
  for (uint8_t n : {1, 2, 3, 4, 5, 7, 11, 64, 100, 200, 1, 1, 1, 250, 3, 9}) split.push_back(n);
  split.insert(split.end(), tls.begin(), tls.end());
  write_seed("fuzz_tls_stream", split);

  // Handshake messages (plaintext records before a CCS) and alerts.
  std::vector<uint8_t> hs;
  util::ByteReader r(tls);
  while (r.remaining() >= 5) {
    auto h = tls::parse_record_header(r.rest());
    if (!h.is_ok() || r.remaining() < 5u + h.value().length) break;
    r.skip(5);
    util::Bytes frag;
    r.bytes(h.value().length, frag);
    if (h.value().content_type == 20) break;
    if (h.value().content_type == 21) {
      std::vector<uint8_t> a{6};
      a.insert(a.end(), frag.begin(), frag.end());
      write_seed("fuzz_tls_messages", a);
    }
    if (h.value().content_type == 22) hs.insert(hs.end(), frag.begin(), frag.end());
  }
  util::ByteReader m(hs);
  while (m.remaining() >= 4) {
    auto h = tls::parse_handshake_header(m.rest());
    if (!h.is_ok() || m.remaining() < 4u + h.value().length) break;
    m.skip(4);
    util::Bytes body;
    m.bytes(h.value().length, body);
    int selector = -1;
    switch (h.value().msg_type) {
      case 1: selector = 0; break;
      case 2: selector = 1; break;
      case 11: selector = 2; break;
      case 13: selector = 3; break;
    }
    if (selector < 0) continue;
    std::vector<uint8_t> seed{static_cast<uint8_t>(selector)};
    seed.insert(seed.end(), body.begin(), body.end());
    write_seed("fuzz_tls_messages", seed);
    if (h.value().msg_type == 11) {
      auto certs = tls::parse_certificate_list(body);
      if (certs.is_ok())
        for (auto der : certs.value()) write_seed("fuzz_x509", std::vector<uint8_t>(der.begin(), der.end()));
    }
  }
}

void negotiation_seed(const std::vector<uint8_t>& stream) {
  if (stream.size() < 4 || stream[0] != 3 || stream[1] != 0) return;
  const size_t start = tls_start(stream);
  const size_t end = std::min(start == std::string::npos ? stream.size() : start, size_t{4096});
  write_seed("fuzz_negotiation", std::vector<uint8_t>(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(end)));
  std::vector<uint8_t> inner;
  append_inner(inner, std::vector<uint8_t>(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(end)), false);
  write_seed("fuzz_inner", inner);
}

void flow_seeds(const Flow& f) {
  // The client is the side that sent the first SYN (or the first packet).
  bool client_is_b = false;
  for (const auto& s : f.segs)
    if ((s.flags & net::tcp_flag::syn) && !(s.flags & net::tcp_flag::ack)) {
      client_is_b = s.from_b;
      break;
    }
  std::optional<uint32_t> isn[2];
  uint32_t first_seq[2] = {0, 0};
  bool have_first[2] = {false, false};
  for (const auto& s : f.segs) {
    const int d = s.from_b != client_is_b;  // 0 client, 1 server
    if ((s.flags & net::tcp_flag::syn) && !isn[d]) isn[d] = s.seq;
    if (!have_first[d] && !(s.flags & net::tcp_flag::syn)) first_seq[d] = s.seq, have_first[d] = true;
  }
  fuzz::FlowInput in;
  in.mode = 8;
  uint32_t base[2];
  for (int d = 0; d < 2; ++d) base[d] = isn[d] ? *isn[d] + 1 : first_seq[d];
  if (isn[0] && isn[1]) {
    in.mode |= 1;
    in.client_isn = *isn[0];
    in.server_isn = *isn[1];
  } else {
    in.client_isn = base[0] - 1;
    in.server_isn = base[1] - 1;
  }
  const auto client = stream_of(f, client_is_b, base[0]);
  const auto server = stream_of(f, !client_is_b, base[1]);
  for (const auto& s : f.segs) {
    if (in.ops.size() >= kMaxFlowOps) break;
    if ((s.flags & net::tcp_flag::syn) && (in.mode & 1)) continue;  // the synthesized handshake covers them
    const int d = s.from_b != client_is_b;
    fuzz::FlowOp op;
    op.ctl = static_cast<uint8_t>(d);
    if (s.flags & net::tcp_flag::fin) op.ctl |= 2;
    if (s.flags & net::tcp_flag::rst) op.ctl |= 4;
    if (!(s.flags & net::tcp_flag::ack)) op.ctl |= 16;
    const uint32_t off = s.seq - base[d];
    if (off > 0xffff || off + s.payload.size() > kMaxStream) continue;
    op.offset = static_cast<uint16_t>(off);
    op.length = static_cast<uint16_t>(s.payload.size());
    in.ops.push_back(op);
  }
  in.client = client;
  in.server = server;
  write_seed("fuzz_tcp_flow", fuzz::encode_flow_input(in));
  negotiation_seed(client);
  negotiation_seed(server);
  tls_seeds(client);
  tls_seeds(server);
}

bool read_capture(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
  if (!p) {
    std::fprintf(stderr, "rdpcap-fuzz-seeds: %s: %s\n", path.c_str(), errbuf);
    return false;
  }
  const uint32_t link = static_cast<uint32_t>(pcap_datalink(p));
  std::map<session::FlowKey, Flow, bool (*)(const session::FlowKey&, const session::FlowKey&)> flows(
      [](const session::FlowKey& x, const session::FlowKey& y) {
        return std::tie(x.a, x.port_a, x.b, x.port_b) < std::tie(y.a, y.port_a, y.b, y.port_b);
      });
  std::vector<session::FlowKey> order;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &h, &data) == 1) {
    net::DecodedPacket pkt;
    if (net::decode_frame(link, util::Bytes(data, h->caplen), pkt) != net::DecodeStatus::ok) continue;
    if (pkt.kind != net::PacketKind::tcp) continue;
    const auto& t = pkt.tcp;
    const auto key = session::FlowKey::of(t.src, t.sport, t.dst, t.dport);
    auto [it, fresh] = flows.try_emplace(key);
    if (fresh) {
      it->second.a_ip = t.src;
      it->second.a_port = t.sport;
      order.push_back(key);
    }
    Flow& f = it->second;
    const bool from_b = !(t.src == f.a_ip && t.sport == f.a_port);
    f.segs.push_back({from_b, t.seq, t.ack, t.flags, std::vector<uint8_t>(t.payload.begin(), t.payload.end())});
  }
  pcap_close(p);
  size_t n = 0;
  for (const auto& key : order) {
    const Flow& f = flows.find(key)->second;
    bool has_payload = false;
    for (const auto& s : f.segs) has_payload |= !s.payload.empty();
    if (!has_payload && n > 0) continue;
    flow_seeds(f);
    if (++n >= kMaxFlowsPerCapture) break;
  }
  std::ifstream file(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes.size() > 256 * 1024) bytes.resize(256 * 1024);  // a cut file is a seed too
  write_seed("fuzz_pcap", bytes);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: rdpcap-fuzz-seeds OUT_DIR CAPTURE...\n");
    return 2;
  }
  out_dir = argv[1];
  ::mkdir(out_dir.c_str(), 0755);
  int failed = 0;
  inner_seeds();
  for (int i = 2; i < argc; ++i) failed += !read_capture(argv[i]);
  for (const auto& [target, n] : written) std::printf("%s: %zu seeds\n", target.c_str(), n);
  return failed ? 1 : 0;
}
