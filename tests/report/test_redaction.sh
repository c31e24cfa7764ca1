#!/usr/bin/env bash
# --redact: the cookies (user names) and SNIs of a capture appear in none of
# the outputs (text, JSON, Markdown, HTML, evidence pcapng bytes), the
# evidence still parses (tshark, rdpcap) with the same findings, and the
# reports say "[redacted]". Without --redact the same greps find them (so the
# test can fail). Usage: test_redaction.sh CLI SOURCE_DIR ARTIFACT_DIR
set -u
cli=$1 src=$2 art=$3
pcaps=$src/samples/pcaps
mkdir -p "$art"
. "$(dirname "$0")/../lib.sh"

# check SAMPLE SECRET...: secrets found without --redact, absent with it.
check() {
  local sample=$1; shift
  local base=${sample%.*} all=()
  # every connection into the evidence, so that every cookie and SNI is in it
  local ids
  ids=$("$cli" --json "$pcaps/$sample" | python3 -c 'import json,sys; print(" ".join("--connection %d" % c["id"] for c in json.load(sys.stdin)["connections"]))')
  for mode in plain redact; do
    local flag=() d=$tmp/$base-$mode
    mkdir -p "$d"
    [ $mode = redact ] && flag=(--redact)
    # shellcheck disable=SC2086
    "$cli" "${flag[@]}" --color never --ladder --report "$d/r.md" --evidence "$d/e.pcapng" $ids "$pcaps/$sample" > "$d/r.txt"
    [ $? -le 1 ] || { bad "$sample ($mode): analyzer failed"; continue; }
    "$cli" "${flag[@]}" --report "$d/r.html" "$pcaps/$sample" > /dev/null
    "$cli" "${flag[@]}" --json "$pcaps/$sample" > "$d/r.json"
    for secret in "$@"; do
      if [ $mode = plain ]; then
        grep -qaiF -- "$secret" "$d/e.pcapng" && ok || bad "$sample: '$secret' not in the plain evidence (test is broken)"
        grep -qaiF -- "$secret" "$d/r.json" && ok || bad "$sample: '$secret' not in the plain JSON (test is broken)"
      else
        for f in r.txt r.json r.md r.html e.pcapng; do
          grep -qaiF -- "$secret" "$d/$f" && bad "$sample: '$secret' still in the redacted $f" || ok
        done
      fi
    done
  done
  local d=$tmp/$base-redact
  grep -qF '[redacted]' "$d/r.txt" && grep -qF '\[redacted\]' "$d/r.md" && grep -qF '[redacted]' "$d/r.html" &&
    ok || bad "$sample: the reports do not say [redacted]"
  grep -qiF 'Redacted' "$d/r.md" && ok || bad "$sample: the Markdown report does not say it is redacted"
  # the redacted evidence still parses, with the same findings (codes)
  tshark -r "$d/e.pcapng" > /dev/null 2>&1 && ok || bad "$sample: tshark cannot read the redacted evidence"
  local a b
  a=$("$cli" --json "$tmp/$base-plain/e.pcapng" | python3 -c 'import json,sys; print(sorted(f["code"] for c in json.load(sys.stdin)["connections"] for f in c["findings"]))')
  b=$("$cli" --json "$d/e.pcapng" | python3 -c 'import json,sys; print(sorted(f["code"] for c in json.load(sys.stdin)["connections"] for f in c["findings"]))')
  [ "$a" = "$b" ] && ok || bad "$sample: redacted evidence gives other findings: $b vs $a"
  cmp -s <(stat -c %s "$tmp/$base-plain/e.pcapng") <(stat -c %s "$d/e.pcapng") && ok ||
    bad "$sample: redaction changed the evidence size (bytes must be overwritten in place)"
  cp "$d/r.md" "$art/redacted-$base.md"
}

# 22: five cookies (one DOMAIN\user), two SNIs that are also certificate names.
check 22-mixed-two-servers.pcap alice bob 'caro' dave erin rdp01.corp.example rdp02.corp.example
# 24: a cookie full of markup, an SNI.
check 24-hostile-certificate-names.pcap '<b>bob</b>|**x**[a](javascript:alert(3))' rdp24.corp.example
# 08: SNI that matches no certificate name (quoted by cert.sni_mismatch).
sni08=$("$cli" --json "$pcaps/08-cert-sni-mismatch.pcap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"][0]["tls"]["client_hello"]["sni"])')
[ -n "$sni08" ] && check 08-cert-sni-mismatch.pcap "$sni08" alice || bad "08: no SNI found"

finish redaction
