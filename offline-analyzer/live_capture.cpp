#include "live_capture.hpp"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include <fmt/format.h>

#include "capture/capture_reader.hpp"
#include "ndjson_sink.hpp"
#include "privileges.hpp"
#include "report/json_report.hpp"
#include "report/json_stream.hpp"
#include "report/text_report.hpp"

namespace rdpcap::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
std::atomic<pcap_t*> g_pcap{nullptr};  // for pcap_breakloop in the handler

void on_signal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
  if (pcap_t* p = g_pcap.load()) pcap_breakloop(p);  // sets a flag libpcap checks: safe in a handler
}

std::string identity() {
  const passwd* pw = getpwuid(geteuid());
  return fmt::format("uid {}{}, gid {}", geteuid(), pw ? fmt::format(" ({})", pw->pw_name) : "", getegid());
}

}  // namespace

CLI::Option* add_live_options(CLI::App& app, LiveOptions& o) {
  const std::string group = "Live capture";
  auto* iface = app.add_option("-i,--interface", o.interface,
                               "capture live on this interface instead of reading files (libpcap; needs root or "
                               "CAP_NET_RAW); stops on SIGINT/SIGTERM, reporting the open connections")
                    ->group(group);
  app.add_option("--filter", o.filter,
                 "BPF filter instead of the default, which keeps only TCP 3389 and the -p ports, port 88 "
                 "(Kerberos) and ICMP unreachable: RDP on any other port is not seen")
      ->needs(iface)
      ->group(group);
  app.add_flag("--no-filter", o.no_filter, "no BPF filter: every frame (also RDP found by content on other ports)")
      ->needs(iface)
      ->excludes("--filter")
      ->group(group);
  app.add_option("-Z,--user", o.user, "started as root: run as this user once the interface is open")
      ->needs(iface)
      ->capture_default_str()
      ->group(group);
  app.add_option("--idle-timeout", o.idle_timeout_s,
                 "a connection silent this many seconds is ended and reported (0: only at the end)")
      ->needs(iface)
      ->capture_default_str()
      ->group(group);
  return iface;
}

std::string default_filter(const std::set<uint16_t>& rdp_ports) {
  std::string ports;
  for (uint16_t p : rdp_ports) ports += fmt::format("{}tcp port {}", ports.empty() ? "" : " or ", p);
  // ICMPv6 type 1 (destination unreachable, RFC 4443 3.1) read at the first
  // byte after the fixed IPv6 header: ICMPv6 behind extension headers is not kept.
  const std::string f =
      fmt::format("{} or port 88 or icmp[icmptype] = icmp-unreach or (icmp6 and ip6[40] = 1)", ports);
  return fmt::format("({}) or (vlan and ({}))", f, f);
}

int run_live(const LiveOptions& live, engine::AnalyzerOptions options, const LiveOutput& output, int threshold) {
  const bool default_used = !live.no_filter && live.filter.empty();
  const std::string filter = live.no_filter ? "" : default_used ? default_filter(options.rdp_ports) : live.filter;
  capture::Capture cap = capture::Capture::open_live(live.interface, filter);
  if (!cap) {
    std::fprintf(stderr, "rdpcap-analyze: %s: %s\n", live.interface.c_str(), cap.error().c_str());
    return 2;
  }
  if (const auto problem = drop_privileges(live.user)) {
    std::fprintf(stderr, "rdpcap-analyze: %s\n", problem->c_str());
    return 2;
  }
  std::fprintf(stderr, "rdpcap-analyze: capturing on %s as %s; filter: %s\n", live.interface.c_str(),
               identity().c_str(), filter.empty() ? "none (every frame)" : filter.c_str());
  if (default_used)
    std::fprintf(stderr, "rdpcap-analyze: the default filter keeps RDP ports only: RDP on another port is not seen "
                         "(add the port with -p, or use --no-filter)\n");

  g_pcap.store(cap.get());
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);  // no SA_RESTART: a blocked read returns
  sigaction(SIGTERM, &sa, nullptr);

  const std::string name = "live:" + live.interface;
  report::StreamTotals totals;
  options.limits.idle_timeout_us = int64_t{live.idle_timeout_s} * 1'000'000;
  NdjsonSink sink(stdout, name, totals, /*flush_each_line=*/true);
  std::optional<report::JsonDocumentStream> document;  // --json: every connection, spooled as it ends
  engine::Analyzer analyzer(options);                  // after its sinks: they outlive its end queue
  if (output.ndjson) {
    analyzer.set_sink(&sink);  // one line per connection, flushed as it ends
  } else if (output.json) {
    document.emplace();
    analyzer.set_sink(&*document);
  }
  const capture::ReadResult read = capture::feed(cap, analyzer, nullptr, &g_stop);
  pcap_stat ps{};
  const bool have_stats = cap.live_stats(ps);
  g_pcap.store(nullptr);
  const uint64_t seen = analyzer.connections_seen();
  engine::AnalysisResult result = analyzer.finish();  // ends (and streams) the open connections

  bool found = output.ndjson && totals.at_or_above(threshold);
  for (const auto& c : result.connections)
    for (const auto& f : c.findings)
      if (static_cast<int>(f.severity) >= threshold) found = true;
  if (output.ndjson) {
    std::fputs(report::render_ndjson_capture(result, totals, name).c_str(), stdout);
  } else if (document) {
    if (!document->write(result, name, stdout, /*final_newline=*/true))
      std::fprintf(stderr, "rdpcap-analyze: the --json document's temporary file failed; its connections are "
                           "incomplete\n");
    if (document->totals().at_or_above(threshold)) found = true;
  } else {
    report::TextOptions text;
    text.colour = output.colour;
    text.show_established = output.show_established;
    text.ladder = output.ladder;
    std::fputs(report::render_text(result, name, text).c_str(), stdout);
  }
  std::fflush(stdout);
  const int sig = g_signal.load();
  std::string summary = fmt::format("rdpcap-analyze: live capture on {} stopped{}: {} frames, {} RDP connection{}",
                                    live.interface, sig == SIGINT ? " (SIGINT)" : sig == SIGTERM ? " (SIGTERM)" : "",
                                    read.frames, seen, seen == 1 ? "" : "s");
  if (have_stats)
    summary += fmt::format("; kernel: {} received, {} dropped (buffer full), {} dropped by the interface", ps.ps_recv,
                           ps.ps_drop, ps.ps_ifdrop);
  else
    summary += "; kernel drop counts unavailable";
  std::fprintf(stderr, "%s\n", summary.c_str());
  if (!read.opened || !read.complete) {
    std::fprintf(stderr, "rdpcap-analyze: %s: %s\n", live.interface.c_str(), read.error.c_str());
    return 2;
  }
  return found ? 1 : 0;
}

}  // namespace rdpcap::cli
