#!/bin/bash
# Makes docs/wireshark-plugin.png: Wireshark (Qt) under Xvfb with the built
# plugin, a failing sample, frame 12 selected and the RDP Diagnostics tree
# expanded. Needs wireshark-qt, xvfb, xdotool and imagemagick; run as root
# (Wireshark runs as nobody: as root it ignores WIRESHARK_PLUGIN_DIR).
# Click positions assume the default Debian fonts and a 1400x1100 window.
# Usage: tests/plugin/screenshot.sh BUILD_DIR [OUT.png]
set -euo pipefail
build=${1:?build dir}
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$src/docs/wireshark-plugin.png}
capture=13c-client-rejects-cert-expired.pcap frame=12
tmp=$(mktemp -d) && chmod 755 "$tmp"
mkdir -p "$tmp/plugins/4.0/epan" "$tmp/home"
cp "$build/plugins/4.0/epan/rdpcap.so" "$tmp/plugins/4.0/epan/"
cp "$src/samples/pcaps/$capture" "$tmp/"
chmod -R a+rX "$tmp" && chown 65534:65534 "$tmp/home"
export DISPLAY=:97
Xvfb $DISPLAY -screen 0 1600x1100x24 -nolisten tcp & xvfb=$!
trap 'kill $ws $xvfb 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 2
setpriv --reuid=65534 --regid=65534 --clear-groups env DISPLAY=$DISPLAY HOME="$tmp/home" \
  WIRESHARK_PLUGIN_DIR="$tmp/plugins" wireshark -o gui.layout_content_3:NONE -r "$tmp/$capture" -g $frame \
  >/dev/null 2>&1 & ws=$!
sleep 10
win=$(xdotool search --onlyvisible --name pcap | head -1)
xdotool windowmove "$win" 0 0 windowsize "$win" 1400 1100; sleep 2
xdotool mousemove 682 307 click 1; sleep 1                                   # frame 12 in the list
xdotool mousemove 700 584 mousedown 1 mousemove 700 450 mousemove 700 345 mouseup 1; sleep 1  # splitter up
xdotool mousemove 227 441 click 1; sleep 0.5; xdotool key shift+Right; sleep 1  # expand RDP Diagnostics
import -window root -crop 1400x1100+0+0 "$out"
echo "wrote $out"
