#!/usr/bin/python3
"""Rewrite a loopback capture into a realistic-looking sample (pure Python, no scapy).

Input: a classic pcap as `tcpdump -i lo -w` writes it on Linux (LINKTYPE_EN10MB with
all-zero MAC addresses; microsecond or nanosecond magic, either byte order).

Output, per packet:
  * IPv4/IPv6 addresses mapped (``--map OLD=NEW``); for a loopback address used by
    both sides (e.g. ``::1``) the new address is chosen by TCP/UDP port role
    (``--role-map ::1=CLIENT,SERVER --server-port 3389``): the side whose port is a
    server port gets SERVER, the other side CLIENT.
  * MAC addresses replaced by stable locally administered ones derived from the
    (new) IP address: 02:00:a.b.c.d for IPv4, 02:06:<last 4 bytes> for IPv6.
  * IPv4 header checksum and TCP/UDP/ICMP/ICMPv6 checksums recomputed (loopback
    captures carry partial checksums).  ICMP errors: the quoted IP header and
    transport header are rewritten too (their checksums recomputed when the quoted
    datagram is complete, otherwise adjusted incrementally, RFC 1624).
  * timestamps shifted so the first packet is at ``--base-time`` (RFC 3339 or epoch
    seconds), original inter-packet deltas kept (optionally quantised to
    ``--quantum-us`` microseconds, never collapsing two packets onto one instant
    out of order).
  * optional 802.1Q tag (``--vlan VID``), optional Linux cooked v2 (``--sll2``,
    LINKTYPE 276), optional pcapng output (``--pcapng``: SHB + IDB + EPB).
  * optional truncation (``--keep N [--cut K]``): keep the first N packets, and cut
    the captured length of packet N to K bytes (original length kept), as a capture
    that ended mid-record would look.

Usable as a module: ``rewrite(in_path, out_path, **options)`` (see ``Options``) and
``read_pcap(path)`` -> (linktype, [(ts_ns, data, orig_len)]).
"""

import argparse
import calendar
import ipaddress
import struct
import sys
import time
from dataclasses import dataclass, field

LINKTYPE_EN10MB = 1
LINKTYPE_LINUX_SLL2 = 276

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
ETH_VLAN = 0x8100

PROTO_ICMP = 1
PROTO_TCP = 6
PROTO_UDP = 17
PROTO_ICMPV6 = 58


# --------------------------------------------------------------------------- pcap I/O

def read_pcap(path):
    """Return (linktype, snaplen, [(ts_ns, bytes, orig_len), ...]) of a classic pcap."""
    with open(path, 'rb') as f:
        blob = f.read()
    if len(blob) < 24:
        raise ValueError('%s: too short for a pcap header' % path)
    magic = blob[:4]
    table = {
        b'\xd4\xc3\xb2\xa1': ('<', 1000), b'\xa1\xb2\xc3\xd4': ('>', 1000),
        b'\x4d\x3c\xb2\xa1': ('<', 1), b'\xa1\xb2\x3c\x4d': ('>', 1),
    }
    if magic not in table:
        raise ValueError('%s: not a classic pcap file (magic %s)' % (path, magic.hex()))
    endian, frac_to_ns = table[magic]
    _vmaj, _vmin, _tz, _sig, snaplen, linktype = struct.unpack(endian + 'HHiIII', blob[4:24])
    linktype &= 0x0FFFFFFF
    packets = []
    off = 24
    while off + 16 <= len(blob):
        sec, frac, incl, orig = struct.unpack(endian + 'IIII', blob[off:off + 16])
        off += 16
        data = blob[off:off + incl]
        if len(data) < incl:
            break  # a capture interrupted mid-packet: drop the partial record
        off += incl
        packets.append((sec * 1_000_000_000 + frac * frac_to_ns, data, orig))
    return linktype, snaplen, packets


