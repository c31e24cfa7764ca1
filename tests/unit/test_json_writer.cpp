// report::JsonWriter against what it replaces: nlohmann::ordered_json's
// dump(2) / dump(-1) with ensure_ascii=false and error_handler_t::replace,
// followed by the terminal-safety pass the reports applied to that dump
// (json_dump.cpp, before that json_report.cpp; copied below as the reference). Fixed documents, hostile strings, and
// seeded random trees and byte strings, in both layouts.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "report/json_writer.hpp"
#include "util/escape.hpp"

using rdpcap::report::JsonWriter;
using rdpcap::report::JsonKey;
using Json = nlohmann::ordered_json;

namespace {

// The reference: escape_terminal_controls as it was when the reports were
// made with nlohmann (DEL, C1 controls, bidi/zero-width
// characters and the BOM as \uxxxx, on a dump that is valid UTF-8).
std::string escape_terminal_controls(const std::string& in) {
  std::string out;
  const auto u = [&out](unsigned cp) {  // fmt::format("\\u{:04x}", cp) there
    char e[8];
    std::snprintf(e, sizeof e, "\\u%04x", cp);
    out += e;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(i + k < in.size() ? in[i + k] : 0); };
    if (b(0) == 0x7F) {
      u(0x7F);
    } else if (b(0) == 0xC2 && b(1) >= 0x80 && b(1) <= 0x9F) {
      u(b(1));
      i += 1;
    } else if (b(0) == 0xE2 && ((b(1) == 0x80 && ((b(2) >= 0x8B && b(2) <= 0x8F) || (b(2) >= 0xAA && b(2) <= 0xAE))) ||
                                (b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9))) {
      u(0x2000u | ((b(1) & 0x0Fu) << 6) | (b(2) & 0x3Fu));
      i += 2;
    } else if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
      u(0xFEFF);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string reference(const Json& j, JsonWriter::Layout layout) {
  const int indent = layout == JsonWriter::Layout::pretty ? 2 : -1;
  return escape_terminal_controls(j.dump(indent, ' ', false, Json::error_handler_t::replace));
}

// Writes `j` through the writer, strings with value() (or all with text()).
void write_like(const Json& j, JsonWriter& w, bool as_text = false) {
  switch (j.type()) {
    case Json::value_t::object:
      w.begin_object();
      for (const auto& [k, v] : j.items()) {
        w.key(JsonKey::any(k));
        write_like(v, w, as_text);
      }
      w.end_object();
      break;
    case Json::value_t::array:
      w.begin_array();
      for (const auto& v : j) write_like(v, w, as_text);
      w.end_array();
      break;
    case Json::value_t::string:
      if (as_text)
        w.text(j.get_ref<const std::string&>());
      else
        w.value(j.get_ref<const std::string&>());
      break;
    case Json::value_t::boolean: w.value(j.get<bool>()); break;
    case Json::value_t::number_integer: w.value(j.get<int64_t>()); break;
    case Json::value_t::number_unsigned: w.value(j.get<uint64_t>()); break;
    case Json::value_t::null: w.null(); break;
    default: FAIL("a value type the writer does not write"); break;
  }
}

std::string written(const Json& j, JsonWriter::Layout layout, bool as_text = false) {
  std::string out;
  JsonWriter w(out, layout);
  write_like(j, w, as_text);
  CHECK(w.complete());
  return out;
}

void check_both_layouts(const Json& j) {
  for (const auto layout : {JsonWriter::Layout::pretty, JsonWriter::Layout::compact}) {
    INFO("layout " << (layout == JsonWriter::Layout::pretty ? "pretty" : "compact") << ", value "
                     << j.dump(-1, ' ', true, Json::error_handler_t::replace));
    CHECK(written(j, layout) == reference(j, layout));
  }
}

// Strings a capture can put into a report, valid or not.
const std::vector<std::string>& hostile_strings() {
  static const std::vector<std::string> strings = [] {
    std::vector<std::string> s = {
        "", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul\0byte", 8), "\x01\x1f\x7f",
        "\x1b[2J\x1b]0;title\x07", "Z\xc3\xbcrich", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80 emoji",
        "\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0",                       // C1 controls, then NBSP (kept)
        "\xe2\x80\x8b\xe2\x80\x8f\xe2\x80\x8a\xe2\x80\x90",       // zero-width (escaped) beside spaces (kept)
        "ab\xe2\x80\xae" "cd\xe2\x81\xa6\xe2\x81\xa9\xe2\x81\xaa",  // bidi overrides and isolates
        "\xef\xbb\xbf" "BOM", "\xef\xbf\xbd already replaced", "\xff", "\xfe\xff", "\xc0\xaf", "\xc1\xbf",
        "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe2\x80", "\xe2", "\xf0\x90\x80", "\xf0\x90\x80" "A",
        "\xe2\x80" "A\xe2", "\x80\x80\x80", "a\xc3", "\xc3\x28", "\xe1\x80\xc0", "\xf1\x80\x80\xc0\x80",
        "mixed \x1b \xc2\x9b \xff \xe2\x80\xae \xf0\x9f\x98\x80 \"end\""};
    for (int b = 0; b < 256; ++b) s.emplace_back(1, static_cast<char>(b));
    return s;
  }();
  return strings;
}

// A random byte string: mostly the bytes that matter (controls, quotes,
// lead and continuation bytes, the terminal set's lead bytes).
std::string random_bytes(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "a", "Z", " ", "\"", "\\", "/", "\n", "\x1b", "\x7f", std::string(1, '\0'), "\x80", "\xbf", "\xc2", "\xc2\x9b",
      "\xc3\xa9", "\xe0", "\xe2", "\xe2\x80", "\xe2\x80\xae", "\xed", "\xef\xbb\xbf", "\xf0", "\xf0\x9f\x98\x80",
      "\xf4", "\xf5", "\xff", "\xa0", "\x9f", "\x81"};
  std::uniform_int_distribution<size_t> len(0, 12), pick(0, pieces.size() - 1), byte(0, 255), coin(0, 3);
  std::string s;
  for (size_t n = len(rng); n > 0; --n) {
    if (coin(rng) == 0)
      s += static_cast<char>(byte(rng));
    else
      s += pieces[pick(rng)];
  }
  return s;
}

Json random_value(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth > 0 ? 8 : 6), count(0, 4);
  switch (kind(rng)) {
    case 0: return nullptr;
    case 1: return std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    case 2: return std::uniform_int_distribution<int64_t>(std::numeric_limits<int64_t>::min(), -1)(rng);
    case 3: return std::uniform_int_distribution<uint64_t>(0, std::numeric_limits<uint64_t>::max())(rng);
    case 4: return std::uniform_int_distribution<uint64_t>(0, 70000)(rng);
    case 5:
    case 6: return random_bytes(rng);
    case 7: {
      Json a = Json::array();
      for (int n = count(rng); n > 0; --n) a.push_back(random_value(rng, depth - 1));
      return a;
    }
    default: {
      Json o = Json::object();
      for (int n = count(rng); n > 0; --n) o[random_bytes(rng)] = random_value(rng, depth - 1);
      return o;
    }
  }
}

}  // namespace

