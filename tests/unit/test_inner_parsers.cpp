// The parsers for what TLS decryption reveals (issue #11 item 3), on real
// bytes: the decrypted records of samples/pcaps/01-healthy-hybrid-tls12.pcap
// (inner_vectors.hpp; tshark with samples/tls-keylog.txt decodes the same
// values independently: NTLM CHALLENGE target CORP, RDP01,
// rdp01.corp.example, 10.0 build 19041; AUTHENTICATE CORP\alice; client
// WS-ALICE build 19041 with rdpdr/rdpsnd/cliprdr/drdynvc; DPU
// rn-user-requested), and on vectors built by hand from the specs where the
// samples have no instance (SPNEGO/Kerberos, KRB-ERROR, errorCode, licensing,
// Set Error Info).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "inner_vectors.hpp"
#include "proto/credssp.hpp"
#include "proto/der.hpp"
#include "proto/gcc.hpp"
#include "proto/inner_names.hpp"
#include "proto/kerberos.hpp"
#include "proto/mcs.hpp"
#include "proto/ntlm.hpp"
#include "proto/rdp_pdus.hpp"

using namespace rdpcap;
using namespace rdpcap::proto;

namespace {
std::vector<uint8_t> hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  return out;
}
std::vector<uint8_t> record(uint64_t frame) {
  for (const auto& r : testing::sample01::kRecords)
    if (r.frame == frame) return hex(r.hex);
  FAIL("no record for frame " << frame);
  return {};
}

// DER builders for hand-made vectors (X.690 definite lengths).
std::vector<uint8_t> tlv(uint8_t id, const std::vector<uint8_t>& v) {
  std::vector<uint8_t> out{id};
  if (v.size() < 0x80) {
    out.push_back(static_cast<uint8_t>(v.size()));
  } else if (v.size() < 0x100) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(v.size()));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<uint8_t>(v.size() >> 8));
    out.push_back(static_cast<uint8_t>(v.size()));
  }
  out.insert(out.end(), v.begin(), v.end());
  return out;
}
std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
std::vector<uint8_t> str(const std::string& s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> integer(int64_t v) {  // minimal two's complement
  std::vector<uint8_t> b;
  for (int i = 7; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  while (b.size() > 1 && ((b[0] == 0 && !(b[1] & 0x80)) || (b[0] == 0xff && (b[1] & 0x80)))) b.erase(b.begin());
  return tlv(0x02, b);
}
std::vector<uint8_t> kstr(const std::string& s) { return tlv(0x1b, str(s)); }
std::vector<uint8_t> principal(int type, std::initializer_list<std::string> parts) {
  std::vector<uint8_t> names;
  for (const auto& p : parts) names = cat({names, kstr(p)});
  return tlv(0x30, cat({tlv(0xa0, integer(type)), tlv(0xa1, tlv(0x30, names))}));
}
const std::vector<uint8_t> kKerberosOid = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
const std::vector<uint8_t> kNtlmOid = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
const std::vector<uint8_t> kSpnegoOid = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};

// RFC 4120 5.5.1 AP-REQ with a ticket for TERMSRV/rdp01.corp.example@CORP.EXAMPLE.
std::vector<uint8_t> ap_req() {
  const auto ticket = tlv(0x61, tlv(0x30, cat({tlv(0xa0, integer(5)), tlv(0xa1, kstr("CORP.EXAMPLE")),
                                                 tlv(0xa2, principal(2, {"TERMSRV", "rdp01.corp.example"})),
                                                 tlv(0xa3, tlv(0x30, cat({tlv(0xa0, integer(18)), tlv(0xa2, tlv(0x04, {1, 2, 3}))})))})));
  return tlv(0x6e, tlv(0x30, cat({tlv(0xa0, integer(5)), tlv(0xa1, integer(14)), tlv(0xa2, tlv(0x03, {0, 0, 0, 0, 0})),
                                   tlv(0xa3, ticket), tlv(0xa4, tlv(0x30, cat({tlv(0xa0, integer(18)), tlv(0xa2, tlv(0x04, {9}))})))})));
}
// RFC 4120 5.9.1 KRB-ERROR.
std::vector<uint8_t> krb_error(int code) {
  return tlv(0x7e, tlv(0x30, cat({tlv(0xa0, integer(5)), tlv(0xa1, integer(30)), tlv(0xa4, tlv(0x18, str("20250310090100Z"))),
                                   tlv(0xa5, integer(123)), tlv(0xa6, integer(code)), tlv(0xa7, kstr("CORP.EXAMPLE")),
                                   tlv(0xa8, principal(1, {"alice"})), tlv(0xa9, kstr("CORP.EXAMPLE")),
                                   tlv(0xaa, principal(2, {"krbtgt", "CORP.EXAMPLE"}))})));
}
}  // namespace

