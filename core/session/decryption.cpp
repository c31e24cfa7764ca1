// Decryption of a connection's TLS with logged secrets (issue 11 item 2):
// once both hellos are known, the secrets are looked up by the ClientHello
// random (NSS key log format, tls/keylog.hpp) and each direction's TlsStream
// gets its RecordDecryptor. What could be decrypted is kept in
// summary.tls.decryption (model/decryption_facts.hpp).
#include <fmt/format.h>

#include "session/direction_handler.hpp"
#include "tls/record_decryptor.hpp"

namespace rdpcap::session {

using model::DecryptionFacts;
using model::FrameRef;

namespace {
std::string random_prefix(const tls::Random& r) {
  std::string s;
  for (size_t i = 0; i < 8; ++i) s += fmt::format("{:02x}", r[i]);
  return s + "...";
}
bool has_extension(const std::vector<uint16_t>& types, uint16_t t) {
  for (uint16_t x : types)
    if (x == t) return true;
  return false;
}
}  // namespace

void Connection::install_decryptors(const FrameRef& at) {
  auto& t = summary_.tls;
  auto& d = t.decryption;
  if (!keys_ || !t.client_hello || !t.server_hello || d.client.keys || d.server.keys) return;
  if (t.client_hello->sslv2_format || t.server_hello->sslv2_format) {
    d.status = DecryptionFacts::Status::unsupported;
    d.detail = "SSLv2-format hello";
    return;
  }
  const tls::SessionSecrets* secrets = keys_->find(t.client_hello->random);
  if (!secrets) {
    d.status = DecryptionFacts::Status::no_matching_key;
    d.detail = "the key logs have no secrets for client random " + random_prefix(t.client_hello->random);
    return;
  }
  const tls::ServerHello& sh = *t.server_hello;
  const uint16_t version = sh.negotiated_version();
  tls::SessionDecryptors pair;
  if (version >= 0x0304 && version < 0x0400) {
    pair = tls::tls13_decryptors(*secrets, sh.cipher_suite);
  } else {
    // RFC 7366 3: encrypt_then_mac (extension 22) applies when both hellos carry it.
    const bool etm = has_extension(t.client_hello->extension_types, 22) && has_extension(sh.extension_types, 22);
    pair = tls::tls12_decryptors(*secrets, version, sh.cipher_suite, t.client_hello->random, sh.random, etm);
  }
  if (!pair.client || !pair.server) {
    const bool missing = pair.problem.rfind("the key log has no", 0) == 0 ||
                         pair.problem.rfind("the logged traffic secrets", 0) == 0;
    d.status = missing ? DecryptionFacts::Status::no_matching_key : DecryptionFacts::Status::unsupported;
    d.detail = pair.problem;
    return;
  }
  // MS-RDPBCGR 2.2.10.2: with HYBRID_EX the Early User Authorization Result follows CredSSP.
  const auto& confirm = summary_.negotiation.confirm;
  if (confirm && confirm->kind == proto::ConnectionConfirm::Kind::response)
    inner_.set_selected_protocol(confirm->selected_protocol);
  d.status = DecryptionFacts::Status::decrypted;
  d.client.keys = d.server.keys = true;
  client_->set_decryptor(std::move(pair.client));
  server_->set_decryptor(std::move(pair.server));
  note(model::events::simple(model::EventKind::decryption_started, at, model::Direction::server_to_client));
}

// Decrypted application data went to the InnerStream: what it learned moves
// the connection's phase through the table (MS-RDPBCGR 1.3.1.1) and puts the
// milestones on the timeline, each once.
void Connection::inner_progress() {
  using model::EventKind;
  using model::RdpPhase;
  const auto& f = *summary_.inner;
  const auto reached = [&](RdpPhase p) { return f.phase_at[static_cast<size_t>(p)]; };
  const auto milestone = [&](uint32_t bit, EventKind kind, const FrameRef& at, model::Direction from, bool failure,
                             uint64_t number) {
    if (!at.seen() || (inner_noted_ & bit)) return;
    inner_noted_ |= bit;
    auto e = model::events::simple(kind, at, from, failure);
    e.number = number;
    note(std::move(e));
  };
  const auto c2s = model::Direction::client_to_server, s2c = model::Direction::server_to_client;
  if (f.client_ts_requests || f.server_ts_requests) on(PhaseEvent::credssp_request);
  milestone(1u << 0, EventKind::credssp_started, f.client_first_ts_request, c2s, false, f.client_credssp_version.value_or(0));
  if (f.error_code)
    milestone(1u << 1, EventKind::credssp_error, f.error_at, f.error_from, true, *f.error_code);
  if (f.euar_result) {
    on(PhaseEvent::early_user_authorization);
    milestone(1u << 2, EventKind::user_authorization, f.euar_at, s2c, *f.euar_result != 0, *f.euar_result);
  }
  if (reached(RdpPhase::basic_settings).seen()) on(PhaseEvent::mcs_connect_initial);
  milestone(1u << 3, EventKind::rdp_phase, reached(RdpPhase::basic_settings), c2s, false,
            static_cast<uint64_t>(RdpPhase::basic_settings));
  if (reached(RdpPhase::channel_connection).seen()) on(PhaseEvent::mcs_channel_join);
  if (reached(RdpPhase::security).seen()) on(f.client_info_at.seen() ? PhaseEvent::client_info : PhaseEvent::security_exchange);
  if (reached(RdpPhase::licensing).seen()) on(PhaseEvent::license);
  milestone(1u << 4, EventKind::rdp_phase, reached(RdpPhase::licensing), s2c, false,
            static_cast<uint64_t>(RdpPhase::licensing));
  if (f.license_error)
    milestone(1u << 5, EventKind::license_error, f.license_at, s2c,
              *f.license_error != 0x7,  // STATUS_VALID_CLIENT is the normal "no licence needed"
              *f.license_error);
  if (reached(RdpPhase::capabilities).seen()) on(PhaseEvent::demand_active);
  milestone(1u << 6, EventKind::rdp_phase, reached(RdpPhase::capabilities), s2c, false,
            static_cast<uint64_t>(RdpPhase::capabilities));
  if (reached(RdpPhase::finalization).seen()) on(PhaseEvent::finalization);
  if (reached(RdpPhase::session_running).seen() || f.font_map_at.seen()) on(PhaseEvent::finalization_done);
  milestone(1u << 7, EventKind::rdp_phase, reached(RdpPhase::session_running), s2c, false,
            static_cast<uint64_t>(RdpPhase::session_running));
  if (f.set_error_info) milestone(1u << 8, EventKind::set_error_info, f.set_error_info_at, s2c, true, *f.set_error_info);
  milestone(1u << 9, EventKind::disconnect_ultimatum, f.dpu_at, f.dpu_from, false, f.dpu_reason.value_or(0xff));
}

}  // namespace rdpcap::session
