#!/usr/bin/env bash
# Secrets embedded in a pcapng (Decryption Secrets Block) are used with no
# option: editcap --inject-secrets puts a sample's key log into a pcapng made
# now; the analysis of that file alone must decrypt like --keylog does, and a
# malformed key log must be refused naming its line.
set -u
cli=$1 top=$2
source "$top/tests/lib.sh"
command -v editcap > /dev/null || { echo "editcap not installed: skipped"; exit 0; }
strip() { sed -e 's/"capture": *"[^"]*"//' -e 's/"file": *"[^"]*"//'; }
for base in 02-healthy-hybridex-tls13 01-healthy-hybrid-tls12; do
  editcap --inject-secrets "tls,$top/samples/tls-keylog.txt" "$top/samples/pcaps/$base.pcap" "$tmp/$base.pcapng" ||
    { bad "editcap failed on $base"; continue; }
  with_dsb=$("$cli" --json "$tmp/$base.pcapng" | strip)
  cp "$top/samples/pcaps/$base.pcap" "$tmp/$base.pcap"
  with_keylog=$("$cli" --json --keylog "$top/samples/tls-keylog.txt" "$tmp/$base.pcap" | strip)
  check "$base: the DSB pcapng decrypts" grep -q '"status": "decrypted"' <<< "$with_dsb"
  check "$base: DSB and --keylog give the same analysis" test "$with_dsb" = "$with_keylog"
done
printf 'CLIENT_RANDOM 00\n' > "$tmp/bad.keys"
out=$("$cli" --keylog "$tmp/bad.keys" "$top/samples/pcaps/01-healthy-hybrid-tls12.pcap" 2>&1); rc=$?
check "a malformed key log exits 2" test "$rc" = 2
check "the error names the file and line" grep -q "bad.keys:1: CLIENT_RANDOM needs 2 fields" <<< "$out"
finish dsb