TEST_CASE("JsonWriter: scalars, extreme integers and empty containers as nlohmann dumps them", "[json_writer]") {
  const std::vector<Json> values = {
      nullptr, true, false, 0, -1, 1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
      std::numeric_limits<uint64_t>::max(), uint64_t{4294967296}, "", "text", Json::object(), Json::array(),
      Json::array({Json::object(), Json::array(), nullptr}), Json{{"empty_object", Json::object()}, {"empty_array", Json::array()}},
      Json::array({Json::array({Json::array()})})};
  for (const auto& v : values) check_both_layouts(v);
}

TEST_CASE("JsonWriter: nested documents keep insertion order and nlohmann's layout", "[json_writer]") {
  Json doc;
  doc["schema"] = "rdpcap/1";
  doc["tool"] = {{"name", "rdpcap-analyze"}, {"version", "0.1.0"}};
  doc["zeta_before_alpha"] = 1;
  doc["alpha"] = Json::array({1, -2, "three", nullptr, true, Json{{"at", nullptr}, {"frame", 7u}}});
  doc["deep"] = {{"a", {{"b", {{"c", Json::array({Json::array({1, 2}), Json::object(), Json::array()})}}}}}};
  doc["connections"] = Json::array();
  check_both_layouts(doc);
  // The pretty layout spelled out, so a change on both sides is seen too.
  CHECK(written(Json{{"a", Json::array({1, Json::object()})}, {"b", Json::array()}}, JsonWriter::Layout::pretty) ==
        "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}");
  CHECK(written(Json{{"a", Json::array({1, Json::object()})}, {"b", nullptr}}, JsonWriter::Layout::compact) ==
        "{\"a\":[1,{}],\"b\":null}");
}

