// A small reader for the ASN.1 DER/BER encodings inside NLA: CredSSP
// TSRequest (MS-CSSP 2.2.1), SPNEGO (RFC 4178) and Kerberos (RFC 4120).
// ITU-T X.690 8.1: identifier octets (class, constructed bit, tag number in
// low-tag or high-tag form), then a definite length (short form, or long form
// with 1-4 length octets). The indefinite form (0x80) is refused: DER and
// every producer of these PDUs use definite lengths. The reader never
// recurses: each parser walks its fixed path one level at a time, so the
// nesting depth is bounded by the code, not by the input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto::der {

enum class Class : uint8_t { universal = 0, application = 1, context = 2, priv = 3 };

struct Tlv {
  Class cls = Class::universal;
  bool constructed = false;
  uint32_t tag = 0;           // tag number (X.690 8.1.2)
  util::Bytes value;          // the contents octets
  size_t header_length = 0;   // identifier + length octets
};

// Universal tags used here (X.680 8.4).
namespace tag {
constexpr uint32_t integer = 2, bit_string = 3, octet_string = 4, oid = 6, enumerated = 10, utf8_string = 12,
                   sequence = 16, general_string = 27, generalized_time = 24;
}

// One TLV at the start of `data`: ok (consumed = header + contents),
// need_more (a valid prefix: the header or contents are cut), or invalid.
util::ParseResult<Tlv> read_tlv(util::Bytes data);

// Walks the TLVs inside a constructed value, in order.
class Reader {
 public:
  explicit Reader(util::Bytes contents) : data_(contents) {}
  bool empty() const { return pos_ >= data_.size(); }
  // The next TLV; false at the end or when it does not fit (then the reader
  // stops: every later call returns false).
  bool next(Tlv& out);
  // The next TLV if it is a context-specific [n] (EXPLICIT tagging), else
  // leaves the reader where it was.
  bool next_context(uint32_t n, Tlv& out);
  bool failed() const { return failed_; }

 private:
  util::Bytes data_;
  size_t pos_ = 0;
  bool failed_ = false;
};

// The single TLV inside an EXPLICIT [n] wrapper, or the contents of a
// universal/application TLV with the expected tag.
bool inner(const Tlv& wrapper, Tlv& out);
bool expect(util::Bytes data, Class cls, uint32_t tag, Tlv& out);  // whole TLV at data start

// Value decoders (X.690 8.3 INTEGER, 8.19 OBJECT IDENTIFIER).
std::optional<int64_t> integer(const Tlv& t);       // at most 8 octets
std::optional<std::string> oid_text(const Tlv& t);  // "1.2.840.113554.1.2.2"
std::string string_value(const Tlv& t, size_t max_length = 256);  // KerberosString etc., raw bytes (escape later)

}  // namespace rdpcap::proto::der
