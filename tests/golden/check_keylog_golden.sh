#!/usr/bin/env bash
# Golden test with keys: run rdpcap-analyze --keylog on one sample and diff its
# JSON and text output against samples/expected/<name>.keylog.{json,txt} (and,
# where they exist, the Markdown report and ladder: <name>.keylog.{md,ladder.txt}). The
# key log is samples/keys/<name>.keys when it exists, else samples/tls-keylog.txt.
# tools/update-goldens regenerates every .keylog golden that exists.
set -u
cli=$1 sample=$2 expected_dir=$3
name=$(basename "$sample")
base=${name%.*}
top=$(cd "$expected_dir/../.." && pwd)
keys=$top/samples/keys/$base.keys
[ -f "$keys" ] || keys=$top/samples/tls-keylog.txt
cd "$(dirname "$sample")" || exit 1
status=0
for kind in json txt; do
  expected="$expected_dir/$base.keylog.$kind"
  if [ "$kind" = json ]; then
    actual=$("$cli" --json --keylog "$keys" "$name"); rc=$?
  else
    actual=$("$cli" --color never --keylog "$keys" "$name"); rc=$?
  fi
  if [ "$rc" -gt 1 ]; then
    echo "rdpcap-analyze exited with $rc on $name --keylog $keys"
    status=1
    continue
  fi
  if ! diff -u "$expected" <(printf '%s\n' "$actual") > /tmp/rdpcap-keylog-golden-diff.$$; then
    echo "== $name with keys: $kind output differs from $expected"
    head -80 /tmp/rdpcap-keylog-golden-diff.$$
    status=1
  fi
  rm -f /tmp/rdpcap-keylog-golden-diff.$$
done
# The ticket outputs with keys, for the samples that have them: the Markdown report and the
# ladder (--failures-only), where the decrypted phases show.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for kind in md ladder.txt; do
  expected="$expected_dir/$base.keylog.$kind"
  [ -f "$expected" ] || continue
  if [ "$kind" = md ]; then
    "$cli" --keylog "$keys" --report "$tmp/actual.$kind" "$name" > /dev/null; rc=$?
  else
    "$cli" --color never --ladder --failures-only --keylog "$keys" "$name" > "$tmp/actual.$kind"; rc=$?
  fi
  if [ "$rc" -gt 1 ]; then
    echo "rdpcap-analyze exited with $rc on $name --keylog $keys ($kind)"
    status=1
  elif ! diff -u "$expected" "$tmp/actual.$kind" > "$tmp/diff"; then
    echo "== $name with keys: $kind output differs from $expected"
    head -80 "$tmp/diff"
    status=1
  fi
done
exit $status
