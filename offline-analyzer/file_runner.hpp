// Runs the analysis of the capture files given on the command line and hands
// the results out in input order:
//  - -j N: up to N files are read at once, each by its own thread with its own
//    Analyzer (connections are never merged across files anyway); the caller
//    still renders and prints file by file in input order, so the output is
//    byte-identical to -j 1. With -j 1 (the default) no thread is started.
//  - a progress line on standard error (bytes read, rate, connections seen)
//    while large input is read, only when standard error is a terminal
//    (--progress auto); never in the output streams otherwise.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "capture/capture_reader.hpp"
#include "engine/analyzer.hpp"
#include "report/json_report.hpp"
#include "report/json_stream.hpp"

namespace rdpcap::cli {

struct RunOptions {
  unsigned jobs = 1;
  std::string progress = "auto";  // auto | always | never
};

void add_run_options(CLI::App& app, RunOptions& options);

using capture::ReadProgress;
using capture::ReadResult;

struct FileAnalysis {
  ReadResult read;
  session::AnalysisResult result;  // meaningful when read.opened
  // Streaming NDJSON (FileRunner's stream_ndjson): the connection, server and
  // amendment lines already written to standard output (-j 1), or spooled here
  // for the caller to copy out in input order (-j N); totals of the connection
  // lines, for the "capture" line the caller writes after them.
  report::StreamTotals totals;
  std::FILE* spool = nullptr;  // the caller copies it to standard output and fcloses it
  // Streaming --json (Stream::json): every connection, spooled as it ended; the
  // caller writes the document with it (report::JsonDocumentStream::write).
  std::unique_ptr<report::JsonDocumentStream> json;
};

// What the runner streams while it reads (engine::ResultSink): nothing (the
// reports use finish()'s result), NDJSON lines, or the --json document's spool.
enum class Stream { none, ndjson, json };

class FileRunner {
 public:
  // Stream::ndjson: each connection's NDJSON line is written when it ends
  // (engine::ResultSink), then the server and amendment lines at the end of
  // its capture. Stream::json: each connection goes to FileAnalysis::json.
  // With either, result.connections holds only what finish() kept.
  FileRunner(const std::vector<std::string>& files, const session::AnalyzerOptions& options,
             const RunOptions& run, Stream stream = Stream::none);
  ~FileRunner();  // stops and joins the workers
  FileRunner(const FileRunner&) = delete;
  FileRunner& operator=(const FileRunner&) = delete;

  // The analysis of files[index]. Call once per file, in input order; blocks
  // until that file is done. The progress line is cleared before it returns
  // and stays off until the next call, so the caller may print freely.
  FileAnalysis take(size_t index);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rdpcap::cli
