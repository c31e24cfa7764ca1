#include "report/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace rdpcap::report {

namespace {

// The UTF-8 sequence at s[i] (Unicode 15, table 3-7 "Well-Formed UTF-8 Byte
// Sequences", the same set as RFC 3629): its length and code point, or
// length 0 and how many of its bytes were a valid beginning (0 for a byte
// that cannot start a sequence; up to the end of s for a cut sequence).
struct Utf8Sequence {
  size_t length = 0;
  size_t valid_prefix = 0;
  uint32_t cp = 0;
};

Utf8Sequence utf8_at(std::string_view s, size_t i) {
  const auto c = static_cast<uint8_t>(s[i]);
  size_t n = 0;
  uint32_t cp = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // the second byte's range; later ones are 80..BF
  if (c < 0x80) return {1, 1, c};
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0Fu;
    if (c == 0xE0) lo = 0xA0;  // no overlong form
    if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogate
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07u;
    if (c == 0xF0) lo = 0x90;  // no overlong form
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return {};
  }
  for (size_t k = 1; k < n; ++k) {
    if (i + k >= s.size()) return {0, k, 0};
    const auto b = static_cast<uint8_t>(s[i + k]);
    if (b < lo || b > hi) return {0, k, 0};
    lo = 0x80, hi = 0xBF;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return {n, n, cp};
}

// Characters JSON allows raw but a terminal must not get raw (the set
// util::escape_text escapes): DEL, C1 controls (U+009B is CSI to an 8-bit
// terminal), zero-width and bidi format characters, the byte order mark.
bool terminal_unsafe(uint32_t cp) {
  return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

// Bytes that end a run of printable ASCII copied as it is: controls, '"',
// '\\', DEL and every byte of a multi-byte sequence.
constexpr std::array<bool, 256> kEndsRun = [] {
  std::array<bool, 256> t{};
  for (size_t b = 0; b < t.size(); ++b) t[b] = !json_plain_byte(static_cast<unsigned char>(b));
  return t;
}();

// Whether one of the 8 bytes of `w` ends a run (kEndsRun), tested on the
// whole word (the "has zero byte" / "has byte less than n" tests of Bit
// Twiddling Hacks): exact for "any byte", which is all the caller asks.
bool word_ends_run(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;  // a byte < 0x20
  const uint64_t quote = has_zero(w ^ (kOnes * '"'));
  const uint64_t backslash = has_zero(w ^ (kOnes * '\\'));
  // A byte >= 0x7F: its high bit, or 0x7F + 1's (a carry out of a byte comes
  // only from 0xFF, whose high bit is set anyway).
  const uint64_t high = (w | (w + kOnes)) & kHigh;
  return (control | quote | backslash | high) != 0;
}

// The end of the run of bytes copied as they are that starts at s[i].
size_t run_end(std::string_view s, size_t i) {
  for (uint64_t w; i + 8 <= s.size(); i += 8) {
    std::memcpy(&w, s.data() + i, 8);
    if (word_ends_run(w)) break;
  }
  while (i < s.size() && !kEndsRun[static_cast<uint8_t>(s[i])]) ++i;
  return i;
}

// Strings this short go out with their separator in one piece when they
// need no escaping (keys, most values).
constexpr size_t kShortString = 64;

// Whether every byte of s is copied as it is (nothing to escape): whole
// words, the last one overlapping the one before (no byte-by-byte tail)
// unless s is shorter than a word.
bool all_plain(std::string_view s) {
  const size_t n = s.size();
  if (n < 8) {
    bool plain = true;
    for (char c : s) plain &= !kEndsRun[static_cast<uint8_t>(c)];
    return plain;
  }
  uint64_t w;
  for (size_t i = 0; i + 8 <= n; i += 8) {
    std::memcpy(&w, s.data() + i, 8);
    if (word_ends_run(w)) return false;
  }
  std::memcpy(&w, s.data() + n - 8, 8);
  return !word_ends_run(w);
}

std::string_view u_escape(char (&e)[6], uint32_t cp) {  // \uxxxx, lower-case hex as nlohmann and fmt "{:04x}"
  static constexpr char hex[] = "0123456789abcdef";
  e[0] = '\\', e[1] = 'u', e[2] = hex[(cp >> 12) & 15], e[3] = hex[(cp >> 8) & 15], e[4] = hex[(cp >> 4) & 15];
  e[5] = hex[cp & 15];
  return {e, 6};
}

}  // namespace

void JsonWriter::string(std::string_view s, bool per_byte) {
  put('"');
  size_t i = 0;
  while (i < s.size()) {
    const size_t run = run_end(s, i);  // printable ASCII needing no escape, copied as one piece
    put(s.substr(i, run - i));
    i = run;
    if (i == s.size()) break;
    const Utf8Sequence seq = utf8_at(s, i);
    if (seq.length == 0) {  // invalid: U+FFFD for this byte or this maximal invalid subpart
      put("\xEF\xBF\xBD");
      i += per_byte || seq.valid_prefix == 0 ? 1 : seq.valid_prefix;
      continue;
    }
    switch (seq.cp) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\b': put("\\b"); break;
      case '\f': put("\\f"); break;
      case '\n': put("\\n"); break;
      case '\r': put("\\r"); break;
      case '\t': put("\\t"); break;
      default:
        if (seq.cp < 0x20 || terminal_unsafe(seq.cp)) {
          char e[6];
          put(u_escape(e, seq.cp));
        } else {
          put(s.substr(i, seq.length));
        }
    }
    i += seq.length;
  }
  put('"');
}

