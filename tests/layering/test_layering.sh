#!/usr/bin/env bash
# Each layer of core/ is its own CMake target that sees only its own and lower
# layers' headers. Builds two probes against rdpcap_session: one including only
# session/model/util headers (must build), one including rules/diagnose.hpp
# (must fail, because rules/ is not below session/); and one against
# rdpcap_capture including report/json_report.hpp (must fail: capture/ links
# only the engine and below).
# Usage: test_layering.sh BUILD_DIR
set -u
build=$1
if ! out=$(cmake --build "$build" --target rdpcap_layering_probe_down 2>&1); then
  echo "FAIL: the downward probe does not build:"; echo "$out" | tail -20; exit 1
fi
if out=$(cmake --build "$build" --target rdpcap_layering_probe_up 2>&1); then
  echo "FAIL: session code including rules/diagnose.hpp built: layers are not enforced"; exit 1
fi
if ! grep -q 'rules/diagnose.hpp' <<<"$out"; then
  echo "FAIL: the upward probe failed for another reason:"; echo "$out" | tail -20; exit 1
fi
if out=$(cmake --build "$build" --target rdpcap_layering_probe_capture_up 2>&1); then
  echo "FAIL: capture code including report/json_report.hpp built: capture/ is not kept below report"; exit 1
fi
if ! grep -q 'report/json_report.hpp' <<<"$out"; then
  echo "FAIL: the capture probe failed for another reason:"; echo "$out" | tail -20; exit 1
fi
echo "ok: upward includes rejected (session -> rules, capture -> report), downward include builds"
