#!/usr/bin/env bash
# Compressed captures (capture/gzip_file): a .pcap.gz / .pcapng.gz, from a
# file or from standard input, gives the same report as the plain file; a
# stream of several gzip members (concatenated rotations) reads as one; a cut
# or corrupt .gz gives the partial report, names the damage and exits 2.
set -u
cli=$1 top=$2
samples=$top/samples/pcaps
. "$(dirname "$0")/../lib.sh"

same_report() {  # FORMAT PLAIN GZ: byte-identical output, both read under the same name
  local fmt=$1 plain=$2 gz=$3
  rm -rf "$tmp/p" "$tmp/g" && mkdir -p "$tmp/p" "$tmp/g"
  cp "$plain" "$tmp/p/capture" && cp "$gz" "$tmp/g/capture"
  (cd "$tmp/p" && "$cli" $fmt capture > ../plain.out 2>&1; echo "rc $?" >> ../plain.out)
  (cd "$tmp/g" && "$cli" $fmt capture > ../gz.out 2>&1; echo "rc $?" >> ../gz.out)
  cmp -s "$tmp/plain.out" "$tmp/gz.out"
}

for s in 01-healthy-hybrid-tls12.pcap 09-tls-no-shared-cipher-alert.pcap 22-mixed-two-servers.pcap \
         21d-pcapng-healthy.pcapng rdp-07-shadow-nla-ok.pcap; do
  gzip -c "$samples/$s" > "$tmp/$s.gz"
  check "$s.gz: same JSON as the plain file" same_report --json "$samples/$s" "$tmp/$s.gz"
  check "$s.gz: same text as the plain file" same_report "--color never" "$samples/$s" "$tmp/$s.gz"
  check "$s.gz: same NDJSON as the plain file" same_report --ndjson "$samples/$s" "$tmp/$s.gz"
done

# A .pcapng.gz whose TLS secrets are in Decryption Secrets Blocks decrypts as the plain file
# does (the blocks are read from the decompressed stream): the same decrypted report.
s=rdp-28-xrdp-tls13-selfsigned-deny-dsb.pcapng
gzip -c "$samples/$s" > "$tmp/$s.gz"
check "$s.gz: same JSON as the plain file (secrets from its DSB)" same_report --json "$samples/$s" "$tmp/$s.gz"
check "$s.gz: ... and that report is decrypted" grep -q '"decrypted": true' "$tmp/gz.out"

"$cli" --json "$samples/22-mixed-two-servers.pcap" | grep -v '"file"' > "$tmp/plain.json"
gzip -c "$samples/22-mixed-two-servers.pcap" | "$cli" --json - | grep -v '"file"' > "$tmp/stdin.json"
check "gzip on standard input: same connections" cmp -s "$tmp/plain.json" "$tmp/stdin.json"
"$cli" --json - < "$samples/22-mixed-two-servers.pcap" | grep -v '"file"' > "$tmp/stdin-plain.json"
check "plain standard input still works" cmp -s "$tmp/plain.json" "$tmp/stdin-plain.json"

# Two gzip members one after the other (gzip -c a >> f): one pcap split in two.
s=$samples/09-tls-no-shared-cipher-alert.pcap
size=$(stat -c %s "$s")
head -c 1000 "$s" | gzip -c > "$tmp/members.pcap.gz"
tail -c $((size - 1000)) "$s" | gzip -c >> "$tmp/members.pcap.gz"
check "two gzip members read as one stream" same_report --json "$s" "$tmp/members.pcap.gz"

# A .gz cut short: the frames before the cut are reported, the damage named, exit 2.
gzip -c "$s" > "$tmp/full.pcap.gz"
gz_size=$(stat -c %s "$tmp/full.pcap.gz")
head -c $((gz_size - 12)) "$tmp/full.pcap.gz" > "$tmp/cut.pcap.gz"
"$cli" "$tmp/cut.pcap.gz" > "$tmp/out" 2> "$tmp/err"
check "cut .gz: exit 2" test $? = 2
check "cut .gz: error names the gzip damage" grep -q 'damaged after frame .*gzip' "$tmp/err"
check "cut .gz: one error line" test "$(wc -l < "$tmp/err")" = 1

# Corrupt deflate data inside a member.
cp "$tmp/full.pcap.gz" "$tmp/bad.pcap.gz"
printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$tmp/bad.pcap.gz" bs=1 seek=200 conv=notrunc status=none
"$cli" "$tmp/bad.pcap.gz" > "$tmp/out" 2> "$tmp/err"
check "corrupt .gz: exit 2" test $? = 2
check "corrupt .gz: error names gzip" grep -q 'gzip' "$tmp/err"

# Not a gzip member after all (only the first byte matches).
printf '\x1fnot gzip at all' > "$tmp/fake.pcap.gz"
"$cli" "$tmp/fake.pcap.gz" > "$tmp/out" 2> "$tmp/err"
check "bad gzip header: exit 2" test $? = 2
check "bad gzip header: one line naming the file" bash -c "[ \$(wc -l < '$tmp/err') = 1 ] && grep -q 'fake.pcap.gz' '$tmp/err'"

finish cli/compressed
