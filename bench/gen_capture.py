#!/usr/bin/python3
"""Write a reproducible large capture for benchmarking rdpcap-analyze, and its manifest.

    gen_capture.py --size 1G --out bench/data/bench-1g.pcap [--seed 1] [--rdp-percent 3]

The capture (classic pcap, microseconds, LINKTYPE_ETHERNET) is mostly bulk non-RDP
traffic: Ethernet/IPv4/TCP flows with full-size (1460-byte) segments and delayed ACKs
(downloads and uploads on common service ports, some seen mid-stream), short HTTP-like
flows, DNS over UDP, ICMP echo and ARP. Into it are spliced the real connections of the
sample captures (samples/pcaps/*.pcap): every sample is copied byte for byte, re-addressed
(each copy gets its own client and server addresses), given new client ports and re-timed
(original inter-packet deltas kept); IPv4, TCP, UDP and ICMP checksums are adjusted for the
new addresses and ports (RFC 1624), MAC addresses follow the new IP addresses. Every sample
is spliced at least once; beyond that, samples are repeated round robin until the RDP
connections make up --rdp-percent of the TCP connections.

Address plan of the spliced copies (the check script reads connections back with it):
IPv4 10.(100+S).(I>>4).((I&15)<<4 | J), IPv6 2001:db8:1:S:I::J, where S is the
sample's index in the manifest, I the copy number and J the index of the original
address in the sample. Bulk traffic uses 172.16.0.0/12 and 192.168.0.0/16 only.

The manifest (default: OUT with .manifest.json) says how many connections of each kind
were written and, per kind, the outcome and finding codes rdpcap must report, taken from
samples/expected/<sample>.json. Same --size and --seed give a byte-identical file.
Not spliced: 21c (Linux SLL2) and 21d (pcapng), which repeat sample 01's connection in a
link type / file format a single Ethernet pcap cannot carry.

Python 3 standard library only (Debian's /usr/bin/python3).
"""

import argparse
import bisect
import heapq
import ipaddress
import json
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
VERSION = 1

BASE_TIME_US = 1741608000 * 1_000_000   # 2025-03-10T12:00:00Z: the samples' day, so
                                        # certificate checks give the samples' findings
LINK_RATE_BPS = 100_000_000              # simulated link: 100 Mbit/s
MSS = 1460
SKIPPED_SAMPLES = {'21c-sll2-healthy', '21d-pcapng-healthy'}
SERVER_PORTS = {53, 88, 443, 3389, 3390} # ports kept as they are in the samples (88: Kerberos, read by default)


# ----------------------------------------------------------------------------- helpers

