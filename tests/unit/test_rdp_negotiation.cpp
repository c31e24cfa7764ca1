// TPKT / X.224 / RDP negotiation parser on real bytes (MS-RDPBCGR 2.2.1.1,
// 2.2.1.2). Sources: ../shared/pcaps (nDPI, Zeek) and samples/pcaps.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "proto/rdp_negotiation.hpp"

using namespace rdpcap;

namespace {

std::vector<uint8_t> hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  return out;
}

// ndpi-rdp.pcap frame 4: CR, no cookie, RDP_NEG_REQ requestedProtocols 0x0B.
const std::string kRequestHybridEx = "030000130ee00000000000010008000b000000";
// ndpi-rdp.pcap frame 5: CC, RDP_NEG_RSP flags 0x1f selectedProtocol 0x08.
const std::string kConfirmHybridEx = "030000130ed00000123400021f080008000000";
// zeek-rdp-proprietary-encryption.pcap frame 4: cookie mstshash=FTBCO\A70, requested SSL.
const std::string kRequestCookie =
    "0300002f2ae00000000000436f6f6b69653a206d737473686173683d465442434f5c4137300d0a0100080001000000";
// zeek-rdp-proprietary-encryption.pcap frame 5: RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER.
const std::string kFailure = "030000130ed000001234000300080002000000";
// ndpi-rdp3.pcap frames 4/5: legacy request (cookie, no RDP_NEG_REQ) and confirm.
const std::string kLegacyRequest = "0300002722e00000000000436f6f6b69653a206d737473686173683d41646d696e697374720d0a";
const std::string kLegacyConfirm = "0300000b06d00000123400";
// xrdp (samples/pcaps/rdp-02): MCS Disconnect Provider Ultimatum in X.224 Data (RECORDING.md).
const std::string kDisconnectUltimatum = "0300000902f0802180";

}  // namespace

TEST_CASE("Connection Request with RDP_NEG_REQ and no cookie", "[proto]") {
  const auto bytes = hex(kRequestHybridEx);
  auto r = proto::parse_tpkt_pdu(bytes);
  REQUIRE(r.is_ok());
  CHECK(r.consumed() == 19);
  REQUIRE(r.value().request);
  const auto& req = *r.value().request;
  CHECK(req.cookie.empty());
  CHECK(req.has_neg_req);
  CHECK(req.requested_protocols == 0x0B);
  CHECK(proto::protocols_text(req.requested_protocols) == "SSL|HYBRID|HYBRID_EX");
  CHECK(proto::looks_like_connection_request(bytes));
}

TEST_CASE("Connection Confirm with RDP_NEG_RSP", "[proto]") {
  auto r = proto::parse_tpkt_pdu(hex(kConfirmHybridEx));
  REQUIRE(r.is_ok());
  REQUIRE(r.value().confirm);
  CHECK(r.value().confirm->kind == proto::ConnectionConfirm::Kind::response);
  CHECK(r.value().confirm->neg_flags == 0x1f);
  CHECK(r.value().confirm->selected_protocol == proto::protocol::hybrid_ex);
  CHECK_FALSE(proto::looks_like_connection_request(hex(kConfirmHybridEx)));
}

TEST_CASE("Connection Request with a cookie", "[proto]") {
  auto r = proto::parse_tpkt_pdu(hex(kRequestCookie));
  REQUIRE(r.is_ok());
  const auto& req = *r.value().request;
  CHECK(req.cookie == "FTBCO\\A70");
  CHECK(req.requested_protocols == proto::protocol::ssl);
}

TEST_CASE("RDP_NEG_FAILURE", "[proto]") {
  auto r = proto::parse_tpkt_pdu(hex(kFailure));
  REQUIRE(r.is_ok());
  CHECK(r.value().confirm->kind == proto::ConnectionConfirm::Kind::failure);
  CHECK(r.value().confirm->failure_code == proto::failure::ssl_not_allowed_by_server);
  CHECK(std::string(proto::failure_code_name(2)) == "SSL_NOT_ALLOWED_BY_SERVER");
  for (uint32_t code = 1; code <= 6; ++code) CHECK(proto::failure_code_name(code) != nullptr);
  CHECK(proto::failure_code_name(7) == nullptr);
}

TEST_CASE("Legacy request and confirm without negotiation data", "[proto]") {
  auto req = proto::parse_tpkt_pdu(hex(kLegacyRequest));
  REQUIRE(req.is_ok());
  CHECK(req.value().request->cookie == "Administr");
  CHECK_FALSE(req.value().request->has_neg_req);
  auto cc = proto::parse_tpkt_pdu(hex(kLegacyConfirm));
  REQUIRE(cc.is_ok());
  CHECK(cc.value().confirm->kind == proto::ConnectionConfirm::Kind::legacy);
}

