// A gzip-compressed stream read as a plain FILE*, so that libpcap
// (pcap_fopen_offline) reads .pcap.gz / .pcapng.gz without a temporary file:
// fopencookie() over zlib's inflate (RFC 1952 members, one after another, as
// gzip and rotated-capture tools write them).
#pragma once

#include <cstdio>
#include <string>

namespace rdpcap::capture {

// True when the next byte of `file` is the first byte of a gzip member
// (0x1f; no pcap or pcapng magic starts with it). The byte is pushed back.
bool starts_with_gzip(FILE* file);

// A FILE* that yields the decompressed bytes of `compressed`. Closing it
// closes `compressed` too, unless `close_underlying` is false (standard
// input). nullptr on failure. A decompression error (corrupt or cut stream)
// makes the read fail (errno EIO) and is written to `*error` (libpcap itself
// only says the file was short), which must outlive the returned FILE*.
FILE* open_gunzip(FILE* compressed, bool close_underlying, std::string* error);

}  // namespace rdpcap::capture
