#include "session/inner_stream.hpp"

#include <algorithm>

#include "proto/credssp.hpp"
#include "proto/gcc.hpp"
#include "proto/kerberos.hpp"
#include "proto/mcs.hpp"
#include "proto/ntlm.hpp"
#include "proto/rdp_pdus.hpp"

namespace rdpcap::session {

using model::Direction;
using model::FrameRef;
using model::InnerFacts;
using model::RdpPhase;
using util::Bytes;

namespace {

constexpr uint32_t kHybridEx = 0x00000008;

void reach(InnerFacts& f, RdpPhase p, const FrameRef& at) {
  auto& slot = f.phase_at[static_cast<size_t>(p)];
  if (!slot.seen()) slot = at;
  if (p > f.phase) f.phase = p;
}

void note_error(InnerFacts& f, Direction from, std::string why, const FrameRef& at) {
  if (!f.parse_error.empty()) return;
  f.parse_error = std::move(why);
  f.parse_error_from = from;
  f.parse_error_at = at;
}

// The first `what` of a direction (MS-RDPBCGR 2.2.1.3 / 2.2.1.4 GCC data)
// into `slot`, or its parse error.
template <typename T>
void keep_first(InnerFacts& f, Direction from, const util::ParseResult<T>& parsed, const char* what,
                std::optional<T>& slot, FrameRef& slot_at, const FrameRef& at) {
  if (!parsed.is_ok()) {
    note_error(f, from, std::string(what) + ": " + parsed.reason(), at);
  } else if (!slot) {
    slot = parsed.value();
    slot_at = at;
  }
}

}  // namespace

void InnerStream::stop(InnerFacts& f, Direction from, std::string why, const FrameRef& at) {
  note_error(f, from, std::move(why), at);
  Side& s = from == Direction::client_to_server ? client_ : server_;
  s.stopped = true;
  s.pending.clear();
  s.pending.shrink_to_fit();
  (from == Direction::client_to_server ? f.client_stopped : f.server_stopped) = true;
}

void InnerStream::on_application_data(InnerFacts& f, Direction from, Bytes plaintext, const FrameRef& at) {
  Side& s = from == Direction::client_to_server ? client_ : server_;
  f.plaintext_seen = true;
  (from == Direction::client_to_server ? f.client_bytes : f.server_bytes) += plaintext.size();
  if (s.stopped || plaintext.empty()) return;
  if (s.pending.empty()) {
    const size_t used = consume(f, from, plaintext, at);
    if (s.stopped || used == plaintext.size()) return;
    s.pending.assign(plaintext.begin() + static_cast<std::ptrdiff_t>(used), plaintext.end());
    s.pending_at = at;
    return;
  }
  s.pending.insert(s.pending.end(), plaintext.begin(), plaintext.end());
  const size_t used = consume(f, from, s.pending, s.pending_at);
  if (s.stopped) return;
  s.pending.erase(s.pending.begin(), s.pending.begin() + static_cast<std::ptrdiff_t>(used));
  if (used > 0) s.pending_at = at;  // the rest started in this record
  if (s.pending.size() > max_ts_request_ + 16) {
    f.buffer_limit_hit = true;
    stop(f, from, "decrypted PDU longer than the buffer limit", at);
  }
}

size_t InnerStream::consume(InnerFacts& f, Direction from, Bytes data, const FrameRef& at) {
  size_t pos = 0;
  while (pos < data.size()) {
    const Bytes rest = data.subspan(pos);
    const uint8_t b0 = rest[0];
    if (b0 == 0x30) {  // DER SEQUENCE: a CredSSP TSRequest
      auto len = proto::credssp::frame_length(rest, max_ts_request_);
      if (len.is_need_more()) return pos;
      if (len.is_invalid()) {
        if (len.reason().find("limit") != std::string::npos) f.buffer_limit_hit = true;
        stop(f, from, "TSRequest: " + len.reason(), at);
        return pos;
      }
      if (rest.size() < len.value()) return pos;
      ts_request(f, from, rest.first(len.value()), at);
      pos += len.value();
      continue;
    }
    // MS-RDPBCGR 2.2.10.2: with HYBRID_EX the server's first bytes after the
    // CredSSP exchange are the 4-byte Early User Authorization Result. It is
    // never a TPKT (0x03) nor DER; an MCS Connect Response always is a TPKT.
    if (from == Direction::server_to_client && !server_sent_rdp_ && b0 != 0x03 &&
        (selected_ == kHybridEx || f.server_ts_requests > 0) && !f.euar_result) {
      util::ByteReader r(rest);
      uint32_t result = 0;
      if (!r.u32le(result)) return pos;
      f.euar_result = result;
      f.euar_at = at;
      server_sent_rdp_ = true;
      pos += 4;
      continue;
    }
    auto frame = proto::rdp::frame_pdu(rest);
    if (frame.is_need_more()) return pos;
    if (frame.is_invalid()) {
      stop(f, from, "not a TSRequest, TPKT or fast-path PDU: " + frame.reason(), at);
      return pos;
    }
    if (rest.size() < frame.value().length) return pos;
    const Bytes pdu = rest.first(frame.value().length);
    if (from == Direction::server_to_client) server_sent_rdp_ = true;
    if (frame.value().fast_path) {
      ++(from == Direction::client_to_server ? f.client_fast_path : f.server_fast_path);
      reach(f, RdpPhase::session_running, at);
    } else {
      tpkt(f, from, pdu, at);
    }
    pos += pdu.size();
  }
  return pos;
}

void InnerStream::ts_request(InnerFacts& f, Direction from, Bytes pdu, const FrameRef& at) {
  auto r = proto::credssp::parse_ts_request(pdu);
  if (!r.is_ok()) {
    note_error(f, from, "TSRequest: " + r.reason(), at);
    return;
  }
  const auto& t = r.value();
  reach(f, RdpPhase::nla, at);
  f.last_ts_request = at;
  const bool client = from == Direction::client_to_server;
  if (client) {
    if (!f.client_credssp_version) f.client_credssp_version = t.version;
    if (!f.client_first_ts_request.seen()) f.client_first_ts_request = at;
    ++f.client_ts_requests;
  } else {
    if (!f.server_credssp_version) f.server_credssp_version = t.version;
    if (!f.server_first_ts_request.seen()) f.server_first_ts_request = at;
    ++f.server_ts_requests;
  }
  if (t.nego_token) auth_token(f, from, *t.nego_token, at);
  if (t.pub_key_auth) {
    FrameRef& slot = client ? f.client_pub_key_auth : f.server_pub_key_auth;
    if (!slot.seen()) slot = at;
  }
  if (t.auth_info && client && !f.auth_info_at.seen()) f.auth_info_at = at;
  if (t.error_code && !f.error_code) {
    f.error_code = t.error_code;
    f.error_from = from;
    f.error_at = at;
  }
}

void InnerStream::auth_token(InnerFacts& f, Direction from, Bytes token, const FrameRef& at) {
  namespace C = proto::credssp;
  const C::AuthToken a = C::inspect_token(token);
  if (a.spnego) {
    f.spnego = true;
    for (const auto& oid : a.mech_types) {
      if (f.offered_mechs.size() >= max_mechs_) break;
      const char* name = C::mech_name(oid);
      std::string text = name ? name : oid;
      if (std::find(f.offered_mechs.begin(), f.offered_mechs.end(), text) == f.offered_mechs.end())
        f.offered_mechs.push_back(std::move(text));
    }
    if (a.neg_state && from == Direction::server_to_client) f.spnego_neg_state = a.neg_state;
  }
  if (a.inner == C::Inner::ntlm) {
    if (!f.ntlm_used) {
      f.ntlm_used = true;
      f.ntlm_at = at;
      if (f.kerberos_attempted) f.ntlm_after_kerberos = true;
    }
    f.package = "NTLM";
    auto m = proto::ntlm::parse(a.inner_token);
    if (!m.is_ok()) {
      note_error(f, from, "NTLM: " + m.reason(), at);
      return;
    }
    if (m.value().challenge && !f.ntlm_challenge) {
      const auto& c = *m.value().challenge;
      model::NtlmChallengeFacts n;
      n.at = at;
      n.flags = c.flags;
      n.target_name = c.target_name;
      n.nb_computer = c.nb_computer;
      n.nb_domain = c.nb_domain;
      n.dns_computer = c.dns_computer;
      n.dns_domain = c.dns_domain;
      n.timestamp = c.timestamp;
      if (c.version) n.windows_version = proto::ntlm::version_text(*c.version);
      f.ntlm_challenge = std::move(n);
    }
    if (m.value().authenticate && !f.ntlm_authenticate) {
      const auto& x = *m.value().authenticate;
      f.ntlm_authenticate = model::NtlmAuthenticateFacts{at, x.domain, x.user, x.workstation, x.anonymous,
                                                         x.nt_response_length > 24};
    }
  } else if (a.inner == C::Inner::kerberos) {
    f.package = "Kerberos";
    auto m = proto::kerberos::parse_message(a.inner_token);
    if (!m.is_ok()) {
      if (!f.kerberos_attempted && from == Direction::client_to_server) {
        f.kerberos_attempted = true;
        f.kerberos_at = at;
      }
      return;  // AP-REP and other tokens need no decoding
    }
    const auto& k = m.value();
    if (k.ap_req && !f.kerberos_attempted) {
      f.kerberos_attempted = true;
      f.kerberos_at = at;
      f.spn = k.ap_req->sname.text;
      f.spn_realm = k.ap_req->realm;
      f.spn_at = at;
    }
    if (k.error && f.kerberos_errors.size() < max_kerberos_) {
      model::KerberosErrorFact e;
      e.at = at;
      e.error_code = k.error->error_code;
      e.realm = k.error->realm;
      e.sname = k.error->sname.text;
      if (k.error->cname) e.cname = k.error->cname->text;
      e.stime = k.error->stime;
      e.in_credssp = true;
      f.kerberos_errors.push_back(std::move(e));
    }
  }
}

void InnerStream::tpkt(InnerFacts& f, Direction from, Bytes pdu, const FrameRef& at) {
  const bool client = from == Direction::client_to_server;
  ++(client ? f.client_slow_path : f.server_slow_path);
  auto data = proto::rdp::x224_data(pdu);
  if (!data.is_ok()) return;  // X.224 Disconnect Request etc.: the negotiation layer's business
  const Bytes mcs = data.value();
  if (proto::mcs::is_connect_initial(mcs)) {
    reach(f, RdpPhase::basic_settings, at);
    keep_first(f, from, proto::parse_connect_initial(mcs), "MCS Connect Initial", f.client_gcc, f.client_gcc_at, at);
    return;
  }
  if (proto::mcs::is_connect_response(mcs)) {
    reach(f, RdpPhase::basic_settings, at);
    keep_first(f, from, proto::parse_connect_response(mcs), "MCS Connect Response", f.server_gcc, f.server_gcc_at, at);
    return;
  }
  auto d = proto::mcs::parse_domain_pdu(mcs);
  if (!d.is_ok()) {
    note_error(f, from, "MCS: " + d.reason(), at);
    return;
  }
  namespace P = proto::mcs::pdu;
  const auto& p = d.value();
  switch (p.choice) {
    case P::erect_domain_request:
    case P::attach_user_request:
    case P::channel_join_request:
      reach(f, RdpPhase::channel_connection, at);
      break;
    case P::attach_user_confirm:
      reach(f, RdpPhase::channel_connection, at);
      f.attach_user_result = p.result;
      break;
    case P::channel_join_confirm:
      reach(f, RdpPhase::channel_connection, at);
      if (p.result.value_or(0) == 0) ++f.channels_joined;
      else ++f.channel_join_failures;
      break;
    case P::disconnect_provider_ultimatum:
      if (!f.dpu_at.seen()) {
        f.dpu_reason = p.reason;
        f.dpu_from = from;
        f.dpu_at = at;
      }
      break;
    case P::send_data_request:
    case P::send_data_indication:
      send_data(f, from, p.user_data, at);
      break;
    default: break;
  }
}

void InnerStream::send_data(InnerFacts& f, Direction from, Bytes user_data, const FrameRef& at) {
  namespace R = proto::rdp;
  auto s = R::parse_slow_path(user_data);
  if (!s.is_ok()) {
    note_error(f, from, "RDP PDU: " + s.reason(), at);
    return;
  }
  const auto& v = s.value();
  switch (v.kind) {
    case R::Kind::security_exchange: reach(f, RdpPhase::security, at); break;
    case R::Kind::client_info:
      reach(f, RdpPhase::security, at);
      if (v.client_info && !f.client_info_at.seen()) {
        f.client_info_at = at;
        f.client_info_domain = v.client_info->domain;
        f.client_info_user = v.client_info->user;
      }
      break;
    case R::Kind::licensing:
      reach(f, RdpPhase::licensing, at);
      if (v.licensing) {
        f.license_msg_type = v.licensing->msg_type;
        f.license_at = at;
        if (v.licensing->error_code) {
          f.license_error = v.licensing->error_code;
          f.license_state_transition = v.licensing->state_transition;
        }
      }
      break;
    case R::Kind::share_control: {
      const auto& sc = *v.share;
      if (sc.pdu_type == R::pdutype::demand_active) {
        reach(f, RdpPhase::capabilities, at);
        if (!f.demand_active_at.seen()) f.demand_active_at = at;
      } else if (sc.pdu_type == R::pdutype::confirm_active) {
        reach(f, RdpPhase::capabilities, at);
        if (!f.confirm_active_at.seen()) f.confirm_active_at = at;
      } else if (sc.pdu_type == R::pdutype::deactivate_all) {
        f.deactivate_all_at = at;
      } else if (sc.pdu_type == R::pdutype::data && sc.pdu_type2) {
        switch (*sc.pdu_type2) {
          case R::pdutype2::synchronize:
          case R::pdutype2::control:
          case R::pdutype2::font_list:
            reach(f, RdpPhase::finalization, at);
            break;
          case R::pdutype2::font_map:
            reach(f, RdpPhase::finalization, at);
            f.font_map_at = at;
            break;
          case R::pdutype2::set_error_info:
            ++f.set_error_info_count;
            if (sc.error_info && *sc.error_info != 0) {
              f.set_error_info = sc.error_info;
              f.set_error_info_at = at;
            }
            break;
          case R::pdutype2::save_session_info:
            if (!f.logon_at.seen()) f.logon_at = at;
            break;
          case R::pdutype2::update:
          case R::pdutype2::pointer:
          case R::pdutype2::input:
            if (f.phase >= RdpPhase::finalization) reach(f, RdpPhase::session_running, at);
            break;
          default: break;
        }
      }
      break;
    }
    default: break;
  }
}

}  // namespace rdpcap::session
