// A temporary file for output that is written now and read back later (the
// --json document's connections, -j N's per-file NDJSON): in $TMPDIR, else
// /var/tmp (on disk: /tmp is a tmpfs, i.e. memory, on Debian 13 and many other
// systems, and the point of spooling is to keep memory flat). Unlinked at once,
// so it goes away with the process however that ends.
#pragma once

#include <cstdio>

namespace rdpcap::util {

// Opened "w+"; nullptr when no file could be made there (nor by std::tmpfile()).
std::FILE* open_spool_file();

}  // namespace rdpcap::util
