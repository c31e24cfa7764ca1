#include "evidence_writer.hpp"

#include <fmt/format.h>
#include <pcap/pcap.h>

#include <deque>
#include <map>
#include <memory>

#include "net/packet.hpp"
#include "pcapng_writer.hpp"
#include "util/escape.hpp"
#include "util/time.hpp"

namespace rdpcap::cli {

namespace {

struct Selected {
  const session::ConnectionResult* r;
  std::set<uint64_t> icmp_frames;
};

// Frames held back before writing, so that a masked string split across two
// TCP segments of one direction can be overwritten in both.
constexpr size_t kWindow = 256;

struct Pending {
  uint64_t index = 0;  // order in the output
  int64_t time_us = 0;
  uint32_t original = 0;
  std::vector<uint8_t> data;
  size_t payload_offset = 0, payload_size = 0;
  std::vector<std::string> comments;
};

std::string tuple_key(const std::string& a, uint16_t pa, const std::string& b, uint16_t pb) {
  return fmt::format("{}|{}|{}|{}", a, pa, b, pb);
}

}  // namespace

std::vector<uint64_t> evidence_connections(const session::AnalysisResult& result, const std::set<uint64_t>& named) {
  std::vector<uint64_t> ids;
  for (const auto& r : result.connections)
    if (named.empty() ? !r.findings.empty() : named.count(r.summary.id) > 0) ids.push_back(r.summary.id);
  return ids;
}

std::vector<std::pair<uint64_t, std::string>> finding_comments(const session::ConnectionResult& r) {
  std::vector<std::pair<uint64_t, std::string>> out;
  std::set<std::pair<uint64_t, std::string>> seen;
  const auto add = [&](uint64_t frame, std::string text) {
    if (frame && seen.insert({frame, text}).second) out.emplace_back(frame, std::move(text));
  };
  for (const auto& f : r.findings) {
    const std::string title = util::escape_text(f.title);
    add(f.frame, fmt::format("rdpcap {} [{}]: {} (connection #{})", f.code, rules::severity_name(f.severity), title,
                             r.summary.id));
    for (const auto& e : f.evidence)
      if (e.frame && e.frame != f.frame)
        add(e.frame, fmt::format("rdpcap {} evidence ({}): {} (connection #{})", f.code, util::escape_text(e.key),
                                 title, r.summary.id));
  }
  return out;
}

EvidenceResult write_evidence(const session::AnalysisResult& result, const EvidenceRequest& request) {
  EvidenceResult out;
  // Selected connections by 4-tuple (client -> server); several may share one
  // tuple (port reuse): the frame range tells them apart.
  std::map<std::string, std::vector<Selected>> by_tuple;
  std::map<uint64_t, std::vector<std::string>> comments;
  out.connections = evidence_connections(result, request.connection_ids);
  const std::set<uint64_t> wanted(out.connections.begin(), out.connections.end());
  for (const auto& r : result.connections) {
    if (!wanted.count(r.summary.id)) continue;
    const auto& c = r.summary;
    Selected s{&r, {}};
    for (const auto& icmp : c.tcp.icmp) s.icmp_frames.insert(icmp.at.frame);
    by_tuple[tuple_key(c.client_ip, c.client_port, c.server_ip, c.server_port)].push_back(std::move(s));
    for (auto& [frame, text] : finding_comments(r)) comments[frame].push_back(std::move(text));
  }

  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, decltype(&pcap_close)> pcap(
      pcap_open_offline_with_tstamp_precision(request.input.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf),
      &pcap_close);
  if (!pcap) {
    out.error = errbuf;
    return out;
  }
  const int link_type = pcap_datalink(pcap.get());
  int snaplen = pcap_snapshot(pcap.get());
  if (snaplen <= 0) snaplen = 262144;
  PcapngWriter writer;
  if (!writer.open(request.output, static_cast<uint16_t>(link_type), static_cast<uint32_t>(snaplen),
                   std::string("rdpcap-analyze ") + RDPCAP_VERSION + " --evidence")) {
    out.error = request.output + ": " + writer.error();
    return out;
  }
  // --evidence-secrets (opt-in, never with --redact): the ticket's capture opens decrypted in Wireshark.
  if (!request.tls_secrets.empty()) {
    if (!writer.write_tls_secrets(request.tls_secrets)) {
      out.error = request.output + ": " + writer.error();
      return out;
    }
    out.secrets_embedded = true;
  }

  std::deque<Pending> window;
  uint64_t next_index = 0;
  std::map<std::string, uint64_t> last_payload;  // direction key -> index of its last payload frame in the window
  const size_t overlap = request.secrets && !request.secrets->empty() ? request.secrets->longest() : 0;
  bool write_ok = true;
  const auto flush_one = [&]() {
    Pending& p = window.front();
    write_ok = write_ok && writer.write_packet(p.time_us, p.data.data(), static_cast<uint32_t>(p.data.size()),
                                               p.original, p.comments);
    out.comments += p.comments.size();
    window.pop_front();
  };

  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  uint64_t number = 0;
  for (;;) {
    const int rc = pcap_next_ex(pcap.get(), &header, &data);
    if (rc != 1) break;  // end of file, or damage already reported by the first pass
    ++number;
    net::DecodedPacket packet;
    const util::Bytes frame(data, header->caplen);
    if (net::decode_frame(static_cast<uint32_t>(link_type), frame, packet) != net::DecodeStatus::ok) continue;
    const Selected* match = nullptr;
    bool from_client = true;
    if (packet.kind == net::PacketKind::tcp) {
      const auto& t = packet.tcp;
      const std::string src = t.src.to_string(), dst = t.dst.to_string();
      for (int dir = 0; dir < 2 && !match; ++dir) {
        const auto it = dir == 0 ? by_tuple.find(tuple_key(src, t.sport, dst, t.dport))
                                 : by_tuple.find(tuple_key(dst, t.dport, src, t.sport));
        if (it == by_tuple.end()) continue;
        for (const auto& s : it->second)
          if (number >= s.r->summary.first.frame && number <= s.r->summary.last.frame) {
            match = &s;
            from_client = dir == 0;
            break;
          }
      }
    } else if (packet.kind == net::PacketKind::icmp_unreachable && packet.icmp.quoted_protocol == 6) {
      const auto& q = packet.icmp;
      const auto it = by_tuple.find(
          tuple_key(q.quoted_src.to_string(), q.quoted_sport, q.quoted_dst.to_string(), q.quoted_dport));
      if (it != by_tuple.end())
        for (const auto& s : it->second)
          if (s.icmp_frames.count(number) ||
              (number >= s.r->summary.first.frame && number <= s.r->summary.last.frame))
            match = &s;
    }
    if (!match) continue;

    Pending p;
    p.index = next_index++;
    p.time_us = util::to_micros(header->ts.tv_sec, header->ts.tv_usec);
    p.original = header->len;
    p.data.assign(data, data + header->caplen);
    if (auto it = comments.find(number); it != comments.end()) p.comments = it->second;
    if (packet.kind == net::PacketKind::tcp && !packet.tcp.payload.empty()) {
      p.payload_offset = static_cast<size_t>(packet.tcp.payload.data() - data);
      p.payload_size = packet.tcp.payload.size();
    }
    if (overlap && p.payload_size) {
      // Search the tail of the previous segment of this direction joined
      // with this one, then copy the masked bytes back to both frames.
      const std::string dir_key = fmt::format("{}|{}", static_cast<const void*>(match), from_client);
      Pending* prev = nullptr;
      if (auto it = last_payload.find(dir_key); it != last_payload.end() && !window.empty() &&
                                               it->second >= window.front().index)
        prev = &window[it->second - window.front().index];
      const size_t tail = prev ? std::min(prev->payload_size, overlap - 1) : 0;
      std::vector<uint8_t> joined;
      if (tail)
        joined.assign(prev->data.begin() + static_cast<long>(prev->payload_offset + prev->payload_size - tail),
                      prev->data.begin() + static_cast<long>(prev->payload_offset + prev->payload_size));
      joined.insert(joined.end(), p.data.begin() + static_cast<long>(p.payload_offset),
                    p.data.begin() + static_cast<long>(p.payload_offset + p.payload_size));
      const size_t hits = redact_bytes(joined.data(), joined.size(), *request.secrets);
      if (hits) {
        out.redacted += hits;
        if (tail)
          std::copy(joined.begin(), joined.begin() + static_cast<long>(tail),
                    prev->data.begin() + static_cast<long>(prev->payload_offset + prev->payload_size - tail));
        std::copy(joined.begin() + static_cast<long>(tail), joined.end(),
                  p.data.begin() + static_cast<long>(p.payload_offset));
      }
      last_payload[dir_key] = p.index;
    }
    window.push_back(std::move(p));
    ++out.frames;
    if (window.size() > kWindow) flush_one();
  }
  while (!window.empty()) flush_one();
  if (!writer.close() || !write_ok) {
    out.error = request.output + ": " + writer.error();
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace rdpcap::cli
