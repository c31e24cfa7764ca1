// rdpcap-analyze: why did this RDP connection fail? Reads captures, prints a
// diagnosis per connection. Exit codes: 0 nothing at or above --fail-on,
// 1 something was found, 2 usage or input error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "file_runner.hpp"  // -j, --progress
#include "key_sources.hpp"  // --keylog, pcapng Decryption Secrets Blocks
#include "live_capture.hpp"  // -i
#include "report/code_table.hpp"
#include "report/json_report.hpp"
#include "report/text_report.hpp"
#include "engine/analyzer.hpp"
#include "ticket_outputs.hpp"  // --report, --evidence, --redact, --ladder
#include "util/escape.hpp"
#include "util/stdio_buffer.hpp"
#include "util/utc_time.hpp"

namespace {

using namespace rdpcap;

struct Options {
  std::vector<std::string> files;
  std::vector<uint16_t> ports;
  bool json = false;
  bool ndjson = false;
  bool failures_only = false;
  std::string reference_time;
  std::string fail_on = "error";
  std::string colour = "auto";
};

int severity_threshold(const std::string& fail_on) {
  if (fail_on == "info") return 0;
  if (fail_on == "warning") return 1;
  if (fail_on == "error") return 2;
  return 3;  // never
}

bool use_colour(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour && *no_colour) return false;
  return isatty(STDOUT_FILENO);
}

}  // namespace

