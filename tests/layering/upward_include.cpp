// Session code that includes a header of a layer above it (rules/): must not
// compile against rdpcap_session (tests/layering/test_layering.sh).
#include "session/connection.hpp"
#include "rules/diagnose.hpp"

int rdpcap_layering_probe_up() { return 0; }
