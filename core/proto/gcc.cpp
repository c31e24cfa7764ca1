#include "proto/gcc.hpp"

#include <fmt/format.h>

#include <string_view>

namespace rdpcap::proto {

using util::ByteReader;
using util::Bytes;

std::string encryption_methods_text(uint32_t methods) {
  if (methods == 0) return "NONE";
  std::string out;
  const std::pair<uint32_t, const char*> names[] = {
      {encryption::bits40, "40BIT"}, {encryption::bits56, "56BIT"}, {encryption::bits128, "128BIT"}, {encryption::fips, "FIPS"}};
  uint32_t known = 0;
  for (const auto& [bit, name] : names) {
    known |= bit;
    if (methods & bit) out += (out.empty() ? "" : "|") + std::string(name);
  }
  if (methods & ~known) out += fmt::format("{}0x{:x}", out.empty() ? "" : "|", methods & ~known);
  return out;
}

const char* encryption_level_name(uint32_t level) {
  switch (level) {
    case 0: return "NONE";
    case 1: return "LOW";
    case 2: return "CLIENT_COMPATIBLE";
    case 3: return "HIGH";
    case 4: return "FIPS";
    default: return "unknown";
  }
}

namespace {

// ITU-T X.690 BER: tag (1 or 2 bytes for the MCS application tags), length.
bool ber_header(ByteReader& r, uint32_t& tag, uint32_t& length) {
  uint8_t b = 0;
  if (!r.u8(b)) return false;
  tag = b;
  if ((b & 0x1f) == 0x1f) {  // high tag number form: one more byte (0x7f 0x65)
    if (!r.u8(b)) return false;
    tag = (tag << 8) | b;
  }
  if (!r.u8(b)) return false;
  if (b < 0x80) {
    length = b;
    return true;
  }
  const int n = b & 0x7f;
  if (n == 0 || n > 4) return false;
  length = 0;
  for (int i = 0; i < n; ++i) {
    if (!r.u8(b)) return false;
    length = (length << 8) | b;
  }
  return true;
}

// Skips BER elements until the userData OCTET STRING (the last element).
bool find_user_data(ByteReader body, ByteReader& user_data) {
  for (int i = 0; i < 16 && !body.empty(); ++i) {
    uint32_t tag = 0, len = 0;
    ByteReader value;
    if (!ber_header(body, tag, len) || !body.sub(len, value)) return false;
    if (tag == 0x04 && body.empty()) {  // last OCTET STRING = userData
      user_data = value;
      return true;
    }
  }
  return false;
}

// T.124 GCC Conference Create Request/Response: after the H.221 key
// ("Duca" client / "McDn" server) comes a PER length, then the RDP data
// blocks (TS_UD_HEADER: type u16, length u16) of MS-RDPBCGR 2.2.1.3/2.2.1.4.
bool gcc_blocks(ByteReader user_data, std::string_view key, ByteReader& blocks) {
  const Bytes all = user_data.rest();
  const std::string_view text(reinterpret_cast<const char*>(all.data()), all.size());
  const size_t at = text.find(key);
  if (at == std::string_view::npos) return false;
  ByteReader r(all.subspan(at + key.size()));
  uint8_t b0 = 0, b1 = 0;
  if (!r.u8(b0)) return false;
  uint32_t len = b0;
  if (b0 & 0x80) {
    if (!r.u8(b1)) return false;
    len = ((b0 & 0x7fu) << 8) | b1;
  }
  if (len > r.remaining()) len = static_cast<uint32_t>(r.remaining());  // tolerate a short PER length
  return r.sub(len, blocks);
}

// Calls f for each whole block; stops at the first block whose length does
// not fit (trailing padding or a cut block is tolerated, as Wireshark does).
// Returns how many blocks were read.
template <typename F>
int for_each_block(ByteReader blocks, F&& f) {
  int n = 0;
  for (; n < 64 && blocks.remaining() >= 4; ++n) {
    uint16_t type = 0, len = 0;
    blocks.u16le(type);
    blocks.u16le(len);
    ByteReader body;
    if (len < 4 || !blocks.sub(len - 4, body)) break;
    f(type, body);
  }
  return n;
}

template <typename T>
util::ParseResult<ByteReader> mcs_user_data(Bytes data, uint32_t expected_tag, const char* what) {
  ByteReader r(data);
  uint32_t tag = 0, len = 0;
  ByteReader body, user;
  if (!ber_header(r, tag, len) || tag != expected_tag || !r.sub(std::min<size_t>(len, r.remaining()), body))
    return util::ParseResult<ByteReader>::invalid(std::string("not an MCS ") + what, 0);
  if (!find_user_data(body, user))
    return util::ParseResult<ByteReader>::invalid(std::string("MCS ") + what + " without user data", 0);
  return util::ParseResult<ByteReader>::ok(user, data.size());
}

}  // namespace

util::ParseResult<ClientGcc> parse_connect_initial(Bytes data) {
  auto user = mcs_user_data<ClientGcc>(data, 0x7f65, "Connect Initial");  // T.125 Connect-Initial
  if (!user.is_ok()) return util::ParseResult<ClientGcc>::invalid(user.reason(), user.offset());
  ByteReader blocks;
  if (!gcc_blocks(user.value(), "Duca", blocks))
    return util::ParseResult<ClientGcc>::invalid("GCC Conference Create Request not found", 0);
  ClientGcc out;
  const int ok = for_each_block(blocks, [&](uint16_t type, ByteReader body) {
    if (type == 0xC001) {  // CS_CORE 2.2.1.3.2
      uint32_t version = 0, layout = 0, build = 0;
      uint16_t w = 0, h = 0, depth = 0, sas = 0;
      Bytes name;
      if (body.u32le(version)) out.version = version;
      if (body.u16le(w) && body.u16le(h) && body.u16le(depth) && body.u16le(sas) && body.u32le(layout) &&
          body.u32le(build)) {
        out.client_build = build;
        if (body.bytes(32, name))
          for (size_t i = 0; i + 1 < name.size() && (name[i] || name[i + 1]); i += 2)
            out.client_name += (name[i + 1] == 0 && name[i] >= 0x20 && name[i] < 0x7f) ? static_cast<char>(name[i]) : '?';
        // Optional fields after clientName (2.2.1.3.2): keyboardType, keyboardSubType,
        // keyboardFunctionKey, imeFileName[64], postBeta2ColorDepth, clientProductId,
        // serialNumber, highColorDepth, supportedColorDepths, earlyCapabilityFlags,
        // clientDigProductId[64], connectionType, pad1octet, serverSelectedProtocol.
        uint32_t selected = 0;
        if (body.skip(12 + 64 + 2 + 2 + 4 + 2 + 2 + 2 + 64 + 1 + 1) && body.u32le(selected))
          out.requested_protocols = selected;
      }
    } else if (type == 0xC003) {  // CS_NET 2.2.1.3.4: channelCount, CHANNEL_DEF[] (name[8], options)
      uint32_t count = 0;
      Bytes def;
      if (body.u32le(count))
        for (uint32_t i = 0; i < count && i < 31 && body.bytes(12, def); ++i) {
          std::string channel_name;
          for (size_t k = 0; k < 8 && def[k]; ++k)
            channel_name += (def[k] >= 0x20 && def[k] < 0x7f) ? static_cast<char>(def[k]) : '?';
          out.channels.push_back(std::move(channel_name));
        }
    } else if (type == 0xC002) {  // CS_SECURITY 2.2.1.3.3
      uint32_t methods = 0, ext = 0;
      if (body.u32le(methods)) out.encryption_methods = methods;
      if (body.u32le(ext)) out.ext_encryption_methods = ext;
    }
  });
  if (ok == 0) return util::ParseResult<ClientGcc>::invalid("no complete client data block", 0);
  return util::ParseResult<ClientGcc>::ok(std::move(out), data.size());
}

util::ParseResult<ServerGcc> parse_connect_response(Bytes data) {
  auto user = mcs_user_data<ServerGcc>(data, 0x7f66, "Connect Response");  // T.125 Connect-Response
  if (!user.is_ok()) return util::ParseResult<ServerGcc>::invalid(user.reason(), user.offset());
  ByteReader blocks;
  if (!gcc_blocks(user.value(), "McDn", blocks))
    return util::ParseResult<ServerGcc>::invalid("GCC Conference Create Response not found", 0);
  ServerGcc out;
  const int ok = for_each_block(blocks, [&](uint16_t type, ByteReader body) {
    if (type == 0x0C01) {  // SC_CORE 2.2.1.4.2
      uint32_t version = 0;
      uint32_t requested = 0;
      if (body.u32le(version)) out.version = version;
      if (body.u32le(requested)) out.client_requested_protocols = requested;
    } else if (type == 0x0C02) {  // SC_SECURITY 2.2.1.4.3
      uint32_t method = 0, level = 0, random_len = 0, cert_len = 0, cert_version = 0;
      if (body.u32le(method)) out.encryption_method = method;
      if (body.u32le(level)) out.encryption_level = level;
      if (body.u32le(random_len) && body.u32le(cert_len) && body.skip(random_len)) {
        out.server_cert_length = cert_len;
        if (cert_len >= 4 && body.u32le(cert_version)) out.cert_kind = cert_version & 0x7fffffff;
      }
    }
  });
  if (ok == 0) return util::ParseResult<ServerGcc>::invalid("no complete server data block", 0);
  return util::ParseResult<ServerGcc>::ok(std::move(out), data.size());
}

}  // namespace rdpcap::proto
