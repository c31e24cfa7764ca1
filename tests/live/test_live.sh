#!/usr/bin/env bash
# Live capture (rdpcap-analyze -i) on the loopback interface of a private
# network namespace: a recorded failure (sample 09: the server answers the
# ClientHello with a handshake_failure alert) is replayed over real sockets
# (replay_sockets.py: the kernel makes the TCP handshake, the payload bytes are
# the recording's). The analyzer, started as root and dropped to nobody right
# after opening the interface, must run under that identity with no
# capability left, report the connection and its failure as an NDJSON line
# when it ends, and on SIGINT print the end records and a summary with the
# kernel's drop counts; an open connection is flushed on SIGTERM; CAP_NET_RAW
# alone (no root) is enough, and without it the error says what is needed.
# Needs root and network namespaces (`ip netns`, iproute2): skipped with a
# note (exit 77, ctest "Skipped") where either is missing.
set -u
cli=$1 top=$2
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" != 0 ]; then echo "SKIP: live/loopback needs root (network namespace, privilege drop)"; exit 77; fi
if ! command -v ip > /dev/null; then echo "SKIP: live/loopback needs 'ip' (iproute2) for a network namespace"; exit 77; fi
ns=rdpcap-live-$$
if ! ip netns add "$ns" 2> "$tmp/netns.err"; then
  echo "SKIP: live/loopback cannot create a network namespace: $(head -1 "$tmp/netns.err")"; exit 77
fi
trap 'ip netns del "$ns" 2> /dev/null; rm -rf "$tmp"' EXIT
# In a chroot (tools/test-fresh's box) the namespace can be made but not
# entered: `ip netns exec` remounts / and / is not a mount point there.
if ! ip netns exec "$ns" ip link set lo up 2> "$tmp/netns.err"; then
  echo "SKIP: live/loopback cannot enter a network namespace: $(head -1 "$tmp/netns.err")"; exit 77
fi
chmod 755 "$tmp"  # the output files are opened by this shell (root), not by the dropped analyzer

started() {  # ERRFILE: wait up to 5 s for the startup line
  for _ in $(seq 50); do grep -q 'capturing on' "$1" && return 0; sleep 0.1; done
  return 1
}

# `ip netns exec` execs the command in its own process: $! is the analyzer.
ip netns exec "$ns" "$cli" -i lo --ndjson -Z nobody > "$tmp/out.ndjson" 2> "$tmp/err" &
pid=$!
started "$tmp/err"
check "started and says what it captures, as whom" grep -q 'capturing on lo as uid 65534 (nobody)' "$tmp/err"
check "runs as nobody (kernel's view of the process)" grep -Eq '^Uid:\s+65534\s+65534\s+65534\s+65534$' /proc/$pid/status
check "no root group left" bash -c "grep -Eq '^Gid:\s+65534\s+65534\s+65534\s+65534$' /proc/$pid/status && ! grep -Eq '^Groups:.*\b0\b' /proc/$pid/status"
check "no capability left" grep -Eq '^CapEff:\s+0+$' /proc/$pid/status
check "says what the default filter leaves out" grep -q 'RDP on another port is not seen' "$tmp/err"

ip netns exec "$ns" /usr/bin/python3 "$(dirname "$0")/replay_sockets.py" \
  "$top/samples/pcaps/09-tls-no-shared-cipher-alert.pcap" 127.0.0.1 3389 > "$tmp/replay.out" 2>&1
check "replayed the recording" grep -q 'replayed' "$tmp/replay.out"
# The connection's line comes when it ends (FIN exchange), before any signal.
for _ in $(seq 50); do grep -q '"record":"connection"' "$tmp/out.ndjson" && break; sleep 0.1; done
check "connection line written when the connection ended" grep -q '"record":"connection".*"ended":"closed"\|"ended":"closed".*"record":"connection"' "$tmp/out.ndjson"
check "the failure is reported (tls.no_shared_cipher)" grep -q '"code":"tls.no_shared_cipher"' "$tmp/out.ndjson"
check "server is 127.0.0.1:3389" grep -q '"server":"127.0.0.1:3389"' "$tmp/out.ndjson"
check "capture named live:lo" grep -q '"capture":"live:lo"' "$tmp/out.ndjson"

kill -INT "$pid"
wait "$pid"
rc=$?
check "exit 1 (an error finding) after SIGINT" test "$rc" = 1
check "summary names SIGINT and the kernel's drop counts" grep -q 'stopped (SIGINT): .* 1 RDP connection; kernel: .* dropped' "$tmp/err"
check "end records: one server line" test "$(grep -c '"record":"server"' "$tmp/out.ndjson")" = 1
check "end records: one capture line, last" bash -c "tail -1 '$tmp/out.ndjson' | grep -q '\"record\":\"capture\"' && [ \$(grep -c '\"record\":\"capture\"' '$tmp/out.ndjson') = 1 ]"
check "every line is JSON" /usr/bin/python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/out.ndjson"

