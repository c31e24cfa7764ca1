// Key logs, pcapng Decryption Secrets Blocks, the TLS KDFs and record
// decryption: known-answer tests (RFC 8448 section 3 "Simple 1-RTT Handshake",
// the TLS 1.2 P_SHA256 vector of the IETF TLS working group), wrong keys,
// missing keys, truncated records, malformed key logs.
#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "tls/keylog.hpp"
#include "tls/pcapng_secrets.hpp"
#include "tls/record_decryptor.hpp"
#include "tls/tls_kdf.hpp"
#include "tls/tls_names.hpp"
#include "tls/tls_stream.hpp"
#include "tls_test_support.hpp"

using namespace rdpcap;
using tls_test::hex;

namespace {

// RFC 8448 3 (values as printed in the RFC).
const char* kServerHsSecret = "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38";
const char* kClientHsSecret = "b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21";
const char* kClientApSecret = "9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5";
const char* kServerApSecret = "a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43";
// {server} send handshake record (EncryptedExtensions, Certificate, CertificateVerify, Finished).
const char* kServerHsRecord = R"(
17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e
df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 ea 78
b1 11 b4 29 ba 91 91 cd 05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b
d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9 b1 18 3e f3 ab 20 e3 7d 57 a6 b9
d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c 7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d 2e
d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55 cc 74 41 10 c4 53 ba a4 fc d6 10 92
8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6 86 94
5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68
45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f
44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26
f5 9e ca ba 9a cb bb 31 7b 66 d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31
7b 49 ee da 0c 62 58 f1 00 d7 d9 61 ff b1 38 64 7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e
1b 7a 6c 71 78 af 36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da
8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4
61 e6 6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be
5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb
99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e 2a c4 c8 59
77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38
eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f 60 f0 50 4d e9 3b 5b 84
5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd d5 02 78 40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5
d2 af 93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e
75 0e dc 53 37 0d 2b)";
// {client} send handshake record (Finished), then application data "00 01 .. 31".
const char* kClientFinishedRecord = R"(
17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc
44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46)";
const char* kClientAppRecord = R"(
17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc ab 3f
2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d ea e6
3a ee bb 21 69 49 15 e4)";

std::vector<uint8_t> payload_0_to_31() {
  std::vector<uint8_t> p(0x32);
  std::iota(p.begin(), p.end(), uint8_t{0});
  return p;
}

// Splits a raw record into (type, version, fragment).
struct Rec {
  uint8_t type;
  uint16_t version;
  std::vector<uint8_t> fragment;
};
Rec split(const std::vector<uint8_t>& raw) {
  return {raw[0], static_cast<uint16_t>(raw[1] << 8 | raw[2]), std::vector<uint8_t>(raw.begin() + 5, raw.end())};
}

tls::SuiteCrypto aes128gcm_sha256() { return *tls::suite_crypto(0x1301); }

struct Recorder : tls::TlsObserver {
  std::vector<std::string> events;
  std::vector<std::vector<uint8_t>> certs, app_data;
  void on_certificates(const std::vector<util::Bytes>& c, const util::FrameRef&) override {
    events.push_back("certificates " + std::to_string(c.size()));
    for (auto& d : c) certs.emplace_back(d.begin(), d.end());
  }
  void on_other_handshake(uint8_t t, const util::FrameRef&) override {
    events.push_back(std::string("handshake ") + tls::handshake_type_name(t));
  }
  void on_alert(const tls::Alert& a, bool enc, const util::FrameRef&) override {
    const char* n = tls::alert_description_name(a.description);
    events.push_back(std::string("alert ") + (enc ? "encrypted " : "") + (n ? n : "?"));
  }
  void on_application_data(util::Bytes p, const util::FrameRef&) override {
    events.push_back("application_data " + std::to_string(p.size()));
    app_data.emplace_back(p.begin(), p.end());
  }
  void on_decryption_failed(const std::string& why, const util::FrameRef& at) override {
    events.push_back("decryption failed at frame " + std::to_string(at.frame) + ": " + why);
  }
  void on_decryption_ended(const std::string& why, const util::FrameRef&) override {
    events.push_back("decryption ended: " + why);
  }
  void on_encrypted_record(uint8_t, uint16_t, const util::FrameRef&) override { ++encrypted; }
  void on_tls_error(const std::string& r, uint64_t, const util::FrameRef&) override { events.push_back("error " + r); }
  int encrypted = 0;
};

}  // namespace

