#include "proto/ntlm.hpp"

#include <fmt/format.h>

#include <cstring>

namespace rdpcap::proto::ntlm {

using util::ByteReader;
using util::Bytes;
using util::ParseResult;

namespace {
constexpr uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
constexpr size_t kMaxName = 256;  // bytes of one name field kept

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// 2.2.2.10 VERSION: ProductMajorVersion, ProductMinorVersion, ProductBuild
// (LE), Reserved (3), NTLMRevisionCurrent.
bool read_version(ByteReader& r, Version& v) {
  return r.u8(v.major) && r.u8(v.minor) && r.u16le(v.build) && r.skip(3) && r.u8(v.ntlm_revision);
}

// A payload field (Len u16, MaxLen u16, BufferOffset u32) pointing into the
// whole message. A field outside the message gives false.
bool field(ByteReader& r, Bytes message, Bytes& out) {
  uint16_t len = 0, max_len = 0;
  uint32_t offset = 0;
  if (!r.u16le(len) || !r.u16le(max_len) || !r.u32le(offset)) return false;
  if (len == 0) {
    out = {};
    return true;
  }
  if (offset > message.size() || len > message.size() - offset) return false;
  out = message.subspan(offset, len);
  return true;
}

std::string name(Bytes b, uint32_t flags) {
  if (flags & flag::unicode) return utf16le_to_utf8(b, kMaxName / 2);
  return std::string(reinterpret_cast<const char*>(b.data()), std::min(b.size(), kMaxName));
}

// 2.2.2.1 AV_PAIR list: AvId u16, AvLen u16, Value; ends at MsvAvEOL (0).
void target_info(Bytes info, Challenge& c) {
  ByteReader r(info);
  for (int i = 0; i < 64; ++i) {
    uint16_t id = 0, len = 0;
    Bytes v;
    if (!r.u16le(id) || !r.u16le(len) || !r.bytes(len, v) || id == 0) return;
    switch (id) {
      case 1: c.nb_computer = utf16le_to_utf8(v, kMaxName / 2); break;
      case 2: c.nb_domain = utf16le_to_utf8(v, kMaxName / 2); break;
      case 3: c.dns_computer = utf16le_to_utf8(v, kMaxName / 2); break;
      case 4: c.dns_domain = utf16le_to_utf8(v, kMaxName / 2); break;
      case 5: c.dns_tree = utf16le_to_utf8(v, kMaxName / 2); break;
      case 7:
        if (len == 8) {
          ByteReader t(v);
          uint32_t lo = 0, hi = 0;
          t.u32le(lo);
          t.u32le(hi);
          c.timestamp = (uint64_t{hi} << 32) | lo;
        }
        break;
      default: break;
    }
  }
}

}  // namespace

std::string utf16le_to_utf8(Bytes in, size_t max_units) {
  std::string out;
  const size_t units = std::min(in.size() / 2, max_units);
  for (size_t i = 0; i < units; ++i) {
    uint32_t u = in[2 * i] | (uint32_t{in[2 * i + 1]} << 8);
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      const uint32_t lo = in[2 * i + 2] | (uint32_t{in[2 * i + 3]} << 8);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
    append_utf8(out, u);
  }
  return out;
}

std::string flags_text(uint32_t flags) {
  static const std::pair<uint32_t, const char*> names[] = {
      {flag::unicode, "UNICODE"},       {flag::oem, "OEM"},
      {flag::request_target, "REQUEST_TARGET"},
      {flag::sign, "SIGN"},             {flag::seal, "SEAL"},
      {flag::lm_key, "LM_KEY"},         {flag::ntlm, "NTLM"},
      {flag::anonymous, "ANONYMOUS"},   {flag::always_sign, "ALWAYS_SIGN"},
      {flag::extended_session_security, "EXTENDED_SESSIONSECURITY"},
      {flag::target_info, "TARGET_INFO"},
      {flag::version, "VERSION"},       {flag::key128, "128"},
      {flag::key_exch, "KEY_EXCH"},     {flag::key56, "56"}};
  std::string out;
  uint32_t known = 0;
  for (const auto& [bit, n] : names) {
    known |= bit;
    if (flags & bit) out += (out.empty() ? "" : "|") + std::string(n);
  }
  if (flags & ~known) out += fmt::format("{}0x{:08x}", out.empty() ? "" : "|", flags & ~known);
  return out.empty() ? "0" : out;
}

std::string version_text(const Version& v) { return fmt::format("{}.{} build {}", v.major, v.minor, v.build); }

bool has_signature(Bytes data) { return data.size() >= 8 && std::memcmp(data.data(), kSignature, 8) == 0; }

ParseResult<Message> parse(Bytes token) {
  if (token.size() < 12) return ParseResult<Message>::need_more();
  if (!has_signature(token)) return ParseResult<Message>::invalid("no NTLMSSP signature", 0);
  ByteReader r(token.subspan(8));
  Message m;
  r.u32le(m.type);
  switch (m.type) {
    case 1: {  // 2.2.1.1 NEGOTIATE_MESSAGE
      Negotiate n;
      Bytes domain, workstation;
      if (!r.u32le(n.flags)) return ParseResult<Message>::invalid("NEGOTIATE cut before its flags", 12);
      if (field(r, token, domain) && field(r, token, workstation) && (n.flags & flag::version)) {
        Version v;
        if (read_version(r, v)) n.version = v;
      }
      m.negotiate = n;
      break;
    }
    case 2: {  // 2.2.1.2 CHALLENGE_MESSAGE
      Challenge c;
      Bytes target, info;
      if (!field(r, token, target) || !r.u32le(c.flags) || !r.skip(8 + 8))
        return ParseResult<Message>::invalid("CHALLENGE header cut or its target name outside the message", 12);
      c.target_name = name(target, c.flags);
      if (field(r, token, info)) {
        target_info(info, c);
        if (c.flags & flag::version) {
          Version v;
          if (read_version(r, v)) c.version = v;
        }
      }
      m.challenge = std::move(c);
      break;
    }
    case 3: {  // 2.2.1.3 AUTHENTICATE_MESSAGE
      Authenticate a;
      Bytes lm, nt, domain, user, workstation, key;
      if (!field(r, token, lm) || !field(r, token, nt) || !field(r, token, domain) || !field(r, token, user) ||
          !field(r, token, workstation) || !field(r, token, key) || !r.u32le(a.flags))
        return ParseResult<Message>::invalid("AUTHENTICATE header cut or a field outside the message", 12);
      a.domain = name(domain, a.flags);
      a.user = name(user, a.flags);
      a.workstation = name(workstation, a.flags);
      a.nt_response_length = static_cast<uint16_t>(nt.size());
      a.anonymous = user.empty() && nt.empty();
      if (a.flags & flag::version) {
        Version v;
        if (read_version(r, v)) a.version = v;
      }
      m.authenticate = std::move(a);
      break;
    }
    default: return ParseResult<Message>::invalid("unknown NTLM message type", 8);
  }
  return ParseResult<Message>::ok(std::move(m), token.size());
}

}  // namespace rdpcap::proto::ntlm
