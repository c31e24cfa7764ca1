// One direction of a Connection: reassembled bytes in, facts out.
//   first bytes -> mode (SOCKS5 | TPKT/X.224 | TLS | opaque)
//   direction_handler.cpp   mode choice, gaps, buffers, stopping
//   direction_socks.cpp     SOCKS5 greeting/auth/CONNECT in front of RDP
//   direction_x224.cpp      TPKT/X.224 negotiation, MCS/GCC, then STARTTLS
//   direction_tls.cpp       TLS observer: hellos, certificate, alerts, records
// Internal to the session folder; Connection owns two of these.
#pragma once

#include <string>
#include <vector>

#include "proto/rdp_negotiation.hpp"
#include "proto/socks.hpp"
#include "session/connection.hpp"
#include "tls/record_decryptor.hpp"
#include "tls/tls_stream.hpp"

namespace rdpcap::session {

class Connection::DirectionHandler final : public net::StreamSink, public tls::TlsObserver {
 public:
  enum class Mode { unknown, socks, x224, tls, opaque };

  DirectionHandler(Connection& conn, model::Direction dir, const Limits& limits)
      : reassembler(limits.reassembly_bytes, limits.reassembly_segments), conn_(conn), dir_(dir), tls_(limits.handshake_message_bytes) {}

  net::StreamReassembler reassembler;

  // net::StreamSink
  void on_stream_data(util::Bytes data, const model::FrameRef& at) override;
  void on_stream_gap(uint64_t missing, const model::FrameRef& at) override;

  // Bytes this direction holds in its buffers (capacity), for the memory tests.
  size_t retained_bytes() const;
  // The capture-wide buffer budget is spent (Analyzer): stop following this
  // direction and free what it holds, like a direction that went encrypted.
  void stop_following(const model::FrameRef& at);
  // Copies the TLS bytes still waiting for the rest of a record into the summary.
  void record_pending();
  // With keys: decrypt this direction's TLS records (session/decryption.cpp).
  void set_decryptor(std::unique_ptr<tls::RecordDecryptor> d) { tls_.set_decryptor(std::move(d)); }

  // tls::TlsObserver (direction_tls.cpp)
  void on_client_hello(tls::ClientHello&& hello, const model::FrameRef& at) override;
  void on_server_hello(const tls::ServerHello& hello, const model::FrameRef& at) override;
  void on_certificates(const std::vector<util::Bytes>& certs, const model::FrameRef& at) override;
  void on_certificate_request(const tls::CertificateRequest& req, const model::FrameRef& at) override;
  void on_server_hello_done(const model::FrameRef& at) override;
  void on_other_handshake(uint8_t type, const model::FrameRef& at) override;
  void on_change_cipher_spec(const model::FrameRef& at) override;
  void on_alert(const tls::Alert& alert, bool encrypted, const model::FrameRef& at) override;
  void on_encrypted_record(uint8_t content_type, uint16_t length, const model::FrameRef& at) override;
  void on_application_data(util::Bytes plaintext, const model::FrameRef& at) override;
  void on_decryption_failed(const std::string& reason, const model::FrameRef& at) override;
  void on_decryption_ended(const std::string& reason, const model::FrameRef& at) override;
  void on_tls_error(const std::string& reason, uint64_t offset, const model::FrameRef& at) override;
  void on_tls_limit(const std::string& what, const model::FrameRef& at) override;

 private:
  bool is_client() const { return dir_ == model::Direction::client_to_server; }
  model::Direction other() const {
    return is_client() ? model::Direction::server_to_client : model::Direction::client_to_server;
  }
  DirectionHandler& peer() { return conn_.side(other()); }
  static bool starts_like_tpkt(util::Bytes b) { return b.size() >= 2 && b[0] == 0x03 && b[1] == 0x00; }

  void choose_mode(util::Bytes data, const model::FrameRef& at);
  // Appends to the plaintext buffer; false (and opaque) past its cap.
  bool buffer_plaintext(util::Bytes data, const char* what);
  // Stop parsing and buffering this direction (encrypted or unknown data follows).
  void stop_parsing();
  void release_buffers();

  void feed_socks(util::Bytes data, const model::FrameRef& at);
  void on_socks(const proto::socks::Parsed& msg, const model::FrameRef& at);

  void feed_x224(util::Bytes data, const model::FrameRef& at);
  void on_pdu(const proto::TpktPdu& pdu, util::Bytes raw, const model::FrameRef& at);
  void on_x224_data(const proto::TpktPdu& pdu, util::Bytes raw, const model::FrameRef& at);

  Connection& conn_;
  model::Direction dir_;
  tls::TlsStream tls_;
  Mode mode_ = Mode::unknown;
  bool socks_done_ = false;
  proto::socks::Message socks_next_ = proto::socks::Message::greeting;
  bool sent_pdu_ = false;
  std::vector<uint8_t> buffer_;  // plaintext (SOCKS, X.224) not yet parsed
  bool stopped_ = false;         // stopped following this direction
};

}  // namespace rdpcap::session
