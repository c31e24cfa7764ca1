#!/usr/bin/env bash
# The CLI's contract, checked on real samples: exit codes, one-line errors on
# bad input, partial results on a damaged file, standard input, several files,
# deterministic output and terminal-safe escaping of capture bytes.
set -u
cli=$1 top=$2
samples=$top/samples/pcaps
. "$(dirname "$0")/../lib.sh"
rc_of() { "$@" > "$tmp/out" 2> "$tmp/err"; echo $?; }

check "--version exits 0 and names the tool" bash -c "'$cli' --version | grep -q '^rdpcap-analyze [0-9]'"
check "--help exits 0" bash -c "'$cli' --help > /dev/null"
check "no argument is a usage error (2)" test "$(rc_of "$cli")" = 2
check "unknown option is a usage error (2)" test "$(rc_of "$cli" --bogus "$samples/01-healthy-hybrid-tls12.pcap")" = 2

check "missing file: exit 2" test "$(rc_of "$cli" "$tmp/nope.pcap")" = 2
check "missing file: one line naming the file" bash -c "[ \$(wc -l < '$tmp/err') = 1 ] && grep -q 'nope.pcap' '$tmp/err'"

printf 'this is not a capture\n' > "$tmp/text.pcap"
check "not a capture: exit 2" test "$(rc_of "$cli" "$tmp/text.pcap")" = 2
check "not a capture: one line naming the file" bash -c "[ \$(wc -l < '$tmp/err') = 1 ] && grep -q 'text.pcap' '$tmp/err'"

# A valid pcap header with link type 147 (LINKTYPE_USER0), no packets.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x93\x00\x00\x00' > "$tmp/user0.pcap"
check "unsupported link type: exit 2" test "$(rc_of "$cli" "$tmp/user0.pcap")" = 2
check "unsupported link type: says so" grep -q 'unsupported link type 147' "$tmp/err"

# A file cut in the middle of a packet record: partial report plus exit 2.
size=$(stat -c %s "$samples/09-tls-no-shared-cipher-alert.pcap")
head -c $((size - 7)) "$samples/09-tls-no-shared-cipher-alert.pcap" > "$tmp/cut.pcap"
check "file cut mid-packet: exit 2" test "$(rc_of "$cli" "$tmp/cut.pcap")" = 2
check "file cut mid-packet: error names the damage" grep -q 'damaged' "$tmp/err"
check "file cut mid-packet: report still printed" grep -q 'No cipher suite in common' "$tmp/out"

check "-p takes one port each, the captures stay positional" bash -c "'$cli' --json -p 443 -p 8443 '$samples/20-rdp-on-port-3390.pcap' '$samples/01-healthy-hybrid-tls12.pcap' | grep -q '\"captures\"'"
check "-p rejects a port out of range" test "$(rc_of "$cli" -p 70000 "$samples/01-healthy-hybrid-tls12.pcap")" = 2
check "failing sample: exit 1" test "$(rc_of "$cli" "$samples/09-tls-no-shared-cipher-alert.pcap")" = 1
check "healthy sample: exit 0" test "$(rc_of "$cli" "$samples/01-healthy-hybrid-tls12.pcap")" = 0
check "--fail-on info counts info findings" test "$(rc_of "$cli" --fail-on info "$samples/02-healthy-hybridex-tls13.pcap")" = 1
check "--fail-on never: exit 0" test "$(rc_of "$cli" --fail-on never "$samples/09-tls-no-shared-cipher-alert.pcap")" = 0

