// Capture timestamps come from the file: a hostile pcapng can claim any
// 64-bit time. Converting to microseconds must not overflow, and later
// differences between two timestamps must not either, so times are clamped
// to +/- 2^53 microseconds (about 285 years around 1970).
#pragma once

#include <cstdint>

namespace rdpcap::util {

constexpr int64_t kMaxTimeMicros = int64_t{1} << 53;

constexpr int64_t to_micros(int64_t seconds, int64_t micros) {
  constexpr int64_t max_seconds = kMaxTimeMicros / 1000000;
  if (seconds > max_seconds) return kMaxTimeMicros;
  if (seconds < -max_seconds) return -kMaxTimeMicros;
  const int64_t t = seconds * 1000000 + micros;  // |t| <= 2^53 + 10^9: no overflow
  return t > kMaxTimeMicros ? kMaxTimeMicros : t < -kMaxTimeMicros ? -kMaxTimeMicros : t;
}

}  // namespace rdpcap::util
