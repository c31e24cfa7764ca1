// Rule-level tests: build a model::ConnectionSummary step by step, the way the
// session layer fills it from packets, and call the rules' public entry point.
// Each step takes the next frame number and advances the clock (1 ms by
// default, wait() for more), so a test can name the frame a finding must
// point at: `auto at = b.rst(server).last();`.
//
//   auto c = SummaryBuilder().handshake()
//                .x224_request(protocol::ssl | protocol::hybrid).x224_confirm(protocol::hybrid)
//                .client_hello().server_hello(0x0303, 0xc030).certificate(ca_issued("host"))
//                .handshake_done().encrypted(client, 3).rst(server).build();
//   auto d = diagnose_one(c);
//   expect_finding(d, "credssp.server_closed", Severity::error, c.tcp.server_rst.frame);
//
// The builder sets only what the session layer would set for those packets
// (facts and the forward-only stage); it knows no rule. RULE_TEST registers
// the code a test covers, so test_rules_catalog.cpp can check that every
// catalog code has one.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/connection_summary.hpp"
#include "rules/catalog.hpp"
#include "rules/diagnose.hpp"

namespace rdpcap::testing {

using model::Direction;
inline constexpr Direction kClient = Direction::client_to_server;
inline constexpr Direction kServer = Direction::server_to_client;

// 2025-03-10T09:00:00Z: the default capture clock.
inline constexpr int64_t kCaptureStart = 1741597200;
inline constexpr int64_t kDay = 86400;

class SummaryBuilder {
 public:
  explicit SummaryBuilder(uint16_t server_port = 3389, uint64_t id = 1) {
    s_.id = id;
    s_.client_ip = "198.51.100.7";
    s_.server_ip = "192.0.2.10";
    s_.client_port = static_cast<uint16_t>(49700 + id);
    s_.server_port = server_port;
    s_.rdp_by_port = server_port == 3389;
  }

  // ---- clock and frames ----
  SummaryBuilder& starting_at(int64_t seconds, uint64_t first_frame = 1) {
    time_us_ = seconds * 1000000;
    next_frame_ = first_frame;
    return *this;
  }
  SummaryBuilder& wait_ms(int64_t ms) {
    time_us_ += ms * 1000;
    return *this;
  }
  SummaryBuilder& wait_s(int64_t s) { return wait_ms(s * 1000); }
  SummaryBuilder& server(std::string ip, uint16_t port) {
    s_.server_ip = std::move(ip);
    s_.server_port = port;
    return *this;
  }
  // The frame of the last step.
  model::FrameRef last() const { return last_; }

  // ---- TCP ----
  SummaryBuilder& syn(uint32_t count = 1) {
    for (uint32_t i = 0; i < count; ++i) {
      const auto at = step(kClient, 0);
      if (!s_.tcp.syn.seen()) s_.tcp.syn = at;
      s_.tcp.last_syn = at;
      ++s_.tcp.syn_count;
      s_.tcp.saw_handshake = true;
      if (i + 1 < count) wait_ms(1000);
    }
    return *this;
  }
  SummaryBuilder& syn_ack() {
    s_.tcp.syn_ack = step(kServer, 0);
    advance(model::Stage::tcp_established);
    return *this;
  }
  SummaryBuilder& handshake() {  // SYN, SYN-ACK, ACK
    syn().syn_ack();
    step(kClient, 0);
    return *this;
  }
  SummaryBuilder& mid_stream() {  // the capture starts with data of an open connection
    s_.tcp.saw_handshake = false;
    advance(model::Stage::tcp_established);
    return *this;
  }
  // Live capture: the continuation of a connection the idle timeout ended
  // (its first and last frames).
  SummaryBuilder& continues(model::FrameRef earlier_first, model::FrameRef earlier_last) {
    mid_stream();
    s_.tcp.earlier_part_first = earlier_first;
    s_.tcp.earlier_part_last = earlier_last;
    return *this;
  }
  SummaryBuilder& data(Direction from, uint64_t bytes, uint32_t packets = 1) {
    for (uint32_t i = 0; i < packets; ++i) step(from, bytes / packets);
    return *this;
  }
  SummaryBuilder& fin(Direction from) {
    auto at = step(from, 0);
    (from == kClient ? s_.tcp.client_fin : s_.tcp.server_fin) = at;
    return *this;
  }
  SummaryBuilder& rst(Direction from) {
    auto at = step(from, 0);
    (from == kClient ? s_.tcp.client_rst : s_.tcp.server_rst) = at;
    return *this;
  }
  SummaryBuilder& icmp_unreachable(uint8_t type = 3, uint8_t code = 1, std::string reporter = "203.0.113.1",
                                   bool v6 = false) {
    model::IcmpReport r;
    r.at = next(kServer);  // not a packet of the TCP connection: not counted in its packets
    r.reporter = std::move(reporter);
    r.v6 = v6;
    r.type = type;
    r.code = code;
    s_.tcp.icmp.push_back(r);
    return *this;
  }
  SummaryBuilder& gaps(uint64_t client, uint64_t server) {
    s_.tcp.client_gaps = client;
    s_.tcp.server_gaps = server;
    return *this;
  }
  SummaryBuilder& limit(std::string what) {
    s_.limits_hit.push_back(std::move(what));
    return *this;
  }
  SummaryBuilder& capture_ends() {  // no FIN/RST before the end of the capture
    s_.ended_by_capture = true;
    return *this;
  }