"$cli" --json "$samples/22-mixed-two-servers.pcap" > "$tmp/a.json"
"$cli" --json "$samples/22-mixed-two-servers.pcap" > "$tmp/b.json"
check "same input gives byte-identical JSON" cmp -s "$tmp/a.json" "$tmp/b.json"
cat "$samples/22-mixed-two-servers.pcap" | "$cli" --json - > "$tmp/stdin.json"
check "standard input gives the same connections" bash -c "diff <(grep -v '\"file\"' '$tmp/a.json') <(grep -v '\"file\"' '$tmp/stdin.json') > /dev/null"
"$cli" --json "$samples/01-healthy-hybrid-tls12.pcap" "$samples/09-tls-no-shared-cipher-alert.pcap" > "$tmp/two.json"
check "two files: one document with two captures" bash -c "grep -c '\"schema\": \"rdpcap/1\"' '$tmp/two.json' | grep -qx 3 && grep -q '\"captures\"' '$tmp/two.json'"
"$cli" --ndjson "$samples/22-mixed-two-servers.pcap" > "$tmp/lines.ndjson"
check "--ndjson: one connection record per connection" test "$(grep -c '"record":"connection"' "$tmp/lines.ndjson")" = "$(grep -c '"verdict"' "$tmp/a.json")"
check "--ndjson: a capture record last" bash -c "tail -1 '$tmp/lines.ndjson' | grep -q '\"record\":\"capture\"'"

# Terminal safety: a cookie made of an ANSI escape and a bell must not reach
# the terminal raw (the same byte count keeps the TPKT lengths valid).
perl -0777 -pe 's/mstshash=.{5}/mstshash=\e[2J\a/s' "$samples/14-neg-failure-hybrid-required.pcap" > "$tmp/hostile.pcap"
"$cli" --color never "$tmp/hostile.pcap" > "$tmp/hostile.txt"
check "hostile cookie: no ESC byte in the text report" bash -c "! grep -q \$'\\x1b' '$tmp/hostile.txt'"
check "hostile cookie: no BEL byte in the text report" bash -c "! grep -q \$'\\x07' '$tmp/hostile.txt'"
check "hostile cookie: shown escaped" grep -qF 'cookie \x1b[2J\x07' "$tmp/hostile.txt"
"$cli" --json "$tmp/hostile.pcap" > "$tmp/hostile.json"
check "hostile cookie: escaped in JSON" grep -qF '"cookie": "\u001b[2J\u0007' "$tmp/hostile.json"

# Terminal safety beyond the cookie: an SNI, an ALPN protocol and a
# certificate's subject, issuer and dNSName made of ANSI escapes, C0/C1
# controls, DEL, CR LF and invalid UTF-8 (tests/limits/hostile_pcap.py builds
# the capture and the certificate DER). Text: no control byte but newline, no
# C1 character, valid UTF-8. JSON/NDJSON: valid, no raw DEL or C1 either.
/usr/bin/python3 "$top/tests/limits/hostile_pcap.py" hostile-text -o "$tmp/hostile-text.pcap"
"$cli" --color never "$tmp/hostile-text.pcap" > "$tmp/ht.txt"
"$cli" --json "$tmp/hostile-text.pcap" > "$tmp/ht.json"
"$cli" --ndjson "$tmp/hostile-text.pcap" > "$tmp/ht.ndjson"
terminal_safe() {  # terminal_safe FILE: only printable UTF-8, newlines (and JSON's escapes)
  /usr/bin/python3 - "$1" <<'PY'
import sys, unicodedata
text = open(sys.argv[1], "rb").read().decode("utf-8")  # raises on invalid UTF-8
bad = [c for c in text if (c != "\n" and unicodedata.category(c) == "Cc") or c in "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"]
sys.exit(1 if bad else 0)
PY
}
check "hostile fields: text report is terminal-safe" terminal_safe "$tmp/ht.txt"
check "hostile fields: JSON is terminal-safe" terminal_safe "$tmp/ht.json"
check "hostile fields: NDJSON is terminal-safe" terminal_safe "$tmp/ht.ndjson"
check "hostile fields: JSON is valid" /usr/bin/python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/ht.json"
check "hostile SNI: shown escaped in text" grep -qF '\x1b[31mRED\x1b[0m\x07\x08\x00\xff\xfe' "$tmp/ht.txt"
check "hostile certificate subject: shown escaped in text" grep -qF 'CN=\1B[31mRED' "$tmp/ht.txt"
check "hostile SNI: round-trips through JSON" /usr/bin/python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))
sni = d['connections'][0]['tls']['client_hello']['sni']
sys.exit(0 if sni.startswith('\x1b[31mRED\x1b[0m\x07\x08\x00\ufffd') and sni.endswith('\x7f\x9b') else 1)" "$tmp/ht.json"
check "hostile certificate dNSName: in JSON, escaped" /usr/bin/python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))
san = d['connections'][0]['tls']['certificates'][0]['san_dns']
sys.exit(0 if san[0].startswith('\x1b[31mRED') and san[1] == 'ok.example' else 1)" "$tmp/ht.json"