TEST_CASE("JsonWriter: hostile strings as values and as keys", "[json_writer]") {
  for (const auto& s : hostile_strings()) {
    check_both_layouts(Json(s));
    check_both_layouts(Json{{s, s}, {"k", Json::array({s, s})}});
  }
  // The terminal set is escaped, the replacement character and NBSP are not.
  CHECK(written(Json("\x1b\xc2\x9b\xe2\x80\xae\xef\xbb\xbf\x7f\xff"), JsonWriter::Layout::compact) ==
        "\"\\u001b\\u009b\\u202e\\ufeff\\u007f\xef\xbf\xbd\"");
}

TEST_CASE("JsonWriter: text() is util::sanitize_utf8 (one U+FFFD per invalid byte), then value()", "[json_writer]") {
  for (const auto& s : hostile_strings()) {
    INFO("string " << Json(s).dump(-1, ' ', true, Json::error_handler_t::replace));
    const Json sanitized = rdpcap::util::sanitize_utf8(s);
    CHECK(written(Json(s), JsonWriter::Layout::compact, true) == reference(sanitized, JsonWriter::Layout::compact));
  }
  // The two rules differ on a cut sequence: one U+FFFD per byte, or one for the subpart.
  CHECK(written(Json("\xe2\x80" "A"), JsonWriter::Layout::compact, true) == "\"\xef\xbf\xbd\xef\xbf\xbd" "A\"");
  CHECK(written(Json("\xe2\x80" "A"), JsonWriter::Layout::compact) == "\"\xef\xbf\xbd" "A\"");
}

TEST_CASE("JsonWriter: seeded random trees and byte strings in both layouts", "[json_writer]") {
  std::mt19937 rng(20261130);
  for (int i = 0; i < 3000; ++i) {
    const Json j = random_value(rng, 4);
    check_both_layouts(j);
    if (j.is_string()) {
      CHECK(written(j, JsonWriter::Layout::pretty, true) ==
            reference(Json(rdpcap::util::sanitize_utf8(j.get<std::string>())), JsonWriter::Layout::pretty));
    }
  }
}

TEST_CASE("JsonWriter: output taken away between items gives the same text", "[json_writer]") {
  // As --json streams a document: the buffer is written out and cleared after each connection.
  Json doc{{"schema", "rdpcap/1"}, {"connections", Json::array({Json{{"id", 1}}, Json{{"id", 2}, {"x", Json::array()}}})}};
  std::string out, all;
  JsonWriter w(out, JsonWriter::Layout::pretty);
  w.begin_object().field("schema", "rdpcap/1").key("connections").begin_array();
  for (const auto& c : doc["connections"]) {
    write_like(c, w);
    all += out;
    out.clear();
  }
  w.end_array().end_object();
  all += out;
  CHECK(w.complete());
  CHECK(all == reference(doc, JsonWriter::Layout::pretty));
}