TEST_CASE("HKDF-Expand-Label through TLS13-KDF gives RFC 8448's traffic keys", "[decrypt][kat]") {
  auto key = tls::hkdf_expand_label("SHA256", hex(kServerHsSecret), "key", {}, 16);
  auto iv = tls::hkdf_expand_label("SHA256", hex(kServerHsSecret), "iv", {}, 12);
  REQUIRE(key);
  REQUIRE(iv);
  CHECK(*key == hex("3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc"));
  CHECK(*iv == hex("5d 31 3e b2 67 12 76 ee 13 00 0b 30"));
  auto ckey = tls::hkdf_expand_label("SHA256", hex(kClientApSecret), "key", {}, 16);
  REQUIRE(ckey);
  CHECK(*ckey == hex("17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51"));
}

TEST_CASE("TLS1-PRF gives the TLS 1.2 P_SHA256 test vector", "[decrypt][kat]") {
  auto out = tls::tls1_prf("SHA256", hex("9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35"), "test label",
                           hex("a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c"), 100);
  REQUIRE(out);
  CHECK(*out == hex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af"
                    "0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
                    "87347b66"));
}

TEST_CASE("RFC 8448 server flight decrypts with the server handshake traffic secret", "[decrypt][kat]") {
  tls::RecordDecryptor d(aes128gcm_sha256(), hex(kServerHsSecret), hex(kServerApSecret));
  auto rec = split(hex(kServerHsRecord));
  REQUIRE(rec.fragment.size() == 674);
  auto r = d.decrypt(rec.type, rec.version, rec.fragment);
  REQUIRE(r.ok);
  CHECK(r.content_type == 22);
  REQUIRE(r.plaintext.size() == 657);  // 674 - 16 (tag) - 1 (content type)
  CHECK(r.plaintext[0] == 0x08);      // EncryptedExtensions
  // The same record again is at sequence 1 now: it must not verify.
  auto again = d.decrypt(rec.type, rec.version, rec.fragment);
  CHECK_FALSE(again.ok);
  CHECK(d.failed());
}

TEST_CASE("RFC 8448 client: Finished under the handshake key, then application data under secret 0",
          "[decrypt][kat]") {
  tls::RecordDecryptor d(aes128gcm_sha256(), hex(kClientHsSecret), hex(kClientApSecret));
  auto fin = split(hex(kClientFinishedRecord));
  auto r = d.decrypt(fin.type, fin.version, fin.fragment);
  REQUIRE(r.ok);
  CHECK(r.content_type == 22);
  REQUIRE(r.plaintext.size() == 36);
  CHECK(r.plaintext[0] == 0x14);
  REQUIRE(d.switch_to_application());
  auto app = split(hex(kClientAppRecord));
  auto a = d.decrypt(app.type, app.version, app.fragment);
  REQUIRE(a.ok);
  CHECK(a.content_type == 23);
  CHECK(a.plaintext == payload_0_to_31());
}

TEST_CASE("A wrong key fails and stops; a truncated record fails", "[decrypt]") {
  auto wrong = hex(kServerHsSecret);
  wrong[0] ^= 1;
  tls::RecordDecryptor d(aes128gcm_sha256(), wrong, {});
  auto rec = split(hex(kServerHsRecord));
  auto r = d.decrypt(rec.type, rec.version, rec.fragment);
  CHECK_FALSE(r.ok);
  CHECK(r.error == "authentication tag does not verify");

  tls::RecordDecryptor t(aes128gcm_sha256(), hex(kServerHsSecret), {});
  std::vector<uint8_t> shorter(rec.fragment.begin(), rec.fragment.begin() + 10);
  auto s = t.decrypt(rec.type, rec.version, shorter);
  CHECK_FALSE(s.ok);
  CHECK(s.error == "record shorter than its authentication tag");
  // A record cut inside (the last byte missing) does not verify either.
  tls::RecordDecryptor u(aes128gcm_sha256(), hex(kServerHsSecret), {});
  std::vector<uint8_t> cut(rec.fragment.begin(), rec.fragment.end() - 1);
  CHECK_FALSE(u.decrypt(rec.type, rec.version, cut).ok);
}

