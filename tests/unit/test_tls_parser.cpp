// Unit tests for the pure TLS parsers (core/tls/tls_parser.*) and the name
// tables, on real bytes from the public captures in ../shared/pcaps
// (see CATALOGUE.md there). Byte offsets in comments are TCP payload offsets.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "tls/tls_parser.hpp"
#include "tls/tls_names.hpp"
#include "tls/tls_stream.hpp"
#include "tls_test_support.hpp"

using namespace rdpcap;
using namespace rdpcap::tls;
using tls_test::hex;
using util::Bytes;

namespace {

// zeek-tls-1.2-handshake-failure.pcap frame 4 (client -> 74.125.239.37:443),
// whole TCP payload: one handshake record (5-byte header) holding the
// ClientHello (4-byte header + 169-byte body). TLS 1.2 client offering only
// ECDH/ECDHE-with-NULL... suites; no SNI.
const std::vector<uint8_t> kZeekFailureChRecord = hex(
    "16030100ad010000a90303aaa3b6e3259f9c61ee29dde42820a73799972d6bf61ac2ea385a92c8ec5dae2f000012c010c006c015c00bc0"
    "01003b0002000100ff020100006d000b000403000102000a00340032000e000d0019000b000c00180009000a0016001700080006000700"
    "1400150004000500120013000100020003000f0010001100230000000d0020001e06010602060305010502050304010402040303010302"
    "0303020102020203000f000101");

// zeek-tls-1.2-handshake-failure.pcap frame 6 (server -> client): fatal handshake_failure.
const std::vector<uint8_t> kZeekFailureAlertRecord = hex("15030300020228");

// ndpi-rdp.pcap frame 7 (client 172.16.2.185:52494 -> 192.168.2.142:3389),
// after the X.224 exchange: TLS 1.2 ClientHello with SNI "192.168.2.142".
const std::vector<uint8_t> kNdpiRdpChRecord = hex(
    "16030100a8010000a403035cef9e29f7050d16a1a2391d64625681e3425a70bdd5045db0a23d3db250dbe700002c00ffc02cc02bc024c0"
    "23c00ac009c008c030c02fc028c027c014c013c012009d009c003d003c0035002f000a0100004f00000012001000000d3139322e313638"
    "2e322e313432000a00080006001700180019000b00020100000d0012001004010201050106010403020305030603000500050100000000"
    "0012000000170000");

// ndpi-rdp.pcap frame 8, payload bytes 5..89: the ServerHello message
// (header + 81-byte body) that opens the server's single 1174-byte record.
const std::vector<uint8_t> kNdpiRdpShMessage = hex(
    "0200005103035cef9e29fc014194909b53af86699d233ed91ac0ae93eb33ba83c67dc3251284205546000051f0a1cf87fe3fc0e3147267"
    "7019381dcaffb9355b5e746e41b2f498c03000000900170000ff01000100");

// zeek-hrr.pcap frame 6 (64.233.185.139:443 -> client): HelloRetryRequest
// record (93 bytes) then a middlebox-compatibility ChangeCipherSpec record.
const std::vector<uint8_t> kZeekHrrPayload = hex(
    "1603030058020000540303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c201a6bb8368add0e28015bd6"
    "cced648236f49e2407f19653ac1fdd1ffa48bfaecd130200000c002b00020304003300020017140303000101");

// zeek-hrr.pcap frame 4: the TLS 1.3 ClientHello answered by that HRR.
const std::vector<uint8_t> kZeekHrrChRecord = hex(
    "16030100e7010000e3030330f1903e37d4f598a70d696a9172b296c96852c9dae4a3c9ca6b49d2021668a1201a6bb8368add0e28015bd6"
    "cced648236f49e2407f19653ac1fdd1ffa48bfaecd000813021303130100ff01000092000b000403000102000a00080006001500170018"
    "002300000016000000170000000d001e001c040305030603080708080809080a080b080408050806040105010601002b0003020304002d"
    "000201010033003f003d0015003904742beee2f40d71fd7de442c4829450b081225514e22c5d87b47fc5958bccc7ff69835d7731166b62"
    "e92de516b8af90fe45cbb056ce364f40");

// zeek-ssl-v2.pcap frame 4 (client -> 91.227.4.92:443): SSLv2 CLIENT-HELLO,
// version 0x0002, 7 SSLv2-only cipher kinds, no session id, 16-byte challenge.
const std::vector<uint8_t> kZeekSslV2ClientHello =
    hex("802e0100020015000000100700c00500800300800100800600400400800200801c30e2b12f4c04525476f280c07abee5");

Bytes body_of(const std::vector<uint8_t>& message) { return Bytes(message).subspan(4); }
Bytes message_of_record(const std::vector<uint8_t>& record) { return Bytes(record).subspan(5); }

// A small ClientHello builder for synthetic edge cases (GREASE, caps, ALPN).
struct ChBuilder {
  uint16_t version = 0x0303;
  std::vector<uint16_t> suites{0x1301, 0xc02f};
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> exts;
  bool with_extensions = true;

  static void put16(std::vector<uint8_t>& v, size_t x) {
    v.push_back(uint8_t(x >> 8));
    v.push_back(uint8_t(x));
  }
  ChBuilder& ext(uint16_t type, std::vector<uint8_t> body) {
    exts.emplace_back(type, std::move(body));
    return *this;
  }
  static std::vector<uint8_t> u16_list(const std::vector<uint16_t>& xs) {
    std::vector<uint8_t> b;
    put16(b, xs.size() * 2);
    for (auto x : xs) put16(b, x);
    return b;
  }
  std::vector<uint8_t> body() const {
    std::vector<uint8_t> b;
    put16(b, version);
    b.insert(b.end(), 32, 0x11);  // random
    b.push_back(0);               // session id
    put16(b, suites.size() * 2);
    for (auto s : suites) put16(b, s);
    b.push_back(1);
    b.push_back(0);  // compression: null
    if (with_extensions) {
      std::vector<uint8_t> e;
      for (auto& [t, body] : exts) {
        put16(e, t);
        put16(e, body.size());
        e.insert(e.end(), body.begin(), body.end());
      }
      put16(b, e.size());
      b.insert(b.end(), e.begin(), e.end());
    }
    return b;
  }
};

}  // namespace