def parse_size(text):
    units = {'': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    t = text.strip().upper().rstrip('B').rstrip('I')
    unit = t[-1] if t and t[-1] in 'KMG' else ''
    return int(float(t[:-1] if unit else t) * units[unit])


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def word_sum(data):
    """One's complement sum of big-endian 16-bit words (data of even length)."""
    return fold(sum(struct.unpack('!%dH' % (len(data) // 2), data)))


def word_sum_any(data):
    if len(data) % 2:
        data = data + b'\0'
    return word_sum(data)


def csum_adjust(old_csum, old_bytes, new_bytes):
    """RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') over the changed 16-bit words."""
    s = (~old_csum) & 0xFFFF
    s += (~word_sum_any(old_bytes)) & 0xFFFF
    s += word_sum_any(new_bytes)
    return (~fold(s)) & 0xFFFF


def read_pcap(path):
    with open(path, 'rb') as f:
        blob = f.read()
    magic = blob[:4]
    table = {b'\xd4\xc3\xb2\xa1': ('<', 1), b'\xa1\xb2\xc3\xd4': ('>', 1),
             b'\x4d\x3c\xb2\xa1': ('<', 1000), b'\xa1\xb2\x3c\x4d': ('>', 1000)}
    if magic not in table:
        raise ValueError('%s: not a classic pcap' % path)
    e, div = table[magic]
    linktype = struct.unpack(e + 'I', blob[20:24])[0] & 0x0FFFFFFF
    out, off = [], 24
    while off + 16 <= len(blob):
        sec, frac, incl, orig = struct.unpack(e + 'IIII', blob[off:off + 16])
        off += 16
        out.append((sec * 1_000_000 + frac // div, blob[off:off + incl], orig))
        off += incl
    return linktype, out


# ----------------------------------------------------------------------------- splicing

class Splicer:
    """Re-addresses one sample's frames (Ethernet, optional 802.1Q, IPv4/IPv6,
    TCP/UDP/ICMP including the datagram quoted in an ICMP error)."""

    def __init__(self, addr_map, port_of):
        self.addr_map = addr_map    # old packed address -> new packed address
        self.port_of = port_of      # (old packed address, old port) -> new port

    def mac(self, packed):
        return b'\x02\x00' + packed if len(packed) == 4 else b'\x02\x06' + packed[-4:]

    def port(self, addr, port):
        return port if port in SERVER_PORTS else self.port_of(addr, port)

    def frame(self, data):
        buf = bytearray(data)
        if len(buf) < 14:
            return bytes(buf)
        off = 12
        etype = struct.unpack_from('!H', buf, off)[0]
        while etype in (0x8100, 0x88A8) and len(buf) >= off + 6:
            off += 4
            etype = struct.unpack_from('!H', buf, off)[0]
        off += 2
        if etype == 0x0800:
            src, dst = self.ipv4(buf, off, len(buf))
        elif etype == 0x86DD:
            src, dst = self.ipv6(buf, off, len(buf))
        else:
            return bytes(buf)
        if src is not None:
            buf[0:6] = self.mac(dst)
            buf[6:12] = self.mac(src)
        return bytes(buf)

    def _l4(self, buf, l4, end, proto, osrc, odst, nsrc, ndst, outer):
        """Rewrites ports (and an ICMP error's quote) of the transport header at
        buf[l4:end]; returns (old words, new words) that the ICMP checksum of an
        enclosing message must account for."""
        old_all, new_all = bytearray(), bytearray()
        if proto in (6, 17) and end - l4 >= 4:
            sp, dp = struct.unpack_from('!HH', buf, l4)
            nsp, ndp = self.port(osrc, sp), self.port(odst, dp)
            old_ports = bytes(buf[l4:l4 + 4])
            struct.pack_into('!HH', buf, l4, nsp, ndp)
            new_ports = bytes(buf[l4:l4 + 4])
            old_all += old_ports
            new_all += new_ports
            coff = l4 + (16 if proto == 6 else 6)
            if end - l4 >= (18 if proto == 6 else 8):
                c = struct.unpack_from('!H', buf, coff)[0]
                if not (proto == 17 and c == 0):
                    nc = csum_adjust(c, osrc + odst + old_ports, nsrc + ndst + new_ports)
                    if proto == 17 and nc == 0:
                        nc = 0xFFFF
                    old_all += buf[coff:coff + 2]
                    struct.pack_into('!H', buf, coff, nc)
                    new_all += buf[coff:coff + 2]
        elif proto in (1, 58) and outer and end - l4 >= 8:
            t = buf[l4]
            is_error = (t in (3, 4, 5, 11, 12)) if proto == 1 else (t < 128)
            q_old, q_new = b'', b''
            if is_error and end - l4 > 8:
                q = l4 + 8
                version = buf[q] >> 4
                if proto == 1 and version == 4:
                    q_old, q_new = self.ipv4(buf, q, end, quoted=True)
                elif proto == 58 and version == 6:
                    q_old, q_new = self.ipv6(buf, q, end, quoted=True)
            c = struct.unpack_from('!H', buf, l4 + 2)[0]
            o = bytes(q_old)
            n = bytes(q_new)
            if proto == 58:
                o, n = osrc + odst + o, nsrc + ndst + n
            if o:
                struct.pack_into('!H', buf, l4 + 2, csum_adjust(c, o, n))
        return bytes(old_all), bytes(new_all)

    def ipv4(self, buf, off, end, quoted=False):
        if end - off < 20:
            return (None, None) if not quoted else (b'', b'')
        ihl = (buf[off] & 0x0F) * 4
        total = struct.unpack_from('!H', buf, off + 2)[0]
        proto = buf[off + 9]
        frag = struct.unpack_from('!H', buf, off + 6)[0] & 0x1FFF
        osrc, odst = bytes(buf[off + 12:off + 16]), bytes(buf[off + 16:off + 20])
        nsrc, ndst = self.addr_map.get(osrc, osrc), self.addr_map.get(odst, odst)
        old_hdr_words = bytes(buf[off + 10:off + 20])
        buf[off + 12:off + 16] = nsrc
        buf[off + 16:off + 20] = ndst
        c = struct.unpack_from('!H', buf, off + 10)[0]
        struct.pack_into('!H', buf, off + 10, csum_adjust(c, osrc + odst, nsrc + ndst))
        new_hdr_words = bytes(buf[off + 10:off + 20])
        l4_end = min(end, off + total) if total else end
        o4, n4 = b'', b''
        if frag == 0 and off + ihl <= l4_end:
            o4, n4 = self._l4(buf, off + ihl, l4_end, proto, osrc, odst, nsrc, ndst, not quoted)
        if quoted:
            return old_hdr_words + o4, new_hdr_words + n4
        return nsrc, ndst

    def ipv6(self, buf, off, end, quoted=False):
        if end - off < 40:
            return (None, None) if not quoted else (b'', b'')
        plen = struct.unpack_from('!H', buf, off + 4)[0]
        nh = buf[off + 6]
        osrc, odst = bytes(buf[off + 8:off + 24]), bytes(buf[off + 24:off + 40])
        nsrc, ndst = self.addr_map.get(osrc, osrc), self.addr_map.get(odst, odst)
        buf[off + 8:off + 24] = nsrc
        buf[off + 24:off + 40] = ndst
        l4_end = min(end, off + 40 + plen) if plen else end
        p = off + 40
        while nh in (0, 43, 60) and l4_end - p >= 8:
            nh, p = buf[p], p + (buf[p + 1] + 1) * 8
        o4, n4 = self._l4(buf, p, l4_end, nh, osrc, odst, nsrc, ndst, not quoted)
        if quoted:
            return osrc + odst + o4, nsrc + ndst + n4
        return nsrc, ndst


def sample_address(sample_index, copy, slot, v6):
    if v6:
        return ipaddress.IPv6Address('2001:db8:1:%x:%x::%x' % (sample_index, copy, slot)).packed
    return bytes([10, 100 + sample_index, copy >> 4, ((copy & 15) << 4) | slot])


class Sample:
    def __init__(self, index, name, frames, expected):
        self.index, self.name, self.frames, self.expected = index, name, frames, expected
        self.addresses = []        # original packed addresses, in order of appearance
        for _, data, _ in frames:
            for a in frame_addresses(data):
                if a not in self.addresses:
                    self.addresses.append(a)
        if len(self.addresses) > 16:
            raise ValueError('%s: more than 16 addresses' % name)
        self.kinds = []            # one per expected connection
        for c in expected['connections']:
            self.kinds.append({
                'kind': kind_name(name, c['client'], c['server']),
                'outcome': c['outcome'],
                'findings': sorted(f['code'] for f in c['findings']),
            })
        self.duration_us = frames[-1][0] - frames[0][0]
        self.bytes = sum(16 + len(d) for _, d, _ in frames)

    def copy(self, copy_index, start_us, rng):
        amap = {}
        for slot, a in enumerate(self.addresses):
            amap[a] = sample_address(self.index, copy_index, slot, len(a) == 16)
        ports = {}
        used = set()

        def port_of(addr, port):
            key = (addr, port)
            if key not in ports:
                p = rng.randrange(20000, 61000)
                while p in used:
                    p = rng.randrange(20000, 61000)
                used.add(p)
                ports[key] = p
            return ports[key]

        sp = Splicer(amap, port_of)
        t0 = self.frames[0][0]
        return [(start_us + ts - t0, sp.frame(d), orig + 0) for ts, d, orig in self.frames]


def frame_addresses(data):
    if len(data) < 14:
        return []
    off = 12
    etype = struct.unpack_from('!H', data, off)[0]
    while etype in (0x8100, 0x88A8):
        off += 4
        etype = struct.unpack_from('!H', data, off)[0]
    off += 2
    out = []
    if etype == 0x0800 and len(data) >= off + 20:
        out = [data[off + 12:off + 16], data[off + 16:off + 20]]
        ihl = (data[off] & 15) * 4
        if data[off + 9] == 1 and data[off + ihl] == 3 and len(data) >= off + ihl + 28:
            q = off + ihl + 8
            out += [data[q + 12:q + 16], data[q + 16:q + 20]]
    elif etype == 0x86DD and len(data) >= off + 40:
        out = [data[off + 8:off + 24], data[off + 24:off + 40]]
    return [bytes(a) for a in out]


def kind_name(sample, client, server):
    """'01-healthy-hybrid-tls12 192.0.2.10 -> 198.51.100.1:3389' (original addresses)."""
    host = client.rsplit(':', 1)[0].strip('[]')
    return '%s %s -> %s' % (sample, host, server)


def load_samples(samples_dir, expected_dir):
    names = sorted(os.path.splitext(f)[0] for f in os.listdir(samples_dir) if f.endswith('.pcap'))
    out = []
    for name in names:
        if name in SKIPPED_SAMPLES:
            continue
        linktype, frames = read_pcap(os.path.join(samples_dir, name + '.pcap'))
        if linktype != 1 or not frames:
            continue
        with open(os.path.join(expected_dir, name + '.json')) as f:
            expected = json.load(f)
        out.append(Sample(len(out), name, frames, expected))
    return out


# ----------------------------------------------------------------------------- bulk traffic

class Payloads:
    """A pool of pseudo-random 1460-byte blocks (never starting like a TPKT header)
    with their one's complement sums precomputed."""

    def __init__(self, rng, count=128):
        self.blocks, self.sums = [], []
        for _ in range(count):
            b = bytearray(rng.randbytes(MSS))
            if b[0] == 3:
                b[0] = 0x17
            self.blocks.append(bytes(b))
            self.sums.append(word_sum(bytes(b)))

    def pick(self, rng, length):
        i = rng.randrange(len(self.blocks))
        if length == MSS:
            return self.blocks[i], self.sums[i]
        b = self.blocks[i][:length]
        return b, word_sum_any(b)


class Writer:
    def __init__(self, path):
        self.f = open(path, 'wb')
        self.f.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.buf = []
        self.pending = 0
        self.bytes = 24
        self.frames = 0

    def write(self, ts_us, data, orig=None):
        sec, usec = divmod(ts_us, 1_000_000)
        self.buf.append(struct.pack('<IIII', sec, usec, len(data), orig if orig else len(data)))
        self.buf.append(data)
        n = 16 + len(data)
        self.pending += n
        self.bytes += n
        self.frames += 1
        if self.pending >= 1 << 22:
            self.flush()

    def flush(self):
        self.f.write(b''.join(self.buf))
        self.buf, self.pending = [], 0

    def close(self):
        self.flush()
        self.f.close()


def eth_ipv4(src, dst, proto, l4, ident):
    """Ethernet + IPv4 header (checksummed) around an already checksummed l4."""
    total = 20 + len(l4)
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, total, ident & 0xFFFF, 0x4000, 64, proto, 0, src, dst)
    c = (~word_sum(hdr)) & 0xFFFF
    hdr = hdr[:10] + struct.pack('!H', c) + hdr[12:]
    return b'\x02\x00' + dst + b'\x02\x00' + src + b'\x08\x00' + hdr + l4


def tcp_segment(src, dst, sport, dport, seq, ack, flags, payload, payload_sum, window=502):
    hdr = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, window, 0, 0)
    length = 20 + len(payload)
    s = word_sum(src + dst) + 6 + length + word_sum(hdr) + payload_sum
    c = (~fold(s)) & 0xFFFF
    return hdr[:16] + struct.pack('!H', c) + hdr[18:] + payload


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

SERVICE_PORTS = [80, 443, 445, 22, 873, 2049, 5201, 8080, 8443, 9000, 5432, 27017]


class BulkFlow:
    """One non-RDP TCP connection, generated packet by packet."""

    def __init__(self, rng, payloads, client, server, sport, dport, size, upload, mid_stream):
        self.rng, self.p = rng, payloads
        self.c, self.s, self.cp, self.sp = client, server, sport, dport
        self.size, self.upload = size, upload
        self.cseq, self.sseq = rng.getrandbits(32), rng.getrandbits(32)
        self.ident_c, self.ident_s = rng.getrandbits(16), rng.getrandbits(16)
        self.gen = self.packets(mid_stream)

    def seg(self, from_client, flags, payload=b'', psum=0):
        if from_client:
            l4 = tcp_segment(self.c, self.s, self.cp, self.sp, self.cseq, self.sseq, flags, payload, psum)
            self.cseq = (self.cseq + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
            self.ident_c += 1
            return eth_ipv4(self.c, self.s, 6, l4, self.ident_c)
        l4 = tcp_segment(self.s, self.c, self.sp, self.cp, self.sseq, self.cseq, flags, payload, psum)
        self.sseq = (self.sseq + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        self.ident_s += 1
        return eth_ipv4(self.s, self.c, 6, l4, self.ident_s)

    def packets(self, mid_stream):
        rng = self.rng
        if not mid_stream:
            yield self.seg(True, SYN)
            yield self.seg(False, SYN | ACK)
            yield self.seg(True, ACK)
            req = b'GET /data/%08x HTTP/1.1\r\nHost: files.example\r\nUser-Agent: bench\r\n\r\n' % rng.getrandbits(32)
            if self.upload:
                req = b'PUT /upload/%08x HTTP/1.1\r\nHost: files.example\r\nContent-Length: %d\r\n\r\n' % (
                    rng.getrandbits(32), self.size)
            yield self.seg(True, PSH | ACK, req, word_sum_any(req))
            resp = b'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n'
            yield self.seg(False, PSH | ACK, resp, word_sum_any(resp))
        sender = self.upload
        left = self.size
        unacked = 0
        while left > 0:
            burst = rng.randint(2, 10)
            for _ in range(burst):
                if left <= 0:
                    break
                n = min(MSS, left)
                payload, psum = self.p.pick(rng, n)
                left -= n
                yield self.seg(sender, ACK | (PSH if left <= 0 else 0), payload, psum)
                unacked += 1
                if unacked >= 2:
                    unacked = 0
                    yield self.seg(not sender, ACK)
        if unacked:
            yield self.seg(not sender, ACK)
        yield self.seg(True, FIN | ACK)
        yield self.seg(False, FIN | ACK)
        yield self.seg(True, ACK)


def udp_frame(src, dst, sport, dport, payload, ident):
    length = 8 + len(payload)
    hdr = struct.pack('!HHHH', sport, dport, length, 0)
    s = word_sum(src + dst) + 17 + length + word_sum(hdr) + word_sum_any(payload)
    c = (~fold(s)) & 0xFFFF or 0xFFFF
    return eth_ipv4(src, dst, 17, hdr[:6] + struct.pack('!H', c) + payload, ident)


def icmp_echo(src, dst, ident, seq, reply):
    body = struct.pack('!BBHHH', 0 if reply else 8, 0, 0, ident, seq) + bytes(range(48))
    c = (~word_sum(body)) & 0xFFFF
    return eth_ipv4(src, dst, 1, body[:2] + struct.pack('!H', c) + body[4:], ident)


def arp_frame(src, dst):
    body = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + b'\x02\x00' + src + src + b'\0' * 6 + dst
    return b'\xff' * 6 + b'\x02\x00' + src + b'\x08\x06' + body + b'\0' * 18


def bulk_host(rng, server):
    if server:
        return bytes([172, 20 + rng.randrange(4), rng.randrange(256), 1 + rng.randrange(254)])
    if rng.random() < 0.3:
        return bytes([192, 168, rng.randrange(256), 1 + rng.randrange(254)])
    return bytes([172, 16 + rng.randrange(4), rng.randrange(256), 1 + rng.randrange(254)])


def flow_size(rng):
    """75% short flows (1-64 KiB), 25% bulk transfers (256 KiB-4 MiB), log-uniform."""
    if rng.random() < 0.75:
        return int(1024 * 64 ** rng.random())
    return int(256 * 1024 * 16 ** rng.random())


# ----------------------------------------------------------------------------- main

def generate(size, out, manifest_path, seed, rdp_percent, samples_dir, expected_dir, concurrency=24,
             rdp_bytes_percent=None):
    """rdp_percent: RDP connections as a share of TCP connections; or, when
    rdp_bytes_percent is given, RDP frames as a share of the file's bytes
    (0: bulk traffic only, no RDP connection at all)."""
    rng = random.Random(seed)
    samples = load_samples(samples_dir, expected_dir)
    payloads = Payloads(rng)
    by_bytes = rdp_bytes_percent is not None

    # Plan the bulk flows: sizes until the byte budget is used (frames ~ payload + headers).
    per_segment_overhead = 16 + 54 + (16 + 54) / 2   # data frame + half an ACK frame
    episode_bytes_one_round = sum(s.bytes for s in samples)
    if by_bytes:
        episode_bytes_one_round = int(size * rdp_bytes_percent / 100.0)
    budget = max(size - 24 - episode_bytes_one_round, 0)
    plan, est = [], 0
    while est < budget:
        n = flow_size(rng)
        plan.append(n)
        est += n + (n + MSS - 1) // MSS * per_segment_overhead + 10 * 86
    bulk_flows = len(plan)
    # RDP connections: every sample once, then round robin up to rdp_percent of TCP connections.
    conns_per_round = sum(len(s.kinds) for s in samples)
    wanted = int(round(bulk_flows * rdp_percent / (100.0 - rdp_percent)))
    order = list(samples)
    rng.shuffle(order)
    episodes, conns = [], 0
    if by_bytes:  # round robin until the RDP byte share is reached
        rdp_bytes = 0
        while rdp_bytes < episode_bytes_one_round:
            s = order[len(episodes) % len(order)]
            episodes.append(s)
            conns += len(s.kinds)
            rdp_bytes += s.bytes
    while not by_bytes and conns < max(wanted, conns_per_round):
        s = order[len(episodes) % len(order)]
        episodes.append(s)
        conns += len(s.kinds)
        if len(episodes) >= len(order) and conns >= wanted:
            break
    # The whole capture's duration at the simulated link rate; episodes start anywhere in it.
    duration_us = int(size * 8 * 1_000_000 / LINK_RATE_BPS)
    copies = {}
    episode_heap = []
    kinds = {}
    for s in samples:
        for k in s.kinds:
            kinds.setdefault(k['kind'], {'sample': s.name, 'count': 0, 'outcome': k['outcome'],
                                         'findings': k['findings']})
    for s in episodes:
        copy_index = copies.get(s.name, 0)
        copies[s.name] = copy_index + 1
        start = BASE_TIME_US + rng.randrange(max(duration_us - s.duration_us, 1))
        for ts, data, orig in s.copy(copy_index, start, rng):
            heapq.heappush(episode_heap, (ts, len(episode_heap), data, orig))
        for k in s.kinds:
            kinds[k['kind']]['count'] += 1
    episode_left = [sum(16 + len(e[2]) for e in episode_heap)]

    w = Writer(out)
    now = BASE_TIME_US
    us_per_byte = 8 * 1_000_000 / LINK_RATE_BPS
    clock = float(now)
    active = []
    next_flow = 0
    ident = 1
    stats = {'bulk_tcp_flows_started': 0, 'mid_stream_flows': 0, 'udp_frames': 0, 'icmp_frames': 0,
             'arp_frames': 0, 'rdp_frames': 0, 'bulk_tcp_frames': 0}
    used_tuples = set()

    def new_flow(n):
        while True:
            c, s = bulk_host(rng, False), bulk_host(rng, True)
            cp, sp = rng.randrange(32768, 61000), rng.choice(SERVICE_PORTS)
            if (c, s, cp, sp) not in used_tuples:
                used_tuples.add((c, s, cp, sp))
                break
        mid = rng.random() < 0.05
        stats['bulk_tcp_flows_started'] += 1
        stats['mid_stream_flows'] += mid
        return BulkFlow(rng, payloads, c, s, cp, sp, n, rng.random() < 0.3, mid)

    def emit(ts, data, orig=None):
        nonlocal now
        while episode_heap and episode_heap[0][0] <= ts:
            ets, _, edata, eorig = heapq.heappop(episode_heap)
            w.write(max(ets, now), edata, eorig)
            now = max(ets, now)
            episode_left[0] -= 16 + len(edata)
            stats['rdp_frames'] += 1
        now = max(ts, now)
        w.write(now, data, orig)

    while w.bytes + episode_left[0] < size:
        while len(active) < concurrency and next_flow < len(plan):
            active.append(new_flow(plan[next_flow]))
            next_flow += 1
        if not active:
            active.append(new_flow(flow_size(rng)))
        r = rng.random()
        if r < 0.004:      # DNS query + answer
            c, s = bulk_host(rng, False), bytes([172, 20, 0, 53])
            q = struct.pack('!HHHHHH', rng.getrandbits(16), 0x0100, 1, 0, 0, 0) + b'\x05files\x07example\x00\x00\x01\x00\x01'
            port = rng.randrange(32768, 61000)
            clock += 80 * us_per_byte
            emit(int(clock), udp_frame(c, s, port, 53, q, ident))
            a = q[:2] + b'\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00' + q[12:] + b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04' + s
            clock += 100 * us_per_byte
            emit(int(clock), udp_frame(s, c, 53, port, a, ident + 1))
            ident += 2
            stats['udp_frames'] += 2
            continue
        if r < 0.005:      # ping
            c, s = bulk_host(rng, False), bulk_host(rng, True)
            clock += 100 * us_per_byte
            emit(int(clock), icmp_echo(c, s, ident & 0xFFFF, 1, False))
            emit(int(clock) + 300, icmp_echo(s, c, ident & 0xFFFF, 1, True))
            ident += 1
            stats['icmp_frames'] += 2
            continue
        if r < 0.0055:     # ARP
            emit(int(clock), arp_frame(bulk_host(rng, False), bulk_host(rng, False)))
            stats['arp_frames'] += 1
            continue
        i = rng.randrange(len(active))
        flow = active[i]
        for _ in range(rng.randint(1, 6)):
            frame = next(flow.gen, None)
            if frame is None:
                active[i] = active[-1]
                active.pop()
                break
            clock += (len(frame) + 24) * us_per_byte   # + preamble and inter-frame gap
            emit(int(clock), frame)
            stats['bulk_tcp_frames'] += 1
    while episode_heap:
        ets, _, edata, eorig = heapq.heappop(episode_heap)
        now = max(ets, now)
        w.write(now, edata, eorig)
        stats['rdp_frames'] += 1
    w.close()

    total_rdp = sum(k['count'] for k in kinds.values())
    manifest = {
        'generator': 'bench/gen_capture.py', 'version': VERSION, 'seed': seed,
        'size_requested': size, 'file': os.path.basename(out), 'bytes': w.bytes, 'frames': w.frames,
        'link_rate_bps': LINK_RATE_BPS, 'rdp_percent_requested': None if by_bytes else rdp_percent,
        'rdp_bytes_percent_requested': rdp_bytes_percent,
        'rdp_bytes_percent': round(100.0 * sum(s.bytes for s in episodes) / max(w.bytes, 1), 2),
        'tcp_connections': {'bulk': stats['bulk_tcp_flows_started'], 'rdp_samples': total_rdp},
        'frames_by_kind': stats,
        'spliced_copies': copies,
        'rdp_connections': total_rdp,
        'kinds': dict(sorted(kinds.items())),
        'address_plan': {
            'ipv4': '10.(100+S).(I>>4).((I&15)<<4|J)', 'ipv6': '2001:db8:1:S:I::J',
            'samples': [{'index': s.index, 'name': s.name,
                         'addresses': [str(ipaddress.ip_address(a)) for a in s.addresses]}
                        for s in samples],
        },
        'not_spliced': sorted(SKIPPED_SAMPLES),
    }
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    return manifest


def refresh_expectations(manifest_path, expected_dir):
    """Re-reads each kind's outcome and finding codes from samples/expected (the
    capture's bytes do not depend on them), so an existing capture can be reused
    after the expected outputs changed."""
    with open(manifest_path) as f:
        m = json.load(f)
    for name in {k['sample'] for k in m['kinds'].values()}:
        with open(os.path.join(expected_dir, name + '.json')) as f:
            expected = json.load(f)
        for c in expected['connections']:
            k = m['kinds'].get(kind_name(name, c['client'], c['server']))
            if k is not None:
                k['outcome'] = c['outcome']
                k['findings'] = sorted(f['code'] for f in c['findings'])
    with open(manifest_path, 'w') as f:
        json.dump(m, f, indent=1)
        f.write('\n')
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--size', required=True, help='file size, e.g. 20M, 100M, 1G')
    ap.add_argument('--out', required=True)
    ap.add_argument('--manifest', help='default: OUT without .pcap + .manifest.json')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--rdp-percent', type=float, default=3.0,
                    help='RDP connections as a percentage of all TCP connections (default 3)')
    ap.add_argument('--rdp-bytes-percent', type=float,
                    help='instead: RDP frames as a percentage of the file bytes (0: bulk traffic only)')
    ap.add_argument('--samples', default=os.path.join(TOP, 'samples', 'pcaps'))
    ap.add_argument('--expected', default=os.path.join(TOP, 'samples', 'expected'))
    a = ap.parse_args(argv)
    manifest_path = a.manifest or (a.out[:-5] if a.out.endswith('.pcap') else a.out) + '.manifest.json'
    m = generate(parse_size(a.size), a.out, manifest_path, a.seed, a.rdp_percent, a.samples, a.expected,
                 rdp_bytes_percent=a.rdp_bytes_percent)
    print('%s: %d bytes, %d frames, %d bulk TCP connections, %d RDP connections in %d kinds; manifest %s' % (
        a.out, m['bytes'], m['frames'], m['tcp_connections']['bulk'], m['rdp_connections'],
        len(m['kinds']), manifest_path))


if __name__ == '__main__':
    main()
