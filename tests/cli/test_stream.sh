#!/usr/bin/env bash
# Every connection reaches NDJSON, however many there are (issue 13): a capture
# generated here holds more connections than the kept-results cap
# (Limits::max_kept_connections, 10,000); --ndjson must give one "connection"
# record for each of them, then its "server" and "capture" records, and --json
# a document with all of them; -j 2 gives the same bytes as -j 1; the text
# report keeps the cap and says exactly how many connections it left out.
# Usage: test_stream.sh ANALYZER SOURCE_DIR
set -u
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {  # check NAME COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}

n=10050
/usr/bin/python3 - "$tmp/many.pcap" "$n" <<'PY'
import struct, sys
out, n = sys.argv[1], int(sys.argv[2])
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def frame(src, dst, sport, dport, seq, ack, flags):
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, 65535, 0, 0)
    pseudo = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00' + ip + tcp
server = bytes([10, 0, 0, 1])
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = 1_700_000_000_000_000
    for i in range(n):
        client = bytes([10, 1, (i >> 8) & 255, i & 255])
        port, seq = 40000 + i % 20000, 1000 + i
        for fr in (frame(client, server, port, 3389, seq, 0, 0x02),              # SYN
                   frame(server, client, 3389, port, 0, seq + 1, 0x14)):         # RST+ACK: port closed
            t += 1000
            f.write(struct.pack('<IIII', t // 1_000_000, t % 1_000_000, len(fr), len(fr)) + fr)
PY

"$cli" --ndjson "$tmp/many.pcap" > "$tmp/many.ndjson"
check "--ndjson exits 1 (the refused connections are errors)" test $? -eq 1
/usr/bin/python3 - "$tmp/many.ndjson" "$n" > "$tmp/ndjson.check" <<'PY'
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
kinds = [r['record'] for r in records]
conns = [r for r in records if r['record'] == 'connection']
ids = {r['connection']['id'] for r in conns}
servers = [r for r in records if r['record'] == 'server']
caps = [r for r in records if r['record'] == 'capture']
problems = []
if len(conns) != n: problems.append('%d connection records, expected %d' % (len(conns), n))
if len(ids) != len(conns): problems.append('connection ids repeat')
if any(r['schema'] != 'rdpcap/1' for r in records): problems.append('a record without schema rdpcap/1')
if len(servers) != 1 or servers[0]['server']['connections'] != n: problems.append('server records: %r' % [s['server'] for s in servers])
if len(caps) != 1 or kinds[-1] != 'capture': problems.append('one capture record, last')
elif caps[0]['summary']['connections'] != n: problems.append('capture record counts %r' % caps[0]['summary']['connections'])
first_other = next((i for i, k in enumerate(kinds) if k != 'connection'), len(kinds))
if first_other != n: problems.append('a non-connection record among the connection records')
print('\n'.join(problems) if problems else 'ok')
PY
check "--ndjson: one connection record for each of the $n connections, then server and capture records" \
  grep -qx ok "$tmp/ndjson.check"
grep -v '^ok$' "$tmp/ndjson.check" | head -5

cp "$tmp/many.pcap" "$tmp/again.pcap"
"$cli" --ndjson "$tmp/many.pcap" "$tmp/again.pcap" > "$tmp/j1.ndjson"
"$cli" -j 2 --ndjson "$tmp/many.pcap" "$tmp/again.pcap" > "$tmp/j2.ndjson"
check "--ndjson -j 2 gives the bytes of -j 1" cmp -s "$tmp/j1.ndjson" "$tmp/j2.ndjson"
check "--ndjson of two files: 2 x $n connection records" \
  test "$(grep -c '"record":"connection"' "$tmp/j1.ndjson")" -eq $((2 * n))

"$cli" --color never "$tmp/many.pcap" > "$tmp/many.txt"
check "text report: says exactly how many connections it left out" \
  grep -q "$((n - 10000)) finished connections over the report limit (10000 connections" "$tmp/many.txt"

"$cli" --json "$tmp/many.pcap" > "$tmp/many.json"
check "--json: every one of the $n connections, numbered 1..$n in first-frame order, nothing left out" \
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); c=d['connections']; sys.exit(not (len(c)==$n and [x['id'] for x in c]==list(range(1,$n+1)) and [x['first_frame'] for x in c]==sorted(x['first_frame'] for x in c) and d['capture']['connections']==$n and 'notes' not in d['capture'] and sum(len(s['connections']) for s in d['servers'])==$n))" "$tmp/many.json"
TMPDIR=/nonexistent "$cli" --json "$tmp/many.pcap" > "$tmp/many-fallback.json"
check "--json: with \$TMPDIR unusable the spool falls back to tmpfile(): same document" cmp -s "$tmp/many.json" "$tmp/many-fallback.json"
"$cli" --json "$tmp/many.pcap" "$tmp/again.pcap" > "$tmp/j1.json"
"$cli" -j 2 --json "$tmp/many.pcap" "$tmp/again.pcap" > "$tmp/j2.json"
check "--json -j 2 gives the bytes of -j 1" cmp -s "$tmp/j1.json" "$tmp/j2.json"
exit $fail