// zeek-certificate-request-failed.pcap frame 6, payload bytes 3589..3676:
// the TLS 1.2 CertificateRequest (1 type, 1 signature algorithm, 1 CA name
// O=SomeOrg,L=Somewhere,ST=Some-State,C=US), split by field.
static const std::vector<uint8_t> kCertRequest = hex(
    "0d000054"                                          // type 13, length 84
    "01" "01"                                           // certificate_types: rsa_sign
    "0002" "0401"                                       // supported_signature_algorithms: rsa_pkcs1_sha256
    "004c"                                              // certificate_authorities: 76 bytes
    "004a"                                              // DistinguishedName: 74 bytes
    "3048310b30090603550406130255533113301106035504080c0a536f6d652d53746174653112301006035504070c09536f6d657768"
    "6572653110300e060355040a0c07536f6d654f7267");

TEST_CASE("parse_record_header on real headers and bad bytes", "[tls]") {
  auto r = parse_record_header(kZeekFailureChRecord);
  REQUIRE(r.is_ok());
  CHECK(r.consumed() == 5);
  CHECK(r.value().content_type == 22);
  CHECK(r.value().version == 0x0301);
  CHECK(r.value().length == 173);

  auto a = parse_record_header(kZeekFailureAlertRecord);
  REQUIRE(a.is_ok());
  CHECK(a.value().content_type == 21);
  CHECK(a.value().version == 0x0303);
  CHECK(a.value().length == 2);

  // Every prefix of a valid header is need_more.
  for (size_t n = 0; n < 5; ++n) CHECK(parse_record_header(Bytes(kZeekFailureChRecord).first(n)).is_need_more());

  // xrdp's plaintext TPKT after a TLS failure: rejected on its first byte.
  auto tpkt = hex("03000009 02f0802180");
  auto t = parse_record_header(tpkt);
  REQUIRE(t.is_invalid());
  CHECK(t.offset() == 0);
  CHECK(t.reason() == "not a TLS record: content type 3");
  CHECK(parse_record_header(Bytes(tpkt).first(1)).is_invalid());

  CHECK(parse_record_header(hex("1602010001")).is_invalid());   // major 2
  CHECK(parse_record_header(hex("1603050001")).is_invalid());   // 3.5
  CHECK(parse_record_header(hex("1903030001")).is_invalid());   // type 25
  CHECK(parse_record_header(hex("1303030001")).is_invalid());   // type 19
  CHECK(parse_record_header(hex("1803000000")).is_ok());        // heartbeat, SSL 3.0, empty
  CHECK(parse_record_header(hex("1703044800")).is_ok());        // 18432 = 2^14 + 2048
  auto big = parse_record_header(hex("1703044801"));            // 18433
  REQUIRE(big.is_invalid());
  CHECK(big.offset() == 3);
}

TEST_CASE("looks_like_tls", "[tls]") {
  CHECK(looks_like_tls(kZeekFailureChRecord));
  CHECK(looks_like_tls(kNdpiRdpChRecord));
  CHECK(looks_like_tls(kZeekSslV2ClientHello));
  CHECK(looks_like_tls(hex("160300")));            // 3 bytes of a handshake header
  CHECK_FALSE(looks_like_tls(hex("1603")));
  CHECK_FALSE(looks_like_tls(kZeekFailureAlertRecord));  // alert, not a handshake
  CHECK_FALSE(looks_like_tls(hex("030000130ee00000000000010008000b000000")));  // ndpi-rdp frame 4: X.224 CR
  CHECK_FALSE(looks_like_tls(hex("474554202f20485454502f312e31")));          // "GET / HTTP/1.1"
  CHECK_FALSE(looks_like_tls(hex("1603050010")));
  CHECK_FALSE(looks_like_tls(hex("1603010000")));  // empty record
  CHECK_FALSE(looks_like_tls(hex("802e020002")));  // SSLv2 but not CLIENT-HELLO
  CHECK_FALSE(looks_like_tls(hex("802e010200")));  // SSLv2 CLIENT-HELLO with version 0x0200
  CHECK(looks_like_tls(hex("8046010301002d0000001000")));  // SSLv2-format hello offering TLS 1.0
}

TEST_CASE("parse_handshake_header", "[tls]") {
  auto h = parse_handshake_header(message_of_record(kZeekFailureChRecord));
  REQUIRE(h.is_ok());
  CHECK(h.value().msg_type == 1);
  CHECK(h.value().length == 169);
  CHECK(h.consumed() == 4);
  CHECK(parse_handshake_header(hex("010000")).is_need_more());
}

