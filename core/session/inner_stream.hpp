// The decrypted inside of one RDP connection, per direction, in order
// (issue #11 item 3): frames CredSSP TSRequests (DER lengths, MS-CSSP 2.2.1),
// the Early User Authorization Result (MS-RDPBCGR 2.2.10.2), then TPKT and
// fast-path PDUs, and records what they say in model::InnerFacts. It is fed
// plaintext only (the TLS decryption calls it per record), so it can be
// tested without keys. Bounded: a PDU longer than the limits stops decoding
// of that direction and says so; whole PDUs are decoded in place, only a cut
// PDU is copied.
#pragma once

#include <cstdint>
#include <vector>

#include "util/frame_ref.hpp"
#include "model/inner_facts.hpp"
#include "session/limits.hpp"
#include "util/byte_reader.hpp"

namespace rdpcap::session {

class InnerStream {
 public:
  // Bounded by limits.ts_request_bytes, max_inner_kerberos and max_offered_mechs.
  explicit InnerStream(const Limits& limits = {})
      : max_ts_request_(limits.ts_request_bytes),
        max_kerberos_(limits.max_inner_kerberos),
        max_mechs_(limits.max_offered_mechs) {}

  // X.224 selectedProtocol (MS-RDPBCGR 2.2.1.2.1): with HYBRID_EX (0x8) the
  // server's first non-CredSSP bytes are the Early User Authorization Result.
  void set_selected_protocol(uint32_t selected) { selected_ = selected; }

  // Decrypted application data of one direction, in stream order; `at` is
  // the frame of the TLS record it came from.
  void on_application_data(model::InnerFacts& facts, model::Direction from, util::Bytes plaintext,
                           const model::FrameRef& at);

 private:
  struct Side {
    std::vector<uint8_t> pending;  // a cut PDU
    model::FrameRef pending_at;    // where it started
    bool stopped = false;
  };
  // Decodes whole PDUs from `data`; returns how many bytes were used.
  size_t consume(model::InnerFacts& f, model::Direction from, util::Bytes data, const model::FrameRef& at);
  void ts_request(model::InnerFacts& f, model::Direction from, util::Bytes pdu, const model::FrameRef& at);
  void auth_token(model::InnerFacts& f, model::Direction from, util::Bytes token, const model::FrameRef& at);
  void tpkt(model::InnerFacts& f, model::Direction from, util::Bytes pdu, const model::FrameRef& at);
  void send_data(model::InnerFacts& f, model::Direction from, util::Bytes user_data, const model::FrameRef& at);
  void stop(model::InnerFacts& f, model::Direction from, std::string why, const model::FrameRef& at);

  size_t max_ts_request_, max_kerberos_, max_mechs_;
  Side client_, server_;
  uint32_t selected_ = 0;
  bool server_sent_rdp_ = false;  // the server sent something other than a TSRequest
};

}  // namespace rdpcap::session
