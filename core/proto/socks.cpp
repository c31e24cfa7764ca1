#include "proto/socks.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

namespace rdpcap::proto::socks {

using util::ByteReader;
using util::Bytes;
using Result = util::ParseResult<Parsed>;

bool looks_like_greeting(Bytes data) {
  // RFC 1928 3: VER=5, NMETHODS >= 1, then that many method bytes (< 0x100).
  return data.size() >= 3 && data[0] == 5 && data[1] >= 1 && data[1] <= 16 && data.size() == size_t{2} + data[1];
}

namespace {

// RFC 1928 4/5: ATYP, address, port.
bool read_address(ByteReader& r, std::string& out, bool& need_more) {
  uint8_t atyp = 0;
  need_more = true;
  if (!r.u8(atyp)) return false;
  std::string host;
  Bytes addr;
  switch (atyp) {
    case 1: {
      if (!r.bytes(4, addr)) return false;
      char text[INET_ADDRSTRLEN] = {};
      inet_ntop(AF_INET, addr.data(), text, sizeof text);
      host = text;
      break;
    }
    case 3: {
      uint8_t len = 0;
      if (!r.u8(len) || !r.bytes(len, addr)) return false;
      host.assign(reinterpret_cast<const char*>(addr.data()), addr.size());
      break;
    }
    case 4: {
      if (!r.bytes(16, addr)) return false;
      char text[INET6_ADDRSTRLEN] = {};
      inet_ntop(AF_INET6, addr.data(), text, sizeof text);
      host = fmt::format("[{}]", text);
      break;
    }
    default:
      need_more = false;
      return false;
  }
  uint16_t port = 0;
  if (!r.u16be(port)) return false;
  out = fmt::format("{}:{}", host, port);
  return true;
}

}  // namespace

Result parse(Message expected, Bytes data) {
  ByteReader r(data);
  Parsed p;
  p.kind = expected;
  uint8_t ver = 0, a = 0, b = 0;
  switch (expected) {
    case Message::greeting: {
      if (!r.u8(ver) || !r.u8(a)) return Result::need_more();
      if (ver != 5 || a == 0) return Result::invalid("not a SOCKS5 greeting", 0);
      if (!r.skip(a)) return Result::need_more();
      break;
    }
    case Message::method:
    case Message::auth_status: {
      if (!r.u8(ver) || !r.u8(a)) return Result::need_more();
      if (ver != (expected == Message::method ? 5 : 1)) return Result::invalid("unexpected SOCKS version", 0);
      p.code = a;
      break;
    }
    case Message::auth_request: {  // RFC 1929 2
      if (!r.u8(ver)) return Result::need_more();
      if (ver != 1) return Result::invalid("unexpected SOCKS auth version", 0);
      if (!r.u8(a) || !r.skip(a) || !r.u8(b) || !r.skip(b)) return Result::need_more();
      break;
    }
    case Message::request:
    case Message::reply: {
      uint8_t rsv = 0;
      if (!r.u8(ver) || !r.u8(a) || !r.u8(rsv)) return Result::need_more();
      if (ver != 5) return Result::invalid("unexpected SOCKS version", 0);
      p.code = a;
      bool need_more = true;
      if (!read_address(r, p.address, need_more))
        return need_more ? Result::need_more() : Result::invalid("unknown SOCKS address type", 3);
      break;
    }
  }
  return Result::ok(std::move(p), r.offset());
}

const char* reply_text(uint8_t rep) {
  switch (rep) {
    case 0: return "succeeded";
    case 1: return "general SOCKS server failure";
    case 2: return "connection not allowed by ruleset";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return "unknown reply";
  }
}

}  // namespace rdpcap::proto::socks
