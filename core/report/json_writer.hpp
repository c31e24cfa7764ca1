// A streaming JSON writer: values go straight into a std::string, no tree.
//
// Why hand-written and not a library: the reports' JSON was made by
// nlohmann::ordered_json::dump(2 or -1, ' ', false, error_handler_t::replace)
// followed by a terminal-safety pass, and the golden outputs (samples/expected)
// and every consumer see exactly those bytes. This writer reproduces that
// layout and escaping byte for byte (tests/unit/test_json_writer.cpp compares
// the two) without building a tree per connection (issue 13 item 3: building,
// dumping and destroying the trees took about three quarters of --json's
// instructions). RapidJSON's writers, the Debian alternative, write the hex
// digits of \u00XX escapes in upper case and have no replace-invalid-UTF-8 mode
// (they copy the bytes or fail), so they would need a pass over their output.
//
// Layouts:
//  - pretty (dump(2)): `{\n  "key": value,\n  ...\n}`, arrays the same with
//    one element per line, empty containers `{}` and `[]`;
//  - compact (dump(-1)): no whitespace at all.
// Strings: \" \\ \b \f \n \r \t, other C0 controls \u00xx (lowercase hex),
// everything else raw UTF-8 (ensure_ascii=false); then, for terminal safety,
// DEL, C1 controls (U+0080..U+009F) and the bidi/zero-width characters
// U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF as \uxxxx too (the set
// util::escape_text escapes). Invalid UTF-8 becomes U+FFFD: per maximal
// invalid subpart as nlohmann's replace handler does (value()), or per invalid
// byte as util::sanitize_utf8 does (text(), for strings from a capture).
#pragma once

#include <concepts>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdpcap::report {

