// The connection's transition table (core/session/connection_state.cpp):
// the phases the handlers reach today move exactly as the forward-only stage
// did before the table; nothing moves backwards; every phase is reachable,
// including those decryption will reach (MS-RDPBCGR 1.3.1.1).
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "model/timeline_event.hpp"
#include "session/connection_state.hpp"
#include "text/event_text.hpp"

using namespace rdpcap;
using session::ConnectionState;
using session::Phase;
using session::PhaseEvent;

namespace {

constexpr int kPhases = static_cast<int>(Phase::active_session) + 1;
constexpr int kEvents = static_cast<int>(PhaseEvent::finalization_done) + 1;

std::vector<Phase> all_phases() {
  std::vector<Phase> out;
  for (int i = 0; i < kPhases; ++i) out.push_back(static_cast<Phase>(i));
  return out;
}
std::vector<PhaseEvent> all_events() {
  std::vector<PhaseEvent> out;
  for (int i = 0; i < kEvents; ++i) out.push_back(static_cast<PhaseEvent>(i));
  return out;
}

Phase run(std::initializer_list<PhaseEvent> events) {
  ConnectionState s;
  for (auto e : events) s.on(e);
  return s.phase();
}

}  // namespace

TEST_CASE("state table: the phases before decryption move as the forward-only stage did", "[state]") {
  // The stage each event used to advance to (advance(): move only if later).
  const std::vector<std::pair<PhaseEvent, Phase>> forward = {
      {PhaseEvent::syn_ack, Phase::tcp_established},      {PhaseEvent::segment, Phase::tcp_established},
      {PhaseEvent::x224_request, Phase::x224_requested},  {PhaseEvent::x224_confirm_tls, Phase::x224_confirmed},
      {PhaseEvent::x224_negotiation_failure, Phase::negotiation_failed},
      {PhaseEvent::x224_confirm_standard, Phase::standard_security},
      {PhaseEvent::client_hello, Phase::tls_handshake},   {PhaseEvent::tls_application_data, Phase::application_data},
  };
  for (int from = 0; from <= static_cast<int>(Phase::application_data); ++from) {
    const auto p = static_cast<Phase>(from);
    INFO(model::stage_name(p));
    for (const auto& [event, target] : forward) {
      INFO(session::phase_event_name(event));
      CHECK(ConnectionState::next(p, event) == (from < static_cast<int>(target) ? target : p));
    }
    // Only from tls_handshake (the handshake is done when both sides encrypt).
    CHECK(ConnectionState::next(p, PhaseEvent::tls_handshake_done) ==
          (p == Phase::tls_handshake ? Phase::tls_established : p));
    for (auto still : {PhaseEvent::syn, PhaseEvent::fin, PhaseEvent::rst, PhaseEvent::icmp_unreachable,
                       PhaseEvent::x224_disconnect, PhaseEvent::server_hello, PhaseEvent::tls_alert})
      CHECK(ConnectionState::next(p, still) == p);
  }
}

TEST_CASE("state table: never backwards, every phase reachable, names distinct", "[state]") {
  for (auto p : all_phases())
    for (auto e : all_events()) {
      INFO(model::stage_name(p) << " + " << session::phase_event_name(e));
      CHECK(static_cast<int>(ConnectionState::next(p, e)) >= static_cast<int>(p));
    }
  std::set<Phase> reached{Phase::tcp_connecting};
  for (bool grew = true; grew;) {
    grew = false;
    for (auto p : std::set<Phase>(reached))
      for (auto e : all_events()) grew |= reached.insert(ConnectionState::next(p, e)).second;
  }
  CHECK(reached.size() == static_cast<size_t>(kPhases));
  std::set<std::string> names;
  for (auto p : all_phases()) names.insert(model::stage_name(p));
  CHECK(names.size() == static_cast<size_t>(kPhases));
  CHECK(names.count("unknown") == 0);
}

