#!/usr/bin/env bash
# -j N and the progress line (offline-analyzer/file_runner.hpp): output and exit code
# identical to -j 1 in every format, input order kept with unreadable files among
# the inputs; the progress line only on a terminal (or --progress always), only for
# large input, never on standard output, and cleared before the report.
set -u
cli=$1 top=$2
samples=$top/samples/pcaps
. "$(dirname "$0")/../lib.sh"

files=("$samples"/22-mixed-two-servers.pcap "$tmp/missing.pcap" "$samples"/*.pcap* "$samples"/09-tls-no-shared-cipher-alert.pcap)
for fmt in --json --ndjson "--color never"; do
  # shellcheck disable=SC2086
  "$cli" $fmt "${files[@]}" > "$tmp/j1.out" 2> "$tmp/j1.err"; rc1=$?
  # shellcheck disable=SC2086
  "$cli" $fmt -j 3 "${files[@]}" > "$tmp/j3.out" 2> "$tmp/j3.err"; rc3=$?
  check "$fmt: -j 3 writes the same output as -j 1" cmp -s "$tmp/j1.out" "$tmp/j3.out"
  check "$fmt: -j 3 writes the same errors as -j 1" cmp -s "$tmp/j1.err" "$tmp/j3.err"
  check "$fmt: -j 3 exits like -j 1 ($rc1)" test "$rc1" = "$rc3"
done
check "-j 0 is a usage error" bash -c "'$cli' -j 0 '$samples/01-healthy-hybrid-tls12.pcap' > /dev/null 2>&1; test \$? = 2"
check "--progress rejects other values" bash -c "'$cli' --progress sometimes '$samples/01-healthy-hybrid-tls12.pcap' > /dev/null 2>&1; test \$? = 2"

# Small input: no progress line even when asked.
"$cli" --json --progress always "$samples/22-mixed-two-servers.pcap" > /dev/null 2> "$tmp/small.err"
check "small input: standard error stays empty" test ! -s "$tmp/small.err"

# Large input (70 MB generated) fed through a pipe with a pause, so the line has time to appear.
/usr/bin/python3 "$top/bench/gen_capture.py" --size 70M --seed 3 --out "$tmp/big.pcap" > /dev/null
feed="{ head -c 72000000 '$tmp/big.pcap'; sleep 1.5; tail -c +72000001 '$tmp/big.pcap'; }"
bash -c "$feed | '$cli' --json - > '$tmp/auto.out' 2> '$tmp/auto.err'"
check "auto, standard error not a terminal: silent" test ! -s "$tmp/auto.err"
bash -c "$feed | '$cli' --json --progress always - > '$tmp/always.out' 2> '$tmp/always.err'"
check "always: a progress line with bytes, rate and connections" \
  grep -qE 'rdpcap-analyze: [0-9.]+ MiB, [0-9]+ MB/s, [0-9]+ connections' "$tmp/always.err"
check "always: the line is cleared at the end" bash -c "tail -c 4 '$tmp/always.err' | od -c | grep -q '\\\\r 033   \\[   K'"
check "always: standard output is the same as without it" cmp -s "$tmp/auto.out" "$tmp/always.out"
if command -v script > /dev/null; then
  # A terminal on standard error (util-linux script), standard output to a file.
  script -qec "bash -c \"$feed | '$cli' --json - > '$tmp/tty.out'\"" /dev/null > "$tmp/tty.err" < /dev/null
  check "auto, standard error a terminal: a progress line" grep -q 'MB/s' "$tmp/tty.err"
  check "auto, terminal: standard output unchanged" cmp -s "$tmp/auto.out" "$tmp/tty.out"
  script -qec "'$cli' --json '$samples/01-healthy-hybrid-tls12.pcap' > '$tmp/tty-small.out'" /dev/null > "$tmp/tty-small.err" < /dev/null
  check "auto, terminal, small input: silent" test ! -s "$tmp/tty-small.err"
fi

finish jobs
