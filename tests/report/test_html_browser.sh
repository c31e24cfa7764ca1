#!/usr/bin/env bash
# The HTML report in a real headless browser (Debian's chromium): no console
# error, the SVG ladder in the DOM, screenshots (desktop, phone) kept in the
# build folder; and on the hostile sample (24) nothing executes: the page
# title is unchanged, no <script>/<img> element exists, and the hostile names
# are there as text. A control page with a live script proves that the
# harness sees script execution. Usage: test_html_browser.sh CLI SOURCE_DIR ARTIFACT_DIR
set -u
cli=$1 src=$2 art=$3
pcaps=$src/samples/pcaps
mkdir -p "$art"
. "$(dirname "$0")/../lib.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "FAIL: chromium not installed (tools/setup-debian installs it)"; exit 1; }

chrome() {  # chrome OUTPUT_STDERR ARGS...: one headless run, bounded in time
  local err=$1; shift
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-default-apps --hide-scrollbars \
    --user-data-dir="$(mktemp -d "$tmp/profile.XXXX")" --enable-logging=stderr --v=0 "$@" 2> "$err"
}
# Any console message counts (the report has no script: a message means a
# blocked script (CSP), an error, or something that should not be there).
console_errors() { grep -E 'Uncaught|:CONSOLE[:(]' "$1"; }

# dom SAMPLE: renders the report, dumps the DOM, takes screenshots.
dom() {
  local sample=$1 base=${1%.*}
  "$cli" --report "$tmp/$base.html" "$pcaps/$sample" > /dev/null
  [ $? -le 1 ] || { bad "$sample: analyzer failed"; return 1; }
  grep -qi '<script' "$tmp/$base.html" && bad "$sample: the report contains a <script> tag"
  chrome "$tmp/$base.dom.err" --dump-dom "file://$tmp/$base.html" > "$tmp/$base.dom"
  [ -s "$tmp/$base.dom" ] || { bad "$sample: chromium dumped no DOM: $(tail -3 "$tmp/$base.dom.err")"; return 1; }
  if console_errors "$tmp/$base.dom.err" > /dev/null; then bad "$sample: console errors: $(console_errors "$tmp/$base.dom.err" | head -3)"; else ok; fi
  grep -q '<svg class="ladder"' "$tmp/$base.dom" && ok || bad "$sample: no SVG ladder in the DOM"
  grep -q 'class="step failure"' "$tmp/$base.dom" && ok || bad "$sample: the failing step is not marked in the ladder"
  for shot in desktop:1200,2400 phone:390,2400; do
    chrome "$tmp/$base.${shot%%:*}.err" --screenshot="$art/report-$base-${shot%%:*}.png" --window-size="${shot#*:}" \
      "file://$tmp/$base.html" > /dev/null
    [ -s "$art/report-$base-${shot%%:*}.png" ] && ok || bad "$sample: no ${shot%%:*} screenshot"
    if console_errors "$tmp/$base.${shot%%:*}.err" > /dev/null; then bad "$sample: console errors (${shot%%:*})"; else ok; fi
  done
  cp "$tmp/$base.html" "$art/report-$base.html"
}

dom 22-mixed-two-servers.pcap
dom 17b-tcp-syn-unanswered.pcap
dom 24-hostile-certificate-names.pcap
d=$tmp/24-hostile-certificate-names.dom
if [ -s "$d" ]; then
  title=$(grep -o '<title>[^<]*</title>' "$d")
  [ "$title" = "<title>RDP connection diagnosis: $pcaps/24-hostile-certificate-names.pcap</title>" ] && ok ||
    bad "24: the page title changed: $title"
  grep -q 'pwned</title>' "$d" && bad "24: script ran (title)" || ok
  grep -qiE '<script|<img' "$d" && bad "24: a <script> or <img> element exists in the DOM" || ok
  grep -qF "&lt;script&gt;document.title='pwned'&lt;/script&gt;" "$d" && ok || bad "24: the hostile CN is not shown as text"
  grep -qF '&lt;img src=x onerror=alert(1)&gt;' "$d" && ok || bad "24: the hostile SAN is not shown as text"
  grep -qF '&lt;b&gt;bob&lt;/b&gt;|**x**[a](javascript:alert(3))' "$d" && ok || bad "24: the hostile cookie is not shown as text"
  grep -q $'\x1b' "$d" && bad "24: an ESC character reached the page" || ok
  grep -qi 'href="javascript' "$d" && bad "24: a javascript: link exists" || ok
fi

# Control: the same harness sees a live script (else the checks above prove nothing).
printf '<!DOCTYPE html><html><head><title>clean</title></head><body><script>document.title="pwned"</script></body></html>\n' > "$tmp/control.html"
chrome "$tmp/control.err" --dump-dom "file://$tmp/control.html" > "$tmp/control.dom"
grep -q '<title>pwned</title>' "$tmp/control.dom" && ok || bad "control: chromium did not run the control script"
# Control: a script blocked by a CSP like the report's shows up as a console message.
printf '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="script-src %s"><title>c</title></head><body><script>document.title="pwned"</script></body></html>\n' "'none'" > "$tmp/csp.html"
chrome "$tmp/csp.err" --dump-dom "file://$tmp/csp.html" > "$tmp/csp.dom"
console_errors "$tmp/csp.err" > /dev/null && ok || bad "control: a blocked script left no console message"
grep -q '<title>c</title>' "$tmp/csp.dom" && ok || bad "control: the CSP did not block the script"

finish html_browser
