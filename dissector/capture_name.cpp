#include "capture_name.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

namespace rdpcap::plugin {

namespace {

std::vector<std::string> command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  size_t start = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == '\0') {
      args.push_back(all.substr(start, i - start));
      start = i + 1;
    }
  }
  return args;
}

// tshark -r FILE / -rFILE / --read-file FILE / --read-file=FILE
std::string from_command_line() {
  const auto args = command_line();
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "-r" || a == "--read-file") && i + 1 < args.size()) return args[i + 1];
    if (a.rfind("--read-file=", 0) == 0) return a.substr(12);
    if (a.size() > 2 && a.rfind("-r", 0) == 0 && a[2] != '-') return a.substr(2);
  }
  return {};
}

bool looks_like_capture(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  unsigned char m[4] = {};
  if (!in.read(reinterpret_cast<char*>(m), 4)) return false;
  const uint32_t be = (uint32_t{m[0]} << 24) | (uint32_t{m[1]} << 16) | (uint32_t{m[2]} << 8) | m[3];
  switch (be) {
    case 0xA1B2C3D4: case 0xD4C3B2A1:  // pcap (us)
    case 0xA1B23C4D: case 0x4D3CB2A1:  // pcap (ns)
    case 0x0A0D0D0A:                   // pcapng section header
      return true;
  }
  return m[0] == 0x1F && m[1] == 0x8B;  // gzip-compressed capture
}

// The GUI opens files from its menu: find the capture among our open files.
std::string from_open_files() {
  std::error_code ec;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::error_code lec;
    const auto target = std::filesystem::read_symlink(fd.path(), lec);
    if (lec || target.empty() || target.native()[0] != '/') continue;
    if (!std::filesystem::is_regular_file(target, lec) || lec) continue;
    if (looks_like_capture(target)) return target.string();
  }
  return {};
}

}  // namespace

std::string capture_name() {
  std::string name = from_command_line();
  if (name.empty()) name = from_open_files();
  if (name.empty()) name = "capture";
  return name;
}

}  // namespace rdpcap::plugin
