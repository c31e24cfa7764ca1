// Capture reader code that includes a header of the report layer (beside it,
// not below): must not compile against rdpcap_capture, which links only the
// engine and what is below it (tests/layering/test_layering.sh).
#include "capture/capture_reader.hpp"
#include "report/json_report.hpp"

int rdpcap_layering_probe_capture_up() { return 0; }
