// core/text: the one place wire values and times become words.
#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "text/time_text.hpp"
#include "text/wire_text.hpp"
#include "util/time.hpp"

using namespace rdpcap;

TEST_CASE("span: days rounded, hours below a day", "[text]") {
  constexpr int64_t kHour = 3600, kDay = 86400;
  CHECK(text::span(5 * kHour) == "5 hours");
  CHECK(text::span(5 * kHour + 29 * 60) == "5 hours");
  CHECK(text::span(5 * kHour + 31 * 60) == "6 hours");
  CHECK(text::span(kHour) == "1 hour");
  CHECK(text::span(23 * kHour) == "23 hours");
  CHECK(text::span(23 * kHour + 40 * 60) == "1 day");  // nearer a day than 23 hours
  CHECK(text::span(kDay) == "1 day");
  CHECK(text::span(kDay + 11 * kHour) == "1 day");
  CHECK(text::span(kDay + 13 * kHour) == "2 days");     // rounded, not truncated
  CHECK(text::span(662 * kDay + 3 * kHour) == "662 days");
  CHECK(text::span(90) == "2 minutes");
  CHECK(text::span(59) == "59 seconds");
  CHECK(text::span(1) == "1 second");
  CHECK(text::span(0) == "0 seconds");
  CHECK(text::span(-5 * kHour) == "5 hours");
  CHECK(text::span(INT64_MIN).find("days") != std::string::npos);  // no overflow
}

TEST_CASE("times: capture, ISO, certificate seconds, durations", "[text]") {
  CHECK(text::capture_time(1741597200123456) == "2025-03-10 09:00:00.123456 UTC");
  CHECK(text::capture_time(-1) == "1969-12-31 23:59:59.999999 UTC");
  CHECK(text::iso_time(1741597200123456) == "2025-03-10T09:00:00.123456Z");
  CHECK(text::utc_seconds(0) == "1970-01-01T00:00:00Z");
  CHECK(text::utc_seconds(253402300799) == "9999-12-31T23:59:59Z");
  CHECK(text::duration(3002999) == "3.002 s");
  CHECK(text::duration(-5) == "0.000 s");
}

TEST_CASE("capture and ISO times agree with gmtime_r over the clamped range", "[text]") {
  // The formatter does its own calendar arithmetic (no gmtime_r lock); gmtime_r + strftime is the reference.
  const auto reference = [](int64_t us, const char* layout) {
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) frac += 1000000, --secs;
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, layout, &tm);
    char us_text[8];
    std::snprintf(us_text, sizeof us_text, "%06lld", static_cast<long long>(frac));
    return std::string(buf) + "." + us_text;
  };
  std::vector<int64_t> times = {0, -1, 1, 951782400000000 /* 2000-02-29 */, 4107542399999999 /* 2100-02-28 */,
                                util::kMaxTimeMicros, -util::kMaxTimeMicros, 86399999999, -86400000000};
  uint64_t x = 0x9e3779b97f4a7c15;  // a fixed xorshift sequence over the whole clamped range
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    times.push_back(static_cast<int64_t>(x % (2 * static_cast<uint64_t>(util::kMaxTimeMicros))) - util::kMaxTimeMicros);
  }
  // Each time, then its neighbours in one order and the other: the formatter
  // reuses the last second it wrote (per thread and separator).
  times.insert(times.end(), {1741597200999999, 1741597201000000, 1741597200999999, 999999, 1000000, 0});
  for (const int64_t t : times) {
    for (const int64_t u : {t, t + 1, t - 1, t + 999999, t}) {
      if (u > util::kMaxTimeMicros || u < -util::kMaxTimeMicros) continue;
      INFO(u);
      REQUIRE(text::iso_time(u) == reference(u, "%Y-%m-%dT%H:%M:%S") + "Z");
      REQUIRE(text::capture_time(u) == reference(u, "%Y-%m-%d %H:%M:%S") + " UTC");
    }
  }
}

TEST_CASE("certificate seconds agree with gmtime_r + strftime, fast path or not", "[text]") {
  // Years 1000-9999 by calendar arithmetic, the rest by gmtime_r + strftime (the reference here).
  const auto reference = [](int64_t secs) {
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    if (!gmtime_r(&t, &tm)) return std::string();
    char buf[64];
    return std::string(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm));
  };
  std::vector<int64_t> secs = {0, -1, 1, -30610224000, -30610224001, 253402300799, 253402300800, 951782400,
                               4107542399, -62135596800 /* year 1 */, 1LL << 40, -(1LL << 40)};
  uint64_t x = 0x2545f4914f6cdd1d;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    secs.push_back(static_cast<int64_t>(x % 600000000000ull) - 300000000000);  // years -7500 to 11500
  }
  for (const int64_t t : secs) {
    INFO(t);
    REQUIRE(text::utc_seconds(t) == reference(t));
  }
}

TEST_CASE("wire values: names with the number when unknown", "[text]") {
  CHECK(text::version_text(0x0303) == "TLS 1.2");
  CHECK(text::version_text(0x7f1c) == "TLS 1.3 draft 28");
  CHECK(text::version_text(0x0305) == "0x0305");
  CHECK(text::suite_text(0xc030) == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030)");
  CHECK(text::suite_text(0x5a5a) == "0x5a5a");
  CHECK(text::suite_text(0x0000) == "TLS_NULL_WITH_NULL_NULL (0x0000)");
  CHECK(text::hex16(0xffff).view() == "0xffff");
  CHECK(text::hex16(0x0a0b).view() == "0x0a0b");
  CHECK(text::alert_text(40) == "handshake_failure (40)");
  CHECK(text::alert_text(200) == "alert 200");
  CHECK(text::alert_level_text(2) == "fatal");
  CHECK(text::handshake_text(16) == "ClientKeyExchange");
  CHECK(text::handshake_text(99) == "Unknown");
  CHECK(text::icmp_unreachable_text(false, 3, 3) == "port unreachable");
  CHECK(text::icmp_unreachable_text(true, 1, 4) == "port unreachable");
  CHECK(text::icmp_unreachable_text(false, 3, 7) == "ICMP type 3 code 7");
  CHECK(text::endpoint("2001:db8::1", 3389) == "[2001:db8::1]:3389");
  CHECK(text::endpoint("192.0.2.1", 3389) == "192.0.2.1:3389");
  CHECK(text::endpoint("192.0.2.1", 0) == "192.0.2.1:0");
  CHECK(text::endpoint("::", 65535) == "[::]:65535");
}
