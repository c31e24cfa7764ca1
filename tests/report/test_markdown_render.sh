#!/usr/bin/env bash
# The Markdown reports (samples/expected/*.md, and fresh ones for the samples
# with hostile names) rendered by cmark-gfm, GitHub's own renderer, in its
# --unsafe mode (raw HTML passed through, the worst case for a tracker):
# no element or link comes from the capture, every table row has as many
# cells as its header (no '|' injection), every ladder stays one code block.
# Usage: test_markdown_render.sh CLI SOURCE_DIR ARTIFACT_DIR
set -u
cli=$1 src=$2 art=$3
mkdir -p "$art"
. "$(dirname "$0")/../lib.sh"
command -v cmark-gfm > /dev/null || { echo "FAIL: cmark-gfm not installed (tools/setup-debian installs it)"; exit 1; }

"$cli" --report "$tmp/24-live.md" "$src/samples/pcaps/24-hostile-certificate-names.pcap" > /dev/null
"$cli" --redact --report "$tmp/24-redacted.md" "$src/samples/pcaps/24-hostile-certificate-names.pcap" > /dev/null
for md in "$src"/samples/expected/*.md "$tmp/24-live.md" "$tmp/24-redacted.md"; do
  name=$(basename "$md")
  html=$tmp/$name.html
  cmark-gfm --unsafe -e table -e autolink -e strikethrough -e tagfilter "$md" > "$html" || { bad "$name: cmark-gfm failed"; continue; }
  # Only the elements the report itself writes.
  other=$(grep -o '<[a-z][a-z0-9]*' "$html" | sort -u | grep -vxE '<(h1|h2|h3|h4|p|ul|ol|li|strong|code|pre|table|thead|tbody|tr|th|td|a)')
  [ -z "$other" ] && ok || bad "$name: unexpected elements: $(echo $other)"
  grep -q '<a ' "$html" && bad "$name: a link was made: $(grep -o '<a [^>]*>' "$html" | head -2)" || ok
  python3 - "$html" "$md" <<'PY' && ok || bad "$name: table or code block broken"
import re, sys
html = open(sys.argv[1]).read()
for table in re.findall(r'<table>.*?</table>', html, re.S):
    rows = re.findall(r'<tr>(.*?)</tr>', table, re.S)
    widths = {len(re.findall(r'<t[hd][ >]', r)) for r in rows}
    if len(widths) != 1:
        print('rows with different cell counts:', widths)
        sys.exit(1)
md = open(sys.argv[2], errors='replace').read()
# In the source, each table row has as many unescaped '|' as its header
# (cmark-gfm drops excess cells silently, so count them here).
def pipes(line):
    n = 0
    for m in re.finditer(r'(\\*)\|', line):
        n += len(m.group(1)) % 2 == 0
    return n
header = None
in_code = False
for line in md.splitlines():
    if line.startswith('```'):
        in_code = not in_code
    if in_code or not line.startswith('|'):
        header = None
        continue
    if header is None:
        header = pipes(line)
    elif pipes(line) != header:
        print('row with %d cells, header %d: %s' % (pipes(line) - 1, header - 1, line[:120]))
        sys.exit(1)
if html.count('<pre>') != md.count('#### Ladder'):
    print('code blocks: %d, ladders: %d' % (html.count('<pre>'), md.count('#### Ladder')))
    sys.exit(1)
PY
done
live=$tmp/24-live.md.html
grep -qF "&lt;script&gt;document.title='pwned'&lt;/script&gt;" "$live" && ok || bad "24: hostile CN not shown as text"
grep -qF '&lt;img src=x onerror=alert(1)&gt;' "$live" && ok || bad "24: hostile SAN not shown as text"
grep -qF '&lt;b&gt;bob&lt;/b&gt;|**x**[a](javascript:alert(3))' "$live" && ok || bad "24: hostile cookie not shown as text"
grep -q $'\x1b' "$tmp/24-live.md" && bad "24: an ESC character reached the Markdown" || ok
cp "$live" "$art/markdown-24-rendered.html"
finish markdown_render
