// Internal to the TLS parsers (tls_parser.cpp, certificate_messages.cpp,
// sslv2_parser.cpp): the bounded cursor every TLS structure is read with, and
// the length-prefixed lists they share. Not part of the tls layer's API.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::tls::detail {

using util::ByteReader;
using util::Bytes;
using util::ParseResult;
using util::ParseStatus;


constexpr size_t kMaxListEntries = 512;       // per list kept in a ClientHello
constexpr size_t kMaxFragment = (1u << 14) + 2048;  // RFC 5246 6.2.3 TLSCiphertext

// HelloRetryRequest.random = SHA-256("HelloRetryRequest") (RFC 8446 4.1.3).
constexpr uint8_t kHrrRandom[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

inline std::string hex16(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

// A bounded cursor that remembers why it stopped. `base` is the absolute
// offset of its first byte inside the message being parsed. When the cursor
// covers the outer (possibly truncated) view, running short is need_more;
// inside a fully present length-delimited structure it is invalid.
class Cursor {
 public:
  Cursor(Bytes data, size_t base, bool short_is_need_more)
      : r_(data), base_(base), outer_(short_is_need_more) {}

  bool ok() const { return status_ == ParseStatus::ok; }
  ParseStatus status() const { return status_; }
  const std::string& reason() const { return reason_; }
  size_t error_offset() const { return err_off_; }
  size_t offset() const { return base_ + r_.offset(); }
  size_t remaining() const { return r_.remaining(); }
  bool empty() const { return r_.empty(); }

  bool u8(uint8_t& v, const char* what) { return r_.u8(v) || short_of(what); }
  bool u16(uint16_t& v, const char* what) { return r_.u16be(v) || short_of(what); }
  bool u24(uint32_t& v, const char* what) { return r_.u24be(v) || short_of(what); }
  bool bytes(size_t n, Bytes& out, const char* what) { return r_.bytes(n, out) || short_of(what); }
  bool skip(size_t n, const char* what) { return r_.skip(n) || short_of(what); }
  // A child cursor over the next n bytes: inside it, running short is invalid.
  bool sub(size_t n, Cursor& out, const char* what) {
    size_t at = offset();
    Bytes b;
    if (!r_.bytes(n, b)) return short_of(what);
    out = Cursor(b, at, false);
    return true;
  }
  // Marks the structure invalid at the current offset (or at `at`).
  bool invalid(std::string reason) { return invalid_at(std::move(reason), offset()); }
  bool invalid_at(std::string reason, size_t at) {
    if (ok()) {
      status_ = ParseStatus::invalid;
      reason_ = std::move(reason);
      err_off_ = at;
    }
    return false;
  }
  // Propagates a child's failure into this cursor.
  bool adopt(const Cursor& child) {
    if (ok() && !child.ok()) {
      status_ = child.status_;
      reason_ = child.reason_;
      err_off_ = child.err_off_;
    }
    return false;
  }
  // Requires the cursor to be fully consumed.
  bool expect_end(const char* what) {
    if (r_.empty()) return true;
    return invalid(std::string(what) + ": " + std::to_string(r_.remaining()) + " unexpected trailing byte(s)");
  }

  template <typename T>
  ParseResult<T> failure() const {
    if (status_ == ParseStatus::need_more) return ParseResult<T>::need_more();
    return ParseResult<T>::invalid(reason_, err_off_);
  }

 private:
  bool short_of(const char* what) {
    if (ok()) {
      status_ = outer_ ? ParseStatus::need_more : ParseStatus::invalid;
      reason_ = std::string(what) + " exceeds its enclosing length";
      err_off_ = offset();
    }
    return false;
  }

  ByteReader r_;
  size_t base_ = 0;
  bool outer_ = true;
  ParseStatus status_ = ParseStatus::ok;
  std::string reason_;
  size_t err_off_ = 0;
};

// Reads a u16-length-prefixed block that must exactly fill `c` (an extension
// body): returns the child cursor over the block.
inline bool vector16_filling(Cursor& c, Cursor& out, const char* what) {
  size_t at = c.offset();
  uint16_t len = 0;
  if (!c.u16(len, what)) return false;
  if (len != c.remaining())
    return c.invalid_at(std::string(what) + " length " + std::to_string(len) + " disagrees with extension length " +
                            std::to_string(c.remaining() + 2),
                        at);
  return c.sub(len, out, what);
}

// A list of u16 values (2-byte entries); length must be even. Keeps at most
// kMaxListEntries, sets *truncated when more were present.
inline bool read_u16_list(Cursor& list, std::vector<uint16_t>& out, bool* truncated, const char* what) {
  if (list.remaining() % 2 != 0) return list.invalid(std::string(what) + " length is odd");
  out.reserve(std::min(out.size() + list.remaining() / 2, kMaxListEntries));  // one allocation, bounded
  while (!list.empty()) {
    uint16_t v = 0;
    if (!list.u16(v, what)) return false;
    if (out.size() < kMaxListEntries)
      out.push_back(v);
    else if (truncated)
      *truncated = true;
  }
  return true;
}

// RFC 8446 4.2.7 supported_groups / 4.2.3 signature_algorithms: u16 list.
inline bool parse_ext_u16_list(Cursor& ext, std::vector<uint16_t>& out, bool& truncated, const char* what) {
  Cursor list(Bytes{}, 0, false);
  if (!vector16_filling(ext, list, what)) return false;
  if (!read_u16_list(list, out, &truncated, what)) return ext.adopt(list);
  return true;
}

// Reads the extensions block (u16 length + extensions) that must end the
// message. `on_ext(type, cursor)` parses one extension body.
template <typename OnExt>
bool parse_extensions(Cursor& msg, std::vector<uint16_t>& types, bool* truncated, OnExt on_ext) {
  uint16_t total = 0;
  if (!msg.u16(total, "extensions length")) return false;
  Cursor exts(Bytes{}, 0, false);
  // The extensions block is the rest of the message; a shorter view is a
  // truncated message (need_more from the outer cursor).
  if (msg.remaining() > total) {
    msg.skip(total, "extensions");
    return msg.expect_end("message after extensions");
  }
  if (!msg.sub(total, exts, "extensions")) return false;
  types.reserve(std::min(types.size() + total / 4, kMaxListEntries));  // an extension takes 4 bytes at least
  while (!exts.empty()) {
    uint16_t type = 0, len = 0;
    if (!exts.u16(type, "extension type") || !exts.u16(len, "extension length")) return msg.adopt(exts);
    Cursor body(Bytes{}, 0, false);
    if (!exts.sub(len, body, "extension data")) return msg.adopt(exts);
    if (types.size() < kMaxListEntries)
      types.push_back(type);
    else if (truncated)
      *truncated = true;
    if (!on_ext(type, body) || !body.ok()) {
      if (body.ok()) body.invalid("malformed");
      return msg.invalid_at("extension " + std::to_string(type) + ": " + body.reason(), body.error_offset());
    }
  }
  return true;
}

}  // namespace rdpcap::tls::detail
