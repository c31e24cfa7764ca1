#!/usr/bin/env bash
# Key material that does not fit (issue 11): the keys of another capture say
# "no matching key" per connection; a secret with one byte changed makes the
# first protected record fail to verify, reported with its frame, and nothing
# decrypted with it is parsed; a key log with no usable line is not an error
# for the capture. Never a crash, never garbage.
set -u
cli=$1 top=$2
source "$top/tests/lib.sh"
pcaps=$top/samples/pcaps keys=$top/samples/keys

# Keys of another capture: rdp-25's key log on rdp-23.
out=$("$cli" --color never --keylog "$keys/rdp-25-shadow-nla-ok-tls12-gcm.keys" "$pcaps/rdp-23-shadow-nla-wrong-password-tls12.pcap"); rc=$?
check "other keys: exit 1 (findings), not an error ($rc)" test "$rc" -le 1
check "other keys: text says no matching key" grep -q "decryption: no matching key" <<< "$out"
check "other keys: finding tls.no_matching_key" grep -q "tls.no_matching_key" <<< "$out"
check "other keys: no decrypted facts" bash -c '! grep -q "(decrypted)" <<< "$1"' _ "$out"
json=$("$cli" --json --keylog "$keys/rdp-25-shadow-nla-ok-tls12-gcm.keys" "$pcaps/rdp-23-shadow-nla-wrong-password-tls12.pcap")
check "other keys: JSON status no_matching_key" grep -q '"status": "no_matching_key"' <<< "$json"

# A wrong key: every secret of rdp-25 with its last hex digit changed (TLS 1.2 master secret).
sed -E 's/([0-9a-f])$/\1x/; s/0x$/1/; s/([1-9a-f])x$/0/' "$keys/rdp-25-shadow-nla-ok-tls12-gcm.keys" > "$tmp/wrong.keys"
check "wrong keys differ from the real ones" bash -c '! cmp -s "$1" "$2"' _ "$tmp/wrong.keys" "$keys/rdp-25-shadow-nla-ok-tls12-gcm.keys"
out=$("$cli" --color never --keylog "$tmp/wrong.keys" "$pcaps/rdp-25-shadow-nla-ok-tls12-gcm.pcap"); rc=$?
check "wrong key: no crash ($rc)" test "$rc" -le 1
check "wrong key: decryption failed at a frame" grep -Eq "decryption: failed: .*record at frame [0-9]+ did not decrypt" <<< "$(tr -s " \n" "  " <<< "$out")"
check "wrong key: finding tls.decryption_failed" grep -q "tls.decryption_failed" <<< "$out"
check "wrong key: the verdict says it is judged from the traffic only" grep -q "judged from the traffic's shape only (its records did not decrypt)" <<< "$(tr -s " \n" "  " <<< "$out")"
check "wrong key: nothing parsed from it" bash -c '! grep -q "(decrypted)" <<< "$1"' _ "$out"
json=$("$cli" --json --keylog "$tmp/wrong.keys" "$pcaps/rdp-25-shadow-nla-ok-tls12-gcm.pcap")
check "wrong key: JSON status failed" grep -q '"status": "failed"' <<< "$json"
check "wrong key: JSON has no inner facts" bash -c '! grep -q "\"inner\"" <<< "$1"' _ "$json"

