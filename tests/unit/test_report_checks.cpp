// The output checks the pipeline fuzz targets apply to every report
// (fuzz/report_checks.hpp) must reject what they are there to catch.
#include <catch2/catch.hpp>
#include <string>

#include "../../fuzz/report_checks.hpp"

using rdpcap::fuzz::each_line_parses;
using rdpcap::fuzz::inert_html;
using rdpcap::fuzz::printable;

TEST_CASE("report checks: printable text", "[fuzz][escape]") {
  CHECK(printable("plain ASCII\nDOMAIN\\user caf\xC3\xA9 \xE2\x9C\x93\n"));
  CHECK_FALSE(printable("a\x1b[31mred"));                  // ESC from data
  CHECK(printable("a\x1b[1;31mred\x1b[0m", true));         // the report's own SGR
  CHECK_FALSE(printable("a\x1b]0;title\x07", true));       // OSC is never ours
  CHECK_FALSE(printable("bell\x07"));
  CHECK_FALSE(printable("cr\r"));
  CHECK_FALSE(printable("tab\t"));
  CHECK(printable("tab\t", false, true));
  CHECK_FALSE(printable("del\x7f"));
  CHECK_FALSE(printable("c1 \xC2\x9B"));                   // U+009B CSI
  CHECK_FALSE(printable("bidi \xE2\x80\xAE"));             // U+202E
  CHECK_FALSE(printable("zw \xE2\x80\x8B"));               // U+200B
  CHECK_FALSE(printable("bom \xEF\xBB\xBF"));
  CHECK_FALSE(printable("bad \xFF"));
  CHECK_FALSE(printable("overlong \xC0\xAF"));
  CHECK_FALSE(printable("surrogate \xED\xA0\x80"));
  CHECK_FALSE(printable("cut \xE2\x80"));
  CHECK(printable("astral \xF0\x9F\x98\x80"));
}

TEST_CASE("report checks: JSON lines and HTML", "[fuzz][escape]") {
  CHECK(each_line_parses("{\"a\":1}\n{\"b\":[2]}\n"));
  CHECK_FALSE(each_line_parses("{\"a\":1}\n{\"b\":\n"));
  CHECK_FALSE(each_line_parses("\"\xFF\"\n"));
  CHECK(inert_html("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"));
  CHECK_FALSE(inert_html("<p><SCRIPT>alert(1)</script></p>"));
}
