// The versions a ClientHello offers: RFC 8446 4.2.1 supported_versions
// (GREASE values, RFC 8701, skipped), else RFC 5246 7.4.1.2 client_version.
#include "tls/tls_messages.hpp"
#include "tls/tls_parser.hpp"

namespace rdpcap::tls {

uint16_t ClientHello::max_offered_version() const {
  uint16_t best = 0;
  for (uint16_t v : supported_versions)
    if (!is_grease(v) && v > best && v <= 0x0304) best = v;
  return best ? best : legacy_version;
}

std::vector<uint16_t> ClientHello::offered_versions() const {
  std::vector<uint16_t> out;
  for (uint16_t v : supported_versions)
    if (!is_grease(v)) out.push_back(v);
  if (out.empty()) out.push_back(legacy_version);
  return out;
}

}  // namespace rdpcap::tls