TEST_CASE("JsonWriter: field helpers, optionals and null names", "[json_writer]") {
  std::string out;
  JsonWriter w(out, JsonWriter::Layout::compact);
  const char* no_name = nullptr;
  w.begin_object()
      .field("u8", uint8_t{200})
      .field("i16", int16_t{-300})
      .field("none", std::optional<uint32_t>{})
      .field("some", std::optional<uint32_t>{7})
      .field("name", no_name)
      .field("literal", "x")
      .field("flag", false)
      .field_text("bytes", "\xff")
      .field_null("nothing")
      .end_object();
  CHECK(w.complete());
  CHECK(out ==
        "{\"u8\":200,\"i16\":-300,\"none\":null,\"some\":7,\"name\":null,\"literal\":\"x\",\"flag\":false,"
        "\"bytes\":\"\xef\xbf\xbd\",\"nothing\":null}");
}

TEST_CASE("JsonWriter: calls out of place are reported by complete()", "[json_writer]") {
  const auto check_incomplete = [](auto&& misuse) {
    std::string out;
    JsonWriter w(out, JsonWriter::Layout::compact);
    misuse(w);
    CHECK_FALSE(w.complete());
  };
  check_incomplete([](JsonWriter& w) { w.begin_object(); });                         // not closed
  check_incomplete([](JsonWriter& w) { w.begin_object().value(1).end_object(); });   // member without a key
  check_incomplete([](JsonWriter& w) { w.begin_array().key("k").value(1).end_array(); });  // key in an array
  check_incomplete([](JsonWriter& w) { w.begin_object().end_array(); });             // mismatched close
  check_incomplete([](JsonWriter& w) { w.begin_object().key("k").end_object(); });   // key without a value
  check_incomplete([](JsonWriter& w) { w.end_object(); });                           // nothing open
}

TEST_CASE("JsonWriter: a byte to escape is found at every place in a long run", "[json_writer]") {
  // Runs of plain bytes are scanned 8 bytes at a time; each byte value, at
  // each position of an 18-byte string of 'a's, must come out as it does alone.
  const auto dump = [](const std::string& s) {
    std::string out;
    JsonWriter(out, JsonWriter::Layout::compact).value(s);
    return out;
  };
  for (int b = 0; b < 256; ++b) {
    const std::string alone = dump(std::string(1, static_cast<char>(b)));
    const std::string inner = alone.substr(1, alone.size() - 2);
    for (size_t p = 0; p < 18; ++p) {
      std::string s(18, 'a');
      s[p] = static_cast<char>(b);
      INFO("byte " << b << " at " << p);
      REQUIRE(dump(s) == "\"" + std::string(p, 'a') + inner + std::string(17 - p, 'a') + "\"");
    }
  }
}

TEST_CASE("JsonWriter: short items written in one piece match the general path at every depth and length",
          "[json_writer]") {
  // Keys, strings and numbers of up to 64 bytes at up to 16 levels go out
  // with their separator in one append; longer or deeper ones item by item.
  // Both sides of each bound, with a byte to escape at the start, middle, end.
  for (size_t depth : {0, 1, 15, 16, 17, 30}) {
    for (size_t length : {0, 1, 63, 64, 65, 100}) {
      for (int escape_at : {-1, 0, 1, 2}) {  // none, first byte, middle, last byte
        std::string s(length, 'k');
        if (escape_at >= 0 && length > 0) s[escape_at == 0 ? 0 : escape_at == 1 ? length / 2 : length - 1] = '\n';
        Json leaf = Json::object({{s, s}, {"n", 18446744073709551615ull}, {"m", -7}, {"a", Json::array({s, 1, s})}});
        Json j = leaf;
        for (size_t d = 0; d < depth; ++d) j = (d % 2) ? Json::array({j, s, 2}) : Json::object({{s + "x", j}, {"y", s}});
        INFO("depth " << depth << ", length " << length << ", escape at " << escape_at);
        check_both_layouts(j);
      }
    }
  }
}

