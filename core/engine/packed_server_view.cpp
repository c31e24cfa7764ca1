#include "engine/packed_server_view.hpp"

#include <cstdint>

namespace rdpcap::engine {

namespace {

constexpr size_t kFingerprintBytes = 32;                       // SHA-256
constexpr size_t kFingerprintText = kFingerprintBytes * 3 - 1;  // "AB:CD:..."
constexpr char kHex[] = "0123456789ABCDEF";

void put_unsigned(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void put_signed(std::string& out, int64_t v) {
  put_unsigned(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));  // zigzag
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case is not the usual text: kept as text, so it comes back as it was
}

// The 32 bytes of an upper-case colon-separated SHA-256 text; false for any other text.
bool fingerprint_bytes(const std::string& text, uint8_t (&bytes)[kFingerprintBytes]) {
  if (text.size() != kFingerprintText) return false;
  for (size_t i = 0; i < kFingerprintBytes; ++i) {
    const int hi = hex_value(text[3 * i]), lo = hex_value(text[3 * i + 1]);
    if (hi < 0 || lo < 0 || (i + 1 < kFingerprintBytes && text[3 * i + 2] != ':')) return false;
    bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

void put_counts(std::string& out, const std::map<uint16_t, int>& counts) {
  put_unsigned(out, counts.size());
  for (const auto& [value, n] : counts) {
    put_unsigned(out, value);
    put_signed(out, n);
  }
}

struct Reader {
  std::string_view in;
  bool ok = true;

  uint64_t unsigned_value() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in.empty()) break;
      const auto byte = static_cast<uint8_t>(in.front());
      in.remove_prefix(1);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  int64_t signed_value() {
    const uint64_t z = unsigned_value();
    return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  }
  // A count of entries that each take at least one byte: no more than remain.
  size_t count() {
    const uint64_t n = unsigned_value();
    if (n > in.size()) ok = false;
    return ok ? static_cast<size_t>(n) : 0;
  }
  std::string_view bytes(uint64_t n) {
    if (n > in.size()) {
      ok = false;
      return {};
    }
    const std::string_view out = in.substr(0, n);
    in.remove_prefix(n);
    return out;
  }
  void counts(std::map<uint16_t, int>& out) {
    for (size_t i = count(); ok && i > 0; --i) {
      const uint64_t value = unsigned_value();
      const int64_t n = signed_value();
      if (value > UINT16_MAX) ok = false;
      if (ok) out[static_cast<uint16_t>(value)] = static_cast<int>(n);
    }
  }
};

}  // namespace

void pack_view(const rules::ServerView& v, std::string& out) {
  out.clear();
  put_counts(out, v.versions);
  put_counts(out, v.suites);
  put_unsigned(out, v.certificates.size());
  for (const auto& [fingerprint, seen] : v.certificates) {
    uint8_t bytes[kFingerprintBytes];
    if (fingerprint_bytes(fingerprint, bytes)) {
      out += '\x01';
      out.append(reinterpret_cast<const char*>(bytes), kFingerprintBytes);
    } else {
      out += '\x00';
      put_unsigned(out, fingerprint.size());
      out += fingerprint;
    }
    put_unsigned(out, seen.first.frame);
    put_signed(out, seen.first.time_us);
    put_unsigned(out, seen.subject.size());
    out += seen.subject;
  }
  put_unsigned(out, v.completed_ids.size());
  for (uint64_t id : v.completed_ids) put_unsigned(out, id);
}

bool unpack_view(std::string_view packed, rules::ServerView& out) {
  out = rules::ServerView{};
  if (packed.empty()) return true;
  Reader r{packed};
  r.counts(out.versions);
  r.counts(out.suites);
  for (size_t i = r.count(); r.ok && i > 0; --i) {
    std::string fingerprint;
    const std::string_view kind = r.bytes(1);
    if (kind == std::string_view("\x01", 1)) {
      const std::string_view bytes = r.bytes(kFingerprintBytes);
      if (!r.ok) break;
      char text[kFingerprintText];
      for (size_t j = 0; j < kFingerprintBytes; ++j) {
        const auto b = static_cast<uint8_t>(bytes[j]);
        text[3 * j] = kHex[b >> 4];
        text[3 * j + 1] = kHex[b & 15];
        if (j + 1 < kFingerprintBytes) text[3 * j + 2] = ':';
      }
      fingerprint.assign(text, kFingerprintText);
    } else if (kind == std::string_view("\x00", 1)) {
      fingerprint = r.bytes(r.unsigned_value());
    } else {
      r.ok = false;
      break;
    }
    rules::ServerView::SeenCertificate seen;
    seen.first.frame = r.unsigned_value();
    seen.first.time_us = r.signed_value();
    seen.subject = r.bytes(r.unsigned_value());
    if (r.ok) out.certificates[std::move(fingerprint)] = std::move(seen);
  }
  for (size_t i = r.count(); r.ok && i > 0; --i) out.completed_ids.push_back(r.unsigned_value());
  if (!r.ok || !r.in.empty()) {
    out = rules::ServerView{};
    return false;
  }
  return true;
}

}  // namespace rdpcap::engine