TEST_CASE("TlsStream decrypts RFC 8448's server flight: the TLS 1.3 Certificate reaches on_certificates",
          "[decrypt][kat]") {
  const auto raw = hex(kServerHsRecord);
  for (size_t chunk : {raw.size(), size_t{1}, size_t{7}, size_t{300}}) {
    INFO("fed in pieces of " << chunk);
    tls::TlsStream s;
    s.set_encrypted();
    s.set_decryptor(std::make_unique<tls::RecordDecryptor>(aes128gcm_sha256(), hex(kServerHsSecret), std::vector<uint8_t>{}));
    Recorder obs;
    for (size_t i = 0; i < raw.size(); i += chunk)
      s.feed(util::Bytes(raw).subspan(i, std::min(chunk, raw.size() - i)), {uint64_t(1 + i / chunk), 0}, obs);
    CHECK(obs.encrypted == 1);
    REQUIRE(obs.certs.size() == 1);
    CHECK(obs.certs[0].size() == 0x1b0);  // cert_data<0x1b0>: 30 82 01 ac + 428 bytes of DER
    CHECK(obs.certs[0][0] == 0x30);
    CHECK(obs.events == std::vector<std::string>{"handshake encrypted_extensions", "certificates 1",
                                                 "handshake certificate_verify", "handshake finished",
                                                 "decryption ended: the key log has no application traffic secret "
                                                 "for this side"});
    CHECK(s.decrypted_records() == 1);
  }
}

TEST_CASE("TlsStream: client Finished then application data, a tampered record stops decryption", "[decrypt]") {
  auto fin = hex(kClientFinishedRecord), app = hex(kClientAppRecord);
  std::vector<uint8_t> both = fin;
  both.insert(both.end(), app.begin(), app.end());  // two records in one segment
  tls::TlsStream s;
  s.set_encrypted();
  s.set_decryptor(std::make_unique<tls::RecordDecryptor>(aes128gcm_sha256(), hex(kClientHsSecret), hex(kClientApSecret)));
  Recorder obs;
  s.feed(both, {5, 0}, obs);
  REQUIRE(obs.app_data.size() == 1);
  CHECK(obs.app_data[0] == payload_0_to_31());
  auto tampered = app;
  tampered.back() ^= 0x80;
  s.feed(tampered, {6, 0}, obs);
  s.feed(app, {7, 0}, obs);  // never decrypted after the failure
  CHECK(obs.app_data.size() == 1);
  CHECK(obs.events.back().rfind("decryption failed at frame 6: ApplicationData record of 67 bytes", 0) == 0);
  CHECK(obs.encrypted == 4);
  CHECK_FALSE(s.decrypting());
}

TEST_CASE("Key log: labels, comments, errors naming the line", "[decrypt][keylog]") {
  const std::string random(64, 'a'), master(96, 'b'), secret32(64, 'c');
  tls::KeyLog keys;
  std::string text = "# comment\n\nCLIENT_RANDOM " + random + " " + master + "\r\n" +
                     "EXPORTER_SECRET " + random + " " + secret32 + "\n" +
                     "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + random + " " + secret32 + "\n";
  CHECK_FALSE(keys.add_text(text, "keys.txt"));
  REQUIRE(keys.size() == 1);
  tls::Random r;
  r.fill(0xaa);
  const auto* s = keys.find(r);
  REQUIRE(s);
  CHECK(s->master_secret.size() == 48);
  CHECK(s->client_handshake_traffic.size() == 32);
  CHECK(s->server_handshake_traffic.empty());
  r[0] = 0;
  CHECK(keys.find(r) == nullptr);

  auto err = keys.add_text("# ok\nCLIENT_RANDOM " + random + "\n", "k.log");
  REQUIRE(err);
  CHECK(*err == "k.log:2: CLIENT_RANDOM needs 2 fields (client random, secret), found 1");
  err = keys.add_text("\n\nCLIENT_RANDOM " + random + " " + std::string(94, 'b') + "\n", "k.log");
  REQUIRE(err);
  CHECK(*err == "k.log:3: master secret is not 48 bytes (96 hex digits)");
  err = keys.add_text("CLIENT_RANDOM zz" + random.substr(2) + " " + master + "\n", "k.log");
  REQUIRE(err);
  CHECK(*err == "k.log:1: client random is not 64 hex digits");
  err = keys.add_text("hello world\n", "k.log");
  REQUIRE(err);
  CHECK(*err == "k.log:1: not a key log line (unknown label 'hello')");
  err = keys.add_file("/nonexistent/keys.log");
  REQUIRE(err);
  CHECK(err->rfind("/nonexistent/keys.log: cannot open key log", 0) == 0);
}

TEST_CASE("The samples' key log reads", "[decrypt][keylog]") {
  tls::KeyLog keys;
  CHECK_FALSE(keys.add_file(std::string(RDPCAP_SOURCE_DIR) + "/samples/tls-keylog.txt"));
  CHECK(keys.size() >= 10);
}

