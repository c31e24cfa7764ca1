#include "model/inner_facts.hpp"

namespace rdpcap::model {

const char* rdp_phase_name(RdpPhase p) {
  switch (p) {
    case RdpPhase::none: return "none";
    case RdpPhase::nla: return "NLA (CredSSP)";
    case RdpPhase::basic_settings: return "basic settings exchange";
    case RdpPhase::channel_connection: return "channel connection";
    case RdpPhase::security: return "security commencement / secure settings";
    case RdpPhase::licensing: return "licensing";
    case RdpPhase::capabilities: return "capabilities exchange";
    case RdpPhase::finalization: return "connection finalization";
    case RdpPhase::session_running: return "session running";
  }
  return "unknown";
}

}  // namespace rdpcap::model
