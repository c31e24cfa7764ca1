// TCP-level findings: the connection never got going, or ended before the
// RDP negotiation finished.
#include <fmt/format.h>

#include "proto/socks.hpp"
#include "rules/rule_context.hpp"

namespace rdpcap::rules {

using model::Stage;

namespace {

void unanswered_syn(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const auto& tcp = c.tcp;
  const std::string server = text::endpoint(c.server_ip, c.server_port);
  const std::string attempts =
      fmt::format("{} SYN{} over {}", tcp.syn_count, tcp.syn_count == 1 ? "" : "s",
                  text::duration(tcp.last_syn.time_us - tcp.syn.time_us));
  if (tcp.server_rst.seen()) {
    out.push_back(FindingBuilder("tcp.refused", Severity::error,
                                 fmt::format("Connection refused: {} answered the SYN with a reset", server))
                      .at(tcp.server_rst)
                      .evidence("SYN", server, tcp.syn)
                      .evidence("RST from server", "no service accepted the connection", tcp.server_rst)
                      .remediation(fmt::format(
                          "Nothing accepts connections on port {} of {}. Check that Remote Desktop is enabled and the "
                          "Remote Desktop Services service (TermService) is running, that it listens on this port "
                          "(HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\\PortNumber), "
                          "and that no firewall rejects the port with resets.",
                          c.server_port, c.server_ip))
                      .client_error("mstsc 0x204: the remote computer could not be reached")
                      .build());
    return;
  }
  if (!tcp.icmp.empty()) {
    const auto& icmp = tcp.icmp.front();
    model::FrameRef at = icmp.at;
    out.push_back(
        FindingBuilder("tcp.icmp_unreachable", Severity::error,
                       fmt::format("{} reported {} for {}", icmp.reporter,
                                   text::icmp_unreachable_text(icmp.v6, icmp.type, icmp.code), server))
            .at(at)
            .evidence("SYN", attempts, tcp.syn)
            .evidence(icmp.v6 ? "ICMPv6" : "ICMP",
                      fmt::format("type {} code {} ({}) from {}", icmp.type, icmp.code,
                                  text::icmp_unreachable_text(icmp.v6, icmp.type, icmp.code),
                                  icmp.reporter),
                      at)
            .remediation("A router or firewall on the path rejects the connection. Check routing to the server, "
                         "that the host is up, and firewall rules for TCP " +
                         std::to_string(c.server_port) + " (an administratively prohibited code names a filter).")
            .client_error("mstsc 0x204: the remote computer could not be reached")
            .build());
    return;
  }
  out.push_back(FindingBuilder("tcp.syn_unanswered", Severity::error,
                               fmt::format("No answer from {}: {}", server, attempts))
                    .at(tcp.syn)
                    .evidence("first SYN", server, tcp.syn)
                    .evidence("last SYN", fmt::format("attempt {}", tcp.syn_count), tcp.last_syn)
                    .evidence("answer", c.ended_by_capture ? "none before the capture ended" : "none")
                    .remediation(fmt::format(
                        "The SYNs got no reply at all: a firewall silently drops TCP {}, the host is down or the "
                        "address is wrong. Check the Windows Defender Firewall rule 'Remote Desktop - User Mode "
                        "(TCP-In)', network firewalls/NSGs between client and {}, and that the host answers at all.",
                        c.server_port, c.server_ip))
                    .client_error("mstsc 0x108: connection timed out")
                    .build());
}

void setup_cut_short(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  const Closure end = first_closure(c);
  const std::string server = text::endpoint(c.server_ip, c.server_port);
  switch (c.stage) {
    case Stage::tcp_established:
      if (!c.tcp.saw_handshake || c.tls.client_hello || !c.tls.client_error.empty() || !c.tls.server_error.empty()) {
        break;  // started mid-connection, or TLS findings explain it
      } else if (end.seen) {
        const bool by_server = end.by == model::Direction::server_to_client;
        out.push_back(FindingBuilder(by_server ? "tcp.closed_before_request" : "tcp.client_left_before_request",
                                     by_server ? Severity::error : Severity::info,
                                     fmt::format("TCP connected, but the {} {} before any X.224 Connection Request",
                                                 end.who(), end.how()))
                          .at(end.at)
                          .evidence("TCP established", server, c.tcp.syn_ack.seen() ? c.tcp.syn_ack : c.first)
                          .evidence(fmt::format("{} by {}", end.reset ? "RST" : "FIN", end.who()), "", end.at)
                          .remediation("The client never started RDP on this connection. If the server closed it, "
                                       "something other than Remote Desktop may own the port (check with "
                                       "'netstat -abno' on the server); if the client closed it, it may have been a "
                                       "port scan or a health probe.")
                          .build());
      } else if (c.ended_by_capture && c.tcp.client_bytes == 0) {
        out.push_back(FindingBuilder("capture.ended_during_setup", Severity::warning,
                                     "Capture ends after the TCP handshake, before the client sent anything")
                          .at(c.last)
                          .evidence("last packet", "", c.last)
                          .remediation("Capture longer, or start the capture before reproducing the problem.")
                          .build());
      }
      break;
    case Stage::x224_requested: {
      const auto& req_at = c.negotiation.request_at;
      if (end.seen) {
        const bool by_server = end.by == model::Direction::server_to_client;
        out.push_back(
            FindingBuilder("x224.no_confirm", Severity::error,
                           by_server ? fmt::format("Server accepted TCP but never answered the X.224 Connection "
                                                   "Request; it {} the connection {} later",
                                                   end.how(), text::duration(end.at.time_us - req_at.time_us))
                                     : fmt::format("The server never answered the X.224 Connection Request; the client "
                                                   "gave up after {}",
                                                   text::duration(end.at.time_us - req_at.time_us)))
                .at(end.at)
                .evidence("X.224 Connection Request", "", req_at)
                .evidence(fmt::format("{} by {}", end.reset ? "RST" : "FIN", end.who()), "no Connection Confirm",
                          end.at)
                .remediation("The listener accepted the TCP connection but the RDP service did not respond: the "
                             "service is hung or overloaded (too many pending connections, see "
                             "MaxOutstandingConnections; a brute-force attack can cause this), or a proxy/load "
                             "balancer accepted TCP without a working back end. Restart Remote Desktop Services, look "
                             "for RemoteDesktopServices-RdpCoreTS and TerminalServices events on the server, and check "
                             "any load balancer in between.")
                .client_error("mstsc 0x904 (extended 0x7): the connection was ended during setup")
                .server_event("Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational")
                .build());
      } else if (c.ended_by_capture) {
        out.push_back(FindingBuilder("capture.ended_during_setup", Severity::warning,
                                     fmt::format("Capture ends {} after the X.224 Connection Request, with no answer",
                                                 text::duration(c.last.time_us - req_at.time_us)))
                          .at(req_at)
                          .evidence("X.224 Connection Request", "", req_at)
                          .evidence("last packet", "", c.last)
                          .remediation("The server had not answered when the capture stopped. Capture longer to see "
                                       "whether it answers at all.")
                          .build());
      }
      break;
    }
    case Stage::x224_confirmed:
      if (end.seen) {
        out.push_back(FindingBuilder("tcp.closed_before_tls", Severity::error,
                                     fmt::format("The {} {} the connection after the X.224 Confirm, before TLS started",
                                                 end.who(), end.how()))
                          .at(end.at)
                          .evidence("X.224 Connection Confirm", "", c.negotiation.confirm_at)
                          .evidence(fmt::format("{} by {}", end.reset ? "RST" : "FIN", end.who()), "", end.at)
                          .remediation("The negotiation succeeded but no TLS ClientHello followed. If the client "
                                       "closed, it may not support the selected protocol; otherwise check the "
                                       "server's Remote Desktop certificate and TLS configuration.")
                          .client_error("mstsc 0x904 (extended 0x7): the connection was ended during setup")
                          .build());
      } else if (c.ended_by_capture) {
        out.push_back(FindingBuilder("capture.ended_during_setup", Severity::warning,
                                     "Capture ends after the X.224 Confirm, before TLS started")
                          .at(c.last)
                          .evidence("X.224 Connection Confirm", "", c.negotiation.confirm_at)
                          .evidence("last packet", "", c.last)
                          .remediation("Capture longer, or start the capture before reproducing the problem.")
                          .build());
      }
      break;
    default:
      break;
  }
}

}  // namespace

void tcp_rules(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& c = ctx.conn;
  if (c.tcp.server_packets == 0 && c.tcp.client_bytes > 0 && c.tcp.icmp.empty()) {
    // The client sent data, so the server must have answered its SYN: the
    // capture only holds one direction.
    out.push_back(FindingBuilder("capture.one_sided", Severity::warning,
                                 "Only the client's packets are in the capture; the server's replies are missing")
                      .at(c.first)
                      .evidence("client packets", std::to_string(c.tcp.client_packets), c.first)
                      .evidence("server packets", "0")
                      .remediation("The server's replies took another path (asymmetric routing, several links or "
                                   "a SPAN port seeing one direction) or were filtered out. Capture where both "
                                   "directions pass, e.g. on the client or the server itself.")
                      .build());
    return;
  }
  if (c.tcp.syn.seen() && !c.tcp.syn_ack.seen() && (c.tcp.server_packets == 0 || c.tcp.server_rst.seen())) {
    unanswered_syn(ctx, out);
    return;
  }
  if (c.tcp.earlier_part_first.seen()) {
    out.push_back(FindingBuilder("tcp.continued_after_idle", Severity::info,
                                 "This connection carried on after a silence longer than the idle timeout, "
                                 "which had ended and reported its earlier part")
                      .at(c.first)
                      .evidence("earlier part, first packet", "", c.tcp.earlier_part_first)
                      .evidence("earlier part, last packet", "", c.tcp.earlier_part_last)
                      .evidence("silent for", text::span((c.first.time_us - c.tcp.earlier_part_last.time_us) / 1000000))
                      .remediation("Nothing to fix: a session left idle, then used again. To keep such sessions "
                                   "in one record, raise --idle-timeout.")
                      .build());
  } else if (!c.tcp.saw_handshake) {
    out.push_back(FindingBuilder("tcp.mid_stream", Severity::info,
                                 "The capture started after this connection was opened (no SYN seen)")
                      .at(c.first)
                      .evidence("first packet", "", c.first)
                      .remediation("Start the capture before the client connects to see the whole setup.")
                      .build());
  }
  if (c.tcp.client_gaps + c.tcp.server_gaps > 0) {
    out.push_back(FindingBuilder("tcp.gap", Severity::warning,
                                 "Segments are missing from the capture; decoding stopped at the gap")
                      .at(c.first)
                      .evidence("gaps from client", std::to_string(c.tcp.client_gaps))
                      .evidence("gaps from server", std::to_string(c.tcp.server_gaps))
                      .remediation("The capture dropped packets (or saw only one path of asymmetric routing). "
                                   "Capture on the server or the client itself, with a larger buffer.")
                      .build());
  }
  for (const auto& what : c.limits_hit) {
    out.push_back(FindingBuilder("capture.limit_reached", Severity::warning,
                                 "A per-connection limit was reached: " + what)
                      .at(c.first)
                      .evidence("limit", what)
                      .remediation("rdpcap bounds what it keeps per connection; findings after this point may be "
                                   "incomplete.")
                      .build());
  }
  if (c.proxy.socks5 && c.proxy.replied && c.proxy.reply_code != 0) {
    out.push_back(FindingBuilder("proxy.socks_refused", Severity::error,
                                 fmt::format("The SOCKS5 proxy refused to connect to {}: {}", c.proxy.target,
                                             proto::socks::reply_text(c.proxy.reply_code)))
                      .at(c.proxy.reply_at)
                      .evidence("CONNECT", c.proxy.target, c.proxy.request_at)
                      .evidence("reply", proto::socks::reply_text(c.proxy.reply_code), c.proxy.reply_at)
                      .remediation("The proxy could not or would not reach the RDP server: check the proxy's rules "
                                   "and its route to the target address and port.")
                      .build());
    return;
  }
  setup_cut_short(ctx, out);
}

}  // namespace rdpcap::rules
