// A timeline event in words: "X.224 Connection Request (SSL|HYBRID)",
// "ServerHello (TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030))",
// "Alert fatal handshake_failure (40)". For the ladder diagram, the JSON
// timeline and the plugin's tree. The detail text of an event comes from the
// capture: escape the result when printing.
#pragma once

#include <string>

#include "model/timeline_event.hpp"

namespace rdpcap::text {

std::string event_text(const model::TimelineEvent& e);

}  // namespace rdpcap::text
