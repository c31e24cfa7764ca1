#!/usr/bin/env bash
# ctest bench/small_capture: generate a 20 MB capture (bench/gen_capture.py: every
# sample connection spliced, re-addressed and re-timed, into bulk non-RDP traffic)
# in a temporary folder, analyse it, and compare the counts of every kind, their
# outcomes and finding codes with the manifest (bench/check_manifest.py). No timing.
set -u
cli=$1 top=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$top/bench/gen_capture.py" --size 20M --seed 7 --out "$tmp/small.pcap" > /dev/null || exit 1
"$cli" --json "$tmp/small.pcap" > "$tmp/small.json"
rc=$?
if [ "$rc" -gt 1 ]; then echo "rdpcap-analyze exited with $rc"; exit 1; fi
/usr/bin/python3 "$top/bench/check_manifest.py" "$tmp/small.manifest.json" "$tmp/small.json" || exit 1
# The same through -j 2 with a second copy: one document, both captures, same connections.
cp "$tmp/small.pcap" "$tmp/copy.pcap"
"$cli" --json -j 2 "$tmp/small.pcap" "$tmp/copy.pcap" > "$tmp/two.json"
/usr/bin/python3 - "$tmp/small.json" "$tmp/two.json" <<'PY' || exit 1
import json, sys
one = json.load(open(sys.argv[1]))
two = json.load(open(sys.argv[2]))
assert len(two['captures']) == 2, 'two captures expected'
for doc in two['captures']:
    assert doc['connections'] == one['connections'], 'connections differ under -j 2'
print('-j 2 over two copies: same connections in both documents')
PY
