// A small, bounded pcapng writer (draft-ietf-opsawg-pcapng): one Section
// Header Block, one Interface Description Block (link type, snaplen), then
// Enhanced Packet Blocks with microsecond timestamps and opt_comment options.
// libpcap cannot write packet comments, hence this. Little-endian output.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace rdpcap::cli {

class PcapngWriter {
 public:
  static constexpr size_t kMaxComment = 4096;   // bytes per comment (longer ones are cut)
  static constexpr size_t kMaxComments = 32;    // comments per packet
  static constexpr size_t kMaxPacket = 262144;  // captured bytes per packet (libpcap's maximum snaplen)

  PcapngWriter() = default;
  ~PcapngWriter();
  PcapngWriter(const PcapngWriter&) = delete;
  PcapngWriter& operator=(const PcapngWriter&) = delete;

  // Creates the file and writes SHB + IDB. False: error() says why.
  bool open(const std::string& path, uint16_t link_type, uint32_t snaplen, const std::string& application);
  // One EPB. `time_us`: microseconds since the epoch.
  bool write_packet(int64_t time_us, const uint8_t* data, uint32_t captured, uint32_t original,
                    const std::vector<std::string>& comments);
  // A Decryption Secrets Block (pcapng 4.7) of type TLSK holding NSS key log
  // lines; written before the packets it decrypts.
  bool write_tls_secrets(const std::string& nss_key_log);
  bool close();
  const std::string& error() const { return error_; }
  uint64_t packets() const { return packets_; }

 private:
  bool emit(const std::vector<uint8_t>& block);
  std::FILE* file_ = nullptr;
  std::string error_;
  uint64_t packets_ = 0;
};

}  // namespace rdpcap::cli