TEST_CASE("ClientHello from zeek-tls-1.2-handshake-failure", "[tls]") {
  Bytes body = message_of_record(kZeekFailureChRecord).subspan(4);
  REQUIRE(body.size() == 169);
  auto r = parse_client_hello(body);
  REQUIRE(r.is_ok());
  CHECK(r.consumed() == 169);
  const ClientHello& ch = r.value();
  CHECK(ch.legacy_version == 0x0303);
  CHECK(ch.cipher_suites ==
        std::vector<uint16_t>{0xc010, 0xc006, 0xc015, 0xc00b, 0xc001, 0x003b, 0x0002, 0x0001, 0x00ff});
  CHECK(ch.sni.empty());
  CHECK(ch.supported_versions.empty());
  CHECK(ch.alpn.empty());
  REQUIRE(ch.supported_groups.size() == 25);
  CHECK(ch.supported_groups.front() == 0x000e);  // sect571r1
  CHECK(ch.supported_groups.back() == 0x0011);
  REQUIRE(ch.signature_algorithms.size() == 15);
  CHECK(ch.signature_algorithms.front() == 0x0601);
  CHECK(ch.signature_algorithms.back() == 0x0203);
  CHECK(ch.extension_types == std::vector<uint16_t>{11, 10, 35, 13, 15});
  CHECK_FALSE(ch.sslv2_format);
  CHECK_FALSE(ch.truncated_lists);
}

TEST_CASE("ClientHello from ndpi-rdp (RDP over TLS 1.2, SNI)", "[tls]") {
  Bytes body = message_of_record(kNdpiRdpChRecord).subspan(4);
  auto r = parse_client_hello(body);
  REQUIRE(r.is_ok());
  const ClientHello& ch = r.value();
  CHECK(ch.legacy_version == 0x0303);
  CHECK(ch.sni == "192.168.2.142");
  CHECK(ch.cipher_suites == std::vector<uint16_t>{0x00ff, 0xc02c, 0xc02b, 0xc024, 0xc023, 0xc00a, 0xc009, 0xc008,
                                                  0xc030, 0xc02f, 0xc028, 0xc027, 0xc014, 0xc013, 0xc012, 0x009d,
                                                  0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x000a});
  CHECK(ch.supported_groups == std::vector<uint16_t>{23, 24, 25});
  CHECK(ch.signature_algorithms ==
        std::vector<uint16_t>{0x0401, 0x0201, 0x0501, 0x0601, 0x0403, 0x0203, 0x0503, 0x0603});
  CHECK(ch.extension_types == std::vector<uint16_t>{0, 10, 11, 13, 5, 18, 23});
}

TEST_CASE("ClientHello from zeek-hrr (TLS 1.3 offer)", "[tls]") {
  auto r = parse_client_hello(message_of_record(kZeekHrrChRecord).subspan(4));
  REQUIRE(r.is_ok());
  const ClientHello& ch = r.value();
  CHECK(ch.legacy_version == 0x0303);
  CHECK(ch.cipher_suites == std::vector<uint16_t>{0x1302, 0x1303, 0x1301, 0x00ff});
  CHECK(ch.supported_versions == std::vector<uint16_t>{0x0304});
  CHECK(ch.supported_groups == std::vector<uint16_t>{0x0015, 0x0017, 0x0018});
  CHECK(ch.signature_algorithms.size() == 14);
  CHECK(ch.extension_types == std::vector<uint16_t>{11, 10, 35, 22, 23, 13, 43, 45, 51});
}

TEST_CASE("every truncated ClientHello gives need_more (ok only where extensions may be absent)", "[tls]") {
  for (const auto* rec : {&kZeekFailureChRecord, &kNdpiRdpChRecord, &kZeekHrrChRecord}) {
    Bytes body = message_of_record(*rec).subspan(4);
    // legacy_version + random + session_id + cipher_suites + compression_methods
    size_t sid = body[34];
    size_t cs = (size_t(body[35 + sid]) << 8) | body[36 + sid];
    size_t comp = body[37 + sid + cs];
    size_t no_ext_end = 38 + sid + cs + comp;
    for (size_t n = 0; n < body.size(); ++n) {
      INFO("prefix " << n << " of " << body.size());
      auto r = parse_client_hello(body.first(n));
      if (n == no_ext_end) {
        REQUIRE(r.is_ok());  // a TLS <= 1.2 ClientHello may end after compression_methods
        CHECK(r.value().extension_types.empty());
      } else {
        CHECK(r.is_need_more());
      }
    }
  }
}

TEST_CASE("ClientHello inner lengths are checked against their enclosing length", "[tls]") {
  std::vector<uint8_t> body(kNdpiRdpChRecord.begin() + 9, kNdpiRdpChRecord.end());
  // Body offsets: 35 cipher_suites length (0x002c), 81 compression length,
  // 83 extensions length (0x004f), 85 first extension (server_name, type 0,
  // length 0x0012 at 87), 89 ServerNameList length (0x0010).
  REQUIRE(body[83] == 0x00);
  REQUIRE(body[84] == 0x4f);
  REQUIRE(body[89] == 0x00);
  REQUIRE(body[90] == 0x10);

  SECTION("ServerNameList longer than the extension") {
    auto b = body;
    b[90] = 0x11;
    auto r = parse_client_hello(b);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 89);
    CHECK(r.reason() == "extension 0: server_name list length 17 disagrees with extension length 18");
  }
  SECTION("ServerNameList shorter than the extension") {
    auto b = body;
    b[90] = 0x0f;
    auto r = parse_client_hello(b);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 89);
  }
  SECTION("host_name longer than the list") {
    auto b = body;
    b[93] = 0x0e;  // HostName length 13 -> 14
    auto r = parse_client_hello(b);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 94);
    CHECK(r.reason() == "extension 0: server_name exceeds its enclosing length");
  }
  SECTION("extension longer than the extensions block") {
    auto b = body;
    b[87] = 0x01;  // server_name extension length 0x0112
    auto r = parse_client_hello(b);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 89);
    CHECK(r.reason() == "extension data exceeds its enclosing length");
  }
  SECTION("odd cipher_suites length") {
    auto b = body;
    b[36] = 0x2b;
    auto r = parse_client_hello(b);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 35);
  }
  SECTION("session_id longer than 32") {
    auto b = body;
    b[34] = 33;
    auto r = parse_client_hello(b);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 34);
  }
  SECTION("bytes after the extensions block") {
    auto b = body;
    b.push_back(0);
    auto r = parse_client_hello(b);
    REQUIRE(r.is_invalid());
    CHECK(r.reason() == "message after extensions: 1 unexpected trailing byte(s)");
  }
  SECTION("supported_groups list of odd length") {
    // ext 10 at body offset 107: type(2) len(2)=8 list len(2)=6 -> make ext len 7, list 5
    auto b = body;
    REQUIRE(b[107] == 0x00);
    REQUIRE(b[108] == 0x0a);
    b[110] = 7;
    b[112] = 5;
    b.erase(b.begin() + 118);  // drop one byte of the list
    b[84] = 0x4e;              // extensions total 0x4f -> 0x4e
    auto r = parse_client_hello(b);
    REQUIRE(r.is_invalid());
    CHECK(r.reason() == "extension 10: supported_groups length is odd");
  }
}

