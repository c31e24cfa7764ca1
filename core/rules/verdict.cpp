// One line per connection: where the setup ended and the most likely cause.
#include <fmt/format.h>

#include "proto/rdp_negotiation.hpp"
#include "rules/rule_context.hpp"

namespace rdpcap::rules {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::established: return "established";
    case Outcome::failed_tcp: return "failed_tcp";
    case Outcome::failed_negotiation: return "failed_negotiation";
    case Outcome::failed_tls: return "failed_tls";
    case Outcome::failed_after_tls: return "failed_after_tls";
    case Outcome::incomplete: return "incomplete";
  }
  return "incomplete";
}

namespace {

// Causes in the order they explain a failure best: the first present wins.
constexpr const char* kCausePriority[] = {
    "capture.one_sided",    "tcp.refused",          "tcp.icmp_unreachable",     "tcp.syn_unanswered",   "proxy.socks_refused",
    "x224.neg_failure.",    "x224.not_rdp",             "x224.malformed",
    "x224.no_confirm",      "x224.downgrade_refused", "rdp.server_closed_early",      "x224.selected_not_requested", "tcp.closed_before_request",
    "tcp.closed_before_tls", "tls.version_mismatch",     "tls.no_shared_cipher",
    "tls.client_certificate_required", "tls.certificate_rejected", "tls.client_refused_after_handshake", "tls.no_server_hello",
    "tls.malformed",        "tls.alert",                "tls.handshake_aborted",
    "credssp.error_code",   "credssp.version_mismatch", "credssp.credentials_rejected", "rdp.authorization_denied",
    "rdp.licensing_failed", "rdp.error_info",           "rdp.server_disconnected_during_setup",
    "credssp.server_closed", "rdp.server_closed_after_tls", "credssp.client_closed",
};

const Finding* primary_cause(const std::vector<Finding>& findings) {
  for (const char* code : kCausePriority) {
    const std::string_view prefix(code);
    const bool is_prefix = prefix.back() == '.';
    for (const auto& f : findings)
      if (is_prefix ? std::string_view(f.code).starts_with(prefix) : f.code == prefix) return &f;
  }
  for (const auto& f : findings)
    if (f.severity == Severity::error) return &f;
  return nullptr;
}

Outcome outcome_for(const model::ConnectionSummary& c, const Finding* cause) {
  using model::Stage;
  const std::string_view code = cause ? std::string_view(cause->code) : std::string_view();
  if (code == "capture.one_sided") return Outcome::incomplete;
  if (code == "proxy.socks_refused") return Outcome::failed_tcp;
  if (code.rfind("tcp.refused", 0) == 0 || code == "tcp.icmp_unreachable" || code == "tcp.syn_unanswered" ||
      code == "tcp.closed_before_request")
    return Outcome::failed_tcp;
  if (code.rfind("x224.", 0) == 0 || code == "tcp.closed_before_tls") return Outcome::failed_negotiation;
  if (code.rfind("credssp.", 0) == 0 || code == "rdp.server_closed_after_tls") return Outcome::failed_after_tls;
  if (code == "rdp.authorization_denied" || code == "rdp.licensing_failed" || code == "rdp.error_info" ||
      code == "rdp.server_disconnected_during_setup")  // decrypted facts (rdp_sequence_rules.cpp)
    return Outcome::failed_after_tls;
  if (code == "rdp.server_closed_early") return Outcome::failed_negotiation;
  // The client refused the server within the TLS handshake's outcome (its certificate), even though
  // TLS 1.3 counts the handshake as complete once the client's Finished is sent.
  if (code == "tls.client_refused_after_handshake") return Outcome::failed_tls;
  if (code.rfind("tls.", 0) == 0)
    return c.tls.handshake_complete() ? Outcome::failed_after_tls : Outcome::failed_tls;
  switch (c.stage) {
    case Stage::tls_established:
    case Stage::application_data:
    case Stage::standard_security:
    // Past TLS, as decryption shows (rules name the failures among these).
    case Stage::credssp:
    case Stage::early_user_authorization:
    case Stage::basic_settings_exchange:
    case Stage::channel_connection:
    case Stage::security_commencement:
    case Stage::secure_settings_exchange:
    case Stage::licensing:
    case Stage::capabilities_exchange:
    case Stage::connection_finalization:
    case Stage::active_session:
      return Outcome::established;
    default:
      return c.ended_by_capture ? Outcome::incomplete : Outcome::established;
  }
}

std::string established_text(const model::ConnectionSummary& c) {
  std::string out = "setup completed";
  const auto& n = c.negotiation;
  if (n.confirm && n.confirm->kind == proto::ConnectionConfirm::Kind::response &&
      n.confirm->selected_protocol != proto::protocol::rdp)
    out += ": " + proto::protocols_text(n.confirm->selected_protocol);
  else if (n.confirm)
    out += ": Standard RDP Security";
  if (c.tls.server_hello)
    out += fmt::format("{} {}, {}", n.confirm ? " over" : ":", text::version_text(c.tls.server_hello->negotiated_version()),
                       text::suite_text(c.tls.server_hello->cipher_suite));
  return out;
}

}  // namespace

Verdict decide_verdict(const model::ConnectionSummary& c, const std::vector<Finding>& findings) {
  const Finding* cause = primary_cause(findings);
  Verdict v;
  v.outcome = outcome_for(c, cause);
  switch (v.outcome) {
    case Outcome::established:
      v.text = established_text(c);
      for (const auto& f : findings)
        if (f.severity == Severity::error) {
          v.text += "; but " + f.title;
          break;
        }
      // A key log that does not authenticate the records adds nothing: the verdict stays the
      // cleartext inference, and says so.
      if (c.tls.decryption.status == model::DecryptionFacts::Status::failed)
        v.text += "; judged from the traffic's shape only (its records did not decrypt)";
      break;
    case Outcome::incomplete:
      v.text = cause ? cause->title : fmt::format("capture ends during setup (stage {})", model::stage_name(c.stage));
      break;
    default:
      v.text = cause ? cause->title : std::string("failed");
      break;
  }
  return v;
}

}  // namespace rdpcap::rules
