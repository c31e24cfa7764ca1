// Internal to TlsStream (tls_stream.cpp: record framing; tls_stream_records.cpp:
// what each record carries; tls_stream_handshake.cpp: handshake messages).
// Not part of the tls layer's API.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rdpcap::tls::detail {

// RFC 5246 6.2.1 / RFC 8446 5.1: type (1), legacy version (2), length (2).
constexpr size_t kRecordHeader = 5;

// RFC 8446 4.2.1: 0x0304, or a draft-ietf-tls-tls13 version 0x7fNN.
inline bool is_tls13(uint16_t v) { return (v >= 0x0304 && v < 0x0400) || (v >> 8) == 0x7f; }

// RFC 8446 5.1 / RFC 6520 ContentType, as said in error messages.
inline const char* content_type_label(uint8_t t) {
  switch (t) {
    case 20: return "ChangeCipherSpec";
    case 21: return "Alert";
    case 22: return "Handshake";
    case 23: return "ApplicationData";
    case 24: return "Heartbeat";
    default: return "record";
  }
}

}  // namespace rdpcap::tls::detail
