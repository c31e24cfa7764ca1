#include "ticket_outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include "evidence_writer.hpp"
#include "redaction.hpp"
#include "report/html_report.hpp"
#include "report/markdown_report.hpp"

namespace rdpcap::cli {

namespace {

enum class ReportKind { none, markdown, html };

std::string lower_extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

ReportKind report_kind(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (ext == "md" || ext == "markdown") return ReportKind::markdown;
  if (ext == "html" || ext == "htm") return ReportKind::html;
  return ReportKind::none;
}

bool write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    std::fprintf(stderr, "rdpcap-analyze: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

void add_ticket_options(CLI::App& app, TicketOptions& o) {
  const char* group = "Ticket outputs";
  app.add_option("--report", o.report,
                 "write a ticket report: FILE.md (Markdown) or FILE.html (self-contained HTML); with several "
                 "captures, one per capture (FILE-<capture name>.md)")
      ->group(group);
  app.add_option("--evidence", o.evidence,
                 "write FILE.pcapng holding only the packets of the connections with findings (or those given "
                 "with --connection), each finding's frame carrying a packet comment; needs a file, not '-'")
      ->group(group);
  app.add_option("--connection", o.connection_args,
                 "connection ID as in the report (N or #N) to put in the evidence capture (repeatable)")
      ->allow_extra_args(false)  // one value per --connection: the captures that follow stay positional
      ->group(group);
  app.add_flag("--redact", o.redact,
               "mask user names (X.224 cookie) and TLS SNI in every output, and overwrite them with 'x' in the "
               "evidence capture")
      ->group(group);
  app.add_flag("--evidence-secrets", o.evidence_secrets,
               "put the TLS secrets (--keylog, pcapng secrets) of the connections in the evidence capture into it "
               "(a pcapng Decryption Secrets Block), so that it opens decrypted in Wireshark; secrets are sensitive: "
               "opt-in, and refused with --redact")
      ->group(group);
  app.add_flag("--ladder", o.ladder, "text report: a ladder diagram after each connection with a problem")->group(group);
}

std::optional<std::string> check_ticket_options(TicketOptions& o, const std::vector<std::string>& inputs) {
  o.connections.clear();
  for (const auto& arg : o.connection_args) {
    const std::string digits = !arg.empty() && arg[0] == '#' ? arg.substr(1) : arg;
    if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos)
      return "--connection: not a connection ID (N or #N, as in the report): " + arg;
    o.connections.push_back(std::stoull(digits));
  }
  if (!o.report.empty() && report_kind(o.report) == ReportKind::none)
    return "--report: the file name must end in .md or .html (it chooses the format): " + o.report;
  if (!o.evidence.empty())
    for (const auto& in : inputs)
      if (in == "-")
        return "--evidence re-reads the capture to copy its packets: it cannot be used with standard input ('-'); "
               "save the capture to a file first";
  if (!o.connections.empty() && o.evidence.empty()) return "--connection selects packets for --evidence: give --evidence too";
  if (o.evidence_secrets && o.evidence.empty()) return "--evidence-secrets puts secrets into the --evidence capture: give --evidence too";
  if (o.evidence_secrets && o.redact)
    return "--evidence-secrets with --redact: a redacted ticket must not carry the TLS secrets; choose one";
  return std::nullopt;
}

std::string output_path(const std::string& path, const std::string& input, bool several) {
  if (!several) return path;
  std::string stem = input.substr(input.find_last_of('/') == std::string::npos ? 0 : input.find_last_of('/') + 1);
  if (const size_t dot = stem.find_last_of('.'); dot != std::string::npos && dot > 0) stem.erase(dot);
  if (stem.empty() || stem == "-") stem = "stdin";
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return path + "-" + stem;
  return path.substr(0, dot) + "-" + stem + path.substr(dot);
}

void redact_if_asked(const TicketOptions& o, session::AnalysisResult& result) {
  if (o.redact) redact_result(result, collect_secrets(result));
}

bool write_ticket_outputs(const TicketOptions& o, const session::AnalysisResult& result,
                          const session::AnalysisResult& original, const std::string& input, bool several) {
  bool ok = true;
  report::TicketOptions ticket;
  ticket.redacted = o.redact;
  std::string evidence_path;
  if (!o.evidence.empty()) {
    evidence_path = output_path(o.evidence, input, several);
    const std::set<uint64_t> named(o.connections.begin(), o.connections.end());
    for (uint64_t id : named) {
      bool known = false;
      for (const auto& r : result.connections) known = known || r.summary.id == id;
      if (!known) {
        std::fprintf(stderr, "rdpcap-analyze: %s: --connection %llu: no such connection (IDs are the #N of the report)\n",
                     input.c_str(), static_cast<unsigned long long>(id));
        ok = false;
      }
    }
    const Secrets secrets = o.redact ? collect_secrets(original) : Secrets{};
    EvidenceRequest request;
    request.input = input;
    request.output = evidence_path;
    request.connection_ids = named;
    request.secrets = o.redact ? &secrets : nullptr;
    if (o.evidence_secrets && o.keys) {
      const auto kept = evidence_connections(result, named);
      for (const auto& r : result.connections) {
        const auto& hello = r.summary.tls.client_hello;
        if (!hello || std::find(kept.begin(), kept.end(), r.summary.id) == kept.end()) continue;
        request.tls_secrets += o.keys->nss_lines(hello->random);
      }
    }
    const EvidenceResult written = write_evidence(result, request);
    if (!written.ok) {
      std::fprintf(stderr, "rdpcap-analyze: evidence: %s\n", written.error.c_str());
      ok = false;
    } else {
      ticket.evidence_name = evidence_path.substr(evidence_path.find_last_of('/') == std::string::npos
                                                      ? 0
                                                      : evidence_path.find_last_of('/') + 1);
      ticket.evidence_connections = written.connections;
      if (o.evidence_secrets && !written.secrets_embedded)
        std::fprintf(stderr, "rdpcap-analyze: %s: --evidence-secrets: no key material for the connections in %s\n",
                     input.c_str(), evidence_path.c_str());
      if (written.connections.empty())
        std::fprintf(stderr, "rdpcap-analyze: %s: no connection with findings: %s holds no packets\n", input.c_str(),
                     evidence_path.c_str());
    }
  }
  if (!o.report.empty()) {
    const std::string path = output_path(o.report, input, several);
    const std::string content = report_kind(o.report) == ReportKind::html
                                    ? report::render_html(result, input, ticket)
                                    : report::render_markdown(result, input, ticket);
    ok = write_file(path, content) && ok;
  }
  return ok;
}

}  // namespace rdpcap::cli
