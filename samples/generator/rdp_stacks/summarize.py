#!/usr/bin/python3
"""One paragraph per capture, read with tshark: per TCP connection the RDP negotiation
(requestedProtocols, selectedProtocol / failureCode), TLS versions and cipher suite,
alerts (direction, frame), plaintext non-TLS records after TLS started, FIN/RST (who, frame).

  summarize.py samples/pcaps/rdp-*.pcap

Client is 192.0.2.50, server 198.51.100.20:3389 (see record-rdp-stacks).
"""
import subprocess
import sys

CLIENT = "192.0.2.50"
FIELDS = ["frame.number", "tcp.stream", "ip.src", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin",
          "tcp.flags.reset", "rdp.neg_type", "rdp.negReq.requestedProtocols", "rdp.negReq.selectedProtocol",
          "rdp.negReq.flags", "rdp.negFailure.failureCode", "tls.handshake.type", "tls.handshake.version",
          "tls.handshake.extensions.supported_version", "tls.handshake.ciphersuite",
          "tls.alert_message.level", "tls.alert_message.desc", "tls.record.content_type",
          "tls.handshake.extensions_server_name", "tcp.len", "rdp.rt_cookie",
          "tcp.analysis.retransmission", "tcp.payload"]
# X.224 Data TPDU carrying an MCS Disconnect Provider Ultimatum (xrdp sends it in plaintext,
# also after TLS has started)
DPU = "0300000902f0802180"
HS = {"1": "ClientHello", "2": "ServerHello", "11": "Certificate", "12": "ServerKeyExchange",
      "14": "ServerHelloDone", "16": "ClientKeyExchange", "4": "NewSessionTicket"}
VERS = {"0x0301": "TLS1.0", "0x0302": "TLS1.1", "0x0303": "TLS1.2", "0x0304": "TLS1.3"}


def tshark(path, dissect_tls):
    cmd = ["tshark", "-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=,"]
    if dissect_tls:
        cmd += ["-d", "tcp.port==3389,tls"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [dict(zip(FIELDS, line.split("\t"))) for line in out.splitlines()]


def summarize(path):
    # RDP negotiation: tshark's RDP dissector (without the TLS decode-as); TLS: with it.
    rdp_rows = tshark(path, False)
    tls_rows = {r["frame.number"]: r for r in tshark(path, True)}
    streams = {}
    for r in rdp_rows:
        s = streams.setdefault(r["tcp.stream"], [])
        t = tls_rows.get(r["frame.number"], {})
        who = "C" if r["ip.src"] == CLIENT else "S"
        n = r["frame.number"]
        if r["tcp.flags.syn"] == "1" and r["tcp.flags.ack"] == "0":
            s.append(f"#{n} SYN")
        if r["rdp.negReq.requestedProtocols"]:
            s.append(f"#{n} C NEG_REQ requestedProtocols={r['rdp.negReq.requestedProtocols']}")
        elif r["rdp.rt_cookie"] and who == "C":
            s.append(f"#{n} C X.224 CR without RDP_NEG_REQ")
        if r["rdp.negReq.selectedProtocol"]:
            s.append(f"#{n} S NEG_RSP selectedProtocol={r['rdp.negReq.selectedProtocol']}")
        if r["rdp.negFailure.failureCode"]:
            s.append(f"#{n} S NEG_FAILURE failureCode={r['rdp.negFailure.failureCode']}")
        hs = [HS.get(x, x) for x in t.get("tls.handshake.type", "").split(",") if x]
        if "ClientHello" in hs:
            sv = t.get("tls.handshake.extensions.supported_version", "")
            vers = ",".join(VERS.get(v, v) for v in sv.split(",") if v) or "TLS1.2 only (no supported_versions)"
            sni = t.get("tls.handshake.extensions_server_name", "")
            s.append(f"#{n} C ClientHello versions={vers} SNI={sni or '-'}")
        if "ServerHello" in hs:
            sv = t.get("tls.handshake.extensions.supported_version", "")
            v = VERS.get(sv or t.get("tls.handshake.version", "").split(",")[-1], "?")
            cs = t.get("tls.handshake.ciphersuite", "")
            s.append(f"#{n} S ServerHello {v} cipher={cs}" + (" +Certificate" if "Certificate" in hs else ""))
        if t.get("tls.alert_message.desc"):
            s.append(f"#{n} {who} Alert level={t['tls.alert_message.level']} desc={t['tls.alert_message.desc']}")
        elif "21" in t.get("tls.record.content_type", "").split(","):
            s.append(f"#{n} {who} encrypted Alert")
        if r["tcp.payload"].replace(":", "") == DPU:
            s.append(f"#{n} {who} X.224/MCS DisconnectProviderUltimatum (plaintext)")
        retr = " (retransmission)" if r["tcp.analysis.retransmission"] else ""
        if r["tcp.flags.fin"] == "1":
            s.append(f"#{n} {who} FIN{retr}")
        if r["tcp.flags.reset"] == "1":
            s.append(f"#{n} {who} RST")
    print(path)
    for sid in sorted(streams, key=int):
        print(f"  tcp.stream {sid}: " + "; ".join(streams[sid]))


def main():
    for p in sys.argv[1:]:
        summarize(p)


if __name__ == "__main__":
    main()