  // ---- SOCKS5 (RFC 1928) ----
  SummaryBuilder& socks5(std::string target, uint8_t reply_code) {
    s_.proxy.socks5 = true;
    s_.proxy.target = std::move(target);
    step(kClient, 3);
    step(kServer, 2);
    s_.proxy.request_at = step(kClient, 10);
    s_.proxy.replied = true;
    s_.proxy.reply_code = reply_code;
    s_.proxy.reply_at = step(kServer, 10);
    return *this;
  }

  // ---- X.224 (MS-RDPBCGR 2.2.1.1, 2.2.1.2) ----
  SummaryBuilder& x224_request(std::optional<uint32_t> protocols, std::string cookie = "alice") {
    proto::ConnectionRequest r;
    r.cookie = std::move(cookie);
    r.has_neg_req = protocols.has_value();
    r.requested_protocols = protocols.value_or(0);
    s_.negotiation.request = r;
    s_.negotiation.request_at = step(kClient, 47);
    s_.rdp_by_content = true;
    advance(model::Stage::x224_requested);
    return *this;
  }
  SummaryBuilder& x224_confirm(uint32_t selected) {
    proto::ConnectionConfirm c;
    c.kind = proto::ConnectionConfirm::Kind::response;
    c.selected_protocol = selected;
    return confirm(c, selected == proto::protocol::rdp ? model::Stage::standard_security : model::Stage::x224_confirmed);
  }
  SummaryBuilder& x224_legacy_confirm() {
    return confirm(proto::ConnectionConfirm{}, model::Stage::standard_security);
  }
  SummaryBuilder& x224_failure(uint32_t code) {
    proto::ConnectionConfirm c;
    c.kind = proto::ConnectionConfirm::Kind::failure;
    c.failure_code = code;
    return confirm(c, model::Stage::negotiation_failed);
  }
  SummaryBuilder& x224_malformed(std::string problem) {
    s_.negotiation.parse_error = std::move(problem);
    s_.negotiation.parse_error_at = step(kClient, 11);
    return *this;
  }
  SummaryBuilder& not_rdp(std::string what) {  // first bytes neither TPKT nor TLS
    s_.negotiation.not_rdp = true;
    s_.negotiation.parse_error = std::move(what);
    s_.negotiation.parse_error_at = step(kClient, 16);
    return *this;
  }
  // Standard RDP Security: MCS Connect Initial / Response (MS-RDPBCGR 2.2.1.3, 2.2.1.4).
  SummaryBuilder& mcs_connect_initial(uint32_t client_methods = 0x1b, uint64_t bytes = 400) {
    proto::ClientGcc g;
    g.encryption_methods = client_methods;
    s_.negotiation.client_gcc = g;
    s_.negotiation.client_data_at = step(kClient, bytes);
    return *this;
  }
  SummaryBuilder& mcs_connect_response(uint32_t method, uint32_t level) {
    proto::ServerGcc g;
    g.encryption_method = method;
    g.encryption_level = level;
    s_.negotiation.server_gcc = g;
    s_.negotiation.server_data_at = step(kServer, 300);
    return *this;
  }