TEST_CASE("JsonWriter: a value written once at the top level is placed at any depth as if written there",
          "[json_writer]") {
  // written_value(): the text a top-level writer gave, re-indented for the
  // depth it lands at (pretty) or as it is (compact).
  std::mt19937 rng(424242);
  for (int i = 0; i < 500; ++i) {
    const Json inner = random_value(rng, 3);
    for (const auto layout : {JsonWriter::Layout::pretty, JsonWriter::Layout::compact}) {
      std::string top;
      JsonWriter t(top, layout);
      write_like(inner, t);
      for (int depth : {0, 1, 2, 5}) {
        Json expected = inner;
        for (int d = 0; d < depth; ++d) expected = (d % 2) ? Json::array({1, expected}) : Json::object({{"k", expected}});
        std::string out;
        JsonWriter w(out, layout);
        for (int d = depth - 1; d >= 0; --d) {
          if (d % 2) {
            w.begin_array().value(1);
          } else {
            w.begin_object().key("k");
          }
        }
        w.written_value(top);
        for (int d = 0; d < depth; ++d) {
          if (d % 2)
            w.end_array();
          else
            w.end_object();
        }
        INFO("depth " << depth << ", value " << inner.dump(-1, ' ', true, Json::error_handler_t::replace));
        CHECK(w.complete());
        CHECK(out == reference(expected, layout));
      }
    }
  }
}

TEST_CASE("JsonWriter: a literal key is written as the same name through any()", "[json_writer]") {
  for (const auto layout : {JsonWriter::Layout::pretty, JsonWriter::Layout::compact}) {
    std::string literal, runtime;
    JsonWriter a(literal, layout), b(runtime, layout);
    a.begin_object().field("server_port", 3389).key("tls").begin_object().field("sni", "rdp01").end_object().end_object();
    b.begin_object().field(JsonKey::any("server_port"), 3389).key(JsonKey::any("tls")).begin_object();
    b.field(JsonKey::any("sni"), "rdp01").end_object().end_object();
    CHECK(literal == runtime);
    CHECK(a.complete());
  }
  constexpr JsonKey k("a_b-c.d 1");
  static_assert(k.view() == "a_b-c.d 1" && k.plain());
  CHECK_FALSE(JsonKey::any("a").plain());
  // A name that needs escaping, given through any(), is escaped.
  std::string out;
  JsonWriter w(out, JsonWriter::Layout::compact);
  w.begin_object().field(JsonKey::any("a\"b\x01"), 1).end_object();
  CHECK(out == "{\"a\\\"b\\u0001\":1}");
}

TEST_CASE("JsonWriter: its buffer: values longer than it, many small ones, out complete at each close", "[json_writer]") {
  for (const auto layout : {JsonWriter::Layout::pretty, JsonWriter::Layout::compact}) {
    Json doc = Json::object();
    doc["long"] = std::string(5000, 'x') + "\"\n" + std::string(3000, 'y');  // over the buffer, escapes inside
    doc["numbers"] = Json::array();
    for (int i = 0; i < 3000; ++i) doc["numbers"].push_back(i * 7919);
    Json deep = "end";
    for (int d = 0; d < 40; ++d) deep = Json::array({deep});  // deeper than the one-append fast paths
    doc["deep"] = deep;
    std::string out;
    {
      JsonWriter w(out, layout);
      write_like(doc, w);
      CHECK(w.complete());
    }
    CHECK(out == reference(doc, layout));

    std::string part;
    JsonWriter w(part, layout);
    w.begin_object().key("a").begin_array().value(1).value("two");
    w.flush();
    CHECK(part == reference(Json::object(), layout).substr(0, 1) + (layout == JsonWriter::Layout::pretty ? "\n  \"a\": [\n    1,\n    \"two\"" : "\"a\":[1,\"two\""));
    w.end_array();  // a close: everything so far is in `part`
    CHECK(part.back() == ']');
  }
}
