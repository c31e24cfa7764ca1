#!/usr/bin/env bash
# The man page (docs/man/rdpcap-analyze.1, installed by the Debian package) documents every option that
# `rdpcap-analyze --help` lists: a new option without a man page entry fails here.
#   test_man_page.sh RDPCAP_ANALYZE MAN_PAGE
set -u
cli=$1 man=$2
missing=()
# roff writes "-" as "\-" in option names
page=$(sed 's/\\-/-/g' "$man")
for opt in $("$cli" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  grep -qF -- "$opt" <<< "$page" || missing+=("$opt")
done
if (( ${#missing[@]} )); then
  echo "FAIL: options of '$cli --help' missing from $man: ${missing[*]}"
  exit 1
fi
echo "ok: every option of --help is in the man page"
