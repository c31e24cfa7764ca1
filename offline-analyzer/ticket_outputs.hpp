// The ticket outputs of rdpcap-analyze: --report FILE.md|FILE.html,
// --evidence FILE.pcapng (with --connection ID), --redact and --ladder.
// Kept out of main.cpp: main only registers, validates and calls these.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "tls/keylog.hpp"

namespace rdpcap::cli {

struct TicketOptions {
  std::string report;                // "" or FILE.md / FILE.html
  std::string evidence;              // "" or FILE.pcapng
  std::vector<std::string> connection_args;  // --connection values as given ("3" or "#3")
  std::vector<uint64_t> connections;         // parsed by check_ticket_options
  bool redact = false;
  bool ladder = false;
  bool evidence_secrets = false;             // --evidence-secrets: embed the kept connections' TLS secrets
  std::shared_ptr<const tls::KeyLog> keys;   // the key material of the analysis (main sets it), or null
};

void add_ticket_options(CLI::App& app, TicketOptions& options);

// A usage error to print (exit 2), or nullopt. Checks the report's extension
// and that --evidence does not read standard input (it needs a second pass).
// Also parses the --connection values.
std::optional<std::string> check_ticket_options(TicketOptions& options, const std::vector<std::string>& inputs);

// With several inputs each gets its own file: "out.md" + "a/b.pcap" -> "out-b.md".
std::string output_path(const std::string& path, const std::string& input, bool several_inputs);

// --redact: masks cookies and SNIs in the result (before any report is rendered).
void redact_if_asked(const TicketOptions& options, session::AnalysisResult& result);

// Writes the report and the evidence for one input. Errors go to stderr;
// returns false on any (exit 2). `original` is the result before redaction
// (it tells which bytes to mask in the evidence).
bool write_ticket_outputs(const TicketOptions& options, const session::AnalysisResult& result,
                          const session::AnalysisResult& original, const std::string& input, bool several_inputs);

}  // namespace rdpcap::cli
