#include "session/kerberos_watch.hpp"

#include <algorithm>
#include <cctype>

#include "proto/kerberos.hpp"

namespace rdpcap::session {

namespace {

bool starts_with_ci(const std::string& s, const char* prefix) {
  for (size_t i = 0; prefix[i]; ++i)
    if (i >= s.size() || std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}
// The TGT (AS exchange) or the RDP service ticket: what NLA needs.
bool relevant(const std::string& sname) {
  return sname.empty() || starts_with_ci(sname, "krbtgt/") || starts_with_ci(sname, "TERMSRV/");
}
}  // namespace

void KerberosWatch::message(util::Bytes msg, const std::string& src, const std::string& dst, bool from_kdc,
                            const model::FrameRef& at) {
  auto m = proto::kerberos::parse_message(msg);
  if (!m.is_ok()) return;
  Event e;
  e.at = at;
  e.client_ip = from_kdc ? dst : src;
  e.kdc_ip = from_kdc ? src : dst;
  const auto& v = m.value();
  if (v.error && from_kdc) {
    e.error = true;
    e.err.at = at;
    e.err.error_code = v.error->error_code;
    e.err.realm = v.error->realm;
    e.err.sname = v.error->sname.text;
    if (v.error->cname) e.err.cname = v.error->cname->text;
    e.err.stime = v.error->stime;
    e.err.kdc_ip = e.kdc_ip;
  } else if (v.kdc_req && !from_kdc) {
    e.req.at = at;
    e.req.msg_type = v.kdc_req->msg_type;
    e.req.realm = v.kdc_req->realm;
    if (v.kdc_req->sname) e.req.sname = v.kdc_req->sname->text;
  } else {
    return;
  }
  if (limits_.kerberos_events == 0) return;
  if (order_.size() >= limits_.kerberos_events) {
    auto oldest = by_client_.find(order_.front());
    oldest->second.drop_oldest();
    if (oldest->second.empty()) by_client_.erase(oldest);
    order_.pop_front();
  }
  order_.push_back(e.client_ip);
  by_client_[e.client_ip].events.push_back(std::move(e));
}

void KerberosWatch::ClientEvents::drop_oldest() {
  events[head++] = Event{};  // its strings freed now
  if (head * 2 < events.size()) return;
  events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(head));
  head = 0;
}

void KerberosWatch::on_udp(const net::UdpDatagram& d, const model::FrameRef& at) {
  if (!is_kerberos(d.sport, d.dport) || d.payload.empty()) return;
  message(d.payload, d.src.to_string(), d.dst.to_string(), d.sport == kPort, at);
}

void KerberosWatch::on_tcp(const net::TcpSegment& seg, const model::FrameRef& at) {
  if (!is_kerberos(seg.sport, seg.dport)) return;
  const std::string src = seg.src.to_string(), dst = seg.dst.to_string();
  const HalfKey key{src, seg.sport, dst, seg.dport};
  if (seg.flags & (net::tcp_flag::fin | net::tcp_flag::rst)) {
    tcp_.erase(key);
    if (seg.payload.empty()) return;
  }
  if (seg.payload.empty()) return;
  auto it = tcp_.find(key);
  if (it == tcp_.end()) {
    if (tcp_.size() >= limits_.kerberos_tcp_streams) return;
    it = tcp_.emplace(key, Half{}).first;
    it->second.next_seq = seg.seq;
  }
  Half& h = it->second;
  if (seg.seq != h.next_seq) h.buf.clear();  // a hole or a retransmission: start again at this segment
  h.next_seq = seg.seq + static_cast<uint32_t>(seg.payload.size());
  h.buf.insert(h.buf.end(), seg.payload.begin(), seg.payload.end());
  // RFC 4120 7.2.2: a 4-byte record mark, then the message.
  size_t pos = 0;
  while (pos < h.buf.size()) {
    auto r = proto::kerberos::frame_tcp_record(util::Bytes(h.buf).subspan(pos), limits_.kerberos_message_bytes);
    if (r.is_need_more()) break;
    if (r.is_invalid()) {
      pos = h.buf.size();
      break;
    }
    message(r.value(), src, dst, seg.sport == kPort, at);
    pos += r.consumed();
  }
  h.buf.erase(h.buf.begin(), h.buf.begin() + static_cast<std::ptrdiff_t>(pos));
  if (h.buf.size() > limits_.kerberos_message_bytes + 4) tcp_.erase(it);
}

void KerberosWatch::attach(model::ConnectionSummary& c) const {
  const int64_t from = c.first.time_us - kBefore_us;
  const int64_t to = std::min(c.last.time_us, c.first.time_us + kSetup_us);
  const auto mine = by_client_.find(c.client_ip);
  if (mine == by_client_.end()) return;
  const auto& kept = mine->second.events;
  for (size_t i = mine->second.head; i < kept.size(); ++i) {
    const Event& e = kept[i];
    if (e.at.time_us < from || e.at.time_us > to) continue;
    if (e.error) {
      if (!relevant(e.err.sname) || c.inner->kerberos_errors.size() >= limits_.kerberos_attached) continue;
      c.inner.mut().kerberos_errors.push_back(e.err);
    } else {
      if (!relevant(e.req.sname) || c.inner->kerberos_requests.size() >= limits_.kerberos_attached) continue;
      c.inner.mut().kerberos_requests.push_back(e.req);
    }
  }
}

}  // namespace rdpcap::session
