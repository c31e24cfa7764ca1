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

}  // namespace rdpcap::session