namespace {
// A pcapng file in memory: SHB, one Decryption Secrets Block, an IDB.
std::vector<uint8_t> pcapng_with_secrets(const std::string& secrets, bool big_endian) {
  std::vector<uint8_t> out;
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(big_endian ? v >> (24 - 8 * i) : v >> (8 * i)));
  };
  auto u16 = [&](uint16_t v) {
    out.push_back(uint8_t(big_endian ? v >> 8 : v));
    out.push_back(uint8_t(big_endian ? v : v >> 8));
  };
  u32(0x0A0D0D0A);
  u32(28);
  u32(0x1A2B3C4D);
  u16(1);
  u16(0);
  u32(0xffffffff);
  u32(0xffffffff);
  u32(28);
  const uint32_t padded = (secrets.size() + 3) / 4 * 4;
  u32(0x0000000A);
  u32(20 + padded);
  u32(0x544c534b);
  u32(static_cast<uint32_t>(secrets.size()));
  out.insert(out.end(), secrets.begin(), secrets.end());
  out.resize(out.size() + (padded - secrets.size()));
  u32(20 + padded);
  u32(1);  // IDB
  u32(20);
  u16(1);
  u16(0);
  u32(0);
  u32(20);
  return out;
}
}  // namespace

TEST_CASE("pcapng Decryption Secrets Blocks are read in both byte orders", "[decrypt][dsb]") {
  const std::string line = "CLIENT_RANDOM " + std::string(64, '1') + " " + std::string(96, '2') + "\n";
  // seekable = false: the walk reads over other blocks instead of seeking (a .pcapng.gz).
  for (bool big : {false, true})
    for (bool seekable : {true, false}) {
      auto file = pcapng_with_secrets(line, big);
      FILE* f = fmemopen(file.data(), file.size(), "rb");
      REQUIRE(f);
      tls::KeyLog keys;
      auto r = tls::add_pcapng_secrets(f, "mem.pcapng", keys, seekable);
      const bool at_end = std::fgetc(f) == EOF;  // every block was walked
      std::fclose(f);
      CHECK_FALSE(r.error);
      CHECK(r.blocks == 1);
      CHECK(keys.size() == 1);
      CHECK(at_end);
    }
  // A malformed line inside the block names the block and line.
  auto file = pcapng_with_secrets("# x\nCLIENT_RANDOM 00\n", false);
  FILE* f = fmemopen(file.data(), file.size(), "rb");
  tls::KeyLog keys;
  auto r = tls::add_pcapng_secrets(f, "mem.pcapng", keys);
  std::fclose(f);
  REQUIRE(r.error);
  CHECK(*r.error == "mem.pcapng (secrets block 1):2: CLIENT_RANDOM needs 2 fields (client random, secret), found 1");
  // A block length that is not a multiple of 4 stops the walk with an error.
  file = pcapng_with_secrets(line, false);
  file[32] = 0x15;  // the DSB's total length
  f = fmemopen(file.data(), file.size(), "rb");
  tls::KeyLog none;
  r = tls::add_pcapng_secrets(f, "mem.pcapng", none);
  std::fclose(f);
  CHECK(r.error);
  CHECK(none.empty());
  // A classic pcap is no error and has no secrets.
  tls::KeyLog from_pcap;
  auto p = tls::add_pcapng_secrets(std::string(RDPCAP_SOURCE_DIR) + "/samples/pcaps/01-healthy-hybrid-tls12.pcap", from_pcap);
  CHECK_FALSE(p.error);
  CHECK(p.blocks == 0);
}

namespace {
// Test-side sealing of TLS 1.2 records with OpenSSL (the decryptor under test
// must open what a TLS stack would produce).
std::vector<uint8_t> evp_crypt(const char* cipher, bool enc, const std::vector<uint8_t>& key,
                               const std::vector<uint8_t>& iv, const std::vector<uint8_t>& in, bool pad = false) {
  EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, cipher, nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_CipherInit_ex2(ctx, c, key.data(), iv.data(), enc ? 1 : 0, nullptr);
  EVP_CIPHER_CTX_set_padding(ctx, pad ? 1 : 0);
  std::vector<uint8_t> out(in.size() + 32);
  int n = 0, f = 0;
  EVP_CipherUpdate(ctx, out.data(), &n, in.data(), int(in.size()));
  EVP_CipherFinal_ex(ctx, out.data() + n, &f);
  out.resize(size_t(n + f));
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(c);
  return out;
}
std::vector<uint8_t> header13(uint64_t seq, uint8_t type, uint16_t version, size_t len) {
  std::vector<uint8_t> a(13);
  for (int i = 0; i < 8; ++i) a[i] = uint8_t(seq >> (56 - 8 * i));
  a[8] = type;
  a[9] = uint8_t(version >> 8);
  a[10] = uint8_t(version);
  a[11] = uint8_t(len >> 8);
  a[12] = uint8_t(len);
  return a;
}
}  // namespace