TEST_CASE("state table: the MS-RDPBCGR 1.3.1.1 sequence after TLS and after Standard RDP Security", "[state]") {
  using E = PhaseEvent;
  CHECK(run({E::syn_ack, E::x224_request, E::x224_confirm_tls, E::client_hello, E::server_hello,
             E::tls_handshake_done}) == Phase::tls_established);
  CHECK(run({E::syn_ack, E::x224_request, E::x224_confirm_tls, E::client_hello, E::tls_handshake_done,
             E::credssp_request, E::early_user_authorization, E::mcs_connect_initial, E::mcs_channel_join,
             E::client_info, E::license, E::demand_active, E::finalization, E::finalization_done}) ==
        Phase::active_session);
  CHECK(run({E::syn_ack, E::x224_request, E::x224_confirm_standard, E::mcs_connect_initial, E::mcs_channel_join,
             E::security_exchange, E::client_info, E::license, E::demand_active, E::finalization,
             E::finalization_done}) == Phase::active_session);
  CHECK(run({E::syn_ack, E::x224_request, E::x224_negotiation_failure, E::client_hello, E::fin}) ==
        Phase::tls_handshake);  // as before: a ClientHello after a failure still counts
  CHECK(run({E::syn, E::rst}) == Phase::tcp_connecting);
  ConnectionState s;
  CHECK(s.on(E::syn_ack));
  CHECK_FALSE(s.on(E::syn_ack));  // no row: stays, reports no change
}

TEST_CASE("typed timeline events read as before", "[state][text]") {
  using K = model::EventKind;
  const model::FrameRef at{7, 1000};
  const auto d = model::Direction::client_to_server;
  auto syn = model::events::simple(K::syn, at, d);
  CHECK(text::event_text(syn) == "SYN");
  syn.number = 2;
  CHECK(text::event_text(syn) == "SYN (retransmission 2)");
  proto::ConnectionRequest req;
  req.has_neg_req = true;
  req.requested_protocols = 3;
  CHECK(text::event_text(model::events::connection_request(req, at)) == "X.224 Connection Request (SSL|HYBRID)");
  proto::ConnectionConfirm cc;
  cc.kind = proto::ConnectionConfirm::Kind::failure;
  cc.failure_code = 5;
  const auto failure = model::events::connection_confirm(cc, at);
  CHECK(failure.failure);
  CHECK(text::event_text(failure) == "X.224 Connection Confirm: RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER");
  tls::ServerHello sh;
  sh.legacy_version = 0x0303;
  sh.cipher_suite = 0xc030;
  CHECK(text::event_text(model::events::server_hello(sh, at)) ==
        "ServerHello (TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030))");
  const auto alert = model::events::alert({2, 40}, false, at, d);
  CHECK(alert.failure);
  CHECK(text::event_text(alert) == "Alert fatal handshake_failure (40)");
  CHECK(text::event_text(model::events::alert({}, true, at, d)) == "Encrypted alert");
  x509::CertificateFacts leaf;
  leaf.subject = "CN=host";
  leaf.subject_cn = "host";
  CHECK(text::event_text(model::events::certificate({leaf}, 3, at)) == "Certificate (host, +2 in chain)");
  CHECK(text::event_text(model::events::certificate({}, 2, at)) == "Certificate (2 certificates)");
  CHECK(text::event_text(model::events::icmp(false, 3, 3, at)) == "ICMP unreachable: port unreachable");
}

TEST_CASE("decryption events read in words", "[state][text][decryption]") {
  using K = model::EventKind;
  const model::FrameRef at{9, 2000};
  const auto c2s = model::Direction::client_to_server;
  // An encrypted alert with a real level was decrypted: named, and a close_notify is no failure step.
  const auto close = model::events::alert({1, 0}, true, at, c2s);
  CHECK(close.kind == K::decrypted_alert);
  CHECK_FALSE(close.failure);
  CHECK(text::event_text(close) == "Decrypted alert warning close_notify (0)");
  const auto bad = model::events::alert({2, 42}, true, at, c2s);
  CHECK(bad.failure);
  CHECK(text::event_text(bad) == "Decrypted alert fatal bad_certificate (42)");
  auto e = model::events::simple(K::credssp_error, at, model::Direction::server_to_client, true);
  e.number = 0xC000006D;
  CHECK(text::event_text(e) == "CredSSP errorCode 0xC000006D STATUS_LOGON_FAILURE");
  e = model::events::simple(K::set_error_info, at, model::Direction::server_to_client, true);
  e.number = 0x9;
  CHECK(text::event_text(e).rfind("Set Error Info 0x", 0) == 0);
  e = model::events::with_detail(K::decryption_failed, "tag does not verify", at, c2s, true);
  CHECK(text::event_text(e) == "Record did not decrypt: decryption stops (tag does not verify)");
}