# An open connection at SIGTERM is flushed (ended by the capture) and reported;
# the text report (no --ndjson) is printed at the stop.
ip netns exec "$ns" "$cli" -i lo --color never -Z nobody > "$tmp/open.txt" 2> "$tmp/err2" &
pid=$!
started "$tmp/err2"
ip netns exec "$ns" /usr/bin/python3 -c "
import socket, time, os, signal
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(('127.0.0.1', 3389)); l.listen(1)
c = socket.create_connection(('127.0.0.1', 3389)); s, _ = l.accept()
c.sendall(bytes.fromhex('030000130ee000000000000100080003000000'))  # X.224 Connection Request with RDP_NEG_REQ
time.sleep(0.5)
os.kill($pid, signal.SIGTERM); time.sleep(1)
"
wait "$pid"
check "SIGTERM: the open connection is in the text report" grep -q '127.0.0.1:3389' "$tmp/open.txt"
check "SIGTERM: named in the summary" grep -q 'stopped (SIGTERM): .* 1 RDP connection' "$tmp/err2"

# Idle timeout: a silent connection is ended and reported while the capture runs
# and no packet at all arrives (the connection is still open when the line is checked).
ip netns exec "$ns" "$cli" -i lo --ndjson --idle-timeout 1 -Z nobody > "$tmp/idle.ndjson" 2> "$tmp/err5" &
pid=$!
started "$tmp/err5"
ip netns exec "$ns" /usr/bin/python3 -c "
import socket, time, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(('127.0.0.1', 3389)); l.listen(1)
c = socket.create_connection(('127.0.0.1', 3389)); s, _ = l.accept()
c.sendall(bytes.fromhex('030000130ee000000000000100080003000000')); s.recv(100)
for _ in range(60):  # up to 6 s: the 1 s timeout, checked about once a second
    time.sleep(0.1)
    if 'idle_timeout' in open(sys.argv[1]).read(): print('idle line seen while open'); break
# The session is used again (TLS application data both ways), then closed.
record = bytes.fromhex('1703030005') + b'hello'
c.sendall(record); s.recv(100); s.sendall(record); c.recv(100)
c.close(); s.close()
for _ in range(50):
    time.sleep(0.1)
    if open(sys.argv[1]).read().count('\"record\":\"connection\"') >= 2: break
" "$tmp/idle.ndjson" > "$tmp/idle.out"
check "--idle-timeout 1: the silent connection's line while it is still open, no traffic" grep -q 'idle line seen while open' "$tmp/idle.out"
check "used again after the timeout: one more line, for its later packets" \
  test "$(grep -c '"record":"connection"' "$tmp/idle.ndjson")" = 2
check "... which says it continues the part already reported (tcp.continued_after_idle), ended by its FIN exchange" \
  bash -c "grep '\"code\":\"tcp.continued_after_idle\"' '$tmp/idle.ndjson' | grep -q '\"ended\":\"closed\"'"
check "... and not that the capture started late (tcp.mid_stream)" bash -c "! grep -q 'tcp.mid_stream' '$tmp/idle.ndjson'"
kill -TERM "$pid"; wait "$pid"

# Only CAP_NET_RAW (no root): setpriv keeps that one capability for an ordinary
# user, as `setcap cap_net_raw+ep` on the binary would; once the interface is
# open the analyzer gives it up.
if command -v setpriv > /dev/null; then
  ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+net_raw \
    --ambient-caps=-all,+net_raw "$cli" -i lo --ndjson > "$tmp/cap.ndjson" 2> "$tmp/err3" &
  pid=$!
  started "$tmp/err3"
  check "CAP_NET_RAW alone is enough to capture" grep -q 'capturing on lo as uid 65534' "$tmp/err3"
  check "CAP_NET_RAW given up once the interface is open" grep -Eq '^CapEff:\s+0+$' /proc/$pid/status
  check "... not even kept as permitted or ambient" bash -c "grep -Eq '^CapPrm:\s+0+$' /proc/$pid/status && grep -Eq '^CapAmb:\s+0+$' /proc/$pid/status"
  kill -INT "$pid" 2> /dev/null; wait "$pid"
  ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --ambient-caps=-all \
    --bounding-set=-all "$cli" -i lo --ndjson > /dev/null 2> "$tmp/err4"
  check "without CAP_NET_RAW: exit 2" test $? = 2
  check "without CAP_NET_RAW: says what is needed" grep -q 'CAP_NET_RAW' "$tmp/err4"
else
  echo "note: setpriv (util-linux) missing: the CAP_NET_RAW-only checks were not run"
fi

# Usage: -i with a capture file, or with options that need a file.
"$cli" -i lo "$top/samples/pcaps/01-healthy-hybrid-tls12.pcap" > /dev/null 2> "$tmp/err6"
check "-i with a capture file: exit 2" test $? = 2
"$cli" -i lo --evidence e.pcapng > /dev/null 2> "$tmp/err7"
check "-i with --evidence: exit 2" test $? = 2
finish live/loopback
