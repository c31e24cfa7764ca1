#include "pcapng_writer.hpp"

#include <cerrno>
#include <cstring>

namespace rdpcap::cli {

namespace {

// Block and option encoding (draft-ietf-opsawg-pcapng sections 3.1, 3.5).
void u16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v));
  b.push_back(static_cast<uint8_t>(v >> 8));
}
void u32(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void pad4(std::vector<uint8_t>& b) {
  while (b.size() % 4) b.push_back(0);
}
void option(std::vector<uint8_t>& b, uint16_t code, const void* value, size_t length) {
  u16(b, code);
  u16(b, static_cast<uint16_t>(length));
  const auto* p = static_cast<const uint8_t*>(value);
  b.insert(b.end(), p, p + length);
  pad4(b);
}
void end_of_options(std::vector<uint8_t>& b) { u32(b, 0); }  // opt_endofopt: code 0, length 0

// Wraps a block body: type, total length, body, total length.
std::vector<uint8_t> block(uint32_t type, const std::vector<uint8_t>& body) {
  std::vector<uint8_t> b;
  const uint32_t total = static_cast<uint32_t>(12 + body.size());
  u32(b, type);
  u32(b, total);
  b.insert(b.end(), body.begin(), body.end());
  u32(b, total);
  return b;
}

// A comment must be UTF-8 (opt_comment); cut at a character boundary.
std::string bounded(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

bool PcapngWriter::write_tls_secrets(const std::string& nss_key_log) {
  std::vector<uint8_t> body;
  u32(body, 0x544c534b);  // secrets type TLSK (TLS key log)
  u32(body, static_cast<uint32_t>(nss_key_log.size()));
  body.insert(body.end(), nss_key_log.begin(), nss_key_log.end());
  pad4(body);
  return emit(block(0x0000000A, body));
}

PcapngWriter::~PcapngWriter() {
  if (file_) std::fclose(file_);
}

bool PcapngWriter::emit(const std::vector<uint8_t>& b) {
  if (!file_) return false;
  if (std::fwrite(b.data(), 1, b.size(), file_) != b.size()) {
    error_ = std::string("write failed: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool PcapngWriter::open(const std::string& path, uint16_t link_type, uint32_t snaplen, const std::string& application) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) {
    error_ = std::strerror(errno);
    return false;
  }
  // Section Header Block (3.1 / 4.1): byte-order magic, version 1.0, unknown section length.
  std::vector<uint8_t> shb;
  u32(shb, 0x1A2B3C4D);
  u16(shb, 1);
  u16(shb, 0);
  u32(shb, 0xFFFFFFFF);
  u32(shb, 0xFFFFFFFF);
  const std::string app = bounded(application, 256);
  option(shb, 4, app.data(), app.size());  // shb_userappl
  end_of_options(shb);
  // Interface Description Block (4.2): link type, reserved, snaplen; default if_tsresol (microseconds).
  std::vector<uint8_t> idb;
  u16(idb, link_type);
  u16(idb, 0);
  u32(idb, snaplen);
  end_of_options(idb);
  return emit(block(0x0A0D0D0A, shb)) && emit(block(0x00000001, idb));
}

bool PcapngWriter::write_packet(int64_t time_us, const uint8_t* data, uint32_t captured, uint32_t original,
                                const std::vector<std::string>& comments) {
  if (captured > kMaxPacket) captured = kMaxPacket;
  if (original < captured) original = captured;
  // Enhanced Packet Block (4.3).
  std::vector<uint8_t> epb;
  const uint64_t ts = static_cast<uint64_t>(time_us);
  u32(epb, 0);  // interface 0
  u32(epb, static_cast<uint32_t>(ts >> 32));
  u32(epb, static_cast<uint32_t>(ts & 0xFFFFFFFF));
  u32(epb, captured);
  u32(epb, original);
  epb.insert(epb.end(), data, data + captured);
  pad4(epb);
  if (!comments.empty()) {
    for (size_t i = 0; i < comments.size() && i < kMaxComments; ++i) {
      const std::string c = bounded(comments[i], kMaxComment);
      option(epb, 1, c.data(), c.size());  // opt_comment
    }
    end_of_options(epb);
  }
  if (!emit(block(0x00000006, epb))) return false;
  ++packets_;
  return true;
}

bool PcapngWriter::close() {
  if (!file_) return false;
  const bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
  if (!ok && error_.empty()) error_ = std::string("write failed: ") + std::strerror(errno);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  return ok && closed;
}

}  // namespace rdpcap::cli