# The same for TLS 1.3 (traffic secrets changed).
sed -E 's/([0-9a-f])$/\1x/; s/0x$/1/; s/([1-9a-f])x$/0/' "$keys/rdp-26-shadow-nla-ok-tls13.keys" > "$tmp/wrong13.keys"
out=$("$cli" --color never --keylog "$tmp/wrong13.keys" "$pcaps/rdp-26-shadow-nla-ok-tls13.pcap"); rc=$?
check "TLS 1.3 wrong key: no crash ($rc)" test "$rc" -le 1
check "TLS 1.3 wrong key: decryption failed at a frame" grep -Eq "decryption: failed: .*record at frame [0-9]+ did not decrypt" <<< "$(tr -s " \n" "  " <<< "$out")"
check "TLS 1.3 wrong key: no certificate read" bash -c '! grep -q "certificate (decrypted)" <<< "$1"' _ "$out"
# Markdown and HTML ticket reports say the decryption status and mark the decrypted facts.
for ext in md html; do
  "$cli" --keylog "$keys/rdp-23-shadow-nla-wrong-password-tls12.keys" --report "$tmp/r.$ext" \
    "$pcaps/rdp-23-shadow-nla-wrong-password-tls12.pcap" > /dev/null; rc=$?
  check "$ext report with keys: exit 0 or 1 ($rc)" test "$rc" -le 1
  check "$ext report: decryption status" grep -q "decrypted: client 4 records" "$tmp/r.$ext"
  # Markdown escapes the punctuation: "NTLM server \(decrypted\)", "RDP\-SERVER".
  check "$ext report: NTLM server marked decrypted" grep -Eq 'NTLM server \\?\(decrypted\\?\)' "$tmp/r.$ext"
  check "$ext report: the server's NetBIOS name" grep -Eq 'NetBIOS name RDP\\?-SERVER' "$tmp/r.$ext"
done
"$cli" --keylog "$keys/rdp-25-shadow-nla-ok-tls12-gcm.keys" --report "$tmp/other.md" \
  "$pcaps/rdp-23-shadow-nla-wrong-password-tls12.pcap" > /dev/null
check "md report, keys of another capture: no matching key" grep -q "no matching key" "$tmp/other.md"
# --redact masks the decrypted user and workstation names too.
out=$("$cli" --color never --redact --keylog "$keys/rdp-23-shadow-nla-wrong-password-tls12.keys" "$pcaps/rdp-23-shadow-nla-wrong-password-tls12.pcap")
check "--redact: no decrypted user name" bash -c '! grep -q "user alice" <<< "$1"' _ "$out"
check "--redact: no short decrypted workstation name (vm)" bash -c '! grep -Eq "from (workstation )?vm\b" <<< "$1"' _ "$(tr -s " \n" "  " <<< "$out")"
check "--redact: the workstation is masked in the evidence text" grep -q "from workstation \[redacted\]" <<< "$(tr -s " \n" "  " <<< "$out")"
check "--redact: the NTLM line is still there" grep -q "ntlm client (decrypted): AUTHENTICATE (frame 17): user \[redacted\]" <<< "$out"
# --evidence-secrets: the evidence pcapng carries the kept connections' secrets (a DSB) and analyses,
# alone, as with --keylog; without the flag no secret is written; with --redact it is refused.
k23=$keys/rdp-23-shadow-nla-wrong-password-tls12.keys p23=$pcaps/rdp-23-shadow-nla-wrong-password-tls12.pcap
"$cli" --keylog "$k23" --evidence "$tmp/ev.pcapng" --evidence-secrets "$p23" > /dev/null; rc=$?
check "--evidence-secrets: exit 0 or 1 ($rc)" test "$rc" -le 1
out=$("$cli" --color never "$tmp/ev.pcapng")
check "--evidence-secrets: the evidence decrypts with no option" grep -q "decryption: decrypted" <<< "$out"
check "--evidence-secrets: its findings are the keyed ones" grep -q "credssp.credentials_rejected" <<< "$out"
"$cli" --keylog "$k23" --evidence "$tmp/ev-plain.pcapng" "$p23" > /dev/null
check "without --evidence-secrets no secret is embedded" bash -c '! "$1" --color never "$2" | grep -q "decryption:"' _ "$cli" "$tmp/ev-plain.pcapng"
"$cli" --keylog "$k23" --evidence "$tmp/ev2.pcapng" --evidence-secrets --redact "$p23" > /dev/null 2>&1; rc=$?
check "--evidence-secrets with --redact: usage error (exit 2, got $rc)" test "$rc" = 2
finish keylog_cases
