#!/usr/bin/env bash
# Limits under hostile captures (generated now by hostile_pcap.py into a
# temporary folder, deleted after each run; nothing large is checked in): bounded memory (peak
# RSS measured with /usr/bin/time), bounded time, partial results and the
# documented exit codes (0 / 1 findings / 2 usage or input error; a damaged
# file prints what it has and exits 2), capture-level notes for every
# capture-wide cap hit.
#   test_limits.sh CLI SOURCE_DIR [--sanitized]
# --sanitized (ASan/UBSan build): smaller captures, no RSS or time bounds
# (the sanitizers' own overhead), the same behaviour checks.
set -u
cli=$1 top=$2 sanitized=${3:-}
gen="/usr/bin/python3 $top/tests/limits/hostile_pcap.py"
. "$(dirname "$0")/../lib.sh"
scale=1
[ "$sanitized" = --sanitized ] && scale=10

# run NAME MAX_RSS_MB MAX_SECONDS SCENARIO [GENERATOR ARGS] -- [CLI ARGS]
# Generates the capture into $tmp, runs the CLI on it under /usr/bin/time;
# leaves $tmp/NAME.{out,err,rc,rss}.
run() {
  local name=$1 max_mb=$2 max_s=$3; shift 3
  local gen_args=() cli_args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do gen_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cli_args=("$@")
  local t0=$SECONDS
  $gen "${gen_args[@]}" -o "$tmp/$name.pcap" || { bad "generator $name"; return; }
  local t1=$SECONDS
  timeout 600 /usr/bin/time -f %M -o "$tmp/$name.rss" "$cli" "${cli_args[@]}" "$tmp/$name.pcap" \
    > "$tmp/$name.out" 2> "$tmp/$name.err"
  echo $? > "$tmp/$name.rc"
  local secs=$((SECONDS - t1)) kb
  kb=$(tail -1 "$tmp/$name.rss")
  rm -f "$tmp/$name.pcap"
  echo "$name: $((kb / 1024)) MB peak RSS, ${secs}s (generated in $((t1 - t0))s), exit $(cat "$tmp/$name.rc")"
  if [ "$scale" = 1 ]; then
    check "$name: peak RSS $((kb / 1024)) MB <= $max_mb MB" test "$kb" -le $((max_mb * 1024))
    check "$name: ${secs}s <= ${max_s}s" test "$secs" -le "$max_s"
  fi
}
rc() { cat "$tmp/$1.rc"; }
text_says() {  # text_says NAME PATTERN: the text report (lines joined, as it wraps them) matches
  tr -s '\n ' '  ' < "$tmp/$1.out" | grep -q "$2"
}
json() {  # json NAME PYTHON-EXPRESSION over d (the document): true/false
  /usr/bin/python3 -c "import json,sys; d=json.load(open('$tmp/$1.out')); sys.exit(0 if ($2) else 1)"
}

# A million half-open connections: 500000 tracked compactly (the flow
# table's limit), the rest counted; the text report lists 10000 and counts
# the others by outcome; the notes say so. (--json and --ndjson list every
# connection, however many: tests/cli/test_stream.sh.)
n=$((1000000 / scale))
run syn-flood 400 120 syn-flood --count $n -- --color never
check "syn-flood: exit 1 (findings)" test "$(rc syn-flood)" = 1
check "syn-flood: the rest counted, by outcome" \
  text_says syn-flood "note: [0-9]* finished connections over the report limit [^:]*: [0-9]* failed_tcp tcp.syn_unanswered"
[ "$scale" = 1 ] && check "syn-flood: note on the flow limit" text_says syn-flood "note: [0-9]* TCP segments that would have started a new flow were not followed"

# A million refused connections (each finished at once): the list stays
# bounded; text report this time.
run syn-rst 200 120 syn-rst --count $n -- --color never
check "syn-rst: exit 1" test "$(rc syn-rst)" = 1
check "syn-rst: note in the text report" grep -q "note: .* finished connections over the report limit" "$tmp/syn-rst.out"
check "syn-rst: counted as refused" grep -q "failed_tcp tcp.refused" "$tmp/syn-rst.out"

# Connections kept open (SYN + SYN-ACK): at most 50000 followed at once.
run synack-flood 300 120 synack-flood --count $((200000 / scale)) -- --color never
check "synack-flood: exit 0 or 1" test "$(rc synack-flood)" -le 1
[ "$scale" = 1 ] && check "synack-flood: flows over the limit counted" \
  text_says synack-flood "note: 150000 TCP segments that would have started a new flow were not followed"

