// What TLS decryption reveals (issue #11): the DER reader, CredSSP TSRequest
// and SPNEGO/Kerberos/NTLM tokens (MS-CSSP 2.2.1, RFC 4178, RFC 4120,
// MS-NLMP 2.2.1), MCS domain PDUs and GCC blocks (T.125, MS-RDPBCGR
// 2.2.1.3-2.2.1.9), the slow-path Share Control/Data, Client Info and
// licensing PDUs, KRB-ERROR / KDC-REQ and the TCP record mark; then
// session::InnerStream fed the input as plaintext of both directions in
// fuzzer-chosen pieces (control byte: bit 0 direction, bits 1-7 length - 1),
// and the rules over the facts it recorded. Checked: ok results consume
// within the input, every string a parser returns is escapable, every
// finding code is in the catalog with its severity.
#include <algorithm>
#include <cstdlib>

#include "model/connection_summary.hpp"
#include "proto/credssp.hpp"
#include "proto/der.hpp"
#include "proto/gcc.hpp"
#include "proto/inner_names.hpp"
#include "proto/kerberos.hpp"
#include "proto/mcs.hpp"
#include "proto/ntlm.hpp"
#include "proto/rdp_pdus.hpp"
#include "rules/catalog.hpp"
#include "rules/rule_context.hpp"
#include "session/inner_stream.hpp"
#include "util/escape.hpp"

using namespace rdpcap;

namespace {

void parsers(util::Bytes in) {
  if (auto t = proto::der::read_tlv(in); t.is_ok()) {
    if (t.consumed() > in.size() || t.consumed() != t.value().header_length + t.value().value.size()) abort();
    (void)proto::der::integer(t.value());
    if (auto o = proto::der::oid_text(t.value())) (void)util::escape_text(*o);
  }
  if (auto len = proto::credssp::frame_length(in, 1 << 20); len.is_ok() && len.value() < len.consumed()) abort();
  if (auto ts = proto::credssp::parse_ts_request(in); ts.is_ok()) {
    if (ts.consumed() > in.size()) abort();
    auto len = proto::credssp::frame_length(in, 1 << 30);
    if (!len.is_ok() || len.value() != ts.consumed()) abort();  // framing and parsing agree
  }
  const auto token = proto::credssp::inspect_token(in);
  for (const auto& m : token.mech_types) (void)util::escape_text(m);
  if (auto n = proto::ntlm::parse(in); n.is_ok()) {
    if (const auto& c = n.value().challenge) (void)util::escape_text(c->nb_computer + c->dns_computer + c->target_name);
    if (const auto& a = n.value().authenticate) (void)util::sanitize_utf8(a->domain + a->user + a->workstation);
  }
  if (auto k = proto::kerberos::parse_message(in); k.is_ok()) {
    if (k.consumed() > in.size()) abort();
    if (const auto& e = k.value().error) {
      (void)util::escape_text(e->sname.text + e->realm + e->stime);
      (void)proto::names::kdc_label(static_cast<uint32_t>(e->error_code));
    }
  }
  if (auto r = proto::kerberos::frame_tcp_record(in); r.is_ok() && r.consumed() != r.value().size() + 4) abort();
  (void)proto::kerberos::unwrap_gss(in);
  if (auto d = proto::mcs::parse_domain_pdu(in); d.is_ok()) {
    (void)proto::mcs::pdu_name(d.value().choice);
    if (d.value().user_data.size() > in.size()) abort();
  }
  if (auto c = proto::parse_connect_initial(in); c.is_ok())
    for (const auto& ch : c.value().channels) (void)util::escape_text(ch);
  (void)proto::parse_connect_response(in);
  if (auto f = proto::rdp::frame_pdu(in); f.is_ok() && f.value().length == 0) abort();
  (void)proto::rdp::x224_data(in);
  if (auto s = proto::rdp::parse_slow_path(in); s.is_ok() && s.value().client_info)
    (void)util::escape_text(s.value().client_info->user);
}

void check_findings(const std::vector<rules::Finding>& out) {
  for (const auto& f : out) {
    const auto* info = rules::find_code(f.code);
    if (!info || info->severity != f.severity) abort();
    (void)util::escape_text(f.title);
    for (const auto& e : f.evidence) (void)util::escape_text(e.value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const util::Bytes in(data, size);
  parsers(in);
  model::ConnectionSummary c;
  session::InnerStream stream;
  stream.set_selected_protocol(size > 0 && (data[0] & 0x80) ? 0x8 : 0x2);
  uint64_t frame = 1;
  for (size_t pos = 0; pos < size;) {
    const uint8_t control = data[pos++];
    const size_t n = std::min<size_t>((control >> 1) + 1, size - pos);
    const auto piece = in.subspan(pos, n);
    parsers(piece);
    stream.on_application_data(c.inner.mut(), (control & 1) ? model::Direction::server_to_client : model::Direction::client_to_server,
                                piece, {frame, static_cast<int64_t>(frame) * 1000});
    ++frame;
    pos += n;
  }
  c.tcp.server_fin = {frame, static_cast<int64_t>(frame) * 1000};
  rules::ServerView view;
  const rules::RuleContext ctx{c, view, std::nullopt};
  std::vector<rules::Finding> out;
  rules::nla_rules(ctx, out);
  rules::rdp_sequence_rules(ctx, out);
  rules::kerberos_rules(ctx, out);
  check_findings(out);
  return 0;
}
