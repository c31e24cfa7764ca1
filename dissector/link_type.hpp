// Wireshark encapsulation (WTAP_ENCAP_*) -> pcap link type (LINKTYPE_*).
#pragma once

#include <cstdint>
#include <optional>

namespace rdpcap::plugin {

// libwiretap 4.0 declares wtap_wtap_encap_to_pcap_encap() in
// wiretap/pcap-encap.h but does not export it (nm -D libwiretap.so.13), so
// the table is inverted from the exported wtap_pcap_encap_to_wtap_encap().
// nullopt when no pcap link type maps to `encap`.
std::optional<uint32_t> pcap_link_type(int wtap_encap) noexcept;

}  // namespace rdpcap::plugin
