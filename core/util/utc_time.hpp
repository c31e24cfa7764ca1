// The one parser for a UTC instant typed by a user: the CLI's --reference-time
// and the Wireshark plugin's rdpcap.reference_time preference.
//
// Accepted (UTC only, no time zone other than Z):
//   - seconds since 1970-01-01T00:00:00Z: an optional '-' and 1 to 11 digits
//   - YYYY-MM-DDTHH:MM:SS with an optional trailing Z
//   - YYYY-MM-DD (midnight)
// Calendar fields are checked (month 1..12, the month's days with leap years,
// 00..23:00..59:00..59). Accepted instants lie within +/- 2^53 microseconds of
// 1970 (util/time.hpp: the range capture times are clamped to), so every later
// conversion to microseconds is exact. No exceptions, no locale, no libc time
// functions (strptime accepts "2025-3-1" and skips spaces).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rdpcap::util {

struct UtcTimeParse {
  int64_t seconds = 0;  // valid when error is empty
  std::string error;    // what is wrong, for a message after the option's name
  bool ok() const { return error.empty(); }
};

UtcTimeParse parse_utc_time(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

}  // namespace rdpcap::util
