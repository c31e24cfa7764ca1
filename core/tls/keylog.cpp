// NSS key log format: one "<LABEL> <client_random hex> <secret hex>" per line
// (NSS "Key Log Format", as read by Wireshark's tls.keylog_file).
#include "tls/keylog.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace rdpcap::tls {

namespace {

constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxFileBytes = 64u << 20;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool decode_hex(std::string_view s, std::vector<uint8_t>& out) {
  if (s.empty() || s.size() % 2 != 0) return false;
  out.clear();
  out.reserve(s.size() / 2);
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<uint8_t>((hi << 4) | lo));
  }
  return true;
}

// Splits on runs of spaces/tabs; at most 4 fields (the 4th means "too many").
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> f;
  size_t i = 0;
  while (i < line.size() && f.size() < 4) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) f.push_back(line.substr(start, i - start));
  }
  return f;
}

// The member of SessionSecrets a label fills, and the secret lengths it allows.
std::vector<uint8_t>* slot_for(std::string_view label, SessionSecrets& s, bool& tls13) {
  tls13 = true;
  if (label == "CLIENT_RANDOM") {
    tls13 = false;
    return &s.master_secret;
  }
  if (label == "CLIENT_HANDSHAKE_TRAFFIC_SECRET") return &s.client_handshake_traffic;
  if (label == "SERVER_HANDSHAKE_TRAFFIC_SECRET") return &s.server_handshake_traffic;
  if (label == "CLIENT_TRAFFIC_SECRET_0") return &s.client_application_traffic_0;
  if (label == "SERVER_TRAFFIC_SECRET_0") return &s.server_application_traffic_0;
  return nullptr;
}

bool known_other_label(std::string_view label) {
  // Labels of the format we do not need (RFC 8446 7.5 exporter, 0-RTT, RSA
  // pre-master secrets of old NSS logs).
  for (std::string_view l : {"EXPORTER_SECRET", "EARLY_EXPORTER_SECRET", "CLIENT_EARLY_TRAFFIC_SECRET", "RSA",
                             "PMS_CLIENT_RANDOM"})
    if (label == l) return true;
  // Any other upper-case label: a later extension of the format, ignored like Wireshark does.
  for (char c : label)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return !label.empty();
}

}  // namespace

std::optional<std::string> KeyLog::add_text(std::string_view text, const std::string& source) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto error = [&](const std::string& why) { return source + ":" + std::to_string(line_no) + ": " + why; };
    if (line.size() > kMaxLine) return error("line longer than " + std::to_string(kMaxLine) + " bytes");
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;  // blank or comment
    auto f = fields_of(line);
    SessionSecrets scratch;
    bool tls13 = false;
    std::vector<uint8_t>* slot = slot_for(f[0], scratch, tls13);
    if (!slot) {
      if (known_other_label(f[0])) continue;
      return error("not a key log line (unknown label '" + std::string(f[0].substr(0, 40)) + "')");
    }
    if (f.size() != 3)
      return error(std::string(f[0]) + " needs 2 fields (client random, secret), found " + std::to_string(f.size() - 1) +
                   (f.size() == 4 ? " or more" : ""));
    std::vector<uint8_t> random, secret;
    if (!decode_hex(f[1], random) || random.size() != 32)
      return error("client random is not 64 hex digits");
    if (!decode_hex(f[2], secret)) return error("secret is not hex");
    if (!tls13 && secret.size() != 48) return error("master secret is not 48 bytes (96 hex digits)");
    // RFC 8446 7.1: a traffic secret is Hash.length bytes (SHA-256 or SHA-384).
    if (tls13 && secret.size() != 32 && secret.size() != 48)
      return error("traffic secret is not 32 or 48 bytes (64 or 96 hex digits)");
    Random key;
    std::memcpy(key.data(), random.data(), 32);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) {
      if (sessions_.size() >= kMaxSessions)
        return error("more than " + std::to_string(kMaxSessions) + " sessions in the key logs");
      it = sessions_.emplace(key, SessionSecrets{}).first;
    }
    bool unused = false;
    *slot_for(f[0], it->second, unused) = std::move(secret);
  }
  return std::nullopt;
}

std::optional<std::string> KeyLog::add_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return path + ": cannot open key log: " + std::strerror(errno);
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    if (text.size() + n > kMaxFileBytes)
      return path + ": key log larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB";
    text.append(buf, n);
  }
  if (std::ferror(f.get())) return path + ": cannot read key log: " + std::strerror(errno);
  return add_text(text, path);
}

void KeyLog::merge(const KeyLog& other) {
  for (const auto& [random, s] : other.sessions_) {
    auto& mine = sessions_[random];
    if (!s.master_secret.empty()) mine.master_secret = s.master_secret;
    if (!s.client_handshake_traffic.empty()) mine.client_handshake_traffic = s.client_handshake_traffic;
    if (!s.server_handshake_traffic.empty()) mine.server_handshake_traffic = s.server_handshake_traffic;
    if (!s.client_application_traffic_0.empty()) mine.client_application_traffic_0 = s.client_application_traffic_0;
    if (!s.server_application_traffic_0.empty()) mine.server_application_traffic_0 = s.server_application_traffic_0;
  }
}

const SessionSecrets* KeyLog::find(const Random& client_random) const {
  auto it = sessions_.find(client_random);
  return it == sessions_.end() ? nullptr : &it->second;
}

std::string KeyLog::nss_lines(const Random& client_random) const {
  const auto it = sessions_.find(client_random);
  if (it == sessions_.end()) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  const auto hex = [](const uint8_t* p, size_t n) {
    std::string out;
    out.reserve(2 * n);
    for (size_t i = 0; i < n; ++i) out += kHex[p[i] >> 4], out += kHex[p[i] & 0xf];
    return out;
  };
  const std::string random = hex(client_random.data(), client_random.size());
  std::string out;
  const auto line = [&](const char* label, const std::vector<uint8_t>& secret) {
    if (!secret.empty()) out += std::string(label) + " " + random + " " + hex(secret.data(), secret.size()) + "\n";
  };
  const SessionSecrets& s = it->second;
  line("CLIENT_RANDOM", s.master_secret);
  line("CLIENT_HANDSHAKE_TRAFFIC_SECRET", s.client_handshake_traffic);
  line("SERVER_HANDSHAKE_TRAFFIC_SECRET", s.server_handshake_traffic);
  line("CLIENT_TRAFFIC_SECRET_0", s.client_application_traffic_0);
  line("SERVER_TRAFFIC_SECRET_0", s.server_application_traffic_0);
  return out;
}

}  // namespace rdpcap::tls
