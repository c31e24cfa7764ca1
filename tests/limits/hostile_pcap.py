#!/usr/bin/python3
"""Adversarial captures for rdpcap's limit tests, generated at test time
(nothing large is checked in). Standard library only.

    hostile_pcap.py SCENARIO [options] > capture.pcap   ('-o FILE' writes a file)

Scenarios (every capture is a classic little-endian pcap, Ethernet, unless
the scenario is about the file format itself):
  syn-flood       N half-open connections: one SYN each to 3389 from distinct
                  addresses/ports, never answered (--count, default 1000000)
  synack-flood    N connections left open after SYN and SYN-ACK (each one
                  needs a followed connection, not a compact half-open flow)
  syn-rst         N refused connections: SYN then RST from the server
  rdp-then-flood  one real-looking RDP negotiation (X.224 request + confirm)
                  first, then N refused connections (the real one must stay
                  in the report)
  flood-then-rdp  N refused connections, then the RDP negotiation
  suite-spread    --count (default 5000) completed TLS handshakes to one
                  server, each with another cipher suite, then as many
                  ClientHellos answered by a handshake_failure alert (each
                  one's evidence lists what the server accepted elsewhere)
  ooo-endless     one connection after an X.224 exchange whose client then
                  sends --count out-of-order segments above a hole that is
                  never filled (with fresh holes as the sequence moves on)
  ooo-many        --count connections, each buffering --bytes of
                  out-of-order data behind a one-byte hole (64 KiB segments)
  big-cert        X.224 + ClientHello, then a server Certificate message
                  holding one --bytes "certificate" (default 2^24 - 16: the
                  largest a handshake message's 24-bit length allows) in
                  maximal TLS records
  tls-records     zero-length handshake/application/heartbeat records,
                  records of 2^14 and 2^14+2048 bytes (the maximum), then one
                  of 2^14+2049 (over the maximum); in a second connection a
                  zero-length alert
  huge-snaplen    snap length 0xffffffff in the file header and a frame of
                  262144 captured bytes (libpcap's maximum) holding a
                  normal negotiation
  caplen-over     a valid negotiation followed by a record header claiming
                  0x7fffffff captured bytes
  bad-magic       a file header with an unknown magic number
  short-header    a pcap file header cut after 10 bytes
  cut             a valid negotiation cut in the middle of the last packet
  hostile-text    fields that reach the reports made of control characters,
                  ANSI escapes and invalid UTF-8: cookie, SNI, ALPN, and a
                  self-made certificate's subject/issuer/SAN (DER by hand)
"""
import argparse
import struct
import sys

ETH_CLIENT = b"\x02\x00\x00\x00\x00\x01"
ETH_SERVER = b"\x02\x00\x00\x00\x00\x02"
SERVER_IP = bytes([192, 0, 2, 10])
T0 = 1_700_000_000


class Writer:
    def __init__(self, out, snaplen=262144):
        self.out = out
        self.t = 0
        self.buf = []
        self.size = 0
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1))

    def frame(self, data, caplen=None, origlen=None):
        self.t += 1
        sec, usec = T0 + self.t // 1_000_000, self.t % 1_000_000
        caplen = len(data) if caplen is None else caplen
        origlen = len(data) if origlen is None else origlen
        self.buf.append(struct.pack("<IIII", sec, usec, caplen, origlen))
        self.buf.append(data)
        self.size += 16 + len(data)
        if self.size > 1 << 20:
            self.flush()

    def flush(self):
        self.out.write(b"".join(self.buf))
        self.buf = []
        self.size = 0


def ipv4_tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    total = 40 + len(payload)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, min(total, 0xFFFF), 0, 0x4000, 64, 6, 0, src, dst)
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50, flags, 65535, 0, 0)
    to_server = dst == SERVER_IP
    macs = (ETH_SERVER + ETH_CLIENT) if to_server else (ETH_CLIENT + ETH_SERVER)
    return macs + b"\x08\x00" + ip + tcp + payload


SYN, ACK, PSH, RST, FIN = 0x02, 0x10, 0x08, 0x04, 0x01


def client_ip(i):
    return bytes([10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])


def tpkt(x224):
    return struct.pack(">BBH", 3, 0, 4 + len(x224)) + x224


def connection_request(cookie=b"user", protocols=3):
    body = b"Cookie: mstshash=" + cookie + b"\r\n" + struct.pack("<BBHI", 1, 0, 8, protocols)
    return tpkt(bytes([6 + len(body), 0xE0, 0, 0, 0, 0, 0]) + body)