def write_pcap(path, linktype, packets, snaplen=262144):
    out = [struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)]
    for ts_ns, data, orig in packets:
        sec, ns = divmod(ts_ns, 1_000_000_000)
        out.append(struct.pack('<IIII', sec, ns // 1000, len(data), orig))
        out.append(data)
    with open(path, 'wb') as f:
        f.write(b''.join(out))


def _pcapng_option(code, value):
    pad = (-len(value)) % 4
    return struct.pack('<HH', code, len(value)) + value + b'\0' * pad


def _pcapng_block(btype, body):
    total = 12 + len(body)
    return struct.pack('<II', btype, total) + body + struct.pack('<I', total)


def write_pcapng(path, linktype, packets, snaplen=262144, if_name='eth0',
                 app='rdpcap samples/generator/pcap_rewrite.py'):
    shb_opts = (_pcapng_option(4, app.encode()) + _pcapng_option(0, b''))
    shb = _pcapng_block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1) + shb_opts)
    idb_opts = (_pcapng_option(2, if_name.encode())        # if_name
                + _pcapng_option(9, bytes([6]))             # if_tsresol: microseconds
                + _pcapng_option(0, b''))
    idb = _pcapng_block(0x00000001, struct.pack('<HHI', linktype, 0, snaplen) + idb_opts)
    out = [shb, idb]
    for ts_ns, data, orig in packets:
        ts_us = ts_ns // 1000
        body = struct.pack('<IIIII', 0, ts_us >> 32, ts_us & 0xFFFFFFFF, len(data), orig)
        body += data + b'\0' * ((-len(data)) % 4)
        out.append(_pcapng_block(0x00000006, body))
    with open(path, 'wb') as f:
        f.write(b''.join(out))


# --------------------------------------------------------------------------- checksums

def inet_sum(data, start=0):
    if len(data) % 2:
        data = data + b'\0'
    s = start
    for (w,) in struct.iter_unpack('!H', data):
        s += w
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def inet_checksum(data, start=0):
    c = (~inet_sum(data, start)) & 0xFFFF
    return c


def pseudo_sum(src, dst, proto, length):
    if len(src) == 4:
        ph = src + dst + struct.pack('!BBH', 0, proto, length)
    else:
        ph = src + dst + struct.pack('!IxxxB', length, proto)
    return inet_sum(ph)


def incremental_update(old_csum, old_bytes, new_bytes):
    """RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')."""
    if len(old_bytes) % 2:
        old_bytes += b'\0'
        new_bytes += b'\0'
    s = (~old_csum) & 0xFFFF
    for (o,), (n,) in zip(struct.iter_unpack('!H', old_bytes), struct.iter_unpack('!H', new_bytes)):
        s += ((~o) & 0xFFFF) + n
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


# --------------------------------------------------------------------------- options

@dataclass
class Options:
    addr_map: dict = field(default_factory=dict)      # 'old' -> 'new' (str, v4 or v6)
    role_map: dict = field(default_factory=dict)      # 'old' -> ('client new', 'server new')
    server_ports: set = field(default_factory=lambda: {3389})
    base_time: float = None                           # epoch seconds of first packet
    quantum_us: int = 0                               # 0 = keep deltas exactly (µs)
    vlan: int = None                                  # 802.1Q VID
    vlan_pcp: int = 0
    sll2: bool = False
    sll2_local: set = field(default_factory=set)      # new addrs whose packets are "outgoing"
    sll2_ifindex: int = 2
    pcapng: bool = False
    if_name: str = 'eth0'
    keep: int = None                                  # keep the first N packets
    cut: int = None                                   # captured length of packet N
    mac_map: dict = field(default_factory=dict)       # new addr str -> 6-byte MAC override
    icmp_error_src: dict = field(default_factory=dict)  # 'old' -> 'new' source of ICMP errors only


def _norm(addr):
    return ipaddress.ip_address(addr).packed


