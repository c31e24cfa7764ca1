// SOCKS5 (RFC 1928, username/password RFC 1929) in front of RDP: clients
// behind a proxy send the SOCKS handshake first, then the X.224 request.
#pragma once

#include <cstdint>
#include <string>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto::socks {

enum class Message {
  greeting,       // client: VER NMETHODS METHODS
  method,         // server: VER METHOD
  auth_request,   // client: VER(1) ULEN UNAME PLEN PASSWD (RFC 1929)
  auth_status,    // server: VER(1) STATUS
  request,        // client: VER CMD RSV ATYP DST.ADDR DST.PORT
  reply,          // server: VER REP RSV ATYP BND.ADDR BND.PORT
};

struct Parsed {
  Message kind = Message::greeting;
  uint8_t code = 0;       // method (method), status (auth_status), CMD (request), REP (reply)
  std::string address;    // request/reply: "host:port" text (raw bytes for domain names)
};

// True when the bytes start like a SOCKS5 client greeting.
bool looks_like_greeting(util::Bytes data);

// Parses the message `expected` at the start of `data`.
util::ParseResult<Parsed> parse(Message expected, util::Bytes data);

const char* reply_text(uint8_t rep);  // RFC 1928 6

}  // namespace rdpcap::proto::socks