def connection_confirm(selected=1):
    body = struct.pack("<BBHI", 2, 0, 8, selected)
    return tpkt(bytes([6 + len(body), 0xD0, 0, 0, 0x12, 0x34, 0]) + body)


def record(ctype, payload, version=0x0303):
    return struct.pack(">BHH", ctype, version, len(payload)) + payload


def handshake(mtype, body):
    return struct.pack(">B", mtype) + len(body).to_bytes(3, "big") + body


def client_hello(sni=b"rdp.example", alpn=(), extra_ext=b""):
    ext = b""
    if sni is not None:
        name = struct.pack(">BH", 0, len(sni)) + sni
        ext += struct.pack(">HH", 0, len(name) + 2) + struct.pack(">H", len(name)) + name
    if alpn:
        lst = b"".join(struct.pack(">B", len(p)) + p for p in alpn)
        ext += struct.pack(">HHH", 16, len(lst) + 2, len(lst)) + lst
    ext += extra_ext
    body = struct.pack(">H", 0x0303) + b"\x11" * 32 + b"\x00" + struct.pack(">HHH", 4, 0xC02F, 0x009C) + b"\x01\x00"
    body += struct.pack(">H", len(ext)) + ext
    return handshake(1, body)


def server_hello():
    body = struct.pack(">H", 0x0303) + b"\x22" * 32 + b"\x00" + struct.pack(">HB", 0xC02F, 0) + b"\x00\x00"
    return handshake(2, body)


class Conn:
    """One TCP connection; sends in-order data and tracks sequence numbers."""

    def __init__(self, w, i, sport=None):
        self.w = w
        self.cip = client_ip(i)
        self.sport = sport if sport is not None else 1024 + (i % 60000)
        self.cseq = 1000
        self.sseq = 5000

    def handshake(self):
        self.w.frame(ipv4_tcp(self.cip, SERVER_IP, self.sport, 3389, self.cseq, 0, SYN))
        self.w.frame(ipv4_tcp(SERVER_IP, self.cip, 3389, self.sport, self.sseq, self.cseq + 1, SYN | ACK))
        self.cseq += 1
        self.sseq += 1
        self.w.frame(ipv4_tcp(self.cip, SERVER_IP, self.sport, 3389, self.cseq, self.sseq, ACK))

    def c2s(self, data, chunk=1460):
        for o in range(0, len(data), chunk):
            part = data[o:o + chunk]
            self.w.frame(ipv4_tcp(self.cip, SERVER_IP, self.sport, 3389, self.cseq, self.sseq, ACK | PSH, part))
            self.cseq += len(part)

    def s2c(self, data, chunk=1460):
        for o in range(0, len(data), chunk):
            part = data[o:o + chunk]
            self.w.frame(ipv4_tcp(SERVER_IP, self.cip, 3389, self.sport, self.sseq, self.cseq, ACK | PSH, part))
            self.sseq += len(part)

    def close(self):
        self.w.frame(ipv4_tcp(self.cip, SERVER_IP, self.sport, 3389, self.cseq, self.sseq, FIN | ACK))
        self.w.frame(ipv4_tcp(SERVER_IP, self.cip, 3389, self.sport, self.sseq, self.cseq + 1, FIN | ACK))
        self.w.frame(ipv4_tcp(self.cip, SERVER_IP, self.sport, 3389, self.cseq + 1, self.sseq + 1, ACK))


def negotiation(w, i=0xFF0001, cookie=b"user"):
    c = Conn(w, i, sport=40000)
    c.handshake()
    c.c2s(connection_request(cookie))
    c.s2c(connection_confirm())
    return c


def syn_flood(w, n, refused=False, answered=False):
    for i in range(n):
        cip = client_ip(i + 1)
        sport = 1024 + (i % 50000)
        w.frame(ipv4_tcp(cip, SERVER_IP, sport, 3389, i, 0, SYN))
        if refused:
            w.frame(ipv4_tcp(SERVER_IP, cip, 3389, sport, 0, i + 1, RST | ACK))
        if answered:
            w.frame(ipv4_tcp(SERVER_IP, cip, 3389, sport, 7, i + 1, SYN | ACK))


