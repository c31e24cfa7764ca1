#!/usr/bin/env bash
# --evidence: the pcapng holds only the packets of the selected connections,
# Wireshark reads it and shows the packet comments (frame.comment), and the
# analyzer finds the same findings (code and title) in it as in the original
# capture for those connections. Also the usage errors of the ticket options.
# Usage: test_evidence.sh CLI SOURCE_DIR ARTIFACT_DIR
set -u
cli=$1 src=$2 art=$3
pcaps=$src/samples/pcaps
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$art"
. "$(dirname "$0")/../lib.sh"
command -v tshark > /dev/null || { echo "FAIL: tshark not installed (tools/setup-debian)"; exit 1; }

# same_findings SAMPLE [--connection N ...]: findings of the evidence's connections match.
same_findings() {
  local sample=$1; shift
  local base=${sample%.*} ev=$tmp/${sample%.*}.pcapng
  "$cli" --json --evidence "$ev" "$@" "$pcaps/$sample" > "$tmp/orig.json"
  [ $? -le 1 ] || { bad "$sample: analyzer failed"; return; }
  [ -s "$ev" ] || { bad "$sample: no evidence file"; return; }
  # The evidence keeps the frames' times, so each certificate is judged at the same instant (and the
  # same --reference-time, if the original run had one).
  local ref
  ref=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capture"]["reference_time"] or "")' "$tmp/orig.json")
  "$cli" --json ${ref:+--reference-time "$ref"} "$ev" > "$tmp/ev.json"
  [ $? -le 1 ] || { bad "$sample: the analyzer cannot read its evidence"; return; }
  # the connections in the evidence, by client endpoint
  local clients
  clients=$(python3 -c 'import json,sys; print(" ".join(c["client"] for c in json.load(open(sys.argv[1]))["connections"]))' "$tmp/ev.json")
  [ -n "$clients" ] || { bad "$sample: no connection in the evidence"; return; }
  python3 "$here/findings_of.py" "$tmp/orig.json" $clients > "$tmp/orig.txt"
  python3 "$here/findings_of.py" "$tmp/ev.json" > "$tmp/ev.txt"
  [ -s "$tmp/orig.txt" ] || { bad "$sample: no findings to compare"; return; }
  if diff -u "$tmp/orig.txt" "$tmp/ev.txt" > "$tmp/diff"; then ok; else bad "$sample: findings differ in the evidence"; cat "$tmp/diff"; fi
  # every finding's frame carries a comment naming it (code and title)
  tshark -r "$ev" -T fields -e frame.comment > "$tmp/comments.txt" 2> "$tmp/tshark.err" ||
    { bad "$sample: tshark cannot read the evidence: $(head -3 "$tmp/tshark.err")"; return; }
  while read -r client server code title; do
    grep -qF "rdpcap $code [" "$tmp/comments.txt" && grep -qF "$title" "$tmp/comments.txt" ||
      bad "$sample: no packet comment for $code ($title)"
  done < "$tmp/ev.txt"
  local n_ev n_orig
  n_ev=$(tshark -r "$ev" 2>/dev/null | wc -l)
  n_orig=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capture"]["frames"])' "$tmp/orig.json")
  [ "$n_ev" -gt 0 ] && [ "$n_ev" -le "$n_orig" ] || bad "$sample: evidence has $n_ev frames (original $n_orig)"
  cp "$ev" "$art/evidence-$base.pcapng"
}

for s in 03-cert-expired-selfsigned.pcap 09-tls-no-shared-cipher-alert.pcap 13a-client-rejects-cert-unknown-ca.pcap \
         14-neg-failure-hybrid-required.pcap 17b-tcp-syn-unanswered.pcap 17c-tcp-icmp-port-unreachable.pcap \
         18-x224-no-confirm-server-closes.pcap 19-credssp-server-closes.pcap 24-hostile-certificate-names.pcap \
         rdp-05-xrdp-expired-cert-deny.pcap rdp-20-xrdp-no-cert-default-client.pcap; do
  same_findings "$s"