TEST_CASE("DER reader: lengths, tags, integers, OIDs", "[proto][inner]") {
  const auto ts = record(14);
  auto t = der::read_tlv(ts);
  REQUIRE(t.is_ok());
  CHECK(t.consumed() == ts.size());
  CHECK(t.value().constructed);
  CHECK(t.value().tag == der::tag::sequence);
  for (size_t n = 0; n < ts.size(); ++n) CHECK(der::read_tlv(std::span(ts).first(n)).is_need_more());
  CHECK(der::read_tlv(hex("3080")).is_invalid());        // indefinite length
  CHECK(der::read_tlv(hex("3085ffffffffff")).is_invalid());  // 5 length octets
  CHECK(der::read_tlv(hex("3084ffffffff")).is_need_more());  // 4 GB announced, never allocated
  der::Tlv i;
  const auto status = hex("0204c000006d");  // the Tlv's value borrows from these bytes
  REQUIRE(der::expect(status, der::Class::universal, der::tag::integer, i));
  CHECK(static_cast<uint32_t>(*der::integer(i)) == 0xC000006Du);
  REQUIRE(der::expect(kNtlmOid, der::Class::universal, der::tag::oid, i));
  CHECK(*der::oid_text(i) == "1.3.6.1.4.1.311.2.2.10");
  REQUIRE(der::expect(hex("9f8a0101ff"), der::Class::context, 1281, i));  // high tag number form
}

TEST_CASE("CredSSP TSRequests of sample 01 (raw NTLM in negoTokens)", "[proto][inner]") {
  const auto nego = record(14);
  auto r = credssp::parse_ts_request(nego);
  REQUIRE(r.is_ok());
  CHECK(r.value().version == 6u);
  REQUIRE(r.value().nego_token);
  CHECK_FALSE(r.value().error_code);
  auto len = credssp::frame_length(nego, 1024);
  REQUIRE(len.is_ok());
  CHECK(len.value() == nego.size());
  CHECK(credssp::frame_length(nego, 16).is_invalid());  // over the limit
  const auto token = credssp::inspect_token(*r.value().nego_token);
  CHECK_FALSE(token.spnego);
  CHECK(token.inner == credssp::Inner::ntlm);

  auto pub = credssp::parse_ts_request(record(17));  // server's pubKeyAuth
  REQUIRE(pub.is_ok());
  CHECK(pub.value().pub_key_auth);
  CHECK_FALSE(pub.value().nego_token);
  auto creds = credssp::parse_ts_request(record(18));  // client's authInfo
  REQUIRE(creds.is_ok());
  CHECK(creds.value().auth_info);
  CHECK_FALSE(creds.value().pub_key_auth);
  // Every prefix of a TSRequest is need_more, never ok or a crash.
  const auto challenge = record(15);
  for (size_t n = 0; n < challenge.size(); ++n) CHECK_FALSE(credssp::parse_ts_request(std::span(challenge).first(n)).is_ok());
}

TEST_CASE("NTLM NEGOTIATE / CHALLENGE / AUTHENTICATE of sample 01", "[proto][inner]") {
  auto token_of = [](uint64_t frame) {
    static std::vector<std::vector<uint8_t>> keep;
    keep.push_back(record(frame));
    auto r = credssp::parse_ts_request(keep.back());
    REQUIRE(r.is_ok());
    return credssp::inspect_token(*r.value().nego_token).inner_token;
  };
  auto neg = ntlm::parse(token_of(14));
  REQUIRE(neg.is_ok());
  REQUIRE(neg.value().negotiate);
  CHECK(neg.value().negotiate->flags == 0xe2088297u);
  REQUIRE(neg.value().negotiate->version);
  CHECK(ntlm::version_text(*neg.value().negotiate->version) == "10.0 build 19041");

  auto ch = ntlm::parse(token_of(15));
  REQUIRE(ch.is_ok());
  REQUIRE(ch.value().challenge);
  const auto& c = *ch.value().challenge;
  CHECK(c.flags == 0xe28a8215u);
  CHECK(c.target_name == "CORP");
  CHECK(c.nb_domain == "CORP");
  CHECK(c.nb_computer == "RDP01");
  CHECK(c.dns_domain == "corp.example");
  CHECK(c.dns_computer == "rdp01.corp.example");
  CHECK(c.dns_tree == "corp.example");
  REQUIRE(c.timestamp);
  // FILETIME of 2025-03-10 17:00:00 UTC (tshark): (1741626000 + 11644473600) * 10^7.
  CHECK(*c.timestamp == (1741626000ull + 11644473600ull) * 10000000ull);
  REQUIRE(c.version);
  CHECK(c.version->build == 19041);
  CHECK(ntlm::flags_text(c.flags).find("TARGET_INFO") != std::string::npos);

  auto au = ntlm::parse(token_of(16));
  REQUIRE(au.is_ok());
  REQUIRE(au.value().authenticate);
  const auto& a = *au.value().authenticate;
  CHECK(a.domain == "CORP");
  CHECK(a.user == "alice");
  CHECK(a.workstation == "WS-ALICE");
  CHECK(a.nt_response_length == 270);
  CHECK_FALSE(a.anonymous);
}

