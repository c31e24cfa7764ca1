// The TLS handshake as the TlsStream reports it: each callback records the
// first occurrence of a fact in the summary, adds a typed timeline event and
// sends the connection a PhaseEvent (the table in connection_state.cpp moves). Client-side and server-side messages are kept
// apart (a hello from the wrong side is ignored, not trusted).
#include <fmt/format.h>

#include "session/direction_handler.hpp"
#include "x509/certificate_cache.hpp"

namespace rdpcap::session {

using model::EventKind;
using model::FrameRef;
namespace events = model::events;

void Connection::DirectionHandler::on_client_hello(tls::ClientHello&& hello, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (!is_client()) return;
  ++t.client_hello_count;
  conn_.on(PhaseEvent::client_hello);
  conn_.note(events::client_hello(hello, at));
  if (!t.client_hello) {
    t.client_hello = std::move(hello);
    t.client_hello_at = at;
  }
}

void Connection::DirectionHandler::on_server_hello(const tls::ServerHello& hello, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (is_client()) return;
  if (hello.hello_retry_request) {
    t.hello_retry = hello;
    t.hello_retry_at = at;
    conn_.note(events::simple(EventKind::hello_retry_request, at, dir_));
    return;
  }
  if (!t.server_hello) {
    t.server_hello = hello;
    t.server_hello_at = at;
  }
  if (hello.negotiated_version() >= 0x0304) {  // RFC 8446 2: the rest is encrypted, in both directions
    tls_.set_encrypted();
    // The client's records after its compatibility CCS carry the outer type
    // application_data (RFC 8446 5.2), so its stream cannot tell by itself.
    conn_.side(model::Direction::client_to_server).tls_.set_encrypted();
  }
  conn_.on(PhaseEvent::server_hello);
  conn_.note(events::server_hello(hello, at));
  conn_.install_decryptors(at);  // with keys: both hellos are known now
}

void Connection::DirectionHandler::on_certificates(const std::vector<util::Bytes>& certs, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (is_client()) {
    auto e = events::simple(EventKind::client_certificate, at, dir_);
    e.number = certs.size();
    conn_.note(std::move(e));
    return;
  }
  if (t.certificate_at.seen()) return;  // first chain only
  t.certificate_at = at;
  for (const auto& der : certs) {
    if (t.certificates.size() >= conn_.limits_.max_certificates) {
      conn_.limit_hit("certificates kept per connection");
      break;
    }
    t.certificates.push_back(x509::read_certificate_cached(der));
  }
  conn_.note(events::certificate(t.certificates, certs.size(), at));
}

void Connection::DirectionHandler::on_certificate_request(const tls::CertificateRequest& req, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (is_client() || t.certificate_request) return;
  t.certificate_request = req;
  t.certificate_request_at = at;
  conn_.note(events::simple(EventKind::certificate_request, at, dir_));
}

void Connection::DirectionHandler::on_server_hello_done(const FrameRef& at) {
  if (is_client()) return;
  conn_.summary_.tls.server_hello_done_at = at;
  conn_.note(events::simple(EventKind::server_hello_done, at, dir_));
}

void Connection::DirectionHandler::on_other_handshake(uint8_t type, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (type == static_cast<uint8_t>(tls::HandshakeType::client_key_exchange) && is_client() &&
      !t.client_key_exchange_at.seen())
    t.client_key_exchange_at = at;
  auto e = events::simple(EventKind::handshake, at, dir_);
  e.code = type;
  conn_.note(std::move(e));
}

void Connection::DirectionHandler::on_change_cipher_spec(const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  FrameRef& ccs = is_client() ? t.client_ccs_at : t.server_ccs_at;
  if (ccs.seen()) return;
  ccs = at;
  conn_.note(events::simple(EventKind::change_cipher_spec, at, dir_));
}

void Connection::DirectionHandler::on_alert(const tls::Alert& alert, bool encrypted, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (t.alerts.size() >= conn_.limits_.max_alerts) {
    conn_.limit_hit("TLS alerts kept per connection");
    return;
  }
  // An encrypted alert with a real level (1 or 2) was decrypted with the session's keys.
  const bool decrypted = encrypted && alert.level != 0;
  t.alerts.push_back({at, dir_, alert, encrypted, decrypted});
  conn_.note(events::alert(alert, encrypted, at, dir_));
  conn_.on(PhaseEvent::tls_alert);
}

void Connection::DirectionHandler::on_encrypted_record(uint8_t content_type, uint16_t length, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  auto& traffic = is_client() ? t.client_encrypted : t.server_encrypted;
  if (traffic.records == 0) {
    traffic.first = at;
    conn_.note(events::simple(EventKind::encrypted_records, at, dir_));
  }
  ++traffic.records;
  traffic.bytes += length;
  traffic.last = at;
  if (!t.handshake_complete()) return;
  conn_.on(PhaseEvent::tls_handshake_done);
  // Application data after the handshake: follow a few records (the CredSSP
  // exchange), then stop keeping bytes for this direction.
  if (content_type == static_cast<uint8_t>(tls::ContentType::application_data) && traffic.records > 2)
    conn_.on(PhaseEvent::tls_application_data);
  const auto& limits = conn_.limits_;
  if (traffic.records >= (tls_.decrypting() ? limits.decrypted_records_followed : limits.encrypted_records_followed))
    stop_parsing();
}

void Connection::DirectionHandler::on_application_data(util::Bytes plaintext, const FrameRef& at) {
  auto& side = is_client() ? conn_.summary_.tls.decryption.client : conn_.summary_.tls.decryption.server;
  side.plaintext_bytes += plaintext.size();
  conn_.inner_.on_application_data(conn_.summary_.inner.mut(), dir_, plaintext, at);  // issue 11 item 3
  conn_.inner_progress();
}

void Connection::DirectionHandler::on_decryption_failed(const std::string& reason, const FrameRef& at) {
  auto& d = conn_.summary_.tls.decryption;
  auto& side = is_client() ? d.client : d.server;
  side.failed = true;
  side.failed_at = at;
  side.failure = reason;
  d.status = model::DecryptionFacts::Status::failed;
  conn_.note(events::with_detail(EventKind::decryption_failed, reason, at, dir_, true));
}

void Connection::DirectionHandler::on_decryption_ended(const std::string& reason, const FrameRef&) {
  auto& d = conn_.summary_.tls.decryption;
  (is_client() ? d.client : d.server).ended = reason;
}

void Connection::DirectionHandler::on_tls_error(const std::string& reason, uint64_t offset, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  std::string& err = is_client() ? t.client_error : t.server_error;
  if (!err.empty()) return;
  err = fmt::format("{} (stream offset {})", reason, offset);
  (is_client() ? t.client_error_at : t.server_error_at) = at;
  conn_.note(events::with_detail(EventKind::not_tls, reason, at, dir_, true));
}

void Connection::DirectionHandler::on_tls_limit(const std::string& what, const FrameRef&) { conn_.limit_hit(what); }

}  // namespace rdpcap::session
