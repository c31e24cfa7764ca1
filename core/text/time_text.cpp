#include "text/time_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace rdpcap::text {

namespace {

// A capture time's calendar fields (floored, so -1 us is 1969-12-31 23:59:59.999999). Civil calendar
// arithmetic through <chrono> instead of gmtime_r, which takes glibc's time-zone lock on every call: the
// JSON reports format tens of thousands of times per capture.
struct Split {
  int64_t year = 1970;
  unsigned month = 1, day = 1;
  int64_t second_of_day = 0, frac = 0;
};

Split split(int64_t time_us) {
  using namespace std::chrono;
  int64_t secs = time_us / 1000000, frac = time_us % 1000000;
  if (frac < 0) frac += 1000000, --secs;
  const sys_days date = floor<days>(sys_seconds{seconds{secs}});
  const year_month_day ymd{date};
  Split s;
  s.year = static_cast<int>(ymd.year());
  s.month = static_cast<unsigned>(ymd.month());
  s.day = static_cast<unsigned>(ymd.day());
  s.second_of_day = secs - static_cast<int64_t>(date.time_since_epoch().count()) * 86400;
  s.frac = frac;
  return s;
}

// "YYYY-MM-DD" + date_time_separator + "hh:mm:ss.uuuuuu" + suffix, digits written by hand.
TimeChars format_time_chars(int64_t time_us, char separator, std::string_view suffix) {
  const auto digits = [](char* p, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
    return p + width;
  };
  // The "YYYY-MM-DD?hh:mm:ss" of the last second formatted on this thread:
  // a connection's times mostly share their second.
  struct LastSecond {
    int64_t secs = INT64_MIN;
    char separator = 0;
    std::array<char, 19> text{};
  };
  thread_local LastSecond last;
  int64_t secs = time_us / 1000000, frac = time_us % 1000000;
  if (frac < 0) frac += 1000000, --secs;
  TimeChars out;
  if (secs != last.secs || separator != last.separator) {
    const Split s = split(time_us);
    if (s.year < 0 || s.year > 9999) {  // outside what a clamped capture time reaches; keep it correct anyway
      const auto r = fmt::format_to_n(out.chars.data(), out.chars.size(), "{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}.{:06}{}",
                                      s.year, s.month, s.day, separator, s.second_of_day / 3600,
                                      s.second_of_day / 60 % 60, s.second_of_day % 60, s.frac, suffix);
      out.size = std::min(r.size, out.chars.size());  // a chrono year has at most 6 characters: never cut
      return out;
    }
    char* p = last.text.data();
    p = digits(p, s.year, 4), *p++ = '-', p = digits(p, s.month, 2), *p++ = '-', p = digits(p, s.day, 2);
    *p++ = separator;
    p = digits(p, s.second_of_day / 3600, 2), *p++ = ':', p = digits(p, s.second_of_day / 60 % 60, 2), *p++ = ':';
    digits(p, s.second_of_day % 60, 2);
    last.secs = secs;
    last.separator = separator;
  }
  char* p = std::copy(last.text.begin(), last.text.end(), out.chars.data());
  *p++ = '.';
  p = digits(p, frac, 6);
  p = std::copy(suffix.begin(), suffix.end(), p);  // at most 4 characters: 31 of 48 at most
  out.size = static_cast<size_t>(p - out.chars.data());
  return out;
}

std::string format_time(int64_t time_us, char separator, std::string_view suffix) {
  return std::string(format_time_chars(time_us, separator, suffix).view());
}

std::string plural(int64_t n, const char* unit) { return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s"); }

}  // namespace

std::string capture_time(int64_t time_us) { return format_time(time_us, ' ', " UTC"); }

std::string iso_time(int64_t time_us) { return format_time(time_us, 'T', "Z"); }

TimeChars iso_time_chars(int64_t time_us) { return format_time_chars(time_us, 'T', "Z"); }

std::string utc_seconds(int64_t seconds) {
  // Years 1000-9999 (every real certificate date) by the calendar arithmetic
  // above; the rest as strftime's %Y says them ("999", "12345").
  constexpr int64_t kYear1000 = -30610224000, kYear10000 = 253402300800;  // 1000-01-01, 10000-01-01 UTC
  if (seconds >= kYear1000 && seconds < kYear10000) {
    TimeChars t = format_time_chars(seconds * 1000000, 'T', "Z");
    t.chars[19] = 'Z';  // "YYYY-MM-DDThh:mm:ss" without ".uuuuuu"
    return std::string(t.chars.data(), 20);
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return {};
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

std::string duration(int64_t micros) {
  if (micros < 0) micros = 0;
  return fmt::format("{}.{:03} s", micros / 1000000, (micros % 1000000) / 1000);
}

std::string span(int64_t seconds) {
  constexpr int64_t kMinute = 60, kHour = 3600, kDay = 86400;
  // |INT64_MIN| does not fit: certificate times are far inside this range.
  uint64_t s = seconds < 0 ? 0 - static_cast<uint64_t>(seconds) : static_cast<uint64_t>(seconds);
  const auto nearest = [s](int64_t unit) { return static_cast<int64_t>((s + unit / 2) / unit); };
  if (s >= static_cast<uint64_t>(kDay) - kHour / 2) return plural(std::max<int64_t>(1, nearest(kDay)), "day");
  if (s >= static_cast<uint64_t>(kHour) - kMinute / 2) return plural(std::max<int64_t>(1, nearest(kHour)), "hour");
  if (s >= static_cast<uint64_t>(kMinute)) return plural(std::max<int64_t>(1, nearest(kMinute)), "minute");
  return plural(static_cast<int64_t>(s), "second");
}

}  // namespace rdpcap::text
