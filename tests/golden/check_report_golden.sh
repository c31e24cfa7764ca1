#!/usr/bin/env bash
# Golden test of the ticket outputs on one sample: the Markdown report
# (--report FILE.md) against samples/expected/<name>.md and the text report
# with ladder diagrams (--ladder --failures-only) against <name>.ladder.txt.
# tools/update-goldens regenerates both for samples that have them.
set -u
cli=$1 sample=$2 expected_dir=$3
name=$(basename "$sample")
base=${name%.*}
cd "$(dirname "$sample")" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
check() {  # kind, actual file
  if ! diff -u "$expected_dir/$base.$1" "$2" > "$tmp/diff"; then
    echo "== $name: $1 output differs from $expected_dir/$base.$1"
    head -80 "$tmp/diff"
    status=1
  fi
}
if [ -f "$expected_dir/$base.md" ]; then
  "$cli" --report "$tmp/report.md" "$name" > /dev/null; rc=$?
  if [ "$rc" -gt 1 ]; then echo "rdpcap-analyze --report exited with $rc on $name"; status=1
  else check md "$tmp/report.md"; fi
else
  echo "missing golden file $expected_dir/$base.md"; status=1
fi
if [ -f "$expected_dir/$base.ladder.txt" ]; then
  "$cli" --color never --ladder --failures-only "$name" > "$tmp/ladder.txt"; rc=$?
  if [ "$rc" -gt 1 ]; then echo "rdpcap-analyze --ladder exited with $rc on $name"; status=1
  else check ladder.txt "$tmp/ladder.txt"; fi
fi
exit $status
