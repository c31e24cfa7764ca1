// Output escaping of attacker-chosen capture bytes (util/escape).
#include <catch2/catch.hpp>

#include "util/escape.hpp"

using namespace rdpcap::util;

TEST_CASE("Terminal text keeps printable UTF-8 and escapes the rest", "[escape]") {
  CHECK(escape_text("CORP\\alice") == "CORP\\alice");
  CHECK(escape_text("Zürich") == "Zürich");
  CHECK(escape_text("\x1b[2J\a") == "\\x1b[2J\\x07");
  CHECK(escape_text(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(escape_text("\x7f") == "\\x7f");
  CHECK(escape_text("\xc2\x9b") == "\\x9b");           // C1 CSI as UTF-8
  CHECK(escape_text("\xff\xfe") == "\\xff\\xfe");       // invalid UTF-8
  CHECK(escape_text("\xc0\xaf") == "\\xc0\\xaf");       // overlong '/'
  CHECK(escape_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // UTF-16 surrogate
  CHECK(escape_text("ab\xe2\x80\xae" "cd") == "ab\\u{202e}cd");  // right-to-left override
  CHECK(escape_text("\xe2\x80") == "\\xe2\\x80");       // cut sequence
}

TEST_CASE("JSON text is made valid UTF-8", "[escape]") {
  CHECK(sanitize_utf8("ok") == "ok");
  CHECK(sanitize_utf8("a\xff" "b") == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("HTML and Markdown render capture strings inert", "[escape]") {
  CHECK(escape_html("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(escape_html("a\"b&c") == "a&quot;b&amp;c");
  CHECK(escape_html("\x1b[31m") == "\\x1b[31m");
  CHECK(escape_markdown("**x** | [a](b)") == "\\*\\*x\\*\\* \\| \\[a\\]\\(b\\)");
  CHECK(escape_markdown("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert\\(1\\)&gt;");
}

#include "util/time.hpp"

TEST_CASE("Capture times convert to microseconds without overflow", "[escape]") {
  CHECK(to_micros(1741597200, 123456) == 1741597200123456);
  CHECK(to_micros(-1, 0) == -1000000);
  CHECK(to_micros(14593352625162, 0) == kMaxTimeMicros);  // the fuzz_pcap reproducer's timestamp
  CHECK(to_micros(INT64_MAX, 999999) == kMaxTimeMicros);
  CHECK(to_micros(INT64_MIN, 0) == -kMaxTimeMicros);
  CHECK(to_micros(kMaxTimeMicros / 1000000, 999999) == kMaxTimeMicros);
}