TEST_CASE("NTLM fields pointing outside the message are refused", "[proto][inner]") {
  // AUTHENTICATE header whose user name field claims 0x40 bytes at offset 0x1000.
  auto m = hex("4e544c4d5353500003000000" "000000004000000000000000400000000000000040000000"
               "40004000001000000000000040000000000000004000000001000000");
  CHECK(ntlm::parse(m).is_invalid());
  CHECK(ntlm::parse(hex("4e544c4d5353500009000000")).is_invalid());  // unknown type
  CHECK(ntlm::parse(hex("4e544c4d53535000")).is_need_more());
  // UTF-16LE: surrogate pair and a lone surrogate.
  CHECK(ntlm::utf16le_to_utf8(hex("3dd800de")) == "\xF0\x9F\x98\x80");
  CHECK(ntlm::utf16le_to_utf8(hex("00d84100")) == "\xEF\xBF\xBD" "A");
}

TEST_CASE("SPNEGO NegTokenInit with Kerberos AP-REQ gives the SPN", "[proto][inner]") {
  // RFC 4178 4.2.1 around an RFC 4121 4.1 token (TOK_ID 01 00) around the AP-REQ.
  const auto krb_token = tlv(0x60, cat({kKerberosOid, {0x01, 0x00}, ap_req()}));
  const auto init = tlv(0x60, cat({kSpnegoOid, tlv(0xa0, tlv(0x30, cat({tlv(0xa0, tlv(0x30, cat({kKerberosOid, kNtlmOid}))),
                                                                         tlv(0xa2, tlv(0x04, krb_token))})))}));
  auto a = credssp::inspect_token(init);
  CHECK(a.spnego);
  CHECK(a.spnego_init);
  REQUIRE(a.mech_types.size() == 2);
  CHECK(credssp::mech_name(a.mech_types[0]) == std::string("Kerberos"));
  CHECK(credssp::mech_name(a.mech_types[1]) == std::string("NTLM"));
  REQUIRE(a.inner == credssp::Inner::kerberos);
  CHECK(a.kerberos_tok_id == 0x0100);
  auto m = kerberos::parse_message(a.inner_token);
  REQUIRE(m.is_ok());
  REQUIRE(m.value().ap_req);
  CHECK(m.value().ap_req->sname.text == "TERMSRV/rdp01.corp.example");
  CHECK(m.value().ap_req->realm == "CORP.EXAMPLE");

  // NegTokenResp from the server: reject, supportedMech NTLM.
  const auto resp = tlv(0xa1, tlv(0x30, cat({tlv(0xa0, tlv(0x0a, {0x02})), tlv(0xa1, kNtlmOid)})));
  auto b = credssp::inspect_token(resp);
  CHECK(b.spnego);
  CHECK_FALSE(b.spnego_init);
  CHECK(b.neg_state == 2);
  CHECK(b.supported_mech == std::string("1.3.6.1.4.1.311.2.2.10"));
  CHECK(b.inner == credssp::Inner::none);
  // Every prefix: no crash; the TSRequest around it is need_more.
  for (size_t n = 0; n < init.size(); ++n) (void)credssp::inspect_token(std::span(init).first(n));
}

TEST_CASE("TSRequest errorCode (MS-CSSP 2.2.1, version 3+)", "[proto][inner]") {
  const auto ts = tlv(0x30, cat({tlv(0xa0, integer(6)), tlv(0xa4, integer(static_cast<int32_t>(0xC000006D)))}));
  auto r = credssp::parse_ts_request(ts);
  REQUIRE(r.is_ok());
  REQUIRE(r.value().error_code);
  CHECK(*r.value().error_code == 0xC000006Du);
  const auto* n = names::auth_status(*r.value().error_code);
  REQUIRE(n);
  CHECK(std::string(n->name) == "STATUS_LOGON_FAILURE");
  CHECK(names::label(0x80090302, names::auth_status(0x80090302)) == "0x80090302 SEC_E_UNSUPPORTED_FUNCTION");
  CHECK(names::label(0x12345678, names::auth_status(0x12345678)) == "0x12345678 (unknown)");
  CHECK(credssp::parse_ts_request(tlv(0x30, tlv(0xa1, {}))).is_invalid());  // no version
}