  // ---- TLS (RFC 5246, RFC 8446) ----
  struct Hello {
    uint16_t legacy_version = 0x0303;
    std::vector<uint16_t> suites{0xc030, 0xc02f, 0x009d, 0x009c, 0x003d, 0x002f};
    std::vector<uint16_t> versions;  // supported_versions; empty: up to legacy_version
    std::string sni;
    bool sslv2 = false;
  };
  SummaryBuilder& client_hello() { return client_hello(Hello{}); }
  SummaryBuilder& client_hello(const Hello& h) {
    tls::ClientHello ch;
    ch.legacy_version = h.legacy_version;
    ch.cipher_suites = h.suites;
    ch.supported_versions = h.versions;
    ch.sni = h.sni;
    ch.sslv2_format = h.sslv2;
    const auto at = step(kClient, 200);
    if (!s_.tls.client_hello) {
      s_.tls.client_hello = ch;
      s_.tls.client_hello_at = at;
    }
    ++s_.tls.client_hello_count;
    if (!s_.negotiation.request) s_.tls.direct = true;
    advance(model::Stage::tls_handshake);
    return *this;
  }
  SummaryBuilder& hello_retry(uint16_t group = 0x001d) {
    tls::ServerHello hrr;
    hrr.legacy_version = 0x0303;
    hrr.supported_version = 0x0304;
    hrr.cipher_suite = 0x1301;
    hrr.hello_retry_request = true;
    hrr.selected_group = group;
    s_.tls.hello_retry = hrr;
    s_.tls.hello_retry_at = step(kServer, 90);
    return *this;
  }
  SummaryBuilder& server_hello(uint16_t version = 0x0303, uint16_t suite = 0xc030) {
    tls::ServerHello sh;
    sh.legacy_version = version >= 0x0304 ? 0x0303 : version;
    if (version >= 0x0304) sh.supported_version = version;
    sh.cipher_suite = suite;
    s_.tls.server_hello = sh;
    s_.tls.server_hello_at = step(kServer, 90);
    return *this;
  }
  SummaryBuilder& certificate(const x509::CertificateFacts& leaf) {
    s_.tls.certificates = {leaf};
    s_.tls.certificate_at = step(kServer, leaf.der_size ? leaf.der_size : 800);
    return *this;
  }
  SummaryBuilder& certificate_request() {
    s_.tls.certificate_request = tls::CertificateRequest{{1, 64}, {0x0401}, 0};
    s_.tls.certificate_request_at = step(kServer, 40);
    return *this;
  }
  SummaryBuilder& server_hello_done() {
    s_.tls.server_hello_done_at = step(kServer, 4);
    return *this;
  }
  SummaryBuilder& client_key_exchange() {
    s_.tls.client_key_exchange_at = step(kClient, 70);
    return *this;
  }
  SummaryBuilder& ccs(Direction from) {
    (from == kClient ? s_.tls.client_ccs_at : s_.tls.server_ccs_at) = step(from, 6);
    return *this;
  }
  // Encrypted records (Finished, then application data: CredSSP or RDP).
  SummaryBuilder& encrypted(Direction from, uint64_t records, uint64_t bytes_each = 100) {
    auto& e = from == kClient ? s_.tls.client_encrypted : s_.tls.server_encrypted;
    for (uint64_t i = 0; i < records; ++i) {
      const auto at = step(from, bytes_each);
      if (!e.first.seen()) e.first = at;
      e.last = at;
      ++e.records;
      e.bytes += bytes_each;
    }
    if (s_.tls.handshake_complete()) advance(model::Stage::tls_established);
    return *this;
  }
  // The handshake after the ServerHello (and certificate). TLS <= 1.2:
  // ServerHelloDone, ClientKeyExchange, CCS + Finished both ways. TLS 1.3:
  // the server's encrypted flight, the client's encrypted Finished.
  SummaryBuilder& handshake_done() {
    if (s_.tls.server_hello && s_.tls.server_hello->negotiated_version() >= 0x0304)  // TLS 1.3: all encrypted
      return encrypted(kServer, 1).encrypted(kClient, 1);  // server flight up to Finished, client Finished
    server_hello_done().client_key_exchange().ccs(kClient).encrypted(kClient, 1);
    return ccs(kServer).encrypted(kServer, 1);
  }
  // Application data after the handshake (CredSSP / RDP inside TLS).
  SummaryBuilder& application_data(uint64_t client_records, uint64_t server_records) {
    encrypted(kClient, client_records);
    encrypted(kServer, server_records);
    advance(model::Stage::application_data);
    return *this;
  }
  SummaryBuilder& alert(Direction from, uint8_t description, uint8_t level = 2, bool encrypted_alert = false) {
    model::AlertFact a;
    a.from = from;
    a.alert.level = level;
    a.alert.description = description;
    a.encrypted = encrypted_alert;
    a.at = step(from, 7);
    s_.tls.alerts.push_back(a);
    if (encrypted_alert) {
      auto& e = from == kClient ? s_.tls.client_encrypted : s_.tls.server_encrypted;
      if (!e.first.seen()) e.first = a.at;
      e.last = a.at;
      ++e.records;
    }
    return *this;
  }
  SummaryBuilder& tls_error(Direction from, std::string reason) {
    const auto at = step(from, 9);
    (from == kClient ? s_.tls.client_error : s_.tls.server_error) = std::move(reason);
    (from == kClient ? s_.tls.client_error_at : s_.tls.server_error_at) = at;
    return *this;
  }
  SummaryBuilder& pending_record_bytes(Direction from, uint64_t bytes) {
    (from == kClient ? s_.tls.client_pending_bytes : s_.tls.server_pending_bytes) = bytes;
    step(from, bytes);
    return *this;
  }

