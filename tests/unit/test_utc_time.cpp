// util::parse_utc_time (core/util/utc_time.hpp): the one parser of a typed
// UTC instant, used by the CLI's --reference-time and the plugin's
// rdpcap.reference_time. Values checked against `date -u -d ... +%s`.
#include <catch2/catch.hpp>

#include <string>

#include "util/time.hpp"
#include "util/utc_time.hpp"

using rdpcap::util::parse_utc_time;

TEST_CASE("utc time: the accepted forms", "[util][time]") {
  struct Case {
    const char* text;
    int64_t seconds;
  };
  for (const Case& c : {Case{"0", 0}, Case{"1700000000", 1700000000}, Case{"-86400", -86400},
                        Case{"1970-01-01", 0}, Case{"2025-03-10T09:00:00Z", 1741597200},
                        Case{"2025-03-10T09:00:00", 1741597200}, Case{"2025-03-10", 1741564800},
                        Case{"2000-02-29T23:59:59Z", 951868799}, Case{"1969-12-31T23:59:59Z", -1},
                        Case{"2255-06-05", 9007113600}, Case{"00000000001", 1}}) {
    INFO(c.text);
    const auto t = parse_utc_time(c.text);
    CHECK(t.error == "");
    CHECK(t.seconds == c.seconds);
  }
}

TEST_CASE("utc time: every bad value is an error, never an exception", "[util][time]") {
  for (const char* bad : {"", "-", "Z", "abc", "99999999999999999999", "9007199255", "-9007199255",
                          "999999999999999999999999999999999999", "12 34", " 1", "1 ", "+5", "0x10", "1e9",
                          "2025-13-01", "2025-00-10", "2025-02-29", "2024-02-30", "2025-04-31", "2025-03-10T24:00:00Z",
                          "2025-03-10T23:60:00Z", "2025-03-10T23:59:60Z", "2025-3-10", "2025-03-1",
                          "2025-03-10T09:00Z", "2025-03-10T09:00:00+01:00", "2025-03-10T09:00:00ZZ",
                          "2025-03-10 09:00:00", "2025-03-10T", "9999-12-31", "2255-06-06", "\xff\xfe", "2025-03-10\n"}) {
    INFO('"' << bad << '"');
    const auto t = parse_utc_time(bad);
    CHECK_FALSE(t.ok());
    CHECK(t.error.size() > 5);
  }
  CHECK(parse_utc_time("99999999999999999999").error.rfind("out of range", 0) == 0);  // the crash of #14
}

TEST_CASE("utc time: the range ends where capture times are clamped", "[util][time]") {
  const int64_t max_s = rdpcap::util::kMaxTimeMicros / 1000000;
  CHECK(parse_utc_time(std::to_string(max_s)).seconds == max_s);
  CHECK(parse_utc_time(std::to_string(-max_s)).seconds == -max_s);
  CHECK_FALSE(parse_utc_time(std::to_string(max_s + 1)).ok());
  // Every day of 1999..2001 in the date form agrees with the epoch form of the day before + 86400.
  int64_t previous = parse_utc_time("1998-12-31").seconds;
  for (int y = 1999; y <= 2001; ++y)
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= 31; ++d) {
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        const auto t = parse_utc_time(text);
        if (!t.ok()) continue;  // 30 February...
        INFO(text);
        CHECK(t.seconds == previous + 86400);
        previous = t.seconds;
      }
  CHECK(previous == parse_utc_time("2001-12-31T00:00:00Z").seconds);
}