TEST_CASE("Kerberos KRB-ERROR, AS-REQ and the TCP record mark", "[proto][inner]") {
  const auto e = krb_error(24);
  auto m = kerberos::parse_message(e);
  REQUIRE(m.is_ok());
  REQUIRE(m.value().error);
  CHECK(m.value().error->error_code == 24);
  CHECK(m.value().error->realm == "CORP.EXAMPLE");
  CHECK(m.value().error->sname.text == "krbtgt/CORP.EXAMPLE");
  REQUIRE(m.value().error->cname);
  CHECK(m.value().error->cname->text == "alice");
  CHECK(m.value().error->stime == "20250310090100Z");
  CHECK(names::kdc_label(24) == "24 KDC_ERR_PREAUTH_FAILED");
  CHECK(names::kdc_error(25)->weight == names::Weight::normal);

  // TCP: 4-byte length then the message (RFC 4120 7.2.2).
  std::vector<uint8_t> tcp{0, 0, 0, static_cast<uint8_t>(e.size())};
  tcp.insert(tcp.end(), e.begin(), e.end());
  auto f = kerberos::frame_tcp_record(tcp);
  REQUIRE(f.is_ok());
  CHECK(f.consumed() == tcp.size());
  CHECK(f.value().size() == e.size());
  CHECK(kerberos::frame_tcp_record(std::span(tcp).first(tcp.size() - 1)).is_need_more());
  CHECK(kerberos::frame_tcp_record(hex("80000010")).is_invalid());
  CHECK(kerberos::frame_tcp_record(hex("7fffffff")).is_invalid());

  // TGS-REQ for TERMSRV/rdp01.corp.example (RFC 4120 5.4.1 KDC-REQ-BODY sname [3]).
  const auto body = tlv(0x30, cat({tlv(0xa0, tlv(0x03, {0, 0x40, 0x81, 0, 0})), tlv(0xa2, kstr("CORP.EXAMPLE")),
                                   tlv(0xa3, principal(2, {"TERMSRV", "rdp01.corp.example"})),
                                   tlv(0xa5, tlv(0x18, str("20370913024805Z"))), tlv(0xa7, integer(42)),
                                   tlv(0xa8, tlv(0x30, integer(18)))}));
  const auto tgs = tlv(0x6c, tlv(0x30, cat({tlv(0xa1, integer(5)), tlv(0xa2, integer(12)), tlv(0xa4, body)})));
  auto q = kerberos::parse_message(tgs);
  REQUIRE(q.is_ok());
  REQUIRE(q.value().kdc_req);
  REQUIRE(q.value().kdc_req->sname);
  CHECK(q.value().kdc_req->sname->text == "TERMSRV/rdp01.corp.example");
  CHECK(q.value().kdc_req->realm == "CORP.EXAMPLE");
  for (size_t n = 0; n < e.size(); ++n) CHECK_FALSE(kerberos::parse_message(std::span(e).first(n)).is_ok());
  CHECK(kerberos::parse_message(tlv(0x7e, tlv(0x30, {}))).is_invalid());  // no error-code
}

TEST_CASE("MCS domain PDUs and GCC blocks of sample 01", "[proto][inner]") {
  auto mcs_of = [](const std::vector<uint8_t>& tpkt) {
    auto f = rdp::frame_pdu(tpkt);
    REQUIRE(f.is_ok());
    CHECK_FALSE(f.value().fast_path);
    CHECK(f.value().length == tpkt.size());
    auto d = rdp::x224_data(tpkt);
    REQUIRE(d.is_ok());
    return d.value();
  };
  const auto ci = record(19);
  auto client = parse_connect_initial(mcs_of(ci));
  REQUIRE(client.is_ok());
  CHECK(client.value().client_name == "WS-ALICE");
  CHECK(client.value().client_build == 19041u);
  CHECK(client.value().channels == std::vector<std::string>{"rdpdr", "rdpsnd", "cliprdr", "drdynvc"});
  CHECK(client.value().requested_protocols == 2u);
  const auto cr = record(21);
  auto server = parse_connect_response(mcs_of(cr));
  REQUIRE(server.is_ok());
  CHECK(server.value().version == 0x00080004u);
  CHECK(server.value().client_requested_protocols == 3u);

  const auto auc = record(25);
  auto a = mcs::parse_domain_pdu(mcs_of(auc));
  REQUIRE(a.is_ok());
  CHECK(a.value().choice == mcs::pdu::attach_user_confirm);
  CHECK(a.value().result == 0);
  CHECK(a.value().initiator == 1007);
  const auto cjc = record(27);
  auto j = mcs::parse_domain_pdu(mcs_of(cjc));
  REQUIRE(j.is_ok());
  CHECK(j.value().choice == mcs::pdu::channel_join_confirm);
  CHECK(j.value().channel_id == 1007);
  const auto dpu = record(30);
  auto d = mcs::parse_domain_pdu(mcs_of(dpu));
  REQUIRE(d.is_ok());
  CHECK(d.value().choice == mcs::pdu::disconnect_provider_ultimatum);
  CHECK(d.value().reason == 3);  // tshark: rn-user-requested (3)
  CHECK(std::string(mcs::reason_name(3)) == "user-requested");
  const auto edr = record(22);
  CHECK(mcs::parse_domain_pdu(mcs_of(edr)).value().choice == mcs::pdu::erect_domain_request);
}

