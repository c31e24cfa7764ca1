// pcapng block walk (draft-ietf-opsawg-pcapng 3.1 general block structure:
// type u32, total length u32, body, total length u32; 4.1 Section Header Block
// with the byte-order magic 0x1A2B3C4D; 4.7 Decryption Secrets Block).
#include "tls/pcapng_secrets.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace rdpcap::tls {

namespace {

constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kDecryptionSecrets = 0x0000000A;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr uint32_t kSecretsTls = 0x544c534b;            // "TLSK"
constexpr uint32_t kMaxSecretsBlock = 16u << 20;        // one block's secrets
constexpr uint64_t kMaxSecretsTotal = 64u << 20;        // all blocks together

uint32_t load32(const uint8_t* p, bool big_endian) {
  return big_endian ? (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]
                    : uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// Reads and discards `n` bytes (a stream that cannot seek); false at its end.
bool skip(std::FILE* f, uint64_t n) {
  char scratch[1 << 14];
  while (n > 0) {
    const size_t want = n < sizeof scratch ? static_cast<size_t>(n) : sizeof scratch;
    if (std::fread(scratch, 1, want, f) != want) return false;
    n -= want;
  }
  return true;
}

}  // namespace

PcapngSecrets add_pcapng_secrets(std::FILE* f, const std::string& name, KeyLog& keys, bool seekable) {
  PcapngSecrets out;
  uint8_t head[12];
  if (std::fread(head, 1, 12, f) != 12) return out;  // too short for pcapng: not ours to judge
  long long at = 12;  // bytes read so far (where the stream is)
  if (load32(head, false) != kSectionHeader) return out;  // classic pcap or something else
  bool big = false;
  uint64_t total_secrets = 0;
  bool first = true;
  // `head` holds the first 12 bytes of the block at `block_start`.
  long long block_start = 0;
  for (;;) {
    uint32_t type = load32(head, big);
    if (first || load32(head, false) == kSectionHeader) {
      // SHB (4.1): its own byte-order magic says how to read everything up to the next SHB.
      uint32_t magic_le = load32(head + 8, false);
      if (magic_le == kByteOrderMagic)
        big = false;
      else if (load32(head + 8, true) == kByteOrderMagic)
        big = true;
      else {
        out.error = name + ": pcapng section header with a bad byte-order magic at offset " + std::to_string(block_start);
        return out;
      }
      type = kSectionHeader;
      first = false;
    }
    uint32_t length = load32(head + 4, big);
    if (length < 12 || length % 4 != 0) {
      out.error = name + ": pcapng block of length " + std::to_string(length) + " at offset " +
                  std::to_string(block_start) + " (secrets after it not read)";
      return out;
    }
    if (type == kDecryptionSecrets) {
      // Body: secrets type u32, secrets length u32, data (padded to 32 bits), options.
      uint32_t secrets_type = load32(head + 8, big);
      uint8_t len_buf[4];
      if (std::fread(len_buf, 1, 4, f) != 4) return out;  // cut short: nothing more
      at += 4;
      uint32_t secrets_len = load32(len_buf, big);
      if (length < 20 || secrets_len > length - 20) {
        out.error = name + ": Decryption Secrets Block at offset " + std::to_string(block_start) +
                    " with secrets longer than the block";
        return out;
      }
      if (secrets_type == kSecretsTls) {
        if (secrets_len > kMaxSecretsBlock || total_secrets + secrets_len > kMaxSecretsTotal) {
          out.error = name + ": TLS secrets block larger than the cap (" + std::to_string(kMaxSecretsBlock >> 20) +
                      " MiB a block, " + std::to_string(kMaxSecretsTotal >> 20) + " MiB in all)";
          return out;
        }
        std::string text(secrets_len, '\0');
        if (std::fread(text.data(), 1, secrets_len, f) != secrets_len) return out;  // cut short
        at += secrets_len;
        total_secrets += secrets_len;
        ++out.blocks;
        if (auto err = keys.add_text(text, name + " (secrets block " + std::to_string(out.blocks) + ")")) {
          out.error = *err;
          return out;
        }
      }
    }
    block_start += length;
    if (seekable) {
      if (std::fseek(f, static_cast<long>(block_start), SEEK_SET) != 0) return out;
    } else if (!skip(f, static_cast<uint64_t>(block_start - at))) {
      return out;  // end of the stream inside the block
    }
    if (std::fread(head, 1, 12, f) != 12) return out;  // end of file (or a cut last block)
    at = block_start + 12;
  }
}

PcapngSecrets add_pcapng_secrets(const std::string& path, KeyLog& keys) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return {0, path + ": cannot open: " + std::strerror(errno)};
  return add_pcapng_secrets(f.get(), path, keys);
}

}  // namespace rdpcap::tls
