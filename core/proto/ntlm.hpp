// NTLM messages (MS-NLMP 2.2.1): NEGOTIATE (2.2.1.1), CHALLENGE (2.2.1.2)
// with its AV_PAIR target info (2.2.2.1) and VERSION (2.2.2.10), and
// AUTHENTICATE (2.2.1.3). Names are UTF-16LE on the wire when
// NTLMSSP_NEGOTIATE_UNICODE is set (else OEM bytes) and are converted to
// UTF-8 here; they are capture data: escape on output. No secret (LM/NT
// responses, session key, MIC) is kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/byte_reader.hpp"
#include "util/parse_result.hpp"

namespace rdpcap::proto::ntlm {

namespace flag {  // MS-NLMP 2.2.2.5 NEGOTIATE
constexpr uint32_t unicode = 0x00000001, oem = 0x00000002, request_target = 0x00000004, sign = 0x00000010,
                   seal = 0x00000020, lm_key = 0x00000080, ntlm = 0x00000200, anonymous = 0x00000800,
                   always_sign = 0x00008000, extended_session_security = 0x00080000, target_info = 0x00800000,
                   version = 0x02000000, key128 = 0x20000000, key_exch = 0x40000000, key56 = 0x80000000;
}
std::string flags_text(uint32_t flags);  // "UNICODE|NTLM|..." (known names, then the rest in hex)

struct Version {  // 2.2.2.10
  uint8_t major = 0, minor = 0;
  uint16_t build = 0;
  uint8_t ntlm_revision = 0;
};
std::string version_text(const Version& v);  // "10.0 build 20348"

struct Negotiate {
  uint32_t flags = 0;
  std::optional<Version> version;
};

struct Challenge {
  uint32_t flags = 0;
  std::string target_name;
  std::string nb_computer, nb_domain, dns_computer, dns_domain, dns_tree;  // AV_PAIRs 1-5
  std::optional<uint64_t> timestamp;  // AV_PAIR 7, FILETIME (100 ns since 1601)
  std::optional<Version> version;
};

struct Authenticate {
  uint32_t flags = 0;
  std::string domain, user, workstation;
  bool anonymous = false;            // empty user and NT response (2.2.1.3)
  uint16_t nt_response_length = 0;   // 24 = NTLMv1, more = NTLMv2
  std::optional<Version> version;
};

struct Message {
  uint32_t type = 0;  // 1, 2 or 3
  std::optional<Negotiate> negotiate;
  std::optional<Challenge> challenge;
  std::optional<Authenticate> authenticate;
};

// True when data starts with the signature "NTLMSSP\0".
bool has_signature(util::Bytes data);
// The whole token is the message (its payload fields point inside it).
util::ParseResult<Message> parse(util::Bytes token);

// UTF-16LE to UTF-8 (unpaired surrogates become U+FFFD), at most max_units.
std::string utf16le_to_utf8(util::Bytes in, size_t max_units = 256);

}  // namespace rdpcap::proto::ntlm
