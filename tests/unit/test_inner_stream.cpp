// session::InnerStream fed the decrypted records of
// samples/pcaps/01-healthy-hybrid-tls12.pcap (inner_vectors.hpp) whole, split
// byte by byte and merged, and hand-made plaintext for what the samples do not
// contain (errorCode, EUAR denied, licensing, Set Error Info, Kerberos).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "inner_vectors.hpp"
#include "model/inner_facts.hpp"
#include "session/inner_stream.hpp"

using namespace rdpcap;
using model::Direction;
using model::RdpPhase;

namespace {
std::vector<uint8_t> hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  return out;
}
model::FrameRef at(uint64_t frame) { return {frame, 1741597260000000 + static_cast<int64_t>(frame)}; }
Direction dir(bool from_client) { return from_client ? Direction::client_to_server : Direction::server_to_client; }

void check_sample01(const model::InnerFacts& f) {
  CHECK(f.plaintext_seen);
  CHECK(f.client_credssp_version == 6u);
  CHECK(f.server_credssp_version == 6u);
  CHECK(f.client_ts_requests == 3u);
  CHECK(f.server_ts_requests == 2u);
  CHECK(f.package == "NTLM");
  CHECK_FALSE(f.spnego);
  CHECK(f.ntlm_used);
  CHECK_FALSE(f.kerberos_attempted);
  CHECK_FALSE(f.error_code);
  REQUIRE(f.ntlm_challenge);
  CHECK(f.ntlm_challenge->at.frame == 15u);
  CHECK(f.ntlm_challenge->nb_computer == "RDP01");
  CHECK(f.ntlm_challenge->dns_computer == "rdp01.corp.example");
  CHECK(f.ntlm_challenge->windows_version == "10.0 build 19041");
  REQUIRE(f.ntlm_authenticate);
  CHECK(f.ntlm_authenticate->at.frame == 16u);
  CHECK(f.ntlm_authenticate->user == "alice");
  CHECK(f.ntlm_authenticate->domain == "CORP");
  CHECK(f.ntlm_authenticate->workstation == "WS-ALICE");
  CHECK(f.ntlm_authenticate->ntlm_v2);
  CHECK(f.server_pub_key_auth.frame == 17u);
  CHECK(f.auth_info_at.frame == 18u);
  CHECK_FALSE(f.euar_result);  // HYBRID (0x2): no EUAR
  REQUIRE(f.client_gcc);
  CHECK(f.client_gcc->client_name == "WS-ALICE");
  CHECK(f.client_gcc->client_build == 19041u);
  CHECK(f.client_gcc_at.frame == 19u);
  REQUIRE(f.server_gcc);
  CHECK(f.server_gcc->version == 0x00080004u);
  CHECK(f.attach_user_result == 0);
  CHECK(f.channels_joined == 2u);
  CHECK(f.phase == RdpPhase::channel_connection);
  CHECK(f.phase_at[static_cast<size_t>(RdpPhase::nla)].frame == 14u);
  CHECK(f.phase_at[static_cast<size_t>(RdpPhase::basic_settings)].frame == 19u);
  CHECK(f.phase_at[static_cast<size_t>(RdpPhase::channel_connection)].frame == 22u);
  CHECK(f.dpu_reason == 3);
  CHECK(f.dpu_from == Direction::client_to_server);
  CHECK(f.dpu_at.frame == 30u);
  CHECK(f.parse_error.empty());
  CHECK_FALSE(f.client_stopped);
  CHECK_FALSE(f.server_stopped);
}
}  // namespace

TEST_CASE("Inner stream: sample 01 record by record", "[session][inner]") {
  model::InnerFacts f;
  session::InnerStream s;
  s.set_selected_protocol(0x2);
  for (const auto& r : testing::sample01::kRecords) {
    const auto bytes = hex(r.hex);
    s.on_application_data(f, dir(r.from_client), bytes, at(r.frame));
  }
  check_sample01(f);
}

TEST_CASE("Inner stream: sample 01 byte by byte, and all of a direction at once", "[session][inner]") {
  model::InnerFacts f;
  session::InnerStream s;
  for (const auto& r : testing::sample01::kRecords) {
    const auto bytes = hex(r.hex);
    for (size_t i = 0; i < bytes.size(); ++i)
      s.on_application_data(f, dir(r.from_client), std::span(bytes).subspan(i, 1), at(r.frame));
  }
  check_sample01(f);
  // Frames are those where each PDU started (the first byte's record).
  model::InnerFacts g;
  session::InnerStream t;
  std::vector<uint8_t> client, server;
  for (const auto& r : testing::sample01::kRecords) {
    const auto bytes = hex(r.hex);
    (r.from_client ? client : server).insert((r.from_client ? client : server).end(), bytes.begin(), bytes.end());
  }
  t.on_application_data(g, Direction::server_to_client, server, at(15));
  t.on_application_data(g, Direction::client_to_server, client, at(14));
  CHECK(g.client_gcc);
  CHECK(g.server_gcc);
  CHECK(g.dpu_reason == 3);
  CHECK(g.channels_joined == 2u);
}

