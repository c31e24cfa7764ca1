#!/usr/bin/python3
"""Replays one TCP connection of a recorded capture over real sockets.

    replay_sockets.py CAPTURE HOST PORT

Reads the first TCP connection of CAPTURE (classic pcap, Ethernet or raw IPv4),
then listens on HOST:PORT, connects to it, and sends each direction's payload
in the recorded order (the client's bytes from the client socket, the
server's from the accepted one, each read in full by the other side before
the next turn). The side that sent the first FIN or RST in the recording
closes first. Standard library only: the kernel makes the TCP handshake,
sequence numbers and checksums; the payload bytes are the recording's.
"""
import socket
import struct
import sys


def frames(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    link = struct.unpack(endian + 'I', data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + 'IIII', data[off:off + 16])
        yield link, data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def tcp_segments(path):
    for link, f in frames(path):
        if link == 1:
            if len(f) < 14 or f[12:14] != b'\x08\x00':
                continue
            ip = f[14:]
        elif link in (101, 228):
            ip = f
        else:
            continue
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        tcp = ip[ihl:total]
        sport, dport = struct.unpack('!HH', tcp[:4])
        doff = (tcp[12] >> 4) * 4
        yield (ip[12:16], sport), (ip[16:20], dport), tcp[13], bytes(tcp[doff:])


def main():
    path, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = None
    turns = []  # [from_client, bytes]
    first_close = None
    for src, dst, flags, payload in tcp_segments(path):
        if client is None:
            if flags & 0x12 != 0x02:  # the connection starts with the client's SYN
                continue
            client, server = src, dst
        if {src, dst} != {client, server}:
            continue
        from_client = src == client
        if payload:
            if turns and turns[-1][0] == from_client:
                turns[-1][1] += payload
            else:
                turns.append([from_client, payload])
        if flags & 0x05 and first_close is None:  # FIN or RST
            first_close = from_client
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1)
    c = socket.create_connection((host, port))
    s, _ = listener.accept()
    for from_client, payload in turns:
        sender, receiver = (c, s) if from_client else (s, c)
        sender.sendall(payload)
        got = 0
        while got < len(payload):
            chunk = receiver.recv(len(payload) - got)
            if not chunk:
                break
            got += len(chunk)
    first, second = (c, s) if first_close else (s, c)
    first.close()
    second.recv(1)  # sees the FIN
    second.close()
    listener.close()
    print('replayed %d turns, %d bytes' % (len(turns), sum(len(t[1]) for t in turns)))


if __name__ == '__main__':
    main()
