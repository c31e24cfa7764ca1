/* The floor for rdpcap-analyze's throughput: a plain libpcap read loop that
 * opens a capture, reads every packet with pcap_next_ex() and touches nothing
 * but the header (frame count, captured bytes). Same libpcap call and
 * timestamp precision as offline-analyzer/capture_reader.cpp.
 *   pcap_floor FILE  ->  "frames N captured_bytes B" */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char** argv) {
  char errbuf[PCAP_ERRBUF_SIZE];
  if (argc != 2) {
    fprintf(stderr, "usage: pcap_floor FILE\n");
    return 2;
  }
  pcap_t* p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  if (!p) {
    fprintf(stderr, "pcap_floor: %s\n", errbuf);
    return 2;
  }
  struct pcap_pkthdr* h;
  const u_char* data;
  uint64_t frames = 0, bytes = 0;
  int rc;
  while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
    ++frames;
    bytes += h->caplen;
  }
  if (rc != PCAP_ERROR_BREAK) fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(p));
  printf("frames %llu captured_bytes %llu\n", (unsigned long long)frames, (unsigned long long)bytes);
  pcap_close(p);
  return rc == PCAP_ERROR_BREAK ? 0 : 1;
}