done
# 22: the failing connection's finding quotes what the server accepted from
# the other clients: with them in the evidence (--connection), titles match.
same_findings 22-mixed-two-servers.pcap --connection 2 --connection 3 --connection 5

# 22 by default: only connection #3 (the one with findings), 11 frames of 242.
"$cli" --evidence "$tmp/e22.pcapng" "$pcaps/22-mixed-two-servers.pcap" > /dev/null
n=$(tshark -r "$tmp/e22.pcapng" 2>/dev/null | wc -l)
[ "$n" = 11 ] && ok || bad "22: default evidence has $n frames, expected the 11 of connection #3"
tshark -r "$tmp/e22.pcapng" -Y 'tcp.port != 51410' 2>/dev/null | grep -q . && bad "22: evidence holds other connections" || ok
# ICMP errors quoting the connection are kept (17c: SYN, ICMP port unreachable).
"$cli" --evidence "$tmp/e17c.pcapng" "$pcaps/17c-tcp-icmp-port-unreachable.pcap" > /dev/null
tshark -r "$tmp/e17c.pcapng" -Y icmp 2>/dev/null | grep -q . && ok || bad "17c: the ICMP error is not in the evidence"
# pcapng structure: Wireshark sees the original link type and the comments.
capinfos -E "$tmp/e22.pcapng" 2>/dev/null | grep -q Ethernet && ok || bad "22: evidence link type is not Ethernet"
# A pcapng input (21d) and an SLL2 input (21c) keep their link types.
"$cli" --evidence "$tmp/e21c.pcapng" --connection 1 "$pcaps/21c-sll2-healthy.pcap" > /dev/null
capinfos -E "$tmp/e21c.pcapng" 2>/dev/null | grep -qi 'cooked' && ok || bad "21c: SLL2 link type lost"

# Usage errors: exit 2 and a clear message.
expect_usage() {  # description, expected message part, args...
  local what=$1 msg=$2; shift 2
  "$cli" "$@" > /dev/null 2> "$tmp/err"; rc=$?
  if [ $rc -eq 2 ] && grep -qi -- "$msg" "$tmp/err"; then ok; else bad "$what: rc=$rc, stderr: $(cat "$tmp/err")"; fi
}
expect_usage "--evidence with stdin" "standard input" --evidence "$tmp/x.pcapng" - < "$pcaps/09-tls-no-shared-cipher-alert.pcap"
expect_usage "--report with an unknown extension" ".md or .html" --report "$tmp/x.txt" "$pcaps/09-tls-no-shared-cipher-alert.pcap"
expect_usage "--connection without --evidence" "--evidence" --connection 1 "$pcaps/09-tls-no-shared-cipher-alert.pcap"
expect_usage "--connection unknown" "no such connection" --evidence "$tmp/x.pcapng" --connection 99 "$pcaps/09-tls-no-shared-cipher-alert.pcap"
# --report works with stdin (one pass).
"$cli" --report "$tmp/stdin.md" - < "$pcaps/09-tls-no-shared-cipher-alert.pcap" > /dev/null
grep -q 'tls.no_shared_cipher' "$tmp/stdin.md" && ok || bad "--report from stdin"
# Several inputs: one report and one evidence per input, named after it.
"$cli" --report "$tmp/multi.md" --evidence "$tmp/multi.pcapng" "$pcaps/09-tls-no-shared-cipher-alert.pcap" \
  "$pcaps/14-neg-failure-hybrid-required.pcap" > /dev/null
for f in multi-09-tls-no-shared-cipher-alert.md multi-14-neg-failure-hybrid-required.md \
         multi-09-tls-no-shared-cipher-alert.pcapng multi-14-neg-failure-hybrid-required.pcapng; do
  [ -s "$tmp/$f" ] && ok || bad "several inputs: $f not written"
done
grep -q 'x224.neg_failure' "$tmp/multi-14-neg-failure-hybrid-required.md" && ok || bad "several inputs: wrong report content"

finish evidence