// A byte a JSON string holds as it is: printable ASCII other than the quote
// and the backslash (controls, DEL and every byte of a multi-byte sequence
// are escaped or checked).
constexpr bool json_plain_byte(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

// An object member's name. From a string literal (the reports' own names) it
// is checked when the program is compiled: a name that would need escaping
// does not compile, and key() copies it without looking at its bytes (that
// look was about a twentieth of writing a connection). Any other name goes
// through JsonKey::any() and is escaped as a string value is.
class JsonKey {
 public:
  template <size_t N>
  consteval JsonKey(const char (&name)[N]) : name_(name, N - 1), plain_(true) {  // NOLINT: implicit on purpose
    for (size_t i = 0; i + 1 < N; ++i)
      if (!json_plain_byte(static_cast<unsigned char>(name[i])))
        throw "a JSON key literal must be printable ASCII without quote or backslash";
  }
  static JsonKey any(std::string_view name) { return JsonKey(name, false); }
  constexpr std::string_view view() const { return name_; }
  constexpr bool plain() const { return plain_; }  // known to need no escaping

 private:
  JsonKey(std::string_view name, bool plain) : name_(name), plain_(plain) {}
  std::string_view name_;
  bool plain_;
};

class JsonWriter {
 public:
  enum class Layout { pretty, compact };

  // Appends to `out`, through a small buffer of its own: `out` holds all that
  // was written once an object or array is closed, a value at the top level
  // is written, flush() is called or the writer is destroyed. Between those
  // the caller may hand out's content on and clear it (the writer keeps only
  // its nesting state and that buffer).
  // Why the buffer: appending each key, string and number to the std::string
  // (a call into the library and a memcpy call each) was most of the
  // writer's instructions; into a buffer it is a few moves.
  JsonWriter(std::string& out, Layout layout) : out_(out), pretty_(layout == Layout::pretty) { open_.reserve(32); }
  ~JsonWriter() { flush(); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  // Everything written so far into `out`.
  void flush() {
    out_.append(buf_, used_);
    used_ = 0;
  }

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // An object member's name; the next call writes its value.
  JsonWriter& key(JsonKey name);

  JsonWriter& null();
  JsonWriter& value(bool b);
  JsonWriter& value(std::string_view s);  // invalid UTF-8: one U+FFFD per maximal invalid subpart
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(const char* s) { return s ? value(std::string_view(s)) : null(); }  // nullptr: null
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  JsonWriter& value(T v) {
    if constexpr (std::is_signed_v<T>)
      return number(static_cast<int64_t>(v));
    else
      return number(static_cast<uint64_t>(v));
  }
  template <typename T>
  JsonWriter& value(const std::optional<T>& v) {  // empty: null
    return v ? value(*v) : null();
  }
  // A string from a capture: invalid UTF-8 becomes one U+FFFD per invalid
  // byte (util::sanitize_utf8, then the escaping of value()).
  JsonWriter& text(std::string_view s);
  // One whole value as a writer of this layout wrote it at the top level (its
  // output, for a value written many times over: see json_tls.cpp), placed
  // at this writer's depth: pretty, each of its line breaks takes this
  // depth's indent (a string's line breaks are escaped, so every '\n' in
  // it is the layout's).
  JsonWriter& written_value(std::string_view top_level_text);
  Layout layout() const { return pretty_ ? Layout::pretty : Layout::compact; }

  // key(name).value(v) / key(name).text(s) / key(name).null()
  template <typename T>
  JsonWriter& field(JsonKey name, const T& v) {
    return key(name).value(v);
  }
  JsonWriter& field_text(JsonKey name, std::string_view s) { return key(name).text(s); }
  JsonWriter& field_null(JsonKey name) { return key(name).null(); }

  // No call out of place so far (a key outside an object, a value in an
  // object without its key, a close that does not match) and every
  // container opened has been closed: the output is one JSON value.
  bool complete() const { return well_formed_ && open_.empty() && !after_key_; }

 private:
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  JsonWriter& number(int64_t v);
  JsonWriter& number(uint64_t v);
  template <typename Int>
  JsonWriter& integer(Int v);  // both number()s: digits by std::to_chars
  void before_value();
  void next_item();
  void string(std::string_view s, bool per_byte);
  void string_value(std::string_view s, bool per_byte);  // value() and text()
  // The same as next_item() / before_value(), written to `p` (room for
  // kMaxSeparator bytes) instead of put(); return the end. Used when
  // shallow(), so that a whole short item is written in one piece into room().
  static constexpr size_t kMaxDepthInline = 16;
  static constexpr size_t kMaxSeparator = 2 + 2 * kMaxDepthInline;
  bool shallow() const { return open_.size() <= kMaxDepthInline; }
  char* separator_to(char* p);
  char* before_value_to(char* p);

  // The buffer: put() what is written; room(n) for n <= kBuffer bytes to
  // write at the pointer returned, then done(end).
  static constexpr size_t kBuffer = 2048;
  void put(char c) {
    if (used_ == kBuffer) flush();
    buf_[used_++] = c;
  }
  void put(std::string_view s) {
    if (s.size() > kBuffer - used_) {
      flush();
      if (s.size() > kBuffer) return out_.append(s), void();
    }
    std::memcpy(buf_ + used_, s.data(), s.size());
    used_ += s.size();
  }
  void put_spaces(size_t n);
  char* room(size_t n) {
    if (n > kBuffer - used_) flush();
    return buf_ + used_;
  }
  void done(char* end) { used_ = static_cast<size_t>(end - buf_); }
  // After a scalar value: at the top level, it is complete, so into `out`.
  JsonWriter& value_done() {
    if (open_.empty()) flush();
    return *this;
  }

  struct Level {
    char close;  // '}' or ']'
    bool empty;  // no member or element written yet
  };
  std::string& out_;
  bool pretty_;
  bool after_key_ = false;
  bool well_formed_ = true;
  std::vector<Level> open_;
  size_t used_ = 0;
  char buf_[kBuffer];
};

}  // namespace rdpcap::report
