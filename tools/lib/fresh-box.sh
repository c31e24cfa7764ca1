# Sourced by tools/test-fresh and tools/test-wireshark-versions: a minimal Debian made with
# debootstrap --variant=minbase, kept as a base folder and copied into a throw-away "box" per run.
#   fresh_init DIST      cache/base/box paths, the mirror, debootstrap installed; needs root
#   fresh_base           debootstraps $base once (reused afterwards)
#   fresh_box            a new copy of $base at $box (the previous box deleted safely)
#   fresh_mount          /proc, /dev, /sys and the .deb cache mounted into the box (unmounted on exit)
#   fresh_run LOG CMD    CMD run as root in the box with a clean environment (no CI variable), output to LOG
#   fresh_drop           unmounts and deletes the box
#   readme_block N       the N-th ```sh block under README.md's "## Two commands" (the README's commands)
#   fresh_clone          a clone of the committed HEAD at $box/project (no ../shared beside it)
# The box bind-mounts the host's /dev and /sys: it is only deleted with --one-file-system, after checking
# that nothing is mounted under it.
# Downloaded .debs stay in $cache/apt-DIST (the box's /var/cache/apt/archives): a second run downloads only
# the package lists, but installs every package from scratch.

fresh_init() {
  dist=$1
  [[ $(id -u) == 0 ]] || { echo "needs root (debootstrap, chroot, mount)" >&2; return 2; }
  cache=${RDPCAP_FRESH_CACHE:-/var/tmp/rdpcap-fresh}
  base=$cache/$dist box=$cache/box-$dist archives=$cache/apt-$dist
  mkdir -p "$cache" "$archives/partial"
  # The mirror this machine's apt already uses (deb822 or one-line sources), else Debian's CDN.
  mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/* *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
  [[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
  [[ -n $mirror ]] || mirror=http://deb.debian.org/debian
  if ! command -v debootstrap > /dev/null; then
    echo "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap > /dev/null \
      || { echo "cannot install debootstrap" >&2; return 2; }
  fi
}

fresh_base() {
  [[ -x $base/bin/bash ]] && return 0
  local t0=$SECONDS
  echo "debootstrap --variant=minbase $dist from $mirror into $base (once; reused afterwards)"
  rm -rf --one-file-system "$base.part"
  if ! debootstrap --variant=minbase "$dist" "$base.part" "$mirror" > "$cache/$dist-debootstrap.log" 2>&1; then
    echo "debootstrap failed:"; tail -n 5 "$cache/$dist-debootstrap.log"
    rm -rf --one-file-system "$base.part"; return 1
  fi
  # sid's Release file on the mirror can be past its Valid-Until date; apt would then refuse it.
  [[ $dist == sid ]] && echo 'Acquire::Check-Valid-Until "false";' > "$base.part/etc/apt/apt.conf.d/99no-valid-until"
  rm -f "$base.part/var/cache/apt/archives"/*.deb
  mv "$base.part" "$base"
  echo "debootstrap: $((SECONDS - t0))s"
}

fresh_unmount() {
  local m
  for m in var/cache/apt/archives proc dev sys; do umount -R "$box/$m" 2>/dev/null; done
  # Whatever the tests mounted inside the box (`ip netns add` bind-mounts /run/netns and one
  # file per namespace), deepest first.
  awk -v p="$box/" 'index($2, p) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  return 0
}

fresh_box() {
  fresh_unmount
  if grep -qF " $box/" /proc/mounts; then echo "mounts remain under $box; unmount them first" >&2; return 1; fi
  rm -rf --one-file-system "$box"
  cp -a "$base" "$box" && cp /etc/resolv.conf "$box/etc/resolv.conf"
}

fresh_mount() {
  trap fresh_unmount EXIT
  mount -t proc proc "$box/proc"
  mount --rbind /dev "$box/dev" && mount --make-rslave "$box/dev"
  mount --rbind /sys "$box/sys" && mount --make-rslave "$box/sys"
  mount --bind "$archives" "$box/var/cache/apt/archives"
}

fresh_run() {
  local log=$1; shift
  chroot "$box" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    TERM=dumb LANG=C.UTF-8 bash -c "$*" > "$log" 2>&1
}

# The README's first command ends with the analyzer, whose documented exit status 1 means "it found something
# at or above --fail-on" (sample 22 has a failing connection): that is success when its report was printed.
#   readme_first_status RC LOG  -> prints nothing, returns the status to judge the command by
readme_first_status() {
  local rc=$1 log=$2
  if (( rc == 1 )) && grep -q '^rdpcap-analyze .*22-mixed-two-servers\.pcap$' "$log" \
     && grep -q '^  outcomes: ' "$log"; then
    echo "   the analyzer exited 1: it reported findings (expected for sample 22)" >&2
    return 0
  fi
  return "$rc"
}

fresh_drop() {
  fresh_unmount; trap - EXIT
  grep -qF " $box/" /proc/mounts || rm -rf --one-file-system "$box"
}

readme_block() {
  awk -v want="$1" '
    /^## / { in_section = ($0 ~ /^## Two commands/) }
    in_section && /^```sh$/ { n++; in_block = 1; next }
    in_block && /^```$/ { in_block = 0; next }
    in_block && n == want { print }' "$top/README.md"
}

fresh_clone() {
  local head
  head=$(git -C "$top" rev-parse HEAD)
  [[ -z $(git -C "$top" status --porcelain --untracked-files=no) ]] \
    || echo "note: uncommitted changes in $top are not tested (the box gets a clone of commit ${head:0:12})"
  git clone -q --no-checkout "$top" "$box/project" && git -C "$box/project" checkout -q "$head" \
    || { echo "clone failed" >&2; return 1; }
}
