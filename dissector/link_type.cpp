#include "link_type.hpp"

#include <map>
#include <mutex>

#include <wiretap/wtap.h>
#include <wiretap/pcap-encap.h>

namespace rdpcap::plugin {

namespace {

// Several pcap link types can map to one encapsulation (12, 14 and 101 are
// all raw IP): the canonical LINKTYPE_* values come first and win.
constexpr int preferred[] = {1 /*ETHERNET*/, 101 /*RAW*/, 113 /*LINUX_SLL*/, 276 /*LINUX_SLL2*/,
                             0 /*NULL*/, 108 /*LOOP*/, 228 /*IPV4*/, 229 /*IPV6*/};
constexpr int highest_link_type = 1024;  // LINKTYPE_* values in use are below 300

const std::map<int, uint32_t>& table() {
  static std::map<int, uint32_t> t;
  static std::once_flag once;
  std::call_once(once, [] {
    auto add = [](int linktype) {
      const int encap = wtap_pcap_encap_to_wtap_encap(linktype);
      if (encap > 0) t.emplace(encap, static_cast<uint32_t>(linktype));  // keeps the first
    };
    for (int lt : preferred) add(lt);
    for (int lt = 0; lt <= highest_link_type; ++lt) add(lt);
  });
  return t;
}

}  // namespace

std::optional<uint32_t> pcap_link_type(int wtap_encap) noexcept {
  try {
    const auto& t = table();
    auto it = t.find(wtap_encap);
    if (it == t.end()) return std::nullopt;
    return it->second;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace rdpcap::plugin
