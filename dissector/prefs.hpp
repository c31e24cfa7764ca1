// The plugin's preferences (Edit > Preferences > Protocols > RDPCAP, or
// tshark -o rdpcap.<name>:<value>) and the AnalyzerOptions they give.
#pragma once

#include <epan/prefs.h>

#include "engine/analyzer.hpp"

namespace rdpcap::plugin {

void register_prefs(int proto);
// Engine options from the current preference values. May throw std::bad_alloc.
session::AnalyzerOptions options_from_prefs();

}  // namespace rdpcap::plugin