void JsonWriter::put_spaces(size_t n) {
  while (n > 0) {
    const size_t k = std::min(n, kBuffer);
    std::memset(room(k), ' ', k);
    used_ += k;
    n -= k;
  }
}

void JsonWriter::next_item() {
  if (open_.empty()) return;  // the top-level value
  if (open_.back().empty)
    open_.back().empty = false;
  else
    put(',');
  if (pretty_) {
    put('\n');
    put_spaces(2 * open_.size());
  }
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!open_.empty() && open_.back().close == '}') well_formed_ = false;  // a member without its key
  next_item();
}

char* JsonWriter::separator_to(char* p) {
  if (open_.empty()) return p;  // the top-level value
  if (open_.back().empty)
    open_.back().empty = false;
  else
    *p++ = ',';
  if (pretty_) {
    *p++ = '\n';
    p = std::fill_n(p, 2 * open_.size(), ' ');
  }
  return p;
}

char* JsonWriter::before_value_to(char* p) {
  if (after_key_) {
    after_key_ = false;
    return p;
  }
  if (!open_.empty() && open_.back().close == '}') well_formed_ = false;  // a member without its key
  return separator_to(p);
}

JsonWriter& JsonWriter::key(JsonKey key) {
  if (open_.empty() || open_.back().close != '}' || after_key_) well_formed_ = false;
  const std::string_view name = key.view();
  if (name.size() <= kShortString && shallow() && (key.plain() || all_plain(name))) {  // in one piece: separator, "name", colon
    char* p = separator_to(room(kMaxSeparator + 1 + kShortString + 3));  // separator, quote, name, quote, colon, space
    *p++ = '"';
    p = std::copy(name.begin(), name.end(), p);
    *p++ = '"';
    *p++ = ':';
    if (pretty_) *p++ = ' ';
    done(p);
  } else {
    next_item();
    string(name, false);
    put(pretty_ ? ": " : ":");
  }
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::open(char bracket) {
  before_value();
  put(bracket);
  open_.push_back({bracket == '{' ? '}' : ']', true});
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  if (open_.empty() || open_.back().close != bracket || after_key_) {
    well_formed_ = false;
    return *this;
  }
  const bool empty = open_.back().empty;
  open_.pop_back();
  if (pretty_ && !empty) {
    put('\n');
    put_spaces(2 * open_.size());
  }
  put(bracket);
  flush();  // out holds everything up to here (see the constructor)
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  put("null");
  return value_done();
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  put(b ? "true" : "false");
  return value_done();
}

void JsonWriter::string_value(std::string_view s, bool per_byte) {
  if (s.size() <= kShortString && shallow() && all_plain(s)) {  // in one piece: separator and "s"
    char* p = before_value_to(room(kMaxSeparator + 1 + kShortString + 1));  // separator, quotes, string
    *p++ = '"';
    p = std::copy(s.begin(), s.end(), p);
    *p++ = '"';
    done(p);
  } else {
    before_value();
    string(s, per_byte);
  }
  value_done();
}

JsonWriter& JsonWriter::value(std::string_view s) {
  string_value(s, false);
  return *this;
}

JsonWriter& JsonWriter::text(std::string_view s) {
  string_value(s, true);
  return *this;
}

JsonWriter& JsonWriter::written_value(std::string_view text) {
  before_value();
  if (!pretty_ || open_.empty()) {
    put(text);
    return value_done();
  }
  const size_t indent = 2 * open_.size();
  for (size_t from = 0;;) {
    const size_t nl = text.find('\n', from);
    if (nl == std::string_view::npos) {
      put(text.substr(from));
      break;
    }
    put(text.substr(from, nl + 1 - from));
    put_spaces(indent);
    from = nl + 1;
  }
  return value_done();
}

template <typename Int>
JsonWriter& JsonWriter::integer(Int v) {
  if (shallow()) {
    char* p = before_value_to(room(kMaxSeparator + 24));  // separator and digits
    done(std::to_chars(p, p + 24, v).ptr);
  } else {
    before_value();
    char* p = room(24);
    done(std::to_chars(p, p + 24, v).ptr);
  }
  return value_done();
}

JsonWriter& JsonWriter::number(int64_t v) { return integer(v); }
JsonWriter& JsonWriter::number(uint64_t v) { return integer(v); }

}  // namespace rdpcap::report