def ooo_endless(w, n):
    c = negotiation(w)
    # Segments that always land above a hole: the hole moves up every 512
    # segments, so the reassembly cap keeps being hit and recovered from.
    seg = b"\x17\x03\x03\x00\x10" + b"A" * 59
    base = c.cseq
    for k in range(n):
        hole_start = base + (k // 512) * 512 * 64 * 2
        seq = hole_start + 1 + (k % 512) * 64 * 2  # every other 64-byte slot: holes everywhere
        w.frame(ipv4_tcp(c.cip, SERVER_IP, c.sport, 3389, seq, c.sseq, ACK | PSH, seg))


def ooo_many(w, n, nbytes):
    seg = 65000
    payload = b"\x16" * seg
    for i in range(n):
        c = Conn(w, i + 1)
        c.handshake()
        c.c2s(connection_request())
        c.s2c(connection_confirm())
        off = 1  # one byte never sent: everything after it waits
        while off < nbytes:
            part = payload[: min(seg, nbytes - off)]
            w.frame(ipv4_tcp(c.cip, SERVER_IP, c.sport, 3389, c.cseq + off, c.sseq, ACK | PSH, part))
            off += len(part)


def big_cert(w, nbytes):
    c = negotiation(w)
    c.c2s(record(22, client_hello()))
    cert = b"\x30\x84" + (nbytes - 6).to_bytes(4, "big") + b"\x00" * (nbytes - 6)
    lst = len(cert).to_bytes(3, "big") + cert
    msg = server_hello() + handshake(11, len(lst).to_bytes(3, "big") + lst) + handshake(14, b"")
    stream = b"".join(record(22, msg[o:o + 16384]) for o in range(0, len(msg), 16384))
    c.s2c(stream, chunk=16384 + 5)
    c.close()


def server_hello_suite(suite):
    body = struct.pack(">H", 0x0303) + b"\x22" * 32 + b"\x00" + struct.pack(">HB", suite, 0) + b"\x00\x00"
    return handshake(2, body)


def suite_spread(w, n):
    """n TLS 1.2 handshakes that complete, each with another cipher suite,
    then n ClientHellos to the same server answered by a handshake_failure
    alert: what the server "accepted elsewhere" is evidence for each.""" 
    for i in range(n):
        c = Conn(w, i + 1, sport=20000 + i % 40000)
        c.handshake()
        c.c2s(connection_request())
        c.s2c(connection_confirm())
        c.c2s(record(22, client_hello()))
        c.s2c(record(22, server_hello_suite(0x0100 + i)))
        c.c2s(record(20, b"\x01") + record(22, b"\x99" * 40))
        c.s2c(record(20, b"\x01") + record(22, b"\x99" * 40))
        c.close()
    for i in range(n):
        c = Conn(w, 0x100000 + i + 1, sport=20000 + i % 40000)
        c.handshake()
        c.c2s(connection_request())
        c.s2c(connection_confirm())
        c.c2s(record(22, client_hello()))
        c.s2c(record(21, b"\x02\x28"))  # fatal handshake_failure
        c.close()


def tls_records(w):
    # Connection 1: zero-length records of the types that allow them, records
    # of 2^14 and 2^14 + 2048 bytes (the largest RFC 5246 6.2.3 allows), then
    # one byte more: the stream stops being TLS there.
    c = negotiation(w)
    c.c2s(record(22, client_hello()))
    c.s2c(record(22, server_hello()))
    for ctype in (22, 23, 24):
        c.s2c(record(ctype, b""))
    c.s2c(record(23, b"\xaa" * 16384), chunk=16384 + 5)
    c.s2c(record(23, b"\xbb" * (16384 + 2048)), chunk=16384 + 2048 + 5)
    c.s2c(record(23, b"\xcc" * (16384 + 2049)), chunk=16384 + 2049 + 5)
    c.close()
    # Connection 2: a zero-length alert (an alert is two bytes).
    c = Conn(w, 0xFF0002, sport=40002)
    c.handshake()
    c.c2s(connection_request())
    c.s2c(connection_confirm())
    c.c2s(record(22, client_hello()))
    c.s2c(record(21, b""))
    c.close()


def huge_snaplen(out):
    w = Writer(out, snaplen=0xFFFFFFFF)
    c = negotiation(w)
    big = ipv4_tcp(c.cip, SERVER_IP, c.sport, 3389, c.cseq, c.sseq, ACK)
    w.frame(big + b"\x00" * (262144 - len(big)))  # Ethernet padding after the IP packet
    c.close()
    w.flush()


def caplen_over(out):
    w = Writer(out)
    negotiation(w)
    w.flush()
    out.write(struct.pack("<IIII", T0 + 10, 0, 0x7FFFFFFF, 0x7FFFFFFF) + b"\x00" * 64)


def cut(out):
    import io
    buf = io.BytesIO()
    w = Writer(buf)
    c = negotiation(w)
    c.c2s(record(22, client_hello()))
    w.flush()
    data = buf.getvalue()
    out.write(data[:-20])


# --- hostile text: DER by hand (RFC 5280), names full of control bytes ------

def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + length + content


def name(value, tag=0x0C):
    cn = der(0x30, der(0x06, b"\x55\x04\x03") + der(tag, value))
    return der(0x30, der(0x31, cn))


def hostile_certificate(text):
    """A parseable X.509 v3 certificate whose subject CN, issuer CN and a
    dNSName SAN are `text` (the signature is junk: facts only)."""
    sha256_rsa = der(0x30, der(0x06, bytes.fromhex("2a864886f70d01010b")) + b"\x05\x00")
    rsa_encryption = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
    validity = der(0x30, der(0x17, b"200101000000Z") + der(0x17, b"400101000000Z"))
    rsa_key = der(0x30, der(0x02, b"\x00\xc0" + b"\x01" * 127) + der(0x02, b"\x01\x00\x01"))
    spki = der(0x30, rsa_encryption + der(0x03, b"\x00" + rsa_key))
    san = der(0x30, der(0x82, text) + der(0x82, b"ok.example"))
    extensions = der(0xA3, der(0x30, der(0x30, der(0x06, b"\x55\x1d\x11") + der(0x04, san))))
    tbs = der(0x30, der(0xA0, der(0x02, b"\x02")) + der(0x02, b"\x01\x02\x03") + sha256_rsa + name(text, tag=0x14) +
              validity + name(text, tag=0x13) + spki + extensions)
    return der(0x30, tbs + sha256_rsa + der(0x03, b"\x00" + b"\x5a" * 256))


HOSTILE = b"\x1b[31mRED\x1b[0m\x07\x08\x00\xff\xfe\xc3\x28\xe2\x82\x9b\x9b2J\r\n\x7f\xc2\x9b"


def hostile_text(w):
    c = Conn(w, 7, sport=40001)
    c.handshake()
    c.c2s(connection_request(cookie=b"\x1b]0;pwned\x07\xff\xc3\x28"))
    c.s2c(connection_confirm())
    c.c2s(record(22, client_hello(sni=HOSTILE, alpn=(HOSTILE,))))
    cert = hostile_certificate(HOSTILE)
    lst = len(cert).to_bytes(3, "big") + cert
    c.s2c(record(22, server_hello() + handshake(11, len(lst).to_bytes(3, "big") + lst) + handshake(14, b"")))
    c.c2s(record(21, b"\x02\x30"))  # client: fatal decode_error (rejects the certificate)
    c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario")
    ap.add_argument("--count", type=int, default=None)
    ap.add_argument("--bytes", type=int, default=None)
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    out = open(a.output, "wb") if a.output else sys.stdout.buffer
    s = a.scenario
    if s == "bad-magic":
        out.write(struct.pack("<IHHiIII", 0xDEADBEEF, 2, 4, 0, 0, 65535, 1))
    elif s == "short-header":
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)[:10])
    elif s == "huge-snaplen":
        huge_snaplen(out)
    elif s == "caplen-over":
        caplen_over(out)
    elif s == "cut":
        cut(out)
    else:
        w = Writer(out)
        if s == "syn-flood":
            syn_flood(w, a.count or 1_000_000, refused=False)
        elif s == "synack-flood":
            syn_flood(w, a.count or 1_000_000, answered=True)
        elif s == "syn-rst":
            syn_flood(w, a.count or 1_000_000, refused=True)
        elif s == "rdp-then-flood":
            negotiation(w, cookie=b"real").close()
            syn_flood(w, a.count or 1_000_000, refused=True)
        elif s == "flood-then-rdp":
            syn_flood(w, a.count or 1_000_000, refused=True)
            negotiation(w, cookie=b"real").close()
        elif s == "suite-spread":
            suite_spread(w, a.count or 5000)
        elif s == "ooo-endless":
            ooo_endless(w, a.count or 1_000_000)
        elif s == "ooo-many":
            ooo_many(w, a.count or 2000, a.bytes or 256 * 1024)
        elif s == "big-cert":
            big_cert(w, a.bytes or (1 << 24) - 16)
        elif s == "tls-records":
            tls_records(w)
        elif s == "hostile-text":
            hostile_text(w)
        else:
            ap.error("unknown scenario " + s)
        w.flush()
    out.flush()


if __name__ == "__main__":
    main()
