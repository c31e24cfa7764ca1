// rdpcap-analyze -i IFACE: live capture with libpcap (capture/). The handle is
// opened with the process's privileges, which are then dropped (-Z, see
// privileges.hpp); frames go into the same engine::Analyzer as a file's. With
// --ndjson, one line per connection as it ends (line-buffered standard output,
// for a log shipper); --json and the text report are printed once, at the end.
// SIGINT/SIGTERM stop the capture: the open connections are ended and
// reported, then a summary with the kernel's drop counts (pcap_stats) goes to
// standard error.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <set>
#include <string>

#include "engine/analyzer.hpp"

namespace rdpcap::cli {

struct LiveOptions {
  std::string interface;        // -i
  std::string filter;           // --filter EXPR (replaces the default)
  bool no_filter = false;       // --no-filter
  std::string user = "nobody";  // -Z: the identity a root process takes after opening the interface
  unsigned idle_timeout_s = 300;
};

// Adds -i, --filter, --no-filter, -Z, --idle-timeout; returns the -i option.
CLI::Option* add_live_options(CLI::App& app, LiveOptions& options);

// The default capture filter: RDP's ports (3389 and every --port) over TCP,
// Kerberos (TCP and UDP 88: what a KDC answered), and ICMP/ICMPv6 destination
// unreachable (a refused or unroutable connection), untagged or in one VLAN
// tag. Everything else is excluded, in particular RDP on a port not given
// with -p: a BPF filter cannot follow connections found by content (the X.224
// Connection Request is in the first payload, after the SYN the filter must
// already have kept or dropped). --no-filter sees them.
std::string default_filter(const std::set<uint16_t>& rdp_ports);

struct LiveOutput {
  bool json = false, ndjson = false;
  bool colour = false, show_established = true, ladder = false;
};

// Runs until SIGINT/SIGTERM (or a read error). Returns the exit code: 0 / 1
// as for a file (`threshold`: the --fail-on severity, as main computes it),
// 2 when the interface cannot be opened, privileges cannot be dropped, or
// reading fails.
int run_live(const LiveOptions& live, engine::AnalyzerOptions options, const LiveOutput& output, int threshold);

}  // namespace rdpcap::cli
