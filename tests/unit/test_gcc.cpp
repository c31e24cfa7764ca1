// MCS Connect Initial / Response GCC blocks (MS-RDPBCGR 2.2.1.3-2.2.1.4) on
// real bytes: samples/pcaps/16-legacy-standard-rdp-security.pcap frame 9, and
// the shared public captures' values.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capture_support.hpp"
#include "shared_pcaps.hpp"
#include "proto/gcc.hpp"

using namespace rdpcap;

namespace {
// Frame 9: TPKT(4) + X.224 Data(3) + MCS Connect-Response with SC_CORE, SC_SECURITY (128-bit, level 2, proprietary cert).
const std::string kConnectResponse = "0300015402f0807f668201480a010002010030190201220201030201000201010201000201010202fff802010204820123000500147c00012a14760a01010001c0004d63446e810c010c1000040008000300000000000000020cf000020000000200000020000000b80000003fe2ce1a1feae61d12a04ed81efc1dd85c56372768b1e159d480cf7a5e4e86c301000000010000000100000006005c005253413148000000000200003f000000010001008702b767a949e853b407d283bd73ea2cdcc44a89baf11d9d84495ae828648386c7cef8bcd6eaa4546d17a3a2fa1ea0853d4f2810d54ab713dd98b4bc070435ad00000000000000000800480006ddbe4543836d12ba4e74aa876e587069f0ac41cd7727998fb18c1dd0acfdfc69bbda6fac906ba5c94684e13c050bb68d6785d84d753d8b875445d58522c5c90000000000000000030c1000eb030400ec03ed03ee03ef03";

std::vector<uint8_t> hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  return out;
}
}  // namespace

TEST_CASE("Server Connect Response security block", "[proto]") {
  const auto frame = hex(kConnectResponse);
  const auto mcs = std::span<const uint8_t>(frame).subspan(7);
  auto r = proto::parse_connect_response(mcs);
  REQUIRE(r.is_ok());
  CHECK(r.value().encryption_method == proto::encryption::bits128);
  CHECK(r.value().encryption_level == 2u);
  CHECK(r.value().cert_kind == 1u);
  CHECK(r.value().server_cert_length == 184u);
  CHECK_FALSE(proto::parse_connect_initial(mcs).is_ok());  // wrong MCS PDU
  // Every prefix is handled (a cut PDU gives invalid or a partial decode, never a crash).
  for (size_t n = 0; n < mcs.size(); ++n) {
    auto p = proto::parse_connect_response(mcs.subspan(0, n));
    if (p.is_ok()) CHECK(p.value().version.has_value());
  }
}

TEST_CASE("Standard RDP Security encryption from real captures", "[shared]") {
  SHARED_PCAPS_OR_SKIP();
  const std::string dir = testing::shared_pcaps_dir();
  // Catalogue: XP client ISD2-KM84178 build 2600; server 56-bit RC4, level 2.
  auto r = testing::analyze_file(dir + "/suricata-verify-RDP-003.pcap");
  REQUIRE(r.connections.size() == 1);
  const auto& n = r.connections[0].summary.negotiation;
  REQUIRE(n.client_gcc);
  CHECK(n.client_gcc->client_name == "ISD2-KM84178");
  CHECK(n.client_gcc->client_build == 2600u);
  REQUIRE(n.server_gcc);
  CHECK(n.server_gcc->encryption_method == proto::encryption::bits56);
  CHECK(n.server_gcc->encryption_level == 2u);
  CHECK(testing::has_finding(r.connections[0], "rdp.weak_encryption"));
  // Catalogue: encryptionMethod 0x2 128-bit, level 3 HIGH, proprietary certificate; client methods 0x1b.
  auto z = testing::analyze_file(dir + "/zeek-rdp-proprietary-encryption.pcap");
  REQUIRE(z.connections.size() == 2);
  const auto& zn = z.connections[1].summary.negotiation;
  REQUIRE(zn.server_gcc);
  CHECK(zn.server_gcc->encryption_method == proto::encryption::bits128);
  CHECK(zn.server_gcc->encryption_level == 3u);
  CHECK(zn.server_gcc->cert_kind == 1u);
  CHECK(zn.client_gcc->encryption_methods == 0x1bu);
  CHECK(zn.client_gcc->client_name == "FROG-POND");
  CHECK_FALSE(testing::has_finding(z.connections[1], "rdp.weak_encryption"));
  // Catalogue: 128-bit, level 2, X.509 chain (dwVersion 0x80000002); client JOHN-PC-LAPTOP build 9600.
  auto x = testing::analyze_file(dir + "/zeek-rdp-x509.pcap");
  REQUIRE(x.connections.size() == 1);
  const auto& xn = x.connections[0].summary.negotiation;
  REQUIRE(xn.server_gcc);
  CHECK(xn.server_gcc->cert_kind == 2u);
  CHECK(xn.server_gcc->encryption_level == 2u);
  CHECK(xn.client_gcc->client_name == "JOHN-PC-LAPTOP");
  CHECK(xn.client_gcc->client_build == 9600u);
}
