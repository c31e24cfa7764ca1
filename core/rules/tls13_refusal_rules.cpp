// TLS 1.3 hides the server certificate and every alert after the ServerHello,
// so a client that refuses the certificate leaves only a shape: the handshake
// completes (the client's Finished), then the client sends at most one
// alert-sized encrypted record (RFC 8446 6: an alert is 2 bytes, plus the
// inner content type byte and the AEAD tag, 5.2) and closes (FIN or RST)
// before any RDP data. A client that goes on with RDP speaks first (CredSSP
// TSRequest under NLA, MS-CSSP 3.1.5; MCS Connect Initial otherwise,
// MS-RDPBCGR 1.3.1.1), so an idle close right after Finished is a refusal,
// not an established connection. This is an inference and says so; with a key
// log the certificate is read (TlsFacts::certificates from the decrypted
// Certificate message), so the finding names what is wrong with it and gives
// the same advice as a certificate rejected in the clear.
#include <fmt/format.h>

#include "rules/rule_context.hpp"

namespace rdpcap::rules {

namespace {

// RFC 8446 B.4: the hash of the suite sizes Finished.verify_data.
size_t tls13_hash_length(uint16_t suite) { return suite == 0x1302 ? 48 : 32; }  // TLS_AES_256_GCM_SHA384
// AEAD tag length (RFC 8446 B.4; CCM_8 has an 8-byte tag).
size_t tls13_tag_length(uint16_t suite) { return suite == 0x1305 ? 8 : 16; }

// Length of the encrypted record that carries the client's Finished
// (RFC 8446 4.4.4: 4-byte handshake header + verify_data; 5.2: + content type + tag).
uint64_t finished_record_length(uint16_t suite) { return 4 + tls13_hash_length(suite) + 1 + tls13_tag_length(suite); }
uint64_t alert_record_length(uint16_t suite) { return 2 + 1 + tls13_tag_length(suite); }

// A decrypted alert the client sent (with a key log), if any.
const model::AlertFact* client_named_alert(const model::TlsFacts& t) {
  for (const auto& a : t.alerts)
    if (a.from == model::Direction::client_to_server && a.alert.level != 0) return &a;
  return nullptr;
}

}  // namespace

void tls13_refusal_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& t = c.tls;
  if (!t.server_hello || t.server_hello->negotiated_version() < 0x0304 || !t.handshake_complete()) return;
  const Closure end = first_closure(c);
  if (!end.seen || end.by != model::Direction::client_to_server) return;
  const uint16_t suite = t.server_hello->cipher_suite;
  const uint64_t finished = finished_record_length(suite);
  const auto& sent = t.client_encrypted;
  // Finished alone, or Finished + one alert-sized record: nothing else from the client.
  const bool finished_only = sent.records == 1 && sent.bytes == finished;
  const bool finished_and_alert = sent.records == 2 && sent.bytes == finished + alert_record_length(suite);
  if (!finished_only && !finished_and_alert) return;
  const auto* named = client_named_alert(t);
  // A named certificate alert is reported by the alert rules themselves.
  if (named && named->alert.level == 2) return;
  const std::string sent_text =
      finished_and_alert
          ? (named ? fmt::format("its Finished, then alert {} (decrypted)", text::alert_text(named->alert.description))
                   : fmt::format("its Finished, then one {}-byte encrypted record: the size of an alert "
                                 "(close_notify or a certificate alert)",
                                 alert_record_length(suite)))
          : std::string("its Finished and nothing else");
  // With a key log: the certificate it had just received, decrypted.
  const bool read = !t.certificates.empty() && t.certificates.front().parsed;
  std::string title = fmt::format(
      "TLS 1.3: the client {} the connection right after the handshake, before any RDP data: it refused the "
      "server, most likely its certificate{}",
      end.how(), read ? "" : " (inferred)");
  if (read) {
    const auto& leaf = t.certificates.front();
    const int64_t now = *certificate_judged_at(c, ctx.reference_time_s);
    const char* what = now > leaf.not_after ? "expired"
                       : now < leaf.not_before ? "not yet valid"
                       : leaf.self_signed      ? "self-signed"
                                               : nullptr;
    title += what ? fmt::format(", which is {} (decrypted with the key log)", what)
                  : std::string(" (decrypted with the key log: see the certificate findings)");
  }
  FindingBuilder b("tls.client_refused_after_handshake", Severity::error, title);
  b.at(end.at)
      .evidence("client sent after the ServerHello", sent_text, sent.last)
      .evidence(fmt::format("{} by client", end.reset ? "RST" : "FIN"),
                fmt::format("{} after the client's Finished", text::duration(end.at.time_us - sent.first.time_us)),
                end.at);
  if (read)
    b.evidence("certificate (decrypted)", t.certificates.front().subject, t.certificate_at)
        .remediation(rejected_certificate_advice(ctx));
  else
    b.remediation("Under TLS 1.3 the certificate and the client's alert are encrypted, so the capture shows "
                  "only that the client gave up once it had the server's certificate. Usual causes: the "
                  "certificate is expired, self-signed or from an untrusted CA, or its name does not match "
                  "the name the user typed, and the user (or a policy) declined it. Check the certificate on "
                  "the server (certlm.msc, 'Remote Desktop' store), or capture again with a TLS key log "
                  "to read the certificate and the alert.");
  out.push_back(b.client_error("mstsc: 'The identity of the remote computer cannot be verified' answered No, or "
                               "'This computer can't connect to the remote computer'")
                    .build());
}

}  // namespace rdpcap::rules
