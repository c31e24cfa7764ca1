#include "proto/der.hpp"

#include <algorithm>
#include <string_view>

namespace rdpcap::proto::der {

using util::Bytes;
using util::ParseResult;

ParseResult<Tlv> read_tlv(Bytes data) {
  util::ByteReader r(data);
  uint8_t b = 0;
  if (!r.u8(b)) return ParseResult<Tlv>::need_more();
  Tlv t;
  t.cls = static_cast<Class>(b >> 6);
  t.constructed = (b & 0x20) != 0;
  t.tag = b & 0x1f;
  if (t.tag == 0x1f) {  // X.690 8.1.2.4: high tag number, base-128, at most 4 octets here
    t.tag = 0;
    for (int i = 0;; ++i) {
      if (i == 4) return ParseResult<Tlv>::invalid("tag number too long", r.offset());
      if (!r.u8(b)) return ParseResult<Tlv>::need_more();
      t.tag = (t.tag << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (!r.u8(b)) return ParseResult<Tlv>::need_more();
  size_t length = b;
  if (b == 0x80) return ParseResult<Tlv>::invalid("indefinite length", r.offset() - 1);
  if (b > 0x80) {  // X.690 8.1.3.5: long form
    const int n = b & 0x7f;
    if (n > 4) return ParseResult<Tlv>::invalid("length of more than 4 octets", r.offset() - 1);
    length = 0;
    for (int i = 0; i < n; ++i) {
      if (!r.u8(b)) return ParseResult<Tlv>::need_more();
      length = (length << 8) | b;
    }
  }
  t.header_length = r.offset();
  if (!r.bytes(length, t.value)) return ParseResult<Tlv>::need_more();
  return ParseResult<Tlv>::ok(t, t.header_length + length);
}

bool Reader::next(Tlv& out) {
  if (failed_ || pos_ >= data_.size()) return false;
  auto r = read_tlv(data_.subspan(pos_));
  if (!r.is_ok()) {
    failed_ = true;
    return false;
  }
  out = r.value();
  pos_ += r.consumed();
  return true;
}

bool Reader::next_context(uint32_t n, Tlv& out) {
  if (failed_ || pos_ >= data_.size()) return false;
  auto r = read_tlv(data_.subspan(pos_));
  if (!r.is_ok()) {
    failed_ = true;
    return false;
  }
  if (r.value().cls != Class::context || r.value().tag != n) return false;
  out = r.value();
  pos_ += r.consumed();
  return true;
}

bool inner(const Tlv& wrapper, Tlv& out) {
  if (!wrapper.constructed) return false;
  auto r = read_tlv(wrapper.value);
  if (!r.is_ok()) return false;
  out = r.value();
  return true;
}

bool expect(Bytes data, Class cls, uint32_t tag, Tlv& out) {
  auto r = read_tlv(data);
  if (!r.is_ok() || r.value().cls != cls || r.value().tag != tag) return false;
  out = r.value();
  return true;
}

std::optional<int64_t> integer(const Tlv& t) {
  if (t.cls != Class::universal || (t.tag != tag::integer && t.tag != tag::enumerated)) return std::nullopt;
  if (t.value.empty() || t.value.size() > 8) return std::nullopt;
  uint64_t v = (t.value[0] & 0x80) ? ~uint64_t{0} : 0;  // sign extension
  for (uint8_t b : t.value) v = (v << 8) | b;
  return static_cast<int64_t>(v);
}

std::optional<std::string> oid_text(const Tlv& t) {
  if (t.cls != Class::universal || t.tag != tag::oid || t.value.empty() || t.value.size() > 64) return std::nullopt;
  std::string out;
  uint64_t arc = 0;
  bool first = true;
  for (size_t i = 0; i < t.value.size(); ++i) {
    const uint8_t b = t.value[i];
    if (arc > (uint64_t{1} << 56)) return std::nullopt;
    arc = (arc << 7) | (b & 0x7f);
    if (b & 0x80) {
      if (i + 1 == t.value.size()) return std::nullopt;  // cut subidentifier
      continue;
    }
    if (first) {  // X.690 8.19.4: the first subidentifier holds two arcs
      const uint64_t a = arc < 40 ? 0 : arc < 80 ? 1 : 2;
      out = std::to_string(a) + "." + std::to_string(arc - 40 * a);
      first = false;
    } else {
      out += "." + std::to_string(arc);
    }
    arc = 0;
  }
  return out;
}

std::string string_value(const Tlv& t, size_t max_length) {
  const size_t n = std::min(t.value.size(), max_length);
  return std::string(reinterpret_cast<const char*>(t.value.data()), n);
}

}  // namespace rdpcap::proto::der
