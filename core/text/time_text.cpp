#include "text/time_text.hpp"

#include <fmt/format.h>

#include <ctime>

namespace rdpcap::text {

namespace {

// Seconds and microseconds of a capture time (floored, so -1 us is 23:59:59.999999).
struct Split {
  std::tm tm{};
  int64_t frac = 0;
};

Split split(int64_t time_us) {
  int64_t secs = time_us / 1000000, frac = time_us % 1000000;
  if (frac < 0) frac += 1000000, --secs;
  Split s;
  std::time_t t = static_cast<std::time_t>(secs);
  gmtime_r(&t, &s.tm);
  s.frac = frac;
  return s;
}

std::string plural(int64_t n, const char* unit) { return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s"); }

}  // namespace

std::string capture_time(int64_t time_us) {
  const Split s = split(time_us);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06} UTC", s.tm.tm_year + 1900, s.tm.tm_mon + 1,
                     s.tm.tm_mday, s.tm.tm_hour, s.tm.tm_min, s.tm.tm_sec, s.frac);
}

std::string iso_time(int64_t time_us) {
  const Split s = split(time_us);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", s.tm.tm_year + 1900, s.tm.tm_mon + 1,
                     s.tm.tm_mday, s.tm.tm_hour, s.tm.tm_min, s.tm.tm_sec, s.frac);
}

std::string utc_seconds(int64_t seconds) {
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
