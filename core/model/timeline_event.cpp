#include "model/timeline_event.hpp"

namespace rdpcap::model::events {

TimelineEvent simple(EventKind kind, const FrameRef& at, Direction from, bool failure) {
  TimelineEvent e;
  e.at = at;
  e.from = from;
  e.kind = kind;
  e.failure = failure;
  return e;
}

TimelineEvent with_detail(EventKind kind, std::string detail, const FrameRef& at, Direction from, bool failure) {
  TimelineEvent e = simple(kind, at, from, failure);
  e.detail = std::move(detail);
  return e;
}

TimelineEvent connection_request(const proto::ConnectionRequest& req, const FrameRef& at) {
  TimelineEvent e = simple(EventKind::x224_request, at, Direction::client_to_server);
  e.flag = req.has_neg_req;
  e.number = req.requested_protocols;
  return e;
}

TimelineEvent connection_confirm(const proto::ConnectionConfirm& cc, const FrameRef& at) {
  using Kind = proto::ConnectionConfirm::Kind;
  TimelineEvent e = simple(EventKind::x224_confirm, at, Direction::server_to_client, cc.kind == Kind::failure);
  e.code = static_cast<uint8_t>(cc.kind);
  e.number = cc.kind == Kind::failure ? cc.failure_code : cc.selected_protocol;
  return e;
}

TimelineEvent client_hello(const tls::ClientHello& hello, const FrameRef& at) {
  TimelineEvent e = simple(EventKind::client_hello, at, Direction::client_to_server);
  e.version = hello.max_offered_version();
  e.number = hello.cipher_suites.size();
  e.flag = hello.sslv2_format;
  return e;
}

TimelineEvent server_hello(const tls::ServerHello& hello, const FrameRef& at) {
  TimelineEvent e = simple(EventKind::server_hello, at, Direction::server_to_client);
  e.version = hello.negotiated_version();
  e.suite = hello.cipher_suite;
  return e;
}

TimelineEvent certificate(const x509::CertificateChain& chain, size_t sent, const FrameRef& at) {
  TimelineEvent e = simple(EventKind::certificate, at, Direction::server_to_client);
  e.number = sent;
  e.flag = !chain.empty();
  if (e.flag) e.detail = chain.front().subject_cn.empty() ? chain.front().subject : chain.front().subject_cn;
  return e;
}

TimelineEvent alert(const tls::Alert& alert, bool encrypted, const FrameRef& at, Direction from) {
  // An encrypted alert with a level of 1 or 2 was decrypted with the session's keys.
  if (encrypted && alert.level == 0) return simple(EventKind::encrypted_alert, at, from, true);
  TimelineEvent e = simple(encrypted ? EventKind::decrypted_alert : EventKind::alert, at, from, alert.level == 2);
  e.code = alert.level;
  e.number = alert.description;
  return e;
}

TimelineEvent icmp(bool v6, uint8_t type, uint8_t code, const FrameRef& at) {
  TimelineEvent e = simple(EventKind::icmp_unreachable, at, Direction::server_to_client, true);
  e.flag = v6;
  e.number = type;
  e.code = code;
  return e;
}

}  // namespace rdpcap::model::events
