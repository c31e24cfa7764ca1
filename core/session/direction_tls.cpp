// The TLS handshake as the TlsStream reports it: each callback records the
// first occurrence of a fact in the summary, adds a timeline event and moves
// the connection's stage. Client-side and server-side messages are kept
// apart (a hello from the wrong side is ignored, not trusted).
#include <fmt/format.h>

#include "session/direction_handler.hpp"
#include "text/timeline_text.hpp"
#include "text/wire_text.hpp"
#include "x509/certificate_facts.hpp"

namespace rdpcap::session {

using model::FrameRef;
using model::Stage;

namespace {
constexpr uint64_t kEncryptedRecordsFollowed = 32;  // then stop buffering (application data)
}

void Connection::DirectionHandler::on_client_hello(const tls::ClientHello& hello, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (!is_client()) return;
  ++t.client_hello_count;
  if (!t.client_hello) {
    t.client_hello = hello;
    t.client_hello_at = at;
  }
  conn_.advance(Stage::tls_handshake);
  conn_.event(at, dir_, text::client_hello(hello));
}

void Connection::DirectionHandler::on_server_hello(const tls::ServerHello& hello, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (is_client()) return;
  if (hello.hello_retry_request) {
    t.hello_retry = hello;
    t.hello_retry_at = at;
    conn_.event(at, dir_, "HelloRetryRequest");
    return;
  }
  if (!t.server_hello) {
    t.server_hello = hello;
    t.server_hello_at = at;
  }
  if (hello.negotiated_version() >= 0x0304) tls_.set_encrypted();  // RFC 8446 2: rest is encrypted
  conn_.event(at, dir_, text::server_hello(hello));
}

void Connection::DirectionHandler::on_certificates(const std::vector<util::Bytes>& certs, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (is_client()) {
    conn_.event(at, dir_, fmt::format("Certificate ({} client certificates)", certs.size()));
    return;
  }
  if (t.certificate_at.seen()) return;  // first chain only
  t.certificate_at = at;
  for (const auto& der : certs) {
    if (t.certificates.size() >= conn_.limits_.max_certificates) {
      conn_.limit_hit("certificates kept per connection");
      break;
    }
    t.certificates.push_back(x509::read_certificate(der));
  }
  conn_.event(at, dir_, text::certificate(t.certificates, certs.size()));
}

void Connection::DirectionHandler::on_certificate_request(const tls::CertificateRequest& req, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (is_client() || t.certificate_request) return;
  t.certificate_request = req;
  t.certificate_request_at = at;
  conn_.event(at, dir_, "CertificateRequest");
}

void Connection::DirectionHandler::on_server_hello_done(const FrameRef& at) {
  if (is_client()) return;
  conn_.summary_.tls.server_hello_done_at = at;
  conn_.event(at, dir_, "ServerHelloDone");
}

void Connection::DirectionHandler::on_other_handshake(uint8_t type, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (type == static_cast<uint8_t>(tls::HandshakeType::client_key_exchange) && is_client() &&
      !t.client_key_exchange_at.seen())
    t.client_key_exchange_at = at;
  conn_.event(at, dir_, text::handshake_text(type));
}

void Connection::DirectionHandler::on_change_cipher_spec(const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  FrameRef& ccs = is_client() ? t.client_ccs_at : t.server_ccs_at;
  if (ccs.seen()) return;
  ccs = at;
  conn_.event(at, dir_, "ChangeCipherSpec");
}

void Connection::DirectionHandler::on_alert(const tls::Alert& alert, bool encrypted, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  if (t.alerts.size() >= conn_.limits_.max_alerts) {
    conn_.limit_hit("TLS alerts kept per connection");
    return;
  }
  t.alerts.push_back({at, dir_, alert, encrypted});
  conn_.event(at, dir_, text::alert(alert, encrypted), encrypted || alert.level == 2);
}

void Connection::DirectionHandler::on_encrypted_record(uint8_t content_type, uint16_t length, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  auto& traffic = is_client() ? t.client_encrypted : t.server_encrypted;
  if (traffic.records == 0) {
    traffic.first = at;
    conn_.event(at, dir_, "Encrypted records");
  }
  ++traffic.records;
  traffic.bytes += length;
  traffic.last = at;
  if (!t.handshake_complete()) return;
  if (conn_.summary_.stage == Stage::tls_handshake) conn_.advance(Stage::tls_established);
  // Application data after the handshake: follow a few records (the CredSSP
  // exchange), then stop keeping bytes for this direction.
  if (content_type == static_cast<uint8_t>(tls::ContentType::application_data) && traffic.records > 2)
    conn_.advance(Stage::application_data);
  if (traffic.records >= kEncryptedRecordsFollowed) stop_parsing();
}

void Connection::DirectionHandler::on_tls_error(const std::string& reason, uint64_t offset, const FrameRef& at) {
  auto& t = conn_.summary_.tls;
  std::string& err = is_client() ? t.client_error : t.server_error;
  if (!err.empty()) return;
  err = fmt::format("{} (stream offset {})", reason, offset);
  (is_client() ? t.client_error_at : t.server_error_at) = at;
  conn_.event(at, dir_, "Not TLS: " + reason, true);
}

void Connection::DirectionHandler::on_tls_limit(const std::string& what, const FrameRef&) { conn_.limit_hit(what); }

}  // namespace rdpcap::session
