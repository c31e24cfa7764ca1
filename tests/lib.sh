# Sourced by the shell tests (tests/*/test_*.sh): a temporary folder removed
# on exit, and the counting helpers. A test script ends with `finish NAME`,
# whose status is the script's: non-zero when any check failed.
#   check DESCRIPTION COMMAND...   runs COMMAND; a failure prints DESCRIPTION
#   ok / bad DESCRIPTION           count a check done inline (cond && ok || bad "...")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 checks=0
check() {
  local what=$1; shift
  checks=$((checks + 1))
  if "$@"; then :; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {
  echo "$1: $((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