class Rewriter:
    def __init__(self, opts):
        self.o = opts
        self.amap = {_norm(k): _norm(v) for k, v in opts.addr_map.items()}
        self.rmap = {_norm(k): (_norm(c), _norm(s)) for k, (c, s) in opts.role_map.items()}
        self.macs = {_norm(k): v for k, v in opts.mac_map.items()}
        self.icmp_src = {_norm(k): _norm(v) for k, v in opts.icmp_error_src.items()}

    # ---- addresses
    def mac_for(self, packed):
        if packed in self.macs:
            return self.macs[packed]
        if len(packed) == 4:
            return b'\x02\x00' + packed
        return b'\x02\x06' + packed[-4:]

    def map_pair(self, src, dst, sport, dport):
        """Map a (src, dst) pair; ports may be None (non TCP/UDP)."""
        def one(addr, my_port, other_port):
            if addr in self.rmap:
                client, server = self.rmap[addr]
                if my_port is not None and my_port in self.o.server_ports:
                    return server
                if other_port is not None and other_port in self.o.server_ports:
                    return client
                return client
            return self.amap.get(addr, addr)
        return one(src, sport, dport), one(dst, dport, sport)

    # ---- one packet
    def rewrite_frame(self, frame):
        if len(frame) < 14:
            return frame, None
        etype = struct.unpack('!H', frame[12:14])[0]
        payload = frame[14:]
        if etype == ETH_IPV4:
            new_ip, src, dst = self.rewrite_ipv4(payload, quoted=False)
        elif etype == ETH_IPV6:
            new_ip, src, dst = self.rewrite_ipv6(payload, quoted=False)
        else:
            return frame, None
        return (etype, new_ip, src, dst), True

    def _ports(self, proto, l4):
        if proto in (PROTO_TCP, PROTO_UDP) and len(l4) >= 4:
            return struct.unpack('!HH', l4[:4])
        return None, None

    def rewrite_ipv4(self, ip, quoted):
        if len(ip) < 20:
            return ip, None, None
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        proto = ip[9]
        frag_off = struct.unpack('!H', ip[6:8])[0] & 0x1FFF
        src, dst = ip[12:16], ip[16:20]
        l4 = ip[ihl:total] if total <= len(ip) else ip[ihl:]
        complete = total <= len(ip)
        trailer = ip[total:] if complete else b''
        sport, dport = self._ports(proto, l4) if frag_off == 0 else (None, None)
        if proto == PROTO_ICMP and not quoted and frag_off == 0:
            nsrc, ndst = self._map_icmp_outer(l4, src, dst, v6=False)
        else:
            nsrc, ndst = self.map_pair(src, dst, sport, dport)
        hdr = bytearray(ip[:ihl])
        hdr[12:16] = nsrc
        hdr[16:20] = ndst
        hdr[10:12] = b'\0\0'
        hdr[10:12] = struct.pack('!H', inet_checksum(bytes(hdr)))
        if frag_off == 0:
            l4 = self.rewrite_l4(proto, l4, src, dst, nsrc, ndst,
                                 complete and (not quoted or total <= len(ip)), quoted)
        return bytes(hdr) + l4 + trailer, nsrc, ndst

    def rewrite_ipv6(self, ip, quoted):
        if len(ip) < 40:
            return ip, None, None
        plen = struct.unpack('!H', ip[4:6])[0]
        nh = ip[6]
        src, dst = ip[8:24], ip[24:40]
        complete = 40 + plen <= len(ip)
        body = ip[40:40 + plen] if complete else ip[40:]
        trailer = ip[40 + plen:] if complete else b''
        # skip simple extension headers (hop-by-hop, routing, dest opts)
        ext = b''
        while nh in (0, 43, 60) and len(body) >= 8:
            elen = (body[1] + 1) * 8
            ext += body[:elen]
            nh = body[0]
            body = body[elen:]
        sport, dport = self._ports(nh, body)
        if nh == PROTO_ICMPV6 and not quoted:
            nsrc, ndst = self._map_icmp_outer(body, src, dst, v6=True)
        else:
            nsrc, ndst = self.map_pair(src, dst, sport, dport)
        hdr = bytearray(ip[:40])
        hdr[8:24] = nsrc
        hdr[24:40] = ndst
        body = self.rewrite_l4(nh, body, src, dst, nsrc, ndst, complete, quoted)
        return bytes(hdr) + ext + body + trailer, nsrc, ndst

    def _map_icmp_outer(self, icmp, src, dst, v6):
        """ICMP errors: map the sender/receiver as the reverse of the quoted packet
        (the error goes back to the quoted source; it comes from the quoted destination
        when that host sent it, or from --icmp-error-src when a router did)."""
        osrc, odst = self.map_pair(src, dst, None, None)
        is_error = (icmp and ((not v6 and icmp[0] in (3, 4, 5, 11, 12))
                              or (v6 and icmp[0] < 128)))
        if not is_error or len(icmp) < 8:
            return osrc, odst
        inner = icmp[8:]
        quoted = None
        if not v6 and len(inner) >= 20 and (inner[0] >> 4) == 4:
            ihl = (inner[0] & 0xF) * 4
            sp, dp = self._ports(inner[9], inner[ihl:])
            quoted = (inner[12:16], inner[16:20], sp, dp)
        elif v6 and len(inner) >= 40 and (inner[0] >> 4) == 6:
            sp, dp = self._ports(inner[6], inner[40:])
            quoted = (inner[8:24], inner[24:40], sp, dp)
        if quoted:
            qs, qd, sp, dp = quoted
            nqs, nqd = self.map_pair(qs, qd, sp, dp)
            if src == qd:
                osrc = nqd
            if dst == qs:
                odst = nqs
        if src in self.icmp_src:
            osrc = self.icmp_src[src]
        return osrc, odst

    def rewrite_l4(self, proto, l4, osrc, odst, nsrc, ndst, complete, quoted):
        l4 = bytearray(l4)
        if proto == PROTO_TCP and len(l4) >= 18:
            coff = 16
        elif proto == PROTO_UDP and len(l4) >= 8:
            coff = 6
        elif proto == PROTO_ICMP and len(l4) >= 4:
            coff = 2
        elif proto == PROTO_ICMPV6 and len(l4) >= 4:
            coff = 2
        else:
            return bytes(l4)
        # ICMP errors: rewrite the quoted datagram first
        if proto == PROTO_ICMP and l4[0] in (3, 4, 5, 11, 12) and len(l4) > 8:
            inner, _, _ = self.rewrite_ipv4(bytes(l4[8:]), quoted=True)
            l4[8:] = inner
        elif proto == PROTO_ICMPV6 and l4[0] < 128 and len(l4) > 8:
            inner, _, _ = self.rewrite_ipv6(bytes(l4[8:]), quoted=True)
            l4[8:] = inner
        old = struct.unpack('!H', l4[coff:coff + 2])[0]
        if complete:
            l4[coff:coff + 2] = b'\0\0'
            if proto == PROTO_ICMP:
                c = inet_checksum(bytes(l4))
            else:
                c = inet_checksum(bytes(l4), pseudo_sum(nsrc, ndst, proto, len(l4)))
            if proto == PROTO_UDP and c == 0:
                c = 0xFFFF
        else:
            # quoted/truncated: adjust for the address change only
            c = old
            if proto != PROTO_ICMP and not (proto == PROTO_UDP and old == 0):
                c = incremental_update(old, osrc + odst, nsrc + ndst)
        l4[coff:coff + 2] = struct.pack('!H', c)
        return bytes(l4)

    # ---- link layer
    def build_link(self, etype, ip, src, dst):
        o = self.o
        smac, dmac = self.mac_for(src), self.mac_for(dst)
        if o.vlan is not None:
            tci = ((o.vlan_pcp & 7) << 13) | (o.vlan & 0x0FFF)
            l2_tail = struct.pack('!HHH', ETH_VLAN, tci, etype)
        else:
            l2_tail = struct.pack('!H', etype)
        if o.sll2:
            # LINKTYPE_LINUX_SLL2: protocol, reserved, ifindex, ARPHRD, pkttype, halen, addr[8]
            # (a VLAN tag cannot be represented here: Linux strips it into metadata)
            if src in self._local:
                pkttype = 4  # PACKET_OUTGOING
            elif dst in self._local:
                pkttype = 0  # PACKET_HOST
            else:
                pkttype = 3  # PACKET_OTHERHOST
            hdr = struct.pack('!HHIHBB', etype, 0, o.sll2_ifindex, 1, pkttype, 6) + smac + b'\0\0'
            return hdr + ip
        return dmac + smac + l2_tail + ip

    def run(self, packets):
        o = self.o
        self._local = {_norm(a) for a in o.sll2_local}
        out = []
        first_ts = packets[0][0] if packets else 0
        base_ns = int(round(o.base_time * 1e9)) if o.base_time is not None else first_ts
        prev_ts = None
        for i, (ts, data, orig) in enumerate(packets):
            if o.keep is not None and i >= o.keep:
                break
            res, ok = self.rewrite_frame(data)
            if ok:
                etype, ip, src, dst = res
                frame = self.build_link(etype, ip, src, dst)
            else:
                frame = res
            delta = ts - first_ts
            if o.quantum_us:
                q = o.quantum_us * 1000
                delta = (delta + q // 2) // q * q
            nts = base_ns + delta
            if prev_ts is not None and nts < prev_ts:
                nts = prev_ts
            prev_ts = nts
            orig_len = orig + (len(frame) - len(data))
            if o.keep is not None and o.cut is not None and i == o.keep - 1:
                frame = frame[:o.cut]
            out.append((nts, frame, orig_len))
        return out


def parse_time(s):
    if s is None:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    s = s.rstrip('Z')
    frac = 0.0
    if '.' in s:
        s, f = s.split('.', 1)
        frac = float('0.' + f)
    return calendar.timegm(time.strptime(s, '%Y-%m-%dT%H:%M:%S')) + frac


def rewrite(in_path, out_path, **kw):
    """Rewrite in_path into out_path; keyword arguments are Options fields."""
    opts = Options(**kw)
    if isinstance(opts.base_time, str):
        opts.base_time = parse_time(opts.base_time)
    linktype, snaplen, packets = read_pcap(in_path)
    if linktype != LINKTYPE_EN10MB:
        raise ValueError('%s: link type %d, expected EN10MB (1)' % (in_path, linktype))
    out = Rewriter(opts).run(packets)
    new_lt = LINKTYPE_LINUX_SLL2 if opts.sll2 else LINKTYPE_EN10MB
    if opts.pcapng:
        write_pcapng(out_path, new_lt, out, snaplen, if_name=opts.if_name)
    else:
        write_pcap(out_path, new_lt, out, snaplen)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('input')
    ap.add_argument('output')
    ap.add_argument('--map', action='append', default=[], metavar='OLD=NEW',
                    help='address mapping (IPv4 or IPv6), repeatable')
    ap.add_argument('--role-map', action='append', default=[], metavar='OLD=CLIENT,SERVER',
                    help='map an address used by both ends (e.g. ::1) by port role, repeatable')
    ap.add_argument('--server-port', action='append', type=int, default=[],
                    help='server port for --role-map (default 3389), repeatable')
    ap.add_argument('--base-time', help='first packet time: RFC 3339 (UTC) or epoch seconds')
    ap.add_argument('--quantum-us', type=int, default=0, help='round time offsets to this many µs')
    ap.add_argument('--vlan', type=int, help='insert an 802.1Q tag with this VID')
    ap.add_argument('--sll2', action='store_true', help='write Linux cooked v2 (LINKTYPE 276)')
    ap.add_argument('--sll2-local', action='append', default=[], metavar='NEWADDR',
                    help='(new) address of the capturing host: its packets are "outgoing"')
    ap.add_argument('--pcapng', action='store_true', help='write pcapng instead of pcap')
    ap.add_argument('--if-name', default='eth0', help='pcapng interface name')
    ap.add_argument('--icmp-error-src', action='append', default=[], metavar='OLD=NEW',
                    help='source address of ICMP errors sent from OLD (e.g. a router), repeatable')
    ap.add_argument('--keep', type=int, help='keep only the first N packets')
    ap.add_argument('--cut', type=int, help='with --keep: captured length of packet N')
    a = ap.parse_args(argv)
    amap = dict(m.split('=', 1) for m in a.map)
    rmap = {}
    for m in a.role_map:
        old, pair = m.split('=', 1)
        c, s = pair.split(',', 1)
        rmap[old] = (c, s)
    out = rewrite(a.input, a.output, addr_map=amap, role_map=rmap,
                  server_ports=set(a.server_port) or {3389}, base_time=a.base_time,
                  quantum_us=a.quantum_us, vlan=a.vlan, sll2=a.sll2,
                  sll2_local=set(a.sll2_local), pcapng=a.pcapng, if_name=a.if_name,
                  keep=a.keep, cut=a.cut,
                  icmp_error_src=dict(m.split('=', 1) for m in a.icmp_error_src))
    print('%s: %d packets' % (a.output, len(out)), file=sys.stderr)


if __name__ == '__main__':
    main()