TEST_CASE("MCS Disconnect Provider Ultimatum is recognised", "[proto]") {
  auto r = proto::parse_tpkt_pdu(hex(kDisconnectUltimatum));
  REQUIRE(r.is_ok());
  CHECK(r.value().tpdu_code == proto::tpdu::data);
  CHECK(r.value().mcs_disconnect_ultimatum);
}

TEST_CASE("Every truncated prefix of a valid PDU asks for more bytes", "[proto]") {
  for (const auto& h : {kRequestHybridEx, kConfirmHybridEx, kRequestCookie, kFailure, kLegacyRequest, kLegacyConfirm}) {
    const auto bytes = hex(h);
    for (size_t n = 0; n < bytes.size(); ++n) {
      auto r = proto::parse_tpkt_pdu(std::span<const uint8_t>(bytes.data(), n));
      INFO("prefix " << n << " of " << h);
      CHECK(r.is_need_more());
    }
    CHECK(proto::parse_tpkt_pdu(bytes).is_ok());
  }
}

TEST_CASE("Inconsistent lengths are invalid, never read past the TPKT", "[proto]") {
  SECTION("TPKT version") {
    auto bytes = hex(kRequestHybridEx);
    bytes[0] = 4;
    CHECK(proto::parse_tpkt_pdu(bytes).is_invalid());
  }
  SECTION("TPKT length below the X.224 minimum") {
    auto bytes = hex("0300000602e0");
    auto r = proto::parse_tpkt_pdu(bytes);
    CHECK(r.is_invalid());
  }
  SECTION("length indicator larger than the TPKT") {
    auto bytes = hex(kRequestHybridEx);
    bytes[4] = 0x40;
    CHECK(proto::parse_tpkt_pdu(bytes).is_invalid());
  }
  SECTION("RDP_NEG_REQ with a wrong length") {
    auto bytes = hex(kRequestHybridEx);
    bytes[13] = 0x09;  // length field of RDP_NEG_REQ
    auto r = proto::parse_tpkt_pdu(bytes);
    REQUIRE(r.is_invalid());
    CHECK(r.reason().find("RDP_NEG_REQ") != std::string::npos);
  }
  SECTION("cookie without CR LF") {
    auto bytes = hex(kLegacyRequest);
    bytes[bytes.size() - 2] = 'x';
    CHECK(proto::parse_tpkt_pdu(bytes).is_invalid());
  }
  SECTION("negotiation block of unknown type") {
    auto bytes = hex(kFailure);
    bytes[11] = 0x07;
    auto r = proto::parse_tpkt_pdu(bytes);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 11);  // the block's type byte
  }
  SECTION("negotiation block with a wrong length: the offset names its length field") {
    auto bytes = hex(kFailure);
    bytes[13] = 0x09;
    auto r = proto::parse_tpkt_pdu(bytes);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 13);
  }
  SECTION("a one-byte negotiation block: the offset stays inside the PDU (found by fuzz_negotiation)") {
    // TPKT 12, LI 7, CC, DST-REF, SRC-REF, class, then one byte of a block.
    auto bytes = hex("0300000c07d022ffffffff2e");
    auto r = proto::parse_tpkt_pdu(bytes);
    REQUIRE(r.is_invalid());
    CHECK(r.offset() == 11);
    CHECK(r.offset() < bytes.size());
  }
}

TEST_CASE("Several PDUs in one buffer are parsed one at a time", "[proto]") {
  auto bytes = hex(kConfirmHybridEx);
  const auto second = hex(kDisconnectUltimatum);
  bytes.insert(bytes.end(), second.begin(), second.end());
  auto first = proto::parse_tpkt_pdu(bytes);
  REQUIRE(first.is_ok());
  CHECK(first.value().confirm);
  auto next = proto::parse_tpkt_pdu(std::span<const uint8_t>(bytes).subspan(first.consumed()));
  REQUIRE(next.is_ok());
  CHECK(next.value().mcs_disconnect_ultimatum);
}

TEST_CASE("Arbitrary bytes never crash the parser", "[proto]") {
  uint32_t state = 12345;
  for (int round = 0; round < 20000; ++round) {
    std::vector<uint8_t> bytes(1 + (round % 64));
    for (auto& b : bytes) {
      state = state * 1103515245 + 12345;
      b = static_cast<uint8_t>(state >> 16);
    }
    if (round % 2 == 0 && bytes.size() >= 4) {  // valid-looking header, random body
      bytes[0] = 3;
      bytes[1] = 0;
      bytes[2] = 0;
      bytes[3] = static_cast<uint8_t>(bytes.size());
    }
    auto r = proto::parse_tpkt_pdu(bytes);
    CHECK((r.is_ok() ? r.consumed() <= bytes.size() : true));
  }
}
