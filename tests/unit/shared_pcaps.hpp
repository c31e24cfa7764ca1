// The public captures in ../shared/pcaps (Zeek, Suricata, nDPI, Arkime test
// suites, see CATALOGUE.md there) are read, never copied into the project. A
// user's clone has no ../shared: tests that need a capture from it are then
// skipped with a visible note. The project's CI has the folder: when the CI
// environment variable is set, a missing capture fails the test instead.
//
//   RDPCAP_SHARED_PCAPS (environment)  overrides the folder compiled in
//                                      (RDPCAP_SHARED_PCAPS, <source>/../shared/pcaps)
//   CI (environment, non-empty, not "0"/"false")  missing capture = failure
//
// Use at the top of a test case (before anything reads the capture):
//   SHARED_PCAP_OR_SKIP(path, "ndpi-rdp.pcap");   // const std::string path
//   SHARED_PCAPS_OR_SKIP();                        // the folder as a whole
// A skip prints a WARN line starting with kSharedSkipMarker; CTest turns it into
// "Skipped" (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt). Catch2 2 has no
// SKIP macro, so this is WARN + return, which behaves the same under Catch2 3.
#pragma once

#include <cstdlib>
#include <string>
#include <sys/stat.h>

#include <catch2/catch.hpp>

namespace rdpcap::testing {

inline constexpr const char* kSharedSkipMarker = "RDPCAP-SKIPPED";

inline std::string shared_pcaps_dir() {
  if (const char* env = std::getenv("RDPCAP_SHARED_PCAPS"); env && *env) return env;
  return RDPCAP_SHARED_PCAPS;
}

inline bool running_under_ci() {
  const char* ci = std::getenv("CI");
  if (!ci || !*ci) return false;
  const std::string v = ci;
  return v != "0" && v != "false" && v != "False" && v != "FALSE";
}

inline std::string shared_pcap_path(const std::string& name) { return shared_pcaps_dir() + "/" + name; }

inline bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// True when the capture (or, for an empty name, the folder) is there.
// Otherwise: under CI a test failure (FAIL throws, the test case stops);
// elsewhere a visible skip note and false.
inline bool shared_pcap_available(const std::string& name) {
  const std::string path = name.empty() ? shared_pcaps_dir() : shared_pcap_path(name);
  if (path_exists(path)) return true;
  if (running_under_ci())
    FAIL("shared capture " << path << " is missing and CI is set: the project's CI must have ../shared/pcaps"
                           << " (or RDPCAP_SHARED_PCAPS pointing at it)");
  WARN(kSharedSkipMarker << ": " << path
                         << " not present (a clone without ../shared/pcaps); set RDPCAP_SHARED_PCAPS to run this test");
  return false;
}

// For a test whose shared-capture part is an addition (the rest still runs):
// true when the folder is there; otherwise a failure under CI, or a note
// (without the skip marker: the test as a whole is not skipped) and false.
inline bool shared_pcaps_present_else_note(const std::string& what_runs) {
  const std::string dir = shared_pcaps_dir();
  if (path_exists(dir)) return true;
  if (running_under_ci()) FAIL("shared capture folder " << dir << " is missing and CI is set");
  WARN(dir << " not present (a clone without ../shared/pcaps): " << what_runs << " only");
  return false;
}

}  // namespace rdpcap::testing

#define SHARED_PCAP_OR_SKIP(var, name)                                               \
  if (!::rdpcap::testing::shared_pcap_available(name)) return;                         \
  const std::string var = ::rdpcap::testing::shared_pcap_path(name)

#define SHARED_PCAPS_OR_SKIP() \
  if (!::rdpcap::testing::shared_pcap_available("")) return
