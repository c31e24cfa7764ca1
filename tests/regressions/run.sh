#!/usr/bin/env bash
# Replays fuzz inputs through the fuzz targets' own checks, built without
# libFuzzer (fuzz/replay_main.cpp): tests/regressions/run.sh REPLAY_DIR SOURCE_DIR MODE
#   MODE regressions: every file in tests/regressions/<target>/ (tiny
#        reproducers of past findings; a crash, sanitizer report or failed
#        check fails the test)
#   MODE seeds: seed corpora generated now from samples/pcaps and
#        ../shared/pcaps (rdpcap-fuzz-seeds), so the normal and sanitizer
#        builds run every target over real traffic. The shared folder is
#        $RDPCAP_SHARED_PCAPS when set; when it is absent the samples alone
#        are used (a note says so), and under CI (CI set) that fails.
set -u
bin=$1 top=$2 mode=$3
targets=(fuzz_negotiation fuzz_tls_stream fuzz_tls_messages fuzz_x509 fuzz_pcap fuzz_tcp_flow fuzz_inner)
status=0
if [ "$mode" = regressions ]; then
  dirs=()
  for t in "${targets[@]}"; do
    d=$top/tests/regressions/$t
    [ -d "$d" ] || continue
    echo "== $t: $(find "$d" -type f | wc -l) input(s)"
    "$bin/rdpcap-replay-$t" "$d" || { echo "FAIL: $t"; status=1; }
  done
  exit $status
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shared=${RDPCAP_SHARED_PCAPS:-$top/../shared/pcaps}
if [ ! -d "$shared" ]; then
  case ${CI:-} in
    ""|0|false|False|FALSE)
      echo "RDPCAP-SKIPPED: $shared not present (a clone without ../shared/pcaps): seeds from samples/pcaps only" ;;
    *) echo "FAIL: $shared is missing and CI is set: the project's CI must have ../shared/pcaps"; status=1 ;;
  esac
fi
captures=()
for c in "$top"/samples/pcaps/*.pcap "$top"/samples/pcaps/*.pcapng "$shared"/*.pcap "$shared"/*.pcapng; do
  [ -f "$c" ] && captures+=("$c")
done
"$bin/rdpcap-fuzz-seeds" "$tmp" "${captures[@]}" || status=1
for t in "${targets[@]}"; do
  [ -d "$tmp/$t" ] || { echo "FAIL: no seeds for $t"; status=1; continue; }
  echo "== $t"
  "$bin/rdpcap-replay-$t" "$tmp/$t" || { echo "FAIL: $t"; status=1; }
done
exit $status
