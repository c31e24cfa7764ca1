#include "util/utc_time.hpp"

#include "util/time.hpp"

namespace rdpcap::util {

namespace {

constexpr int64_t kMaxSeconds = kMaxTimeMicros / 1000000;  // 9 007 199 254 s, about year 2255
constexpr const char* kFormats = "use YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD or seconds since 1970 (UTC)";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Exactly n digits at text[pos..pos+n).
bool digits(std::string_view text, size_t pos, size_t n, unsigned& out) {
  if (text.size() < pos + n) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(text[i])) return false;
    out = out * 10 + unsigned(text[i] - '0');
  }
  return true;
}

bool leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(unsigned y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

UtcTimeParse fail(std::string why) {
  UtcTimeParse r;
  r.error = std::move(why);
  return r;
}

UtcTimeParse in_range(int64_t seconds) {
  if (seconds > kMaxSeconds || seconds < -kMaxSeconds)
    return fail("out of range (at most " + std::to_string(kMaxSeconds) + " seconds from 1970)");
  UtcTimeParse r;
  r.seconds = seconds;
  return r;
}

UtcTimeParse epoch_seconds(std::string_view text) {
  const bool negative = text[0] == '-';
  const std::string_view d = text.substr(negative ? 1 : 0);
  if (d.empty()) return fail(std::string("not a time: ") + kFormats);
  for (char c : d)
    if (!is_digit(c)) return fail(std::string("not a time: ") + kFormats);
  if (d.size() > 11) return fail("out of range (at most " + std::to_string(kMaxSeconds) + " seconds from 1970)");
  int64_t v = 0;
  for (char c : d) v = v * 10 + (c - '0');  // at most 11 digits: no overflow
  return in_range(negative ? -v : v);
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

UtcTimeParse parse_utc_time(std::string_view text) {
  if (text.empty()) return fail(std::string("empty: ") + kFormats);
  // Dates have a '-' after four digits; epoch seconds are digits with an optional leading '-'.
  if (text.size() < 5 || text[4] != '-' || !is_digit(text[0])) return epoch_seconds(text);
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || !digits(text, 5, 2, month) || text.size() < 10 || text[7] != '-' ||
      !digits(text, 8, 2, day))
    return fail(std::string("not a date: ") + kFormats);
  size_t end = 10;
  if (text.size() > 10) {
    if (text[10] != 'T' || text.size() < 19 || !digits(text, 11, 2, hour) || text[13] != ':' ||
        !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second))
      return fail(std::string("not a date and time: ") + kFormats);
    end = 19;
    if (text.size() > end && text[end] == 'Z') ++end;
    if (text.size() != end) return fail(std::string("unexpected text after the time (UTC only, Z): ") + kFormats);
  }
  if (month < 1 || month > 12) return fail("month " + std::to_string(month) + " is not 01..12");
  if (day < 1 || day > days_in_month(year, month))
    return fail("day " + std::to_string(day) + " is not in that month");
  if (hour > 23 || minute > 59 || second > 59) return fail("time of day is not 00:00:00..23:59:59");
  return in_range(days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second);
}

}  // namespace rdpcap::util
