#include "capture_reader.hpp"

#include <pcap/pcap.h>

#include <memory>

#include "net/packet.hpp"
#include "util/time.hpp"

namespace rdpcap::cli {

ReadResult read_capture(const std::string& path, session::Analyzer& analyzer, ReadProgress* progress) {
  ReadResult result;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, decltype(&pcap_close)> pcap(
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf), &pcap_close);
  if (!pcap) {
    result.error = errbuf;
    return result;
  }
  const int link_type = pcap_datalink(pcap.get());
  if (!net::link_type_supported(static_cast<uint32_t>(link_type))) {
    const char* name = pcap_datalink_val_to_name(link_type);
    result.error = "unsupported link type " + std::to_string(link_type) + (name ? std::string(" (") + name + ")" : "");
    return result;
  }
  result.opened = true;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  uint64_t bytes = 24;  // file header, then 16 per record (pcap; close enough for pcapng)
  const auto report = [&] {
    if (!progress) return;
    progress->bytes.store(bytes, std::memory_order_relaxed);
    progress->connections.store(analyzer.connections_seen(), std::memory_order_relaxed);
  };
  for (;;) {
    const int rc = pcap_next_ex(pcap.get(), &header, &data);
    if (rc == PCAP_ERROR_BREAK) break;  // end of file
    if (rc != 1) {
      result.complete = false;
      result.error = std::string("capture is damaged after frame ") + std::to_string(result.frames) + ": " +
                     pcap_geterr(pcap.get());
      break;
    }
    ++result.frames;
    session::FrameInfo frame;
    frame.number = result.frames;
    frame.time_us = util::to_micros(header->ts.tv_sec, header->ts.tv_usec);
    frame.link_type = static_cast<uint32_t>(link_type);
    frame.wire_length = header->len;
    analyzer.on_frame(frame, util::Bytes(data, header->caplen));
    bytes += 16 + header->caplen;
    if ((result.frames & 1023) == 0) report();
  }
  report();
  return result;
}

}  // namespace rdpcap::cli
