#!/usr/bin/env bash
# Golden test: run rdpcap-analyze on one sample and diff its JSON and text
# output against samples/expected/. Any difference fails; tools/update-goldens
# regenerates the expected files on purpose (review the diff before committing).
set -u
cli=$1 sample=$2 expected_dir=$3
name=$(basename "$sample")
base=${name%.*}
cd "$(dirname "$sample")" || exit 1
status=0
for kind in json txt; do
  expected="$expected_dir/$base.$kind"
  if [ ! -f "$expected" ]; then
    echo "missing golden file $expected (run tools/update-goldens)"
    status=1
    continue
  fi
  if [ "$kind" = json ]; then
    actual=$("$cli" --json "$name"); rc=$?
  else
    actual=$("$cli" --color never "$name"); rc=$?
  fi
  if [ "$rc" -gt 1 ]; then
    echo "rdpcap-analyze exited with $rc on $name"
    status=1
    continue
  fi
  if ! diff -u "$expected" <(printf '%s\n' "$actual") > /tmp/rdpcap-golden-diff.$$; then
    echo "== $name: $kind output differs from $expected"
    head -80 /tmp/rdpcap-golden-diff.$$
    status=1
  fi
  rm -f /tmp/rdpcap-golden-diff.$$
done
exit $status
