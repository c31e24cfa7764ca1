// The streaming view's packed servers (engine/packed_server_view.hpp): every
// view comes back as it was, a server seen once packs small, and a cut or
// corrupt string gives the empty view instead of garbage.
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
#include <string>

#include "engine/packed_server_view.hpp"

using namespace rdpcap;

namespace {

bool same(const rules::ServerView& a, const rules::ServerView& b) {
  if (a.versions != b.versions || a.suites != b.suites || a.completed_ids != b.completed_ids) return false;
  if (a.certificates.size() != b.certificates.size()) return false;
  for (auto i = a.certificates.begin(), j = b.certificates.begin(); i != a.certificates.end(); ++i, ++j)
    if (i->first != j->first || i->second.subject != j->second.subject ||
        i->second.first.frame != j->second.first.frame || i->second.first.time_us != j->second.first.time_us)
      return false;
  return true;
}

rules::ServerView round_trip(const rules::ServerView& v, std::string* packed_out = nullptr) {
  std::string packed;
  engine::pack_view(v, packed);
  rules::ServerView back;
  back.versions[1] = 1;  // replaced, not merged
  CHECK(engine::unpack_view(packed, back));
  if (packed_out) *packed_out = packed;
  return back;
}

const std::string kFingerprint =
    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0";

}  // namespace

TEST_CASE("Packed server view: every view comes back as it was", "[engine][packed_view]") {
  rules::ServerView empty;
  std::string packed;
  CHECK(same(round_trip(empty, &packed), empty));
  rules::ServerView back;
  back.suites[5] = 5;
  CHECK(engine::unpack_view("", back));  // the empty string: a server with no view yet
  CHECK(same(back, empty));

  rules::ServerView v;
  v.versions = {{0x0303, 41}, {0x0304, 1}, {0x0301, -3}};
  v.suites = {{0xc030, 40}, {0x009d, 2}, {0xffff, 70000}};
  v.certificates[kFingerprint] = {{12, 1'741'608'000'123'456}, "CN=rdp01.corp.example,O=Example Corp"};
  // Texts that are not the usual upper-case SHA-256 text are kept as text.
  std::string lower = kFingerprint;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  v.certificates[lower] = {{3, -5}, ""};
  v.certificates["AB:CD"] = {{UINT64_MAX, INT64_MIN}, std::string("\0\x01\xff", 3)};
  v.certificates[kFingerprint.substr(0, 94) + "G"] = {{1, INT64_MAX}, "x"};
  v.completed_ids = {1, 300, UINT64_MAX};
  CHECK(same(round_trip(v), v));
}

TEST_CASE("Packed server view: a server seen once takes one small block", "[engine][packed_view]") {
  rules::ServerView v;
  v.versions[0x0303] = 1;
  v.suites[0xc030] = 1;
  v.certificates[kFingerprint] = {{1'234'567, 1'741'608'000'123'456}, "CN=rdp-server-1234.corp.example"};
  v.completed_ids = {1'234};
  std::string packed;
  CHECK(same(round_trip(v, &packed), v));
  CHECK(packed.size() < 100);  // the fingerprint as 32 bytes, not its 95-character text
}

TEST_CASE("Packed server view: cut or corrupt, the empty view and false", "[engine][packed_view]") {
  rules::ServerView v;
  v.versions[0x0303] = 2;
  v.suites[0xc02f] = 2;
  v.certificates[kFingerprint] = {{7, 8}, "CN=a"};
  v.certificates["short"] = {{9, 10}, "CN=b"};
  v.completed_ids = {4, 5};
  std::string packed;
  engine::pack_view(v, packed);
  for (size_t n = 1; n < packed.size(); ++n) {
    rules::ServerView back;
    INFO(n);
    CHECK_FALSE(engine::unpack_view(std::string_view(packed).substr(0, n), back));
    CHECK(same(back, rules::ServerView{}));
  }
  rules::ServerView back;
  CHECK_FALSE(engine::unpack_view(packed + "x", back));  // trailing bytes
  CHECK(same(back, rules::ServerView{}));
  rules::ServerView counts_only;
  counts_only.versions = v.versions;
  counts_only.suites = v.suites;
  std::string prefix;  // the counts, then 0 certificates and 0 ids
  engine::pack_view(counts_only, prefix);
  std::string bad_kind = packed;
  REQUIRE(bad_kind[prefix.size() - 1] == '\x01');  // after the count of certificates: the first one's kind
  bad_kind[prefix.size() - 1] = '\x07';
  CHECK_FALSE(engine::unpack_view(bad_kind, back));
  const std::string huge_count("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);  // 2^64 - 1 versions
  CHECK_FALSE(engine::unpack_view(huge_count, back));
  const std::string value_too_big("\x01\xff\xff\x04\x02\x00\x00\x00", 8);  // version 0x1ffff
  CHECK_FALSE(engine::unpack_view(value_too_big, back));
  const std::string endless(20, '\x80');  // a number that never ends
  CHECK_FALSE(engine::unpack_view(endless, back));
}
