// TlsStream (record layer -> handshake message stream -> callbacks) with
// fuzzer-chosen splits. Input: u8 control, u8 split count n, n split sizes,
// then the stream. control bit1: set_encrypted() halfway (what the session
// does after a TLS 1.3 ServerHello); bit2: a small handshake message cap
// (4 KiB). The same bytes fed in one
// piece must give the same callbacks as the split feeding.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "text/event_text.hpp"
#include "tls/tls_stream.hpp"
#include "util/escape.hpp"
#include "x509/certificate_facts.hpp"

using namespace rdpcap;

namespace {

// Records every callback as text; certificate DER is hashed by size only
// (read_certificate is fuzzed on its own).
class Recorder final : public tls::TlsObserver {
 public:
  std::string log;
  void on_client_hello(tls::ClientHello&& h, const model::FrameRef&) override {
    log += "CH " + text::event_text(model::events::client_hello(h, {})) + util::escape_text(h.sni) + "\n";
    for (const auto& a : h.alpn) (void)util::sanitize_utf8(a);
    (void)h.max_offered_version();
  }
  void on_server_hello(const tls::ServerHello& h, const model::FrameRef&) override {
    log += "SH " + text::event_text(model::events::server_hello(h, {})) + "\n";
  }
  void on_certificates(const std::vector<util::Bytes>& certs, const model::FrameRef&) override {
    log += "CERT " + std::to_string(certs.size());
    for (auto c : certs) log += " " + std::to_string(c.size());
    log += "\n";
  }
  void on_certificate_request(const tls::CertificateRequest& r, const model::FrameRef&) override {
    log += "CR " + std::to_string(r.certificate_types.size()) + "\n";
  }
  void on_server_hello_done(const model::FrameRef&) override { log += "SHD\n"; }
  void on_other_handshake(uint8_t t, const model::FrameRef&) override { log += "HS " + std::to_string(t) + "\n"; }
  void on_change_cipher_spec(const model::FrameRef&) override { log += "CCS\n"; }
  void on_alert(const tls::Alert& a, bool enc, const model::FrameRef&) override {
    log += "ALERT " + text::event_text(model::events::alert(a, enc, {}, {})) + "\n";
  }
  void on_encrypted_record(uint8_t t, uint16_t len, const model::FrameRef&) override {
    log += "ENC " + std::to_string(t) + " " + std::to_string(len) + "\n";
  }
  void on_tls_error(const std::string& reason, uint64_t off, const model::FrameRef&) override {
    log += "ERR " + reason + " @" + std::to_string(off) + "\n";
  }
  void on_tls_limit(const std::string& what, const model::FrameRef&) override { log += "LIMIT " + what + "\n"; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t control = data[0];
  const size_t n = std::min<size_t>(data[1], size - 2);
  util::Bytes sizes(data + 2, n);
  util::Bytes stream(data + 2 + n, size - 2 - n);
  const size_t cap = (control & 4) ? 4096 : 256 * 1024;
  const model::FrameRef at{1, 0};

  tls::TlsStream split(cap), whole(cap);
  Recorder split_log, whole_log;
  size_t fed = 0;
  bool encrypted_set = false;
  fuzz::for_each_split(stream, sizes, [&](util::Bytes piece) {
    if ((control & 2) && !encrypted_set && fed >= stream.size() / 2) {
      split.set_encrypted();
      encrypted_set = true;
    }
    split.feed(piece, at, split_log);
    fed += piece.size();
    if (split.pending_bytes() > 5 + 32767 + 2) abort();  // record_buf_ bound (SSLv2 hello is the largest)
  });
  if (control & 2) {
    // Same point in the stream for the one-piece feed.
    size_t half = 0, pos = 0;
    bool found = false;
    fuzz::for_each_split(stream, sizes, [&](util::Bytes piece) {
      if (!found && pos >= stream.size() / 2) half = pos, found = true;
      pos += piece.size();
    });
    if (encrypted_set) {
      whole.feed(stream.first(half), at, whole_log);
      whole.set_encrypted();
      whole.feed(stream.subspan(half), at, whole_log);
    } else {
      whole.feed(stream, at, whole_log);
    }
  } else {
    whole.feed(stream, at, whole_log);
  }
  if (split_log.log != whole_log.log) {  // splitting must not change what is seen
    std::fprintf(stderr, "split feeding:\n%s\none piece:\n%s\n", split_log.log.c_str(), whole_log.log.c_str());
    abort();
  }
  if (split.records() != whole.records() || split.pending_bytes() != whole.pending_bytes()) {
    std::fprintf(stderr, "records %llu / %llu, pending bytes %zu / %zu (split / one piece)\n",
                 static_cast<unsigned long long>(split.records()), static_cast<unsigned long long>(whole.records()),
                 split.pending_bytes(), whole.pending_bytes());
    abort();
  }
  return 0;
}
