// A server's view (rules::ServerView) packed into one string, for the
// streaming view (engine/capture_pass.hpp), which holds one per server for the
// whole capture. Packed, a server seen once takes one block of ~100 bytes
// instead of a dozen blocks and ~800 bytes (map nodes, the fingerprint's
// 95-character text): with thousands of servers this was a large part of the
// peak memory.
//
// Layout (all counts and numbers LEB128, signed ones zigzag):
//   versions:     n, then n x (value, handshakes)
//   suites:       n, then n x (value, handshakes)
//   certificates: n, then n x (fingerprint, frame, time_us, subject length, subject)
//                 fingerprint: 0x01 + 32 bytes when it is the usual upper-case
//                 colon-separated SHA-256 text, else 0x00 + length + text
//   completed:    n, then n x connection id
// unpack_view(pack_view(v)) == v for every view.
#pragma once

#include <string>
#include <string_view>

#include "rules/rule_context.hpp"

namespace rdpcap::engine {

// `v` packed into `out` (replaced).
void pack_view(const rules::ServerView& v, std::string& out);
// `packed` (from pack_view) into `out` (replaced); false, with `out` empty,
// if it is cut or malformed. The empty string is the empty view.
bool unpack_view(std::string_view packed, rules::ServerView& out);

}  // namespace rdpcap::engine