  model::ConnectionSummary build() const { return s_; }

 private:
  model::FrameRef next(Direction) {
    time_us_ += 1000;
    last_ = model::FrameRef{next_frame_++, time_us_};
    return last_;
  }
  // One packet of the connection, with `bytes` of TCP payload.
  model::FrameRef step(Direction from, uint64_t bytes) {
    const auto at = next(from);
    if (!s_.first.seen()) s_.first = at;
    s_.last = at;
    if (from == kClient) {
      ++s_.tcp.client_packets;
      s_.tcp.client_bytes += bytes;
    } else {
      ++s_.tcp.server_packets;
      s_.tcp.server_bytes += bytes;
    }
    return at;
  }
  SummaryBuilder& confirm(const proto::ConnectionConfirm& c, model::Stage stage) {
    s_.negotiation.confirm = c;
    s_.negotiation.confirm_at = step(kServer, 19);
    advance(stage);
    return *this;
  }
  void advance(model::Stage to) {  // forward-only, as the session layer does
    if (static_cast<int>(to) > static_cast<int>(s_.stage)) s_.stage = to;
  }

  model::ConnectionSummary s_;
  int64_t time_us_ = kCaptureStart * 1000000;
  uint64_t next_frame_ = 1;
  model::FrameRef last_;
};

// ---- certificates (x509::CertificateFacts as read_certificate fills them) ----

// A CA-issued certificate valid from 200 days before to 200 days after the
// default capture time: RSA-2048, SHA-256, Server Authentication EKU, SAN = host.
inline x509::CertificateFacts ca_issued(const std::string& host, int64_t not_before = kCaptureStart - 200 * kDay,
                                        int64_t not_after = kCaptureStart + 200 * kDay) {
  x509::CertificateFacts f;
  f.parsed = true;
  f.der_size = 1200;
  f.subject = "CN=" + host;
  f.subject_cn = host;
  f.issuer = "CN=Example Issuing CA,O=Example";
  f.serial_hex = "0A1B2C";
  f.not_before = not_before;
  f.not_after = not_after;
  f.key_type = "RSA";
  f.key_bits = 2048;
  f.signature_algorithm = "sha256WithRSAEncryption";
  f.signature_hash = "SHA256";
  f.san_dns = {host};
  f.has_eku = true;
  f.eku_oids = {"1.3.6.1.5.5.7.3.1"};
  f.sha256_fingerprint = "AA:" + host;  // distinct per host; enough for comparisons
  return f;
}

// What Windows creates for Remote Desktop: self-signed, CN = host, RSA-2048,
// SHA-256, the Server Authentication EKU, no SAN.
inline x509::CertificateFacts windows_self_signed(const std::string& host) {
  auto f = ca_issued(host);
  f.issuer = f.subject;
  f.issuer_equals_subject = true;
  f.self_signed = true;
  f.san_dns.clear();
  f.sha256_fingerprint = "55:" + host;
  return f;
}

// ---- the rules' public entry point ----

inline std::vector<rules::Diagnosis> diagnose_all(const std::vector<model::ConnectionSummary>& connections,
                                                  std::optional<int64_t> reference_time_s = std::nullopt) {
  return rules::diagnose(connections, reference_time_s);
}

inline rules::Diagnosis diagnose_one(const model::ConnectionSummary& c,
                                     std::optional<int64_t> reference_time_s = std::nullopt) {
  return diagnose_all({c}, reference_time_s).at(0);
}

inline std::string codes_of(const rules::Diagnosis& d) {
  std::string out;
  for (const auto& f : d.findings) out += (out.empty() ? "" : ", ") + f.code + "@" + std::to_string(f.frame);
  return out.empty() ? "(none)" : out;
}

inline const rules::Finding* find_finding(const rules::Diagnosis& d, std::string_view code) {
  for (const auto& f : d.findings)
    if (f.code == code) return &f;
  return nullptr;
}

// The finding is there once, with the catalog's severity, the expected one and the frame.
inline void expect_finding(const rules::Diagnosis& d, std::string_view code, rules::Severity severity, uint64_t frame) {
  INFO("findings: " << codes_of(d));
  INFO("expected: " << code << " at frame " << frame);
  const auto n = std::count_if(d.findings.begin(), d.findings.end(), [&](const auto& f) { return f.code == code; });
  REQUIRE(n == 1);
  const rules::Finding& f = *find_finding(d, code);
  const rules::CodeInfo* info = rules::find_code(code);
  REQUIRE(info != nullptr);
  CHECK(info->severity == severity);
  CHECK(f.severity == severity);
  CHECK(f.frame == frame);
  CHECK(f.frame != 0);
  CHECK_FALSE(f.title.empty());
  CHECK_FALSE(f.remediation.empty());
  CHECK_FALSE(f.evidence.empty());
}

inline void expect_no_finding(const rules::Diagnosis& d, std::string_view code) {
  INFO("findings: " << codes_of(d));
  CHECK(find_finding(d, code) == nullptr);
}

// ---- registry of the codes the rule-level tests cover ----

inline std::set<std::string>& rule_tested_codes() {
  static std::set<std::string> codes;
  return codes;
}
inline bool register_rule_test(const char* code) {
  rule_tested_codes().insert(code);
  return true;
}

}  // namespace rdpcap::testing

// A rule-level test of one catalog code. The code is registered when the
// test binary starts (so the catalog meta-test sees it even when CTest runs
// one test case at a time) and passed to the body as `rule_code`.
#define RDPCAP_RULE_CAT2(a, b) a##b
#define RDPCAP_RULE_CAT(a, b) RDPCAP_RULE_CAT2(a, b)
#define RDPCAP_RULE_TEST_IMPL(fn, code, name)                                            \
  static void fn(const std::string_view rule_code);                                      \
  static const bool RDPCAP_RULE_CAT(fn, _registered) = ::rdpcap::testing::register_rule_test(code); \
  TEST_CASE("rule " code ": " name, "[rules]") { fn(code); }                              \
  static void fn([[maybe_unused]] const std::string_view rule_code)
#define RULE_TEST(code, name) RDPCAP_RULE_TEST_IMPL(RDPCAP_RULE_CAT(rdpcap_rule_test_, __LINE__), code, name)