TEST_CASE("Send Data: licensing Error Alert, Set Error Info, Demand Active, fast-path", "[proto][inner]") {
  // MCS Send Data Indication (0x68) on channel 1003 from user 1002 carrying a
  // licensing Error Alert (2.2.1.12.1.3): SEC_LICENSE_PKT, bMsgType 0xFF,
  // dwErrorCode 0x7 STATUS_VALID_CLIENT, dwStateTransition 2 ST_NO_TRANSITION, empty blob.
  const auto lic = hex("80000000" "ff031000" "07000000" "02000000" "04000000");
  auto l = rdp::parse_slow_path(lic);
  REQUIRE(l.is_ok());
  CHECK(l.value().kind == rdp::Kind::licensing);
  CHECK(l.value().licensing->msg_type == rdp::license::error_alert);
  CHECK(l.value().licensing->error_code == 7u);
  CHECK(l.value().licensing->state_transition == 2u);
  CHECK(names::licensing_error(7)->weight == names::Weight::normal);
  CHECK(names::licensing_error(6)->weight == names::Weight::failure);

  // Share Control Data PDU, Set Error Info (2.2.5.1.1) errorInfo 0x9.
  const auto sei = hex("16001700ea03" "ea030100" "00" "01" "0400" "2f" "00" "0000" "09000000");
  auto s = rdp::parse_slow_path(sei);
  REQUIRE(s.is_ok());
  REQUIRE(s.value().kind == rdp::Kind::share_control);
  CHECK(s.value().share->pdu_type == rdp::pdutype::data);
  CHECK(s.value().share->pdu_type2 == rdp::pdutype2::set_error_info);
  CHECK(s.value().share->error_info == 9u);
  CHECK(std::string(names::error_info(9)->name) == "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES");
  CHECK(names::error_info(0xC)->weight == names::Weight::normal);

  // Deactivate All (2.2.3.1): totalLength, pduType 0x16, pduSource, shareId, lengthSourceDescriptor, descriptor.
  auto da = rdp::parse_slow_path(hex("0d001600ea03ea030100010000"));
  REQUIRE(da.is_ok());
  CHECK(da.value().share->pdu_type == rdp::pdutype::deactivate_all);

  // Client Info (2.2.1.11): SEC_INFO_PKT, TS_INFO_PACKET with INFO_UNICODE, domain "CORP", user "alice".
  const auto info = hex("40000000" "00000000" "13000000" "0800" "0a00" "0000" "0000" "0000"
                        "43004f0052005000" "0000" "61006c00690063006500" "0000" "0000" "0000" "0000");
  auto ci = rdp::parse_slow_path(info);
  REQUIRE(ci.is_ok());
  REQUIRE(ci.value().kind == rdp::Kind::client_info);
  CHECK(ci.value().client_info->domain == "CORP");
  CHECK(ci.value().client_info->user == "alice");

  // Fast-path output header (2.2.9.1.2): action 0, 2-byte length 0x8105 = 261.
  auto fp = rdp::frame_pdu(hex("008105"));
  REQUIRE(fp.is_ok());
  CHECK(fp.value().fast_path);
  CHECK(fp.value().length == 261u);
  CHECK(rdp::frame_pdu(hex("0300")).is_need_more());
  CHECK(rdp::frame_pdu(hex("03000004")).is_invalid());
  CHECK(rdp::frame_pdu(hex("01")).is_invalid());
  CHECK(std::string(rdp::euar_name(5)) == "AUTHZ_ACCESS_DENIED");
}