TEST_CASE("Inner stream: errorCode, EUAR denied, licensing, Set Error Info, Kerberos", "[session][inner]") {
  model::InnerFacts f;
  session::InnerStream s;
  s.set_selected_protocol(0x8);  // HYBRID_EX
  // Server TSRequest v6 with errorCode 0xC000006D (STATUS_LOGON_FAILURE), client v4.
  const auto ts_err = hex("300da003020106a4060204c000006d");
  s.on_application_data(f, Direction::client_to_server, hex("3007a003020104a100"), at(10));  // v4, empty negoTokens
  s.on_application_data(f, Direction::server_to_client, ts_err, at(11));
  CHECK(f.client_credssp_version == 4u);
  CHECK(f.server_credssp_version == 6u);
  REQUIRE(f.error_code);
  CHECK(*f.error_code == 0xC000006Du);
  CHECK(f.error_from == Direction::server_to_client);
  CHECK(f.error_at.frame == 11u);
  // EUAR: 4 bytes, AUTHZ_ACCESS_DENIED, then the server's Connect Response would follow.
  s.on_application_data(f, Direction::server_to_client, hex("05000000"), at(12));
  CHECK(f.euar_result == 5u);
  CHECK(f.euar_at.frame == 12u);
  // Send Data Indication (0x68) user 1002 channel 1003, licensing Error Alert ERR_NO_LICENSE_SERVER.
  s.on_application_data(f, Direction::server_to_client,
                        hex("0300002202f08068000103eb7014" "80000000" "ff031000" "06000000" "01000000" "04000000"), at(13));
  CHECK(f.license_error == 6u);
  CHECK(f.license_state_transition == 1u);
  CHECK(f.phase == RdpPhase::licensing);
  // Set Error Info 0x101 then a Set Error Info 0 (ignored), then Deactivate All, then fast-path.
  s.on_application_data(f, Direction::server_to_client,
                        hex("0300002402f08068000103eb7016" "16001700ea03ea03010000010400" "2f000000" "01010000"), at(14));
  s.on_application_data(f, Direction::server_to_client,
                        hex("0300002402f08068000103eb7016" "16001700ea03ea03010000010400" "2f000000" "00000000"), at(15));
  CHECK(f.set_error_info == 0x101u);
  CHECK(f.set_error_info_at.frame == 14u);
  CHECK(f.set_error_info_count == 2u);
  s.on_application_data(f, Direction::server_to_client, hex("0300001b02f08068000103eb700d" "0d001600ea03ea030100010000"), at(16));
  CHECK(f.deactivate_all_at.frame == 16u);
  s.on_application_data(f, Direction::server_to_client, hex("000400000003"), at(17));  // two fast-path PDUs (4 + ... cut)
  CHECK(f.server_fast_path == 1u);
  CHECK(f.phase == RdpPhase::session_running);
  // Garbage stops the direction, says so, and later data is ignored.
  s.on_application_data(f, Direction::client_to_server, hex("ff"), at(18));
  CHECK(f.client_stopped);
  CHECK_FALSE(f.parse_error.empty());
  CHECK(f.parse_error_at.frame == 18u);
}

TEST_CASE("Inner stream: an oversized TSRequest stops that direction with the limit named", "[session][inner]") {
  model::InnerFacts f;
  session::InnerStream s;
  s.on_application_data(f, Direction::client_to_server, hex("308400100000a0"), at(1));  // 1 MiB announced
  CHECK(f.buffer_limit_hit);
  CHECK(f.client_stopped);
  CHECK_FALSE(f.server_stopped);
}

TEST_CASE("Inner stream: a TSRequest over Limits::ts_request_bytes stops the direction", "[session][inner][limits]") {
  session::Limits limits;
  limits.ts_request_bytes = 64;  // sample 01's NTLM TSRequests are longer
  model::InnerFacts f;
  session::InnerStream s(limits);
  s.set_selected_protocol(0x2);
  for (const auto& r : testing::sample01::kRecords) {
    const auto bytes = hex(r.hex);
    s.on_application_data(f, dir(r.from_client), bytes, at(r.frame));
  }
  CHECK(f.buffer_limit_hit);
  CHECK(f.client_stopped);
  CHECK(f.parse_error.find("limit") != std::string::npos);
  CHECK_FALSE(f.ntlm_authenticate);
}