int main(int argc, char** argv) {
  // Reports of thousands of connections are hundreds of MB: whole 256 KiB
  // writes rather than stdio's 4 KiB (a terminal stays line-buffered). Kept
  // for the process: exit() flushes standard output after static destructors.
  if (!isatty(STDOUT_FILENO)) (void)util::enlarge_stdio_buffer(stdout).release();
  Options opt;
  CLI::App app{"rdpcap-analyze: explains why RDP connections in a capture failed (TCP, X.224 negotiation, TLS, "
               "certificate, NLA), with evidence and remediation.",
               "rdpcap-analyze"};
  app.set_version_flag("--version", std::string("rdpcap-analyze ") + RDPCAP_VERSION);
  auto* captures = app.add_option("captures", opt.files, "pcap or pcapng files ('-' reads standard input)");
  app.add_option("-p,--port", opt.ports, "extra TCP port carrying RDP (repeatable); 3389 is always included")
      ->allow_extra_args(false)  // one value per -p, so the captures that follow stay positional
      ->check(CLI::Range(1, 65535));
  auto* json = app.add_flag("--json", opt.json, "one JSON document (schema rdpcap/1)");
  app.add_flag("--ndjson", opt.ndjson,
               "one JSON line per connection, written when the connection ends, then server, amendment and "
               "capture records (README: NDJSON records)")
      ->excludes(json);
  app.add_flag("--failures-only", opt.failures_only, "text report: leave out connections without findings");
  app.add_option("--reference-time", opt.reference_time,
                 "check certificates against this time (YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD or epoch seconds, UTC) instead of the "
                 "capture's own timestamps");
  app.add_option("--fail-on", opt.fail_on, "exit 1 when a finding at or above this severity is found")
      ->check(CLI::IsMember({"info", "warning", "error", "never"}))
      ->capture_default_str();
  app.add_option("--color,--colour", opt.colour, "colour in the text report")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  bool list_codes = false;
  app.add_flag("--list-codes", list_codes, "print the table of finding codes (Markdown) and exit");
  // ---- ticket outputs (ticket_outputs.hpp) ----
  cli::TicketOptions ticket;
  cli::add_ticket_options(app, ticket);
  // ---- end ticket outputs ----
  // ---- TLS key material (key_sources.hpp) ----
  cli::KeyOptions key_options;
  cli::add_key_options(app, key_options);
  // ---- end TLS key material ----
  // ---- parallel input and progress (file_runner.hpp) ----
  cli::RunOptions run;
  cli::add_run_options(app, run);
  // ---- end parallel input and progress ----
  // ---- live capture (live_capture.hpp): not with files, nor with what needs a file or the whole result ----
  cli::LiveOptions live;
  auto* interface = cli::add_live_options(app, live);
  interface->excludes(captures);
  for (const char* name : {"--report", "--evidence", "--connection", "--evidence-secrets", "--redact", "--jobs"})
    interface->excludes(name);
  // ---- end live capture ----
  std::optional<int64_t> reference;
  try {
    app.parse(argc, argv);
    if (app.count("--reference-time") > 0) {  // util/utc_time.hpp: no exceptions, every bad value named
      const util::UtcTimeParse t = util::parse_utc_time(opt.reference_time);
      if (!t.ok()) {
        std::fprintf(stderr, "rdpcap-analyze: --reference-time '%s': %s\n", util::escape_text(opt.reference_time).c_str(),
                     t.error.c_str());
        return 2;
      }
      reference = t.seconds;
    }
    if (list_codes) {
      std::fputs(report::render_code_table().c_str(), stdout);
      return 0;
    }
    if (captures->empty() && interface->empty()) throw CLI::RequiredError("captures (or -i IFACE)");
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  // ---- ticket outputs: usage check ----
  if (const auto problem = cli::check_ticket_options(ticket, opt.files)) {
    std::fprintf(stderr, "rdpcap-analyze: %s\n", problem->c_str());
    return 2;
  }
  // ---- end ticket outputs ----

  session::AnalyzerOptions analyzer_options;
  for (uint16_t p : opt.ports) analyzer_options.rdp_ports.insert(p);
  analyzer_options.reference_time_s = reference;
  if (const auto problem = cli::load_keys(key_options, opt.files, analyzer_options.keys)) {
    std::fprintf(stderr, "rdpcap-analyze: %s\n", problem->c_str());
    return 2;
  }
  ticket.keys = analyzer_options.keys;  // --evidence-secrets

  const int threshold = severity_threshold(opt.fail_on);
  // ---- live capture ----
  if (!interface->empty()) {
    cli::LiveOutput out;
    out.json = opt.json;
    out.ndjson = opt.ndjson;
    out.colour = use_colour(opt.colour);
    out.show_established = !opt.failures_only;
    out.ladder = ticket.ladder;
    return cli::run_live(live, analyzer_options, out, threshold);
  }
  // ---- end live capture ----
  bool input_error = false, found = false;
  // --ndjson streams each connection's line when it ends, unless a ticket
  // output needs the whole result first (redaction masks every connection's
  // secrets in every line; --report/--evidence read the whole result).
  // --json is written from the same stream (every connection, flat memory)
  // under the same condition.
  const bool no_ticket = !ticket.redact && ticket.report.empty() && ticket.evidence.empty();
  const bool stream_ndjson = opt.ndjson && no_ticket;
  const bool stream_json = opt.json && no_ticket;
  size_t json_written = 0;  // --json: documents written so far
  const bool json_several = opt.files.size() > 1;
  if (opt.json && json_several)  // {"schema": ..., "captures": [document, ...]}, written as each is done
    std::fputs(fmt::format("{{\n  \"schema\": \"{}\",\n  \"captures\": [\n", report::json_schema).c_str(), stdout);
  // ---- parallel input and progress: files are read by the runner, results come in input order ----
  cli::FileRunner runner(opt.files, analyzer_options, run,
                         stream_ndjson ? cli::Stream::ndjson : stream_json ? cli::Stream::json : cli::Stream::none);
  // ---- end parallel input and progress ----
  for (const auto& file : opt.files) {
    cli::FileAnalysis analysis = runner.take(static_cast<size_t>(&file - opt.files.data()));
    const cli::ReadResult& read = analysis.read;
    if (analysis.spool) {  // -j N streaming NDJSON: this file's lines, in input order
      std::rewind(analysis.spool);
      char buffer[1 << 16];
      for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, analysis.spool)) > 0;) std::fwrite(buffer, 1, n, stdout);
      std::fclose(analysis.spool);
    }
    if (!read.opened) {
      std::fprintf(stderr, "rdpcap-analyze: %s: %s\n", file.c_str(), read.error.c_str());
      input_error = true;
      continue;
    }
    session::AnalysisResult result = std::move(analysis.result);
    // ---- ticket outputs: redaction applies to every output ----
    const session::AnalysisResult original = ticket.redact ? result : session::AnalysisResult{};
    cli::redact_if_asked(ticket, result);
    // ---- end ticket outputs ----
    if (!read.complete) {
      std::fprintf(stderr, "rdpcap-analyze: %s: %s (results cover the frames before it)\n", file.c_str(),
                   read.error.c_str());
      input_error = true;
    }
    for (const auto& c : result.connections)
      for (const auto& f : c.findings)
        if (static_cast<int>(f.severity) >= threshold) found = true;
    if (stream_ndjson) {  // the streamed lines count too (connections finish() did not keep)
      if (analysis.totals.at_or_above(threshold)) found = true;
    }
    if (opt.json) {
      if (json_several && json_written > 0) std::fputs(",\n", stdout);
      if (!analysis.json) {
        report::write_json(result, file, stdout, /*final_newline=*/!json_several);
      } else {
        if (!analysis.json->write(result, file, stdout, /*final_newline=*/!json_several)) {
          std::fprintf(stderr, "rdpcap-analyze: %s: the --json document's temporary file failed; its connections "
                       "are incomplete\n", file.c_str());
          input_error = true;
        }
        if (analysis.json->totals().at_or_above(threshold)) found = true;  // every connection, not only the kept
      }
      ++json_written;
    } else if (stream_ndjson) {
      std::fputs(report::render_ndjson_capture(result, analysis.totals, file).c_str(), stdout);
    } else if (opt.ndjson) {
      std::fputs(report::render_ndjson(result, file).c_str(), stdout);
    } else {
      report::TextOptions text;
      text.colour = use_colour(opt.colour);
      text.show_established = !opt.failures_only;
      text.ladder = ticket.ladder;
      if (&file != &opt.files.front()) std::fputs("\n", stdout);
      std::fputs(report::render_text(result, file, text).c_str(), stdout);
    }
    // ---- ticket outputs: report and evidence files ----
    if (!cli::write_ticket_outputs(ticket, result, ticket.redact ? original : result, file, opt.files.size() > 1))
      input_error = true;
    // ---- end ticket outputs ----
  }
  if (opt.json && json_several) std::fputs(json_written > 0 ? "\n  ]\n}\n" : "  ]\n}\n", stdout);
  std::fflush(stdout);
  if (input_error) return 2;
  return found ? 1 : 0;
}