TEST_CASE("GREASE values are kept as sent", "[tls]") {
  ChBuilder b;
  b.suites = {0x5a5a, 0x1301, 0x1302, 0xc02f};
  b.ext(0x0a0a, {});                                                           // GREASE extension, empty
  b.ext(0, {0x00, 0x0e, 0x00, 0x00, 0x0b, 'r', 'd', 'p', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e'});
  b.ext(10, ChBuilder::u16_list({0x2a2a, 0x001d, 0x0017}));
  b.ext(13, ChBuilder::u16_list({0x0804, 0x0403}));
  b.ext(16, {0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'});
  b.ext(43, {0x06, 0x7a, 0x7a, 0x03, 0x04, 0x03, 0x03});
  b.ext(0xfafa, {0x00});                                                       // GREASE with 1 byte
  auto body = b.body();
  auto r = parse_client_hello(body);
  REQUIRE(r.is_ok());
  const ClientHello& ch = r.value();
  CHECK(ch.cipher_suites == std::vector<uint16_t>{0x5a5a, 0x1301, 0x1302, 0xc02f});
  CHECK(ch.supported_groups == std::vector<uint16_t>{0x2a2a, 0x001d, 0x0017});
  CHECK(ch.supported_versions == std::vector<uint16_t>{0x7a7a, 0x0304, 0x0303});
  CHECK(ch.extension_types == std::vector<uint16_t>{0x0a0a, 0, 10, 13, 16, 43, 0xfafa});
  CHECK(ch.sni == "rdp.example");
  CHECK(ch.alpn == std::vector<std::string>{"h2", "http/1.1"});
  CHECK(is_grease(0x5a5a));
  CHECK(is_grease(0xfafa));
  CHECK_FALSE(is_grease(0x5a5b));
  CHECK_FALSE(is_grease(0x1a2a));
  CHECK_FALSE(is_grease(0x0304));
  CHECK(cipher_suite_name(0x5a5a) == nullptr);
  CHECK_FALSE(cipher_suite_traits(0x5a5a).known);
}

TEST_CASE("ClientHello without extensions, empty ALPN name, caps", "[tls]") {
  SECTION("no extensions (SSL 3.0 style)") {
    ChBuilder b;
    b.version = 0x0300;
    b.with_extensions = false;
    auto r = parse_client_hello(b.body());
    REQUIRE(r.is_ok());
    CHECK(r.value().legacy_version == 0x0300);
    CHECK(r.value().extension_types.empty());
  }
  SECTION("empty ALPN protocol name is invalid") {
    ChBuilder b;
    b.ext(16, {0x00, 0x04, 0x02, 'h', '2', 0x00});
    auto r = parse_client_hello(b.body());
    REQUIRE(r.is_invalid());
    CHECK(r.reason() == "extension 16: empty ALPN protocol name");
  }
  SECTION("600 cipher suites: 512 kept, truncated_lists") {
    ChBuilder b;
    b.suites.clear();
    for (int i = 0; i < 600; ++i) b.suites.push_back(uint16_t(0xc000 + i));
    auto r = parse_client_hello(b.body());
    REQUIRE(r.is_ok());
    CHECK(r.value().cipher_suites.size() == 512);
    CHECK(r.value().cipher_suites.back() == 0xc000 + 511);
    CHECK(r.value().truncated_lists);
  }
  SECTION("supported_versions length disagreeing with the extension") {
    ChBuilder b;
    b.ext(43, {0x04, 0x03, 0x04});
    auto r = parse_client_hello(b.body());
    REQUIRE(r.is_invalid());
    CHECK(r.reason() == "extension 43: supported_versions length 4 disagrees with extension length 3");
  }
  SECTION("empty cipher_suites and empty compression_methods are invalid") {
    ChBuilder b;
    b.suites.clear();
    CHECK(parse_client_hello(b.body()).is_invalid());
    ChBuilder c;
    auto body = c.body();
    body[35 + 2 + 4] = 0;  // compression_methods length
    CHECK(parse_client_hello(body).is_invalid());
  }
}

TEST_CASE("ServerHello from ndpi-rdp", "[tls]") {
  auto r = parse_server_hello(body_of(kNdpiRdpShMessage));
  REQUIRE(r.is_ok());
  const ServerHello& sh = r.value();
  CHECK(sh.legacy_version == 0x0303);
  CHECK(sh.cipher_suite == 0xc030);
  CHECK(sh.compression == 0);
  CHECK_FALSE(sh.hello_retry_request);
  CHECK_FALSE(sh.supported_version.has_value());
  CHECK_FALSE(sh.selected_group.has_value());
  CHECK(sh.negotiated_version() == 0x0303);
  CHECK(sh.extension_types == std::vector<uint16_t>{0x0017, 0xff01});
  CHECK(std::string(cipher_suite_name(sh.cipher_suite)) == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");

  Bytes body = body_of(kNdpiRdpShMessage);
  const size_t no_ext_end = 2 + 32 + 1 + 32 + 2 + 1;
  for (size_t n = 0; n < body.size(); ++n) {
    INFO("prefix " << n);
    auto p = parse_server_hello(body.first(n));
    if (n == no_ext_end)
      CHECK(p.is_ok());
    else
      CHECK(p.is_need_more());
  }
}

TEST_CASE("HelloRetryRequest from zeek-hrr", "[tls]") {
  Bytes msg = Bytes(kZeekHrrPayload).subspan(5, 88);
  auto h = parse_handshake_header(msg);
  REQUIRE(h.is_ok());
  REQUIRE(h.value().msg_type == 2);
  REQUIRE(h.value().length == 84);
  auto r = parse_server_hello(msg.subspan(4));
  REQUIRE(r.is_ok());
  const ServerHello& sh = r.value();
  CHECK(sh.hello_retry_request);
  CHECK(sh.legacy_version == 0x0303);
  CHECK(sh.supported_version == std::optional<uint16_t>(0x0304));
  CHECK(sh.negotiated_version() == 0x0304);
  CHECK(sh.selected_group == std::optional<uint16_t>(0x0017));  // secp256r1
  CHECK(sh.cipher_suite == 0x1302);
  CHECK(sh.extension_types == std::vector<uint16_t>{43, 51});

  // An HRR key_share carries only the group: a key_exchange there is invalid.
  std::vector<uint8_t> bad(msg.begin() + 4, msg.end());
  bad.insert(bad.end(), {0x00, 0x00});
  // Body offsets: 70 extensions length (12), 72 supported_versions,
  // 78 key_share (type 51, length 2 at 80..81, group at 82..83).
  REQUIRE(bad[71] == 12);
  REQUIRE(bad[81] == 2);
  bad[81] = 0x04;  // key_share length 2 -> 4
  bad[71] = 0x0e;  // extensions total 12 -> 14
  auto b = parse_server_hello(bad);
  REQUIRE(b.is_invalid());
  CHECK(b.reason() == "extension 51: key_share (HelloRetryRequest): 2 unexpected trailing byte(s)");
}

TEST_CASE("TLS 1.3 ServerHello key_share and supported_versions sizes", "[tls]") {
  // Built from the HRR above with an ordinary random: key_share with a
  // 32-byte x25519 key.
  std::vector<uint8_t> sh(kZeekHrrPayload.begin() + 9, kZeekHrrPayload.begin() + 9 + 84);
  std::fill(sh.begin() + 2, sh.begin() + 34, 0x42);
  sh.resize(72);  // up to and including the extensions length (body offset 70)
  // 72: supported_versions (43) = 0x0304; 78: key_share (51), length 36 at
  // 80, group x25519 at 82, key_exchange length 32 at 84, key at 86.
  std::vector<uint8_t> exts = {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20};
  exts.insert(exts.end(), 32, 0xab);
  sh[70] = 0;
  sh[71] = uint8_t(exts.size());
  sh.insert(sh.end(), exts.begin(), exts.end());
  auto r = parse_server_hello(sh);
  REQUIRE(r.is_ok());
  CHECK_FALSE(r.value().hello_retry_request);
  CHECK(r.value().selected_group == std::optional<uint16_t>(0x001d));
  CHECK(r.value().negotiated_version() == 0x0304);

  auto bad = sh;
  bad[85] = 0x21;  // key_exchange length 32 -> 33
  auto b = parse_server_hello(bad);
  REQUIRE(b.is_invalid());
  CHECK(b.offset() == 84);
  CHECK(b.reason() == "extension 51: key_exchange length 33 disagrees with extension length");

  auto sv = sh;
  sv[75] = 0x01;  // supported_versions length 2 -> 1
  CHECK(parse_server_hello(sv).is_invalid());
}

TEST_CASE("Certificate list from ndpi-rdp", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto segs = tls_test::read_tcp_segments(tls_test::pcap_path("ndpi-rdp.pcap"));
  auto server = tls_test::direction(segs, 3389, 52494);
  REQUIRE(server.bytes.size() >= 19 + 5 + 1174);
  // Server stream: 19-byte X.224 Connection Confirm, then the TLS record; the
  // Certificate message starts at record byte 5 + 85.
  Bytes rec = Bytes(server.bytes).subspan(19);
  Bytes cert_msg = rec.subspan(5 + 85, 4 + 748);
  REQUIRE(cert_msg[0] == 11);
  auto r = parse_certificate_list(cert_msg.subspan(4));
  REQUIRE(r.is_ok());
  REQUIRE(r.value().size() == 1);
  CHECK(r.value()[0].size() == 742);
  CHECK(r.value()[0][0] == 0x30);
  CHECK(r.value()[0][1] == 0x82);
  CHECK(r.consumed() == 748);

  Bytes body = cert_msg.subspan(4);
  for (size_t n = 0; n < body.size(); ++n) {
    auto p = parse_certificate_list(body.first(n));
    INFO("prefix " << n);
    CHECK(p.is_need_more());
  }
  std::vector<uint8_t> bad(body.begin(), body.end());
  bad[5] = 0xe7;  // entry length 742 -> 743 > list
  auto b = parse_certificate_list(bad);
  REQUIRE(b.is_invalid());
  CHECK(b.offset() == 6);
  CHECK(b.reason() == "certificate exceeds its enclosing length");
  auto trailing = std::vector<uint8_t>(body.begin(), body.end());
  trailing.push_back(0);
  CHECK(parse_certificate_list(trailing).is_invalid());
  // An empty list (a client with no certificate) is valid.
  auto empty = parse_certificate_list(hex("000000"));
  REQUIRE(empty.is_ok());
  CHECK(empty.value().empty());
  CHECK(parse_certificate_list(hex("000003000000")).is_invalid());  // zero-length entry
}

TEST_CASE("CertificateRequest from zeek-certificate-request-failed", "[tls]") {
  REQUIRE(kCertRequest.size() == 88);
  auto r = parse_certificate_request(body_of(kCertRequest), false);
  REQUIRE(r.is_ok());
  CHECK(r.value().certificate_types == std::vector<uint8_t>{1});
  CHECK(r.value().signature_algorithms == std::vector<uint16_t>{0x0401});
  CHECK(r.value().ca_name_count == 1);
  Bytes body = body_of(kCertRequest);
  for (size_t n = 0; n < body.size(); ++n) CHECK(parse_certificate_request(body.first(n), false).is_need_more());
  // TLS 1.0/1.1 layout has no signature algorithms: the same bytes do not fit.
  CHECK(parse_certificate_request(body, false, 0x0301).is_invalid());
  auto tls10 = hex("02 01 40 0000");  // 2 types: rsa_sign, ecdsa_sign; no CA names
  auto t = parse_certificate_request(tls10, false, 0x0301);
  REQUIRE(t.is_ok());
  CHECK(t.value().certificate_types == std::vector<uint8_t>{1, 64});
  CHECK(t.value().signature_algorithms.empty());
  // TLS 1.3 layout: empty context, signature_algorithms + certificate_authorities.
  auto tls13 = hex("00 0014 000d 0006 0004 0804 0403 002f 0006 0004 0002 3000");
  auto u = parse_certificate_request(tls13, true);
  REQUIRE(u.is_ok());
  CHECK(u.value().signature_algorithms == std::vector<uint16_t>{0x0804, 0x0403});
  CHECK(u.value().ca_name_count == 1);
  // DistinguishedName (length at body offset 8..9) longer than the list.
  auto bad = std::vector<uint8_t>(body.begin(), body.end());
  bad[9] = 0x4b;
  CHECK(parse_certificate_request(bad, false).is_invalid());
}

TEST_CASE("Alert", "[tls]") {
  auto r = parse_alert(Bytes(kZeekFailureAlertRecord).subspan(5));
  REQUIRE(r.is_ok());
  CHECK(r.value().level == 2);
  CHECK(r.value().description == 40);
  CHECK(std::string(alert_description_name(r.value().description)) == "handshake_failure");
  CHECK(parse_alert(hex("02")).is_need_more());
  CHECK(parse_alert(hex("")).is_need_more());
  CHECK(parse_alert(hex("022800")).is_invalid());
}

TEST_CASE("SSLv2 CLIENT-HELLO from zeek-ssl-v2", "[tls]") {
  auto r = parse_sslv2_client_hello(kZeekSslV2ClientHello);
  REQUIRE(r.is_ok());
  CHECK(r.consumed() == 48);
  CHECK(r.value().hello.sslv2_format);
  CHECK(r.value().hello.legacy_version == 0x0002);
  CHECK(r.value().hello.cipher_suites.empty());
  CHECK(r.value().v2_only_specs == 7);
  for (size_t n = 0; n < kZeekSslV2ClientHello.size(); ++n) {
    auto p = parse_sslv2_client_hello(Bytes(kZeekSslV2ClientHello).first(n));
    INFO("prefix " << n);
    CHECK(p.is_need_more());
  }
  auto bad = kZeekSslV2ClientHello;
  bad[6] = 0x14;  // cipher_spec_length 21 -> 20: not a multiple of 3
  CHECK(parse_sslv2_client_hello(bad).is_invalid());
  bad = kZeekSslV2ClientHello;
  bad[1] = 0x2f;  // record length disagrees with the inner lengths
  CHECK(parse_sslv2_client_hello(bad).is_invalid());
}

TEST_CASE("SSLv2-format hello offering TLS 1.0 maps zero-prefixed specs to TLS suites", "[tls]") {
  // Synthetic, shaped like OpenSSL 0.9.8's SSLv23 hello: version 0x0301,
  // specs {00 00 39} {00 00 35} {01 00 80} {00 00 ff}, no session id, 16-byte challenge.
  auto h = hex("8025 01 0301 000c 0000 0010 000039 000035 010080 0000ff 00112233445566778899aabbccddeeff");
  auto r = parse_sslv2_client_hello(h);
  REQUIRE(r.is_ok());
  CHECK(r.value().hello.legacy_version == 0x0301);
  CHECK(r.value().hello.cipher_suites == std::vector<uint16_t>{0x0039, 0x0035, 0x00ff});
  CHECK(r.value().v2_only_specs == 1);
  CHECK(looks_like_tls(h));
}

TEST_CASE("SSLv2 SERVER-HELLO from zeek-ssl-v2", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto segs = tls_test::read_tcp_segments(tls_test::pcap_path("zeek-ssl-v2.pcap"));
  auto server = tls_test::direction(segs, 443, 59062);
  REQUIRE(server.bytes.size() >= 950);
  Bytes first(server.bytes.data(), 950);  // frame 6
  auto r = parse_sslv2_server_hello(first);
  REQUIRE(r.is_ok());
  CHECK(r.consumed() == 950);
  CHECK(r.value().version == 0x0002);
  CHECK(r.value().certificate_type == 1);
  CHECK(r.value().certificate.size() == 903);
  CHECK(r.value().cipher_specs.size() == 6);
  CHECK(r.value().cipher_specs.front() == 0x0700c0);
  for (size_t n = 0; n < first.size(); n += 7) CHECK(parse_sslv2_server_hello(first.first(n)).is_need_more());
}

TEST_CASE("version, alert, handshake, group and signature names", "[tls]") {
  CHECK(std::string(version_name(0x0002)) == "SSL 2.0");
  CHECK(std::string(version_name(0x0300)) == "SSL 3.0");
  CHECK(std::string(version_name(0x0301)) == "TLS 1.0");
  CHECK(std::string(version_name(0x0302)) == "TLS 1.1");
  CHECK(std::string(version_name(0x0303)) == "TLS 1.2");
  CHECK(std::string(version_name(0x0304)) == "TLS 1.3");
  CHECK(std::string(version_name(0x7f1c)) == "TLS 1.3 draft 28");
  CHECK(std::string(version_name(0x1234)) == "0x1234");
  CHECK(std::string(version_name(0x0a0a)) == "0x0a0a");
  const char* p1 = version_name(0xbeef);
  const char* p2 = version_name(0xbeef);
  CHECK(p1 == p2);  // interned: stable pointer
  version_name(0x4321);
  CHECK(std::string(p1) == "0xbeef");
  CHECK(version_text(0x0304) == "TLS 1.3");
  CHECK(version_text(0x0305) == "0x0305");

  const std::set<int> assigned = {0,  10, 20, 21, 22, 30, 40, 41,  42,  43,  44,  45,  46,  47,  48,  49,  50, 51,
                                  60, 70, 71, 80, 86, 90, 100, 109, 110, 111, 112, 113, 114, 115, 116, 120, 121};
  for (int d = 0; d < 256; ++d) {
    INFO("alert " << d);
    CHECK((alert_description_name(uint8_t(d)) != nullptr) == (assigned.count(d) == 1));
  }
  CHECK(std::string(alert_description_name(70)) == "protocol_version");
  CHECK(std::string(alert_description_name(48)) == "unknown_ca");
  CHECK(std::string(alert_description_name(116)) == "certificate_required");
  CHECK(std::string(alert_description_name(86)) == "inappropriate_fallback");

  CHECK(std::string(handshake_type_name(1)) == "client_hello");
  CHECK(std::string(handshake_type_name(11)) == "certificate");
  CHECK(std::string(handshake_type_name(16)) == "client_key_exchange");
  CHECK(std::string(handshake_type_name(254)) == "message_hash");
  CHECK(std::string(handshake_type_name(99)) == "unknown");

  CHECK(std::string(group_name(23)) == "secp256r1");
  CHECK(std::string(group_name(24)) == "secp384r1");
  CHECK(std::string(group_name(25)) == "secp521r1");
  CHECK(std::string(group_name(29)) == "x25519");
  CHECK(std::string(group_name(30)) == "x448");
  CHECK(std::string(group_name(256)) == "ffdhe2048");
  CHECK(std::string(group_name(260)) == "ffdhe8192");
  CHECK(std::string(group_name(0x11ec)) == "X25519MLKEM768");
  CHECK(group_name(0x2a2a) == nullptr);
  CHECK(group_name(0) == nullptr);

  CHECK(std::string(signature_scheme_name(0x0804)) == "rsa_pss_rsae_sha256");
  CHECK(std::string(signature_scheme_name(0x0401)) == "rsa_pkcs1_sha256");
  CHECK(std::string(signature_scheme_name(0x0201)) == "rsa_pkcs1_sha1");
  CHECK(std::string(signature_scheme_name(0x0403)) == "ecdsa_secp256r1_sha256");
  CHECK(std::string(signature_scheme_name(0x0807)) == "ed25519");
  CHECK(std::string(signature_scheme_name(0x0202)) == "dsa_sha1");
  CHECK(std::string(signature_scheme_name(0x1234)) == "unknown");
}

TEST_CASE("cipher suite registry: names and traits", "[tls]") {
  int named = 0;
  for (uint32_t v = 0; v < 0x10000; ++v) {
    const char* n = cipher_suite_name(uint16_t(v));
    SuiteTraits t = cipher_suite_traits(uint16_t(v));
    CHECK((n != nullptr) == t.known);
    if (n) {
      ++named;
      CHECK(std::strncmp(n, "TLS_", 4) == 0);
    }
  }
  CHECK(named == 359);  // 352 IANA assignments + 7 deployed EXPORT1024 suites

  CHECK(std::string(cipher_suite_name(0x1301)) == "TLS_AES_128_GCM_SHA256");
  CHECK(std::string(cipher_suite_name(0x1305)) == "TLS_AES_128_CCM_8_SHA256");
  CHECK(std::string(cipher_suite_name(0x002f)) == "TLS_RSA_WITH_AES_128_CBC_SHA");
  CHECK(std::string(cipher_suite_name(0xc011)) == "TLS_ECDHE_RSA_WITH_RC4_128_SHA");
  CHECK(std::string(cipher_suite_name(0xcca8)) == "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  CHECK(std::string(cipher_suite_name(0x0064)) == "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA");
  CHECK(std::string(cipher_suite_name(0x5600)) == "TLS_FALLBACK_SCSV");
  CHECK(cipher_suite_name(0x0047) == nullptr);  // reserved, unassigned
  CHECK(cipher_suite_name(0xd004) == nullptr);

  struct Expect {
    uint16_t suite;
    bool fs, aead, rc4, des3, des, null_c, exp, anon, cbc, sha1, md5, tls13;
  };
  const Expect cases[] = {
      // suite   fs     aead   rc4    3des   des    null   export anon   cbc    sha1   md5    tls13
      {0x1301, true, true, false, false, false, false, false, false, false, false, false, true},
      {0x1303, true, true, false, false, false, false, false, false, false, false, false, true},
      {0x1304, true, true, false, false, false, false, false, false, false, false, false, true},
      {0xc030, true, true, false, false, false, false, false, false, false, false, false, false},
      {0x009c, false, true, false, false, false, false, false, false, false, false, false, false},
      {0xc0ac, true, true, false, false, false, false, false, false, false, false, false, false},
      {0xcca9, true, true, false, false, false, false, false, false, false, false, false, false},
      {0xc013, true, false, false, false, false, false, false, false, true, true, false, false},
      {0xc027, true, false, false, false, false, false, false, false, true, false, false, false},
      {0x002f, false, false, false, false, false, false, false, false, true, true, false, false},
      {0x000a, false, false, false, true, false, false, false, false, true, true, false, false},
      {0x0016, true, false, false, true, false, false, false, false, true, true, false, false},
      {0x0009, false, false, false, false, true, false, false, false, true, true, false, false},
      {0x0004, false, false, true, false, false, false, false, false, false, false, true, false},
      {0x0005, false, false, true, false, false, false, false, false, false, true, false, false},
      {0xc011, true, false, true, false, false, false, false, false, false, true, false, false},
      {0x0003, false, false, true, false, false, false, true, false, false, false, true, false},
      {0x0008, false, false, false, false, true, false, true, false, true, true, false, false},
      {0x0064, false, false, true, false, false, false, true, false, false, true, false, false},
      {0x0001, false, false, false, false, false, true, false, false, false, false, true, false},
      {0x0002, false, false, false, false, false, true, false, false, false, true, false, false},
      {0xc010, true, false, false, false, false, true, false, false, false, true, false, false},
      {0x003b, false, false, false, false, false, true, false, false, false, false, false, false},
      {0x0000, false, false, false, false, false, true, false, true, false, false, false, false},
      {0x0018, false, false, true, false, false, false, false, true, false, false, true, false},
      {0x00a6, false, true, false, false, false, false, false, true, false, false, false, false},
      {0xc018, false, false, false, false, false, false, false, true, true, true, false, false},
      {0x0041, false, false, false, false, false, false, false, false, true, true, false, false},  // CAMELLIA
      {0xc050, false, true, false, false, false, false, false, false, false, false, false, false},  // ARIA GCM
      {0x0096, false, false, false, false, false, false, false, false, true, true, false, false},  // SEED
      {0x008c, false, false, false, false, false, false, false, false, true, true, false, false},  // PSK
      {0x00aa, true, true, false, false, false, false, false, false, false, false, false, false},   // DHE_PSK GCM
      {0xc0aa, true, true, false, false, false, false, false, false, false, false, false, false},   // PSK_DHE CCM_8
      {0xc0b4, true, false, false, false, false, true, false, false, false, false, false, true},    // integrity only
      {0x00ff, false, false, false, false, false, false, false, false, false, false, false, false}, // SCSV
  };
  for (const auto& e : cases) {
    INFO("suite 0x" << std::hex << e.suite << " " << cipher_suite_name(e.suite));
    SuiteTraits t = cipher_suite_traits(e.suite);
    CHECK(t.known);
    CHECK(t.forward_secret == e.fs);
    CHECK(t.aead == e.aead);
    CHECK(t.rc4 == e.rc4);
    CHECK(t.des3 == e.des3);
    CHECK(t.des == e.des);
    CHECK(t.null_cipher == e.null_c);
    CHECK(t.export_grade == e.exp);
    CHECK(t.anon == e.anon);
    CHECK(t.cbc == e.cbc);
    CHECK(t.sha1_mac == e.sha1);
    CHECK(t.md5_mac == e.md5);
    CHECK(t.tls13 == e.tls13);
  }
}

TEST_CASE("parsers never crash on pseudo-random bytes or mutated real messages", "[tls]") {
  tls_test::Lcg rng(0x5eed1234);
  std::vector<std::vector<uint8_t>> seeds = {
      std::vector<uint8_t>(kZeekFailureChRecord.begin() + 9, kZeekFailureChRecord.end()),
      std::vector<uint8_t>(kNdpiRdpChRecord.begin() + 9, kNdpiRdpChRecord.end()),
      std::vector<uint8_t>(kZeekHrrChRecord.begin() + 9, kZeekHrrChRecord.end()),
      std::vector<uint8_t>(kNdpiRdpShMessage.begin() + 4, kNdpiRdpShMessage.end()),
      std::vector<uint8_t>(kZeekHrrPayload.begin() + 9, kZeekHrrPayload.begin() + 93),
      std::vector<uint8_t>(kCertRequest.begin() + 4, kCertRequest.end()),
      kZeekSslV2ClientHello,
  };
  size_t ok = 0;
  auto run_all = [&](Bytes b) {
    auto check = [&](const auto& r) {
      if (r.is_ok()) {
        ++ok;
        CHECK(r.consumed() <= b.size());
      }
      if (r.is_invalid()) CHECK(r.offset() <= b.size());
    };
    check(parse_record_header(b));
    check(parse_handshake_header(b));
    check(parse_client_hello(b));
    check(parse_server_hello(b));
    check(parse_certificate_list(b));
    check(parse_certificate_request(b, false));
    check(parse_certificate_request(b, false, 0x0301));
    check(parse_certificate_request(b, true));
    check(parse_alert(b));
    check(parse_sslv2_client_hello(b));
    check(parse_sslv2_server_hello(b));
    (void)looks_like_tls(b);
  };
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> buf(rng.below(300));
    for (auto& x : buf) x = uint8_t(rng.next());
    run_all(buf);
  }
  for (int i = 0; i < 6000; ++i) {
    auto buf = seeds[rng.below(uint32_t(seeds.size()))];
    int flips = 1 + int(rng.below(4));
    for (int f = 0; f < flips; ++f) buf[rng.below(uint32_t(buf.size()))] = uint8_t(rng.next());
    if (rng.below(4) == 0) buf.resize(rng.below(uint32_t(buf.size()) + 1));
    run_all(buf);
  }
  CHECK(ok > 0);
}