TEST_CASE("TLS 1.2 AES-CBC records, MAC-then-encrypt and encrypt_then_mac, open with the key block", "[decrypt]") {
  // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (0xC013): mac 20, key 16; TLS 1.2 PRF SHA-256.
  tls::SessionSecrets secrets;
  secrets.master_secret = std::vector<uint8_t>(48, 0x42);
  tls::Random cr, sr;
  cr.fill(1);
  sr.fill(2);
  std::vector<uint8_t> seed(sr.begin(), sr.end());
  seed.insert(seed.end(), cr.begin(), cr.end());
  auto block = *tls::tls1_prf("SHA256", secrets.master_secret, "key expansion", seed, 2 * (20 + 16));
  std::vector<uint8_t> client_mac(block.begin(), block.begin() + 20), client_key(block.begin() + 40, block.begin() + 56);
  const std::vector<uint8_t> content = {0x14, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // a Finished
  const std::vector<uint8_t> iv(16, 0x33);
  for (bool etm : {false, true}) {
    INFO("encrypt_then_mac " << etm);
    std::vector<uint8_t> record;
    if (!etm) {
      auto mac_in = header13(0, 22, 0x0303, content.size());
      mac_in.insert(mac_in.end(), content.begin(), content.end());
      auto mac = *tls::hmac("SHA1", client_mac, mac_in);
      std::vector<uint8_t> plain = content;
      plain.insert(plain.end(), mac.begin(), mac.end());
      size_t pad = 16 - (plain.size() + 1) % 16;
      plain.insert(plain.end(), pad + 1, uint8_t(pad));
      record = iv;
      auto ct = evp_crypt("AES-128-CBC", true, client_key, iv, plain);
      record.insert(record.end(), ct.begin(), ct.end());
    } else {
      std::vector<uint8_t> plain = content;
      size_t pad = 16 - (plain.size() + 1) % 16;
      plain.insert(plain.end(), pad + 1, uint8_t(pad));
      record = iv;
      auto ct = evp_crypt("AES-128-CBC", true, client_key, iv, plain);
      record.insert(record.end(), ct.begin(), ct.end());
      auto mac_in = header13(0, 22, 0x0303, record.size());
      mac_in.insert(mac_in.end(), record.begin(), record.end());
      auto mac = *tls::hmac("SHA1", client_mac, mac_in);
      record.insert(record.end(), mac.begin(), mac.end());
    }
    auto pair = tls::tls12_decryptors(secrets, 0x0303, 0xC013, cr, sr, etm);
    REQUIRE(pair.client);
    auto r = pair.client->decrypt(22, 0x0303, record);
    REQUIRE(r.ok);
    CHECK(r.plaintext == content);
    // The other mode does not verify.
    auto other = tls::tls12_decryptors(secrets, 0x0303, 0xC013, cr, sr, !etm);
    CHECK_FALSE(other.client->decrypt(22, 0x0303, record).ok);
  }
}

TEST_CASE("Suites: which decrypt, and why not", "[decrypt]") {
  CHECK(tls::suite_crypto(0xC030));  // ECDHE_RSA AES_256_GCM SHA384
  CHECK(tls::suite_crypto(0x1303));  // TLS_CHACHA20_POLY1305_SHA256
  CHECK(tls::suite_crypto(0xCCA8));
  CHECK(tls::suite_crypto(0x003D));  // RSA AES_256_CBC SHA256
  CHECK_FALSE(tls::suite_crypto(0x0005));  // RC4
  CHECK_FALSE(tls::suite_crypto(0x1304));  // CCM
  tls::SessionSecrets none;
  tls::Random r{};
  auto p = tls::tls12_decryptors(none, 0x0303, 0xC030, r, r, false);
  CHECK_FALSE(p.client);
  CHECK(p.problem == "the key log has no CLIENT_RANDOM (master secret) for this TLS 1.2 session");
  auto q = tls::tls12_decryptors(none, 0x0303, 0x0005, r, r, false);
  CHECK(q.problem == "cipher suite TLS_RSA_WITH_RC4_128_SHA is not supported for decryption");
}