# The RDP connection that matters is listed by the (capped) text report even
# after 200000 refused ones.
run flood-then-rdp 300 120 flood-then-rdp --count $((200000 / scale)) -- --color never
check "flood-then-rdp: the real negotiation is listed" grep -q "cookie real" "$tmp/flood-then-rdp.out"

# 5000 handshakes to one server with 5000 different suites, then 5000
# failures: each failure names at most 8 suites accepted elsewhere (it used
# to name all: quadratic memory).
run suite-spread 400 120 suite-spread --count $((5000 / scale)) -- --json
check "suite-spread: exit 1" test "$(rc suite-spread)" = 1
check "suite-spread: bounded evidence per finding" json suite-spread "max(len(f['evidence']) for c in d['connections'] for f in c['findings']) <= 20"
check "suite-spread: the others counted" json suite-spread "any(e['value'].startswith('and ') and e['value'].endswith(' other cipher suites') for f in d['connections'][-1]['findings'] for e in f['evidence'])"

# Endless out-of-order segments in one connection: per-direction caps.
run ooo-endless 64 120 ooo-endless --count $((1000000 / scale)) -- --json
check "ooo-endless: exit 0 or 1" test "$(rc ooo-endless)" -le 1
check "ooo-endless: gaps reported" json ooo-endless "d['connections'][0]['tcp']['client_gaps'] > 0"

# 600 connections each buffering 256 KiB behind a hole: 150 MiB, over the
# 128 MiB capture-wide buffer budget.
run ooo-many 300 120 ooo-many --count $((600 / scale)) -- --json
check "ooo-many: exit 0 or 1" test "$(rc ooo-many)" -le 1
if [ "$scale" = 1 ]; then
  check "ooo-many: buffer budget note" json ooo-many "d['capture']['buffer_budget_hits'] > 0 and any('buffered bytes' in x for x in d['capture']['notes'])"
  check "ooo-many: the connections cut say so" json ooo-many "any('capture-wide buffer budget (128 MiB)' in c['limits_hit'] for c in d['connections'])"
fi

# A 16 MiB "certificate" (the largest a handshake message can declare).
run big-cert 64 60 big-cert -- --json
check "big-cert: exit 1" test "$(rc big-cert)" = 1
check "big-cert: the cap is named" json big-cert "any('exceeds the 262144-byte cap' in l for l in d['connections'][0]['limits_hit'])"
check "big-cert: the ServerHello before it still counts" json big-cert "d['connections'][0]['tls']['server_hello'] is not None"

# Zero-length and maximal TLS records, then one byte over the maximum.
run tls-records 64 30 tls-records -- --json
check "tls-records: exit 1" test "$(rc tls-records)" = 1
check "tls-records: 0, 2^14 and 2^14+2048-byte records read" json tls-records "d['connections'][0]['tls']['server_encrypted']['records'] == 3 and d['connections'][0]['tls']['server_encrypted']['bytes'] == 34816"
check "tls-records: 2^14+2049 is not TLS" json tls-records "'record length 18433 exceeds' in d['connections'][0]['tls']['server_error']"
check "tls-records: a zero-length alert is not TLS" json tls-records "'alert record of 0 byte' in d['connections'][1]['tls']['server_error']"

# File-level damage and extremes.
run huge-snaplen 64 30 huge-snaplen -- --json
check "huge-snaplen: read normally (exit 0 or 1)" test "$(rc huge-snaplen)" -le 1
check "huge-snaplen: every frame counted" json huge-snaplen "d['capture']['frames'] == 9"
run caplen-over 64 30 caplen-over -- --color never
check "caplen-over: exit 2" test "$(rc caplen-over)" = 2
check "caplen-over: says the file is damaged" grep -q "damaged after frame 5" "$tmp/caplen-over.err"
check "caplen-over: partial report printed" grep -q "192.0.2.10:3389" "$tmp/caplen-over.out"
run cut 64 30 cut -- --json
check "cut: exit 2" test "$(rc cut)" = 2
check "cut: partial JSON report" json cut "d['capture']['frames'] == 5"
for broken in bad-magic short-header; do
  run $broken 64 30 $broken --
  check "$broken: exit 2" test "$(rc $broken)" = 2
  check "$broken: one line on stderr naming the file" bash -c "[ \$(wc -l < '$tmp/$broken.err') = 1 ] && grep -q '$broken.pcap' '$tmp/$broken.err'"
  check "$broken: nothing on stdout" test ! -s "$tmp/$broken.out"
done

finish limits