# --reference-time: one parser (core/util/utc_time.hpp), no exception can
# escape it. A bad value is exit 2 with one line naming the option.
h=$samples/01-healthy-hybrid-tls12.pcap
check "--reference-time 99999999999999999999: exit 2, no abort (#14)" \
  test "$(rc_of "$cli" --reference-time 99999999999999999999 "$h")" = 2
check "--reference-time out of range: one line naming the option" \
  bash -c "[ \$(wc -l < '$tmp/err') = 1 ] && grep -q -- '--reference-time.*out of range' '$tmp/err'"
check "--reference-time 2025-02-30: exit 2" test "$(rc_of "$cli" --reference-time 2025-02-30 "$h")" = 2
check "--reference-time 2025-02-30: says which field" grep -q 'day 30 is not in that month' "$tmp/err"
check "--reference-time '': exit 2" test "$(rc_of "$cli" --reference-time '' "$h")" = 2
check "--reference-time epoch seconds: accepted" test "$(rc_of "$cli" --reference-time 1741597200 "$h")" = 0
check "--reference-time date: accepted" test "$(rc_of "$cli" --reference-time 2025-03-10 "$h")" = 0
"$cli" --json --reference-time 2040-01-01T00:00:00Z "$h" > "$tmp/ref.json"
check "--reference-time far ahead: the certificate is expired then" grep -q '"cert.expired"' "$tmp/ref.json"

# No command line may crash the CLI: hostile values for every option that
# takes one, unknown options, empty and invalid UTF-8 arguments. Each is a
# usage error (exit 2) and no signal (exit status above 128).
hostile_args=(
  "--port 99999999999999999999999" "--port -1" "--port 0" "--port ''" "--port x"
  "-j 99999999999999999999999" "-j 0" "-j -5" "-j ''" "--jobs 1e9"
  "--connection 99999999999999999999999" "--connection ''" "--connection '#'" "--connection -1"
  "--reference-time 99999999999999999999" "--reference-time -99999999999999999999" "--reference-time ''"
  "--reference-time 2025-13-45T99:99:99Z" "--reference-time $'\xff\xfe'"
  "--fail-on ''" "--fail-on bogus" "--color $'\x1b[2J'" "--progress ''" "--report ''" "--report x.txt"
  "--bogus" "--" "''" "$'\xff\xfe\xfd'" "--$'\xc3\x28'" "-" "--json --ndjson" "--port" "-j" "--reference-time"
)
for args in "${hostile_args[@]}"; do
  eval "set -- $args"
  rc=$(rc_of "$cli" "$@" "$tmp/nope.pcap" < /dev/null)
  [ "$rc" = 2 ] && ok || bad "hostile arguments [$args]: exit $rc, expected 2 ($(head -c 200 "$tmp/err"))"
done
rc=$(rc_of "$cli" $(printf -- '-p 443 %.0s' $(seq 1 2000)) "$h")
[ "$rc" -lt 128 ] && ok || bad "4000 arguments: exit $rc (a signal)"

# The README's table of finding codes is --list-codes, line for line.
awk '/^\| code \| severity \| meaning \|$/ {t = 1} t && /^$/ {exit} t' "$top/README.md" > "$tmp/readme-codes.md"
"$cli" --list-codes > "$tmp/list-codes.md"
check "README code table has the catalog's size" test "$(wc -l < "$tmp/readme-codes.md")" -ge 64
check "README code table equals --list-codes" diff -u "$tmp/list-codes.md" "$tmp/readme-codes.md"

finish cli
