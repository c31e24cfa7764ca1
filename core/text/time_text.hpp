// Times and durations in words: one format per use, shared by the rules,
// the reports and the plugin.
//   capture_time  "2025-03-10 09:00:01.234567 UTC"  (a frame's capture time)
//   iso_time      "2025-03-10T09:00:01.234567Z"     (the same, in JSON)
//   utc_seconds   "2019-03-19T10:47:11Z"            (certificate dates, judged instants)
//   duration      "3.002 s"                         (between two frames)
//   span          "12 days", "5 hours"              (certificate validity distances)
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rdpcap::text {

std::string capture_time(int64_t time_us);
std::string iso_time(int64_t time_us);
// iso_time()'s characters without an allocation (a JSON report writes tens of
// thousands of them): valid while the returned value lives.
struct TimeChars {
  std::array<char, 48> chars;
  size_t size = 0;
  std::string_view view() const { return {chars.data(), size}; }
};
TimeChars iso_time_chars(int64_t time_us);
std::string utc_seconds(int64_t seconds);  // "" if the year is out of gmtime's range
std::string duration(int64_t micros);      // negative durations read as 0

// A distance in time said the way a person would: whole days (rounded to the
// nearest) from a day on, hours below a day, minutes below an hour, seconds
// below a minute ("1 day", "30 days", "5 hours", "1 minute", "0 seconds").
// Negative spans read as their absolute value.
std::string span(int64_t seconds);

}  // namespace rdpcap::text
