// Between the link layer (link_layer.cpp) and the IP decoders (packet.cpp):
// an IP datagram in, the packet's facts out. Internal to net/.
#pragma once

#include "net/packet.hpp"

namespace rdpcap::net {

DecodeStatus decode_ipv4(util::Bytes frame, DecodedPacket& out);      // RFC 791 3.1
DecodeStatus decode_ipv6(util::Bytes frame, DecodedPacket& out);      // RFC 8200 3
DecodeStatus decode_ip_by_version(util::Bytes frame, DecodedPacket& out);  // the version nibble decides

}  // namespace rdpcap::net
