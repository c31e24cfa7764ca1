#include "report/json_stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include "report/json_parts.hpp"
#include "report/json_report.hpp"
#include "rules/rule_context.hpp"
#include "util/spool_file.hpp"
#include "util/stdio_buffer.hpp"

namespace rdpcap::report {

namespace {

// How write_connection() starts an element of the document's "connections"
// array (pretty layout, two levels deep): the id comes first.
constexpr std::string_view kElementHead = "\n    {\n      \"id\": ";

// The text of connection `r` as an element of the "connections" array, from
// just after its id's digits (the id is written at the end, by position).
// Empty if the writer's layout were ever different (then nothing is spooled
// and the document says it failed rather than print a wrong one).
std::string_view element_after_id(const session::ConnectionResult& r, std::string& buf) {
  buf.clear();
  json::W w(buf, json::W::Layout::pretty);
  w.begin_object().key("connections").begin_array();
  w.flush();
  const size_t start = buf.size();
  json::write_connection(w, r);
  std::string_view element(buf);
  element.remove_prefix(start);
  if (element.substr(0, kElementHead.size()) != kElementHead) return {};
  element.remove_prefix(kElementHead.size());
  const size_t digits = element.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string_view::npos) return {};
  return element.substr(digits);
}

void put(std::FILE* out, std::string_view s) { std::fwrite(s.data(), 1, s.size(), out); }

// The `length` spooled bytes at `offset` into `text`, by one pread() (stdio's
// fseek() + fread() cost an lseek() and a read() each). Connections end in
// another order than the document's (half the reads jump back, a median
// 1.5 MB, in the 21,938-connection benchmark capture), so no read-ahead.
bool read_spooled(std::FILE* spool, uint64_t offset, uint32_t length, std::string& text) {
  text.resize(length);
  size_t got = 0;
  while (got < length) {
    const ssize_t n = ::pread(fileno(spool), text.data() + got, length - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      text.clear();
      return false;
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

JsonDocumentStream::JsonDocumentStream() : spool_(util::open_spool_file()) {
  if (!spool_) throw std::runtime_error("cannot create a temporary file for the --json document");
  // Whole 256 KiB writes (about 35 connections) instead of two or three per connection.
  spool_buffer_ = util::enlarge_stdio_buffer(spool_);
}

JsonDocumentStream::~JsonDocumentStream() {
  if (spool_) std::fclose(spool_);
}

void JsonDocumentStream::fill(Entry& e, const engine::ConnectionResult& r) {
  e.outcome = static_cast<uint8_t>(r.verdict.outcome);
  StreamTotals counted;
  counted.add(r);
  e.errors = static_cast<uint32_t>(counted.errors);
  e.warnings = static_cast<uint32_t>(counted.warnings);
  e.infos = static_cast<uint32_t>(counted.infos);
  const auto& t = r.summary.tls;
  if (t.handshake_complete()) {
    e.tls_version = t.server_hello->negotiated_version();
    e.tls_suite = t.server_hello->cipher_suite;
  }
}

void JsonDocumentStream::on_connection(const engine::ConnectionResult& r, engine::EndReason) {
  const auto& c = r.summary;
  Entry e;
  e.first_frame = c.first.frame;
  e.client_ip = c.client_ip;
  e.client_port = c.client_port;
  const std::string key = rules::server_key(c);
  auto [it, added] = server_ids_.try_emplace(key, static_cast<uint32_t>(servers_.size()));
  if (added) servers_.push_back(key);
  e.server = it->second;
  fill(e, r);
  spool(e, r);
  index_.push_back(std::move(e));
  index_sorted_ = false;
}

// The text of `r` appended to the spool, for entry `e`.
void JsonDocumentStream::spool(Entry& e, const engine::ConnectionResult& r) {
  const std::string_view rest = element_after_id(r, piece_);
  if (rest.empty()) failed_ = true;
  e.offset = spool_size_;
  e.length = static_cast<uint32_t>(rest.size());
  if (std::fwrite(rest.data(), 1, rest.size(), spool_) != rest.size()) failed_ = true;
  spool_size_ += rest.size();
}

namespace {
using DocumentKey = std::tuple<uint64_t, std::string_view, uint16_t>;  // as the capture-wide pass sorts
}  // namespace

void JsonDocumentStream::sort_index() {
  if (index_sorted_) return;
  std::sort(index_.begin(), index_.end(), [](const Entry& a, const Entry& b) {
    return DocumentKey{a.first_frame, a.client_ip, a.client_port} <
           DocumentKey{b.first_frame, b.client_ip, b.client_port};
  });
  index_sorted_ = true;
}

void JsonDocumentStream::on_final(const engine::ConnectionResult& r) {
  sort_index();
  const DocumentKey key{r.summary.first.frame, r.summary.client_ip, r.summary.client_port};
  const auto it = std::lower_bound(index_.begin(), index_.end(), key, [](const Entry& e, const DocumentKey& k) {
    return DocumentKey{e.first_frame, e.client_ip, e.client_port} < k;
  });
  if (it == index_.end() || DocumentKey{it->first_frame, it->client_ip, it->client_port} != key) return;
  fill(*it, r);
  spool(*it, r);  // the streamed text stays in the spool, unread
}

bool JsonDocumentStream::write(const session::AnalysisResult& result, const std::string& capture_name,
                               std::FILE* out, bool final_newline) {
  server_ids_.clear();  // only on_connection() needs it
  sort_index();
  json::Counts counts;
  std::map<std::string, json::ServerEntry> servers;
  for (size_t i = 0; i < index_.size(); ++i) {
    const Entry& e = index_[i];
    ++counts.connections;
    counts.errors += e.errors, counts.warnings += e.warnings, counts.infos += e.infos;
    auto& s = servers[servers_[e.server]];
    s.ids.push_back(i + 1);
    ++s.outcomes[rules::outcome_name(static_cast<rules::Outcome>(e.outcome))];
    if (e.tls_version || e.tls_suite) ++s.completed[json::completed_text(e.tls_version, e.tls_suite)];
  }

  totals_ = {counts.connections, counts.errors, counts.warnings, counts.infos};
  std::string head;
  json::W w(head, json::W::Layout::pretty);
  json::write_head(w, result, capture_name, counts);
  json::write_server_entries(w.key("servers"), servers, [&] {
    if (head.size() < (64u << 10)) return;  // thousands of servers: handed on as written
    put(out, head);
    head.clear();
  });
  w.key("connections").begin_array();
  if (index_.empty()) w.end_array().end_object();
  w.flush();
  put(out, head);
  bool ok = !failed_ && std::fflush(spool_) == 0;
  std::string text;
  for (size_t i = 0; i < index_.size(); ++i) {
    if (!read_spooled(spool_, index_[i].offset, index_[i].length, text)) ok = false;
    if (i > 0) put(out, ",");
    put(out, kElementHead);
    put(out, std::to_string(i + 1));
    put(out, text);
  }
  if (!index_.empty()) put(out, "\n  ]\n}");
  if (final_newline) std::fputc('\n', out);
  return ok;
}

}  // namespace rdpcap::report
