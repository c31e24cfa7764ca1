// SOCKS5 handshake parser (RFC 1928 / RFC 1929) on the real bytes of
// ../shared/pcaps/arkime-socks5-rdp.pcap and hand-made edge cases.
#include <catch2/catch.hpp>

#include <vector>

#include "proto/socks.hpp"

using namespace rdpcap::proto;

TEST_CASE("SOCKS5 messages", "[proto]") {
  const std::vector<uint8_t> greeting{0x05, 0x01, 0x00};
  const std::vector<uint8_t> method{0x05, 0x00};
  const std::vector<uint8_t> request{0x05, 0x01, 0x00, 0x01, 10, 0, 0, 2, 0x0d, 0x3d};
  const std::vector<uint8_t> reply{0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
  CHECK(socks::looks_like_greeting(greeting));
  auto g = socks::parse(socks::Message::greeting, greeting);
  REQUIRE(g.is_ok());
  CHECK(g.consumed() == 3);
  auto m = socks::parse(socks::Message::method, method);
  REQUIRE(m.is_ok());
  CHECK(m.value().code == 0);
  auto q = socks::parse(socks::Message::request, request);
  REQUIRE(q.is_ok());
  CHECK(q.value().address == "10.0.0.2:3389");
  auto p = socks::parse(socks::Message::reply, reply);
  REQUIRE(p.is_ok());
  CHECK(p.value().code == 0);
  for (const auto* msg : {&greeting, &request, &reply})
    for (size_t n = 0; n < msg->size(); ++n)
      CHECK(socks::parse(msg == &greeting ? socks::Message::greeting
                         : msg == &request ? socks::Message::request
                                           : socks::Message::reply,
                         std::span<const uint8_t>(msg->data(), n))
                .is_need_more());
}

TEST_CASE("SOCKS5 domain names and bad address types", "[proto]") {
  const std::vector<uint8_t> domain{0x05, 0x01, 0x00, 0x03, 3, 'r', 'd', 'p', 0x0d, 0x3d};
  auto r = socks::parse(socks::Message::request, domain);
  REQUIRE(r.is_ok());
  CHECK(r.value().address == "rdp:3389");
  const std::vector<uint8_t> bad{0x05, 0x01, 0x00, 0x09, 1, 2, 3, 4};
  CHECK(socks::parse(socks::Message::request, bad).is_invalid());
  CHECK(socks::parse(socks::Message::greeting, std::vector<uint8_t>{0x04, 0x01, 0x00}).is_invalid());
  CHECK_FALSE(socks::looks_like_greeting(std::vector<uint8_t>{0x03, 0x00, 0x00, 0x13}));
  CHECK(std::string(socks::reply_text(5)) == "connection refused");
}
