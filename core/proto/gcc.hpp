// The plaintext MCS Connect Initial / Connect Response of Standard RDP
// Security (MS-RDPBCGR 2.2.1.3 / 2.2.1.4): T.125 BER around T.124 GCC
// around the RDP client/server data blocks. Only the blocks that matter for
// a diagnosis are decoded: client core (name, build), client and server
// security (encryption methods, level, certificate kind).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto {

// MS-RDPBCGR 2.2.1.3.3 encryptionMethods flags.
namespace encryption {
constexpr uint32_t none = 0x0, bits40 = 0x1, bits128 = 0x2, bits56 = 0x8, fips = 0x10;
}
std::string encryption_methods_text(uint32_t methods);  // "40BIT|128BIT"
const char* encryption_level_name(uint32_t level);      // MS-RDPBCGR 2.2.1.4.3

struct ClientGcc {  // from the MCS Connect Initial
  std::optional<uint32_t> version;           // TS_UD_CS_CORE.version
  std::optional<uint32_t> client_build;
  std::string client_name;                   // UTF-16LE name, ASCII-folded
  std::optional<uint32_t> encryption_methods;  // TS_UD_CS_SEC
  std::optional<uint32_t> ext_encryption_methods;
  std::vector<std::string> channels;         // TS_UD_CS_NET (2.2.1.3.4) channel names, ASCII, at most 31
  std::optional<uint32_t> requested_protocols; // TS_UD_CS_CORE.serverSelectedProtocol (echo of the X.224 selection)
};

struct ServerGcc {  // from the MCS Connect Response
  std::optional<uint32_t> version;           // TS_UD_SC_CORE.version
  std::optional<uint32_t> encryption_method; // TS_UD_SC_SEC1
  std::optional<uint32_t> encryption_level;
  uint32_t server_cert_length = 0;
  uint32_t cert_kind = 0;                    // dwVersion & 0x7fffffff: 1 proprietary, 2 X.509
  std::optional<uint32_t> client_requested_protocols;  // TS_UD_SC_CORE.clientRequestedProtocols
};

// `x224_user_data` is what follows the X.224 Data TPDU header (MCS PDU).
// need_more never happens (the TPKT is whole); invalid when it is not a
// Connect Initial / Connect Response or its lengths disagree.
util::ParseResult<ClientGcc> parse_connect_initial(util::Bytes x224_user_data);
util::ParseResult<ServerGcc> parse_connect_response(util::Bytes x224_user_data);

}  // namespace rdpcap::proto
