// Unit tests for TlsStream (core/tls/tls_stream.*): record layer, handshake
// reassembly and dispatch, on real streams rebuilt from ../shared/pcaps with
// libpcap (tls_test_support.hpp) plus re-chunked / re-fragmented variants.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tls/tls_parser.hpp"
#include "tls/tls_stream.hpp"
#include "tls_test_support.hpp"

using namespace rdpcap;
using namespace rdpcap::tls;
using tls_test::Direction;
using tls_test::hex;
using tls_test::Recorder;
using util::Bytes;
using Events = std::vector<std::string>;

namespace {

Direction load(const char* file, uint16_t sport, uint16_t dport) {
  auto segs = tls_test::read_tcp_segments(tls_test::pcap_path(file));
  return tls_test::direction(segs, sport, dport);
}

// Events produced by feeding `bytes` in the given pieces (sizes), one stream.
Events feed_pieces(Bytes bytes, const std::vector<size_t>& cuts, size_t max_msg = 256 * 1024) {
  TlsStream s(max_msg);
  Recorder r;
  size_t pos = 0;
  for (size_t cut : cuts) {
    s.feed(bytes.subspan(pos, cut - pos), model::FrameRef{1, 0}, r);
    pos = cut;
  }
  s.feed(bytes.subspan(pos), model::FrameRef{1, 0}, r);
  return r.events;
}

Events feed_all(Bytes bytes, size_t max_msg = 256 * 1024) { return feed_pieces(bytes, {}, max_msg); }

std::vector<uint8_t> record(uint8_t type, const std::vector<uint8_t>& fragment, uint16_t version = 0x0303) {
  std::vector<uint8_t> r = {type, uint8_t(version >> 8), uint8_t(version), uint8_t(fragment.size() >> 8),
                            uint8_t(fragment.size())};
  r.insert(r.end(), fragment.begin(), fragment.end());
  return r;
}

// Re-frames a run of handshake messages into handshake records of at most n bytes.
std::vector<uint8_t> refragment(Bytes handshake, size_t n) {
  std::vector<uint8_t> out;
  for (size_t pos = 0; pos < handshake.size(); pos += n) {
    auto piece = handshake.subspan(pos, std::min(n, handshake.size() - pos));
    auto r = record(22, std::vector<uint8_t>(piece.begin(), piece.end()));
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

// ndpi-rdp.pcap: the TLS part of each direction (after the 19-byte X.224 PDU).
constexpr size_t kX224 = 19;

}  // namespace

TEST_CASE("ndpi-rdp: TLS 1.2 RDP handshake, frame by frame", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto client = load("ndpi-rdp.pcap", 52494, 3389);
  auto server = load("ndpi-rdp.pcap", 3389, 52494);
  REQUIRE_FALSE(client.hole);
  REQUIRE_FALSE(server.hole);

  TlsStream cs, ss;
  Recorder cr, sr;
  tls_test::feed_chunks(cs, client, cr, kX224);
  tls_test::feed_chunks(ss, server, sr, kX224);

  CHECK(cr.events == Events{"CH 0303 suites=22", "HS 16", "CCS", "ENC 22 40", "ENC 23 81", "ENC 23 567",
                            "ENC 23 100"});
  CHECK(cr.frames == std::vector<uint64_t>{7, 10, 10, 10, 13, 16, 19});
  CHECK(sr.events ==
        Events{"SH 0303 c030", "CERT 1", "HS 12", "SHD", "CCS", "ENC 22 40", "ENC 23 286", "ENC 23 83", "ENC 23 28"});
  CHECK(sr.frames == std::vector<uint64_t>{8, 8, 8, 8, 11, 11, 14, 17, 20});
  CHECK(cs.encrypted());
  CHECK(ss.encrypted());
  CHECK_FALSE(cs.failed());
  CHECK(cs.pending_bytes() == 0);
  CHECK(cs.records() == 7);
  CHECK(ss.records() == 6);
  REQUIRE(cr.client_hellos.size() == 1);
  CHECK(cr.client_hellos[0].sni == "192.168.2.142");
  REQUIRE(sr.certificates.size() == 1);
  REQUIRE(sr.certificates[0].size() == 1);
  CHECK(sr.certificates[0][0].size() == 742);
}

TEST_CASE("records split across feed() calls at every byte boundary give the same callbacks", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  for (auto [sport, dport] : {std::pair<uint16_t, uint16_t>{52494, 3389}, {3389, 52494}}) {
    auto d = load("ndpi-rdp.pcap", sport, dport);
    Bytes tls = Bytes(d.bytes).subspan(kX224);
    const Events whole = feed_all(tls);
    REQUIRE(whole.size() >= 7);
    for (size_t k = 0; k <= tls.size(); ++k) {
      INFO("split at " << k << " of " << tls.size());
      REQUIRE(feed_pieces(tls, {k}) == whole);
    }
    std::vector<size_t> every;
    for (size_t k = 1; k < tls.size(); ++k) every.push_back(k);
    CHECK(feed_pieces(tls, every) == whole);  // one byte per feed()
  }
}

TEST_CASE("handshake messages spanning records give the same callbacks", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto server = load("ndpi-rdp.pcap", 3389, 52494);
  Bytes tls = Bytes(server.bytes).subspan(kX224);
  // The server's first record: SH + Certificate + ServerKeyExchange + ServerHelloDone.
  REQUIRE(tls[0] == 22);
  Bytes handshake = tls.subspan(5, 1174);
  const Events expected{"SH 0303 c030", "CERT 1", "HS 12", "SHD"};
  CHECK(feed_all(tls.first(5 + 1174)) == expected);  // several messages in one record

  for (size_t n : {1, 2, 3, 4, 5, 7, 64, 100, 749, 1000, 1173, 1174}) {
    INFO("records of " << n << " bytes");
    auto refr = refragment(handshake, n);
    TlsStream s;
    Recorder r;
    s.feed(refr, model::FrameRef{5, 0}, r);
    CHECK(r.events == expected);
    REQUIRE(r.certificates.size() == 1);
    CHECK(r.certificates[0][0] == std::vector<uint8_t>(handshake.begin() + 85 + 10, handshake.begin() + 85 + 10 + 742));
  }
  // Two records split at every byte boundary of the handshake stream.
  for (size_t k = 1; k < handshake.size(); ++k) {
    std::vector<uint8_t> two = record(22, std::vector<uint8_t>(handshake.begin(), handshake.begin() + k));
    auto second = record(22, std::vector<uint8_t>(handshake.begin() + k, handshake.end()));
    two.insert(two.end(), second.begin(), second.end());
    INFO("handshake split at " << k);
    REQUIRE(feed_all(two) == expected);
  }
}

TEST_CASE("a handshake message above the cap is reported and skipped", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto server = load("ndpi-rdp.pcap", 3389, 52494);
  Bytes tls = Bytes(server.bytes).subspan(kX224);
  const std::string limit = "LIMIT handshake message certificate (11) of 748 bytes exceeds the 500-byte cap";
  const Events expected{"SH 0303 c030", limit, "HS 12", "SHD", "CCS", "ENC 22 40", "ENC 23 286", "ENC 23 83",
                        "ENC 23 28"};
  CHECK(feed_all(tls, 500) == expected);
  // Same when the big message spans records, including a split header.
  Bytes handshake = tls.subspan(5, 1174);
  for (size_t n : {1, 3, 7, 86, 87, 88, 300}) {
    INFO("records of " << n);
    auto refr = refragment(handshake, n);
    CHECK(feed_all(refr, 500) == Events{"SH 0303 c030", limit, "HS 12", "SHD"});
  }
  // A message exactly at the cap is kept.
  CHECK(feed_all(tls.first(5 + 1174), 748) == Events{"SH 0303 c030", "CERT 1", "HS 12", "SHD"});
  CHECK(feed_all(tls.first(5 + 1174), 747)[1].rfind("LIMIT handshake message certificate (11) of 748", 0) == 0);
}

TEST_CASE("after ChangeCipherSpec handshake and alert records are encrypted", "[tls]") {
  std::vector<uint8_t> bytes = record(22, {14, 0, 0, 0});  // ServerHelloDone
  auto ccs = record(20, {1});
  std::vector<uint8_t> fin(40, 0x5c), alert(26, 0x77);
  auto r1 = record(22, fin), r2 = record(21, alert), r3 = record(21, {2, 40}), r4 = record(23, std::vector<uint8_t>(3));
  for (auto* r : {&ccs, &r1, &r2, &r3, &r4}) bytes.insert(bytes.end(), r->begin(), r->end());
  CHECK(feed_all(bytes) == Events{"SHD", "CCS", "ENC 22 40", "ENC 21 26", "ALERT 0/0 enc", "ENC 21 2",
                                  "ALERT 0/0 enc", "ENC 23 3"});

  // set_encrypted() (what the session does after a TLS 1.3 ServerHello).
  TlsStream s;
  Recorder r;
  s.set_encrypted();
  s.feed(record(22, fin), model::FrameRef{3, 0}, r);
  s.feed(record(23, fin), model::FrameRef{4, 0}, r);
  CHECK(r.events == Events{"ENC 22 40", "ENC 23 40"});
  CHECK(r.frames == std::vector<uint64_t>{3, 4});

  // Before CCS, an alert record longer than 2 bytes cannot be plaintext.
  CHECK(feed_all(record(21, alert)) == Events{"ENC 21 26", "ALERT 0/0 enc"});
  // A malformed plaintext CCS stops the stream.
  CHECK(feed_all(record(20, {1, 1})) == Events{"ERR @5"});
}

TEST_CASE("zeek-tls-expired-cert: TLS 1.0 handshake with encrypted close alerts", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto client = load("zeek-tls-expired-cert.pcap", 60539, 443);
  auto server = load("zeek-tls-expired-cert.pcap", 443, 60539);
  TlsStream cs, ss;
  Recorder cr, sr;
  tls_test::feed_chunks(cs, client, cr);
  tls_test::feed_chunks(ss, server, sr);
  CHECK(cr.events == Events{"CH 0303 suites=80", "HS 16", "CCS", "ENC 22 48", "ENC 23 32", "ENC 23 48",
                            "ENC 23 32", "ENC 23 32", "ENC 21 32", "ALERT 0/0 enc"});
  CHECK(sr.events == Events{"SH 0301 0039", "CERT 2", "HS 12", "SHD", "HS 4", "CCS", "ENC 22 48", "ENC 23 288",
                            "ENC 21 32", "ALERT 0/0 enc"});
  CHECK(sr.frames.back() == 19);
  CHECK(cr.frames.back() == 24);
}

TEST_CASE("zeek-tls-1.2-handshake-failure: ClientHello answered by a fatal alert", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto client = load("zeek-tls-1.2-handshake-failure.pcap", 53525, 443);
  auto server = load("zeek-tls-1.2-handshake-failure.pcap", 443, 53525);
  TlsStream cs, ss;
  Recorder cr, sr;
  tls_test::feed_chunks(cs, client, cr);
  tls_test::feed_chunks(ss, server, sr);
  CHECK(cr.events == Events{"CH 0303 suites=9"});
  CHECK(cr.frames == std::vector<uint64_t>{4});
  CHECK(sr.events == Events{"ALERT 2/40"});
  CHECK(sr.frames == std::vector<uint64_t>{6});
}

TEST_CASE("zeek-certificate-request-failed: CertificateRequest, empty client Certificate, alert", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto client = load("zeek-certificate-request-failed.pcap", 52464, 3000);
  auto server = load("zeek-certificate-request-failed.pcap", 3000, 52464);
  TlsStream cs, ss;
  Recorder cr, sr;
  tls_test::feed_chunks(cs, client, cr);
  tls_test::feed_chunks(ss, server, sr);
  CHECK(cr.events == Events{"CH 0303 suites=31", "CERT 0", "HS 16", "CCS", "ENC 22 40"});
  CHECK(sr.events == Events{"SH 0303 c030", "CERT 2", "HS 12", "CR", "SHD", "ALERT 2/40"});
  REQUIRE(sr.certificate_requests.size() == 1);
  CHECK(sr.certificate_requests[0].certificate_types == std::vector<uint8_t>{1});
  CHECK(sr.certificate_requests[0].signature_algorithms == std::vector<uint16_t>{0x0401});
  CHECK(sr.certificate_requests[0].ca_name_count == 1);
  REQUIRE(sr.certificates.size() == 1);
  CHECK(sr.certificates[0][0].size() == 1538);
  CHECK(sr.certificates[0][1].size() == 1397);
}

TEST_CASE("zeek-hrr: HelloRetryRequest, compatibility CCS both ways, second ClientHello", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto client = load("zeek-hrr.pcap", 63564, 443);
  auto server = load("zeek-hrr.pcap", 443, 63564);
  REQUIRE_FALSE(server.hole);  // frame 11 fills the gap before frame 9
  TlsStream cs, ss;
  Recorder cr, sr;
  tls_test::feed_chunks(cs, client, cr);
  tls_test::feed_chunks(ss, server, sr);
  CHECK(cr.events == Events{"CH 0303 suites=4", "CCS", "CH 0303 suites=4", "ENC 23 69", "ENC 23 19"});
  CHECK(cr.frames == std::vector<uint64_t>{4, 8, 8, 13, 16});
  REQUIRE(cr.client_hellos.size() == 2);
  CHECK(cr.client_hellos[1].supported_groups == cr.client_hellos[0].supported_groups);
  // Frame 11 (seq 100) carries the ServerHello and most of a 1248-byte
  // encrypted record that frame 9 (seq 1468, captured first) completes.
  CHECK(sr.events == Events{"HRR 0304 1302", "CCS", "SH 0304 1302", "ENC 23 1248", "ENC 23 517"});
  CHECK(sr.frames == std::vector<uint64_t>{6, 6, 11, 9, 14});
  CHECK(ss.encrypted());  // TLS 1.3 ServerHello (not HRR)
  CHECK_FALSE(cs.failed());
  CHECK_FALSE(ss.failed());
  REQUIRE(sr.server_hellos.size() == 2);
  CHECK(sr.server_hellos[0].selected_group == std::optional<uint16_t>(0x0017));
  CHECK(sr.server_hellos[1].selected_group == std::optional<uint16_t>(0x0017));
}

TEST_CASE("a TLS 1.3 ServerHello (final or draft version) turns the server direction encrypted", "[tls]") {
  for (uint16_t v : {uint16_t(0x0304), uint16_t(0x7f1c)}) {
    std::vector<uint8_t> body = {0x03, 0x03};
    body.insert(body.end(), 32, 0x22);  // not the HRR random
    body.insert(body.end(), {0x00, 0x13, 0x01, 0x00, 0x00, 0x06, 0x00, 0x2b, 0x00, 0x02, uint8_t(v >> 8), uint8_t(v)});
    std::vector<uint8_t> msg = {2, 0, 0, uint8_t(body.size())};
    msg.insert(msg.end(), body.begin(), body.end());
    auto bytes = record(22, msg);
    auto enc = record(22, std::vector<uint8_t>(40, 0x33));
    bytes.insert(bytes.end(), enc.begin(), enc.end());
    TlsStream s;
    Recorder r;
    s.feed(bytes, model::FrameRef{1, 0}, r);
    INFO("version " << v);
    char sh[32];
    std::snprintf(sh, sizeof sh, "SH %04x 1301", v);
    CHECK(r.events == Events{sh, "ENC 22 40"});
    CHECK(s.encrypted());
  }
}

TEST_CASE("a TLS 1.2 abbreviated handshake after a TLS 1.3 offer still turns encryption on", "[tls]") {
  // Client offered TLS 1.3 (supported_versions), no ClientKeyExchange, then
  // CCS + encrypted Finished in a handshake record (TLS 1.2 resumption).
  std::vector<uint8_t> body = {0x03, 0x03};
  body.insert(body.end(), 32, 0x11);
  body.insert(body.end(), {0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00, 0x00, 0x07, 0x00, 0x2b, 0x00, 0x03, 0x02,
                           0x03, 0x04});
  std::vector<uint8_t> msg = {1, 0, 0, uint8_t(body.size())};
  msg.insert(msg.end(), body.begin(), body.end());
  std::vector<uint8_t> bytes = record(22, msg);
  auto ccs = record(20, {1});
  std::vector<uint8_t> fin(40, 0x00);
  fin[0] = 0x9d;
  auto fr = record(22, fin);
  bytes.insert(bytes.end(), ccs.begin(), ccs.end());
  bytes.insert(bytes.end(), fr.begin(), fr.end());
  auto tail = record(22, fin);
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  CHECK(feed_all(bytes) == Events{"CH 0303 suites=1", "CCS", "ENC 22 40", "ENC 22 40"});
}

TEST_CASE("bytes that are not TLS give one on_tls_error, then the direction is ignored", "[tls]") {
  // xrdp answers a failed TLS handshake with a plaintext X.224 TPKT.
  const auto tpkt = hex("03000009 02f0802180");
  {
    TlsStream s;
    Recorder r;
    s.feed(tpkt, model::FrameRef{9, 0}, r);
    s.feed(record(22, {14, 0, 0, 0}), model::FrameRef{10, 0}, r);
    CHECK(r.events == Events{"ERR @0"});
    CHECK(r.errors == std::vector<std::string>{"not a TLS record: content type 3"});
    CHECK(r.frames == std::vector<uint64_t>{9});
    CHECK(s.failed());
    CHECK(s.pending_bytes() == 0);
  }
  {
    // After a real fatal alert record (7 bytes), the TPKT starts at stream offset 7.
    std::vector<uint8_t> bytes = hex("15030300020228");
    bytes.insert(bytes.end(), tpkt.begin(), tpkt.end());
    TlsStream s;
    Recorder r;
    s.feed(Bytes(bytes).first(8), model::FrameRef{6, 0}, r);  // the TPKT's first byte arrives alone
    s.feed(Bytes(bytes).subspan(8), model::FrameRef{7, 0}, r);
    CHECK(r.events == Events{"ALERT 2/40", "ERR @7"});
    CHECK(r.error_offsets == std::vector<uint64_t>{7});
  }
  SHARED_PCAPS_OR_SKIP();  // the rest reads real captures
  {
    // zeek-tls-1.2-protocol-error: the server's alert record is mangled
    // (00 00 00 00 02 00 28): content type 0.
    auto server = load("zeek-tls-1.2-protocol-error.pcap", 443, 53525);
    TlsStream s;
    Recorder r;
    tls_test::feed_chunks(s, server, r);
    CHECK(r.events == Events{"ERR @0"});
    CHECK(r.errors == std::vector<std::string>{"not a TLS record: content type 0"});
    CHECK(r.frames == std::vector<uint64_t>{6});
  }
  {
    // zeek-tls1.2-late-protocol-error (edited trace): after its
    // ClientKeyExchange the client sends bytes with version major 0xff.
    auto client = load("zeek-tls1.2-late-protocol-error.pcap", 56637, 443);
    TlsStream s;
    Recorder r;
    tls_test::feed_chunks(s, client, r);
    CHECK(r.events == Events{"CH 0303 suites=80", "HS 16", "ERR @590"});
    CHECK(r.errors == std::vector<std::string>{"not a TLS record: version major 255"});
  }
  // A record length above 2^14 + 2048 is not TLS either.
  CHECK(feed_all(hex("1703034801")) == Events{"ERR @3"});
  // A malformed ClientHello inside a well-formed record: error at the message start.
  auto bad_ch = record(22, hex("0100000403030000"));  // ClientHello body of 4 bytes
  bad_ch.insert(bad_ch.begin(), {0x16, 0x03, 0x01, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00});  // SHD record first
  TlsStream s;
  Recorder r;
  s.feed(bad_ch, model::FrameRef{1, 0}, r);
  CHECK(r.events == Events{"SHD", "ERR @14"});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == "malformed ClientHello: message shorter than its fields (message byte 8)");
}

TEST_CASE("zeek-https-to-http: plaintext HTML answer to a ClientHello", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto segs = tls_test::read_tcp_segments(tls_test::pcap_path("zeek-https-to-http.pcap"));
  REQUIRE_FALSE(segs.empty());
  uint16_t client_port = 0;
  for (auto& s : segs)
    if (s.dport == 80) client_port = s.sport;
  REQUIRE(client_port != 0);
  auto client = tls_test::direction(segs, client_port, 80);
  auto server = tls_test::direction(segs, 80, client_port);
  TlsStream cs, ss;
  Recorder cr, sr;
  tls_test::feed_chunks(cs, client, cr);
  tls_test::feed_chunks(ss, server, sr);
  REQUIRE(cr.events.size() == 1);
  CHECK(cr.events[0].rfind("CH 0303", 0) == 0);
  CHECK(sr.events == Events{"ERR @0"});
  CHECK(sr.errors == std::vector<std::string>{"not a TLS record: content type 60"});  // '<' of "<!DOCTYPE HTML>"
  CHECK(sr.frames == std::vector<uint64_t>{6});
}

TEST_CASE("zeek-ssl-v2: SSLv2 hellos are reported, the SSL 2.0 rest is ignored silently", "[tls]") {
  SHARED_PCAPS_OR_SKIP();
  auto client = load("zeek-ssl-v2.pcap", 59062, 443);
  auto server = load("zeek-ssl-v2.pcap", 443, 59062);
  TlsStream cs, ss;
  Recorder cr, sr;
  tls_test::feed_chunks(cs, client, cr);
  tls_test::feed_chunks(ss, server, sr);
  CHECK(cr.events == Events{"CH 0002 suites=0 sslv2"});
  CHECK(cr.frames == std::vector<uint64_t>{4});
  CHECK(sr.events == Events{"SH 0002 0000 sslv2", "CERT 1"});
  CHECK(sr.frames == std::vector<uint64_t>{6, 6});
  CHECK_FALSE(cs.failed());
  CHECK_FALSE(ss.failed());
  REQUIRE(sr.certificates.size() == 1);
  CHECK(sr.certificates[0][0].size() == 903);
}

TEST_CASE("an SSLv2-format hello followed by TLS records", "[tls]") {
  // SSLv2-compatible hello offering TLS 1.0 (synthetic), then a TLS alert.
  auto bytes = hex("8025 01 0301 000c 0000 0010 000039 000035 010080 0000ff 00112233445566778899aabbccddeeff");
  auto alert = record(21, {1, 0}, 0x0301);
  bytes.insert(bytes.end(), alert.begin(), alert.end());
  CHECK(feed_all(bytes) == Events{"CH 0301 suites=3 sslv2", "ALERT 1/0"});
  for (size_t k = 0; k <= bytes.size(); ++k) CHECK(feed_pieces(bytes, {k}) == feed_all(bytes));
  // A high-bit first byte that is not an SSLv2 hello is an error.
  CHECK(feed_all(hex("8003020000")) == Events{"ERR @2"});
}

TEST_CASE("pending bytes and buffer bounds", "[tls]") {
  TlsStream s;
  Recorder r;
  auto rec = hex("1603030004 0e000000");
  s.feed(Bytes(rec).first(3), model::FrameRef{1, 0}, r);
  CHECK(s.pending_bytes() == 3);
  s.feed(Bytes(rec).subspan(3, 4), model::FrameRef{2, 0}, r);
  CHECK(s.pending_bytes() == 7);
  CHECK(r.events.empty());
  s.feed(Bytes(rec).subspan(7), model::FrameRef{3, 0}, r);
  CHECK(s.pending_bytes() == 0);
  CHECK(r.events == Events{"SHD"});
  CHECK(r.frames == std::vector<uint64_t>{3});

  // A maximal record (2^14 + 2048) is buffered until complete.
  TlsStream big;
  Recorder br;
  std::vector<uint8_t> frag(18432, 0xee);
  auto maxrec = record(23, frag);
  big.feed(Bytes(maxrec).first(10000), model::FrameRef{1, 0}, br);
  CHECK(big.pending_bytes() == 10000);
  big.feed(Bytes(maxrec).subspan(10000), model::FrameRef{2, 0}, br);
  CHECK(br.events == Events{"ENC 23 18432"});
  CHECK(big.pending_bytes() == 0);
}

TEST_CASE("random bytes and random chunking never crash the stream", "[tls]") {
  tls_test::Lcg rng(20240229);
  // Pure garbage, in random chunks: at most one error, nothing after it.
  for (int i = 0; i < 500; ++i) {
    std::vector<uint8_t> buf(rng.below(2000));
    for (auto& x : buf) x = uint8_t(rng.next());
    if (!buf.empty() && rng.below(2)) buf[0] = uint8_t(20 + rng.below(5));  // start like a record
    if (buf.size() > 2 && rng.below(2)) buf[1] = 3, buf[2] = uint8_t(rng.below(5));
    TlsStream s(rng.below(2) ? 256 * 1024 : 64);
    Recorder r;
    size_t pos = 0;
    while (pos < buf.size()) {
      size_t n = std::min<size_t>(1 + rng.below(300), buf.size() - pos);
      s.feed(Bytes(buf).subspan(pos, n), model::FrameRef{pos + 1, 0}, r);
      pos += n;
    }
    CHECK(r.errors.size() <= 1);
    if (!r.errors.empty()) CHECK(r.events.back().rfind("ERR", 0) == 0);
    CHECK(s.pending_bytes() <= 5 + 18432);
  }
  // Real streams in random chunks give the frame-by-frame events; mutated
  // real streams never crash.
  struct Src {
    const char* file;
    uint16_t sport, dport;
    size_t skip;
  };
  SHARED_PCAPS_OR_SKIP();  // the rest re-chunks real streams
  const Src srcs[] = {{"ndpi-rdp.pcap", 3389, 52494, kX224},
                      {"ndpi-rdp.pcap", 52494, 3389, kX224},
                      {"zeek-certificate-request-failed.pcap", 3000, 52464, 0},
                      {"zeek-tls-expired-cert.pcap", 443, 60539, 0},
                      {"zeek-hrr.pcap", 443, 63564, 0},
                      {"zeek-ssl-v2.pcap", 443, 59062, 0}};
  for (const auto& src : srcs) {
    auto d = load(src.file, src.sport, src.dport);
    Bytes tls = Bytes(d.bytes).subspan(src.skip);
    const Events whole = feed_all(tls);
    for (int i = 0; i < 40; ++i) {
      std::vector<size_t> cuts;
      size_t pos = 0;
      while (true) {
        pos += 1 + rng.below(400);
        if (pos >= tls.size()) break;
        cuts.push_back(pos);
      }
      INFO(src.file);
      CHECK(feed_pieces(tls, cuts) == whole);
    }
    for (int i = 0; i < 200; ++i) {
      std::vector<uint8_t> m(tls.begin(), tls.end());
      int flips = 1 + int(rng.below(8));
      for (int f = 0; f < flips; ++f) m[rng.below(uint32_t(m.size()))] = uint8_t(rng.next());
      auto ev = feed_pieces(m, {rng.below(uint32_t(m.size()))});
      size_t errs = 0;
      for (auto& e : ev) errs += e.rfind("ERR", 0) == 0;
      CHECK(errs <= 1);
    }
  }
}
