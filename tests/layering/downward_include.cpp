// The control: the same session code with only its own and lower layers'
// headers compiles against rdpcap_session.
#include "session/connection.hpp"
#include "model/connection_summary.hpp"
#include "util/frame_ref.hpp"

int rdpcap_layering_probe_down() { return 0; }
