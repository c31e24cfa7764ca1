#!/usr/bin/python3
"""Time rdpcap-analyze on a generated capture against a plain libpcap read loop and tshark.

    bench/run_bench.py [--size 1G] [--small-size 100M] [--runs 5] [--tshark-runs 5]
                       [--build DIR] [--instructions] [--readme] [--keep]

1. Builds rdpcap-analyze (Release, in --build, default build-bench) if it is missing, and
   the floor, bench/pcap_floor.c (a pcap_next_ex() loop), with cc -O2 into DIR/bench/.
2. Generates bench/data/bench-<size>.pcap and bench-<small-size>.pcap with their manifests
   (bench/gen_capture.py; bench/data/ is git-ignored) unless they exist with the same
   generator version, after checking the free disk space.
3. Runs, interleaved, --runs times each: the floor, `rdpcap-analyze --json` on the large
   and on the small capture, and --tshark-runs times tshark (TSHARK_CMD below), each under
   `nice -n -5` (when permitted) and `/usr/bin/time -f '%e %U %S %M'`; the page cache is
   warmed first (the files fit in memory: this measures CPU, not the disk).
4. Checks the analyzer's JSON against the manifest (bench/check_manifest.py): the counts
   of every kind, their outcomes and finding codes. A mismatch fails the run.
5. Prints a Markdown table of medians (elapsed, CPU, MB/s, packets/s, peak RSS) and the
   ratios to the floor and to tshark; --readme writes it into bench/README.md between the
   bench-table markers. --instructions adds callgrind instruction counts (load-independent)
   on the small capture. The generated files are deleted at the end unless --keep.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_capture  # noqa: E402

TSHARK_FILTER = 'rdp or cotp or tls.handshake or tls.alert_message or tcp.flags.reset==1 or icmp.type==3'
TSHARK_FIELDS = ['frame.number', 'ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'tcp.flags', 'icmp.type',
                 'icmp.code', 'cotp.type', 'rdp.neg_type', 'rdp.negReq.requestedProtocols',
                 'rdp.negReq.selectedProtocol', 'rdp.negFailure.failureCode', 'tls.handshake.type',
                 'tls.handshake.version', 'tls.handshake.ciphersuite', 'tls.handshake.extensions_server_name',
                 'tls.alert_message.desc', 'x509sat.uTF8String', 'x509ce.dNSName', 'x509af.utcTime']


def tshark_cmd(path):
    cmd = ['tshark', '-2', '-r', path, '-Y', TSHARK_FILTER, '-T', 'fields', '-E', 'separator=|']
    for f in TSHARK_FIELDS:
        cmd += ['-e', f]
    return cmd


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def load():
    with open('/proc/loadavg') as f:
        return f.read().split()[:3]


def nice_prefix():
    try:
        subprocess.run(['nice', '-n', '-5', 'true'], check=True, capture_output=True)
        r = subprocess.run(['nice', '-n', '-5', 'nice'], check=True, capture_output=True, text=True)
        if r.stdout.strip() == '-5':
            return ['nice', '-n', '-5']
    except (OSError, subprocess.CalledProcessError):
        pass
    return []


def timed(cmd, stdout_path):
    """Runs cmd under /usr/bin/time; returns (elapsed s, user s, sys s, max RSS KiB, exit code)."""
    with tempfile.NamedTemporaryFile('r', suffix='.time') as tf, open(stdout_path, 'wb') as out:
        r = subprocess.run(['/usr/bin/time', '-o', tf.name, '-f', '%e %U %S %M'] + cmd,
                           stdout=out, stderr=subprocess.PIPE)
        fields = tf.read().strip().splitlines()[-1].split()
    e, u, s, m = float(fields[0]), float(fields[1]), float(fields[2]), int(fields[3])
    return e, u, s, m, r.returncode, r.stderr.decode(errors='replace')


def ensure_build(build):
    cli = os.path.join(build, 'offline-analyzer', 'rdpcap-analyze')
    if not os.path.exists(cli):
        sh(['cmake', '-S', TOP, '-B', build, '-DRDPCAP_BUILD_PLUGIN=OFF', '-DCMAKE_BUILD_TYPE=Release'])
    subprocess.run(['cmake', '--build', build, '-j2', '--target', 'rdpcap-analyze'], check=True,
                   stdout=subprocess.DEVNULL)
    cache = open(os.path.join(build, 'CMakeCache.txt')).read()
    m = re.search(r'^CMAKE_BUILD_TYPE:STRING=(.*)$', cache, re.M)
    build_type = m.group(1) if m else '?'
    floor = os.path.join(build, 'bench', 'pcap_floor')
    os.makedirs(os.path.dirname(floor), exist_ok=True)
    src = os.path.join(HERE, 'pcap_floor.c')
    if not os.path.exists(floor) or os.path.getmtime(floor) < os.path.getmtime(src):
        sh(['cc', '-O2', '-o', floor, src, '-lpcap'])
    return cli, floor, build_type


def ensure_capture(size_text, data_dir, seed):
    size = gen_capture.parse_size(size_text)
    name = 'bench-%s' % size_text.lower()
    path = os.path.join(data_dir, name + '.pcap')
    manifest = os.path.join(data_dir, name + '.manifest.json')
    if os.path.exists(path) and os.path.exists(manifest):
        m = json.load(open(manifest))
        if (m.get('version') == gen_capture.VERSION and m.get('seed') == seed and m.get('size_requested') == size
                and os.path.getsize(path) == m.get('bytes')):
            return path, manifest, gen_capture.refresh_expectations(manifest, os.path.join(TOP, 'samples', 'expected'))
    free = shutil.disk_usage(data_dir).free
    if free < size * 1.5 + (1 << 30):
        sys.exit('run_bench: %s: %d MiB free, need about %d MiB' % (data_dir, free >> 20, int(size * 1.5) >> 20))
    print('generating %s ...' % path, flush=True)
    m = gen_capture.generate(size, path, manifest, seed, 3.0, os.path.join(TOP, 'samples', 'pcaps'),
                             os.path.join(TOP, 'samples', 'expected'))
    return path, manifest, m


def warm(path):
    with open(path, 'rb') as f:
        while f.read(1 << 24):
            pass


def median(values):
    return statistics.median(values) if values else float('nan')


def callgrind_instructions(cmd):
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run(['valgrind', '--tool=callgrind', '--callgrind-out-file=' + os.path.join(d, 'cg')] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        m = re.search(r'Collected : (\d+)', r.stderr)
        return int(m.group(1)) if m else None


def fmt_rate(bytes_, seconds):
    return '%.0f' % (bytes_ / seconds / 1e6) if seconds > 0 else '-'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--size', default='1G')
    ap.add_argument('--small-size', default='100M')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--tshark-runs', type=int, default=5)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--build', default=os.path.join(TOP, 'build-bench'))
    ap.add_argument('--data', default=os.path.join(HERE, 'data'))
    ap.add_argument('--instructions', action='store_true', help='also count instructions with callgrind')
    ap.add_argument('--readme', action='store_true', help='write the table into bench/README.md')
    ap.add_argument('--keep', action='store_true', help='keep the generated captures')
    ap.add_argument('--before', help='another rdpcap-analyze binary to time the same way (A/B)')
    ap.add_argument('--before-label', default='before', help='what --before is, for the table')
    a = ap.parse_args()

    os.makedirs(a.data, exist_ok=True)
    cli, floor, build_type = ensure_build(a.build)
    big, big_manifest, big_m = ensure_capture(a.size, a.data, a.seed)
    small, small_manifest, small_m = ensure_capture(a.small_size, a.data, a.seed)
    nice = nice_prefix()
    load_before = load()
    for p in (big, small):
        warm(p)

    results = {k: [] for k in ('floor', 'rdpcap', 'rdpcap_small', 'rdpcap_nd', 'rdpcap_nd_small', 'before',
                               'tshark')}
    scratch = tempfile.mkdtemp(prefix='rdpcap-bench-')
    checks = []
    tshark_lines = None
    try:
        for i in range(max(a.runs, a.tshark_runs)):
            if i < a.runs:
                results['floor'].append(timed(nice + [floor, big], os.path.join(scratch, 'floor.out')))
                out = os.path.join(scratch, 'rdpcap.json')
                results['rdpcap'].append(timed(nice + [cli, '--json', big], out))
                if i == 0:
                    r = subprocess.run([sys.executable, os.path.join(HERE, 'check_manifest.py'), big_manifest, out],
                                       capture_output=True, text=True)
                    checks.append((os.path.basename(big), r.returncode, r.stdout.strip().splitlines()[-1]))
                out_small = os.path.join(scratch, 'rdpcap-small.json')
                results['rdpcap_small'].append(timed(nice + [cli, '--json', small], out_small))
                if i == 0:
                    r = subprocess.run([sys.executable, os.path.join(HERE, 'check_manifest.py'), small_manifest,
                                        out_small], capture_output=True, text=True)
                    checks.append((os.path.basename(small), r.returncode, r.stdout.strip().splitlines()[-1]))
                if a.before:
                    results['before'].append(timed(nice + [a.before, '--json', big],
                                                   os.path.join(scratch, 'before.json')))
                nd = os.path.join(scratch, 'rdpcap.ndjson')
                results['rdpcap_nd'].append(timed(nice + [cli, '--ndjson', big], nd))
                results['rdpcap_nd_small'].append(timed(nice + [cli, '--ndjson', small], nd))
            if i < a.tshark_runs and shutil.which('tshark'):
                out = os.path.join(scratch, 'tshark.txt')
                results['tshark'].append(timed(nice + tshark_cmd(big), out))
                tshark_lines = sum(1 for _ in open(out))
            print('run %d done (load %s)' % (i + 1, ' '.join(load())), flush=True)
        instructions = {}
        if a.instructions and shutil.which('valgrind'):
            instructions['floor'] = callgrind_instructions([floor, small])
            instructions['rdpcap'] = callgrind_instructions([cli, '--json', small])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    load_after = load()

    def med(key, idx):
        return median([r[idx] for r in results[key]])

    size_big, frames_big = big_m['bytes'], big_m['frames']
    rows = []
    for key, label, size, frames in (('floor', 'libpcap read loop (floor)', size_big, frames_big),
                                     ('rdpcap', 'rdpcap-analyze --json', size_big, frames_big),
                                     ('tshark', 'tshark -2 (command below)', size_big, frames_big),
                                     ('rdpcap_small', 'rdpcap-analyze --json, %s capture' % a.small_size,
                                      small_m['bytes'], small_m['frames']),
                                     ('rdpcap_nd', 'rdpcap-analyze --ndjson', size_big, frames_big),
                                     ('rdpcap_nd_small', 'rdpcap-analyze --ndjson, %s capture' % a.small_size,
                                      small_m['bytes'], small_m['frames']),
                                     ('before', 'rdpcap-analyze --json, %s' % a.before_label, size_big, frames_big)):
        if not results[key]:
            continue
        e, u, s, m = med(key, 0), med(key, 1), med(key, 2), med(key, 3)
        rows.append('| %s | %d | %.2f | %.2f | %s | %.2f | %s | %.1f |' % (
            label, len(results[key]), e, u + s, fmt_rate(size, e), frames / e / 1e6 if e else 0,
            fmt_rate(size, u + s) if u + s > 0 else '-', m / 1024))

    e_floor, e_rd = med('floor', 0), med('rdpcap', 0)
    c_floor = med('floor', 1) + med('floor', 2)
    c_rd = med('rdpcap', 1) + med('rdpcap', 2)
    lines = []
    cpu = 'unknown CPU'
    try:
        for l in open('/proc/cpuinfo'):
            if l.startswith('model name'):
                cpu = l.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    lines.append('Measured %s on %s, %d CPUs (%s), %s GiB RAM, Linux %s; rdpcap %s build (%s), '
                 'libpcap %s, %s.' % (
                     now, platform.node() or 'this machine', os.cpu_count(), cpu,
                     round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / (1 << 30)),
                     platform.release(), build_type, os.path.basename(a.build),
                     sh(['sh', '-c', "dpkg-query -W -f='${Version}' libpcap0.8 2>/dev/null || echo ?"]).strip(),
                     (sh(['tshark', '--version']).splitlines()[0].rstrip('.') if shutil.which('tshark') else 'no tshark')))
    lines.append('Load average (1/5/15 min) before: %s, after: %s; timed processes ran under `%s`.' % (
        ' '.join(load_before), ' '.join(load_after), ' '.join(nice) if nice else 'default priority'))
    lines.append('Large capture: `%s` %d bytes, %d frames, %d bulk TCP connections, %d RDP connections '
                 '(%d kinds); small: %d bytes, %d frames, %d RDP connections. Page cache warm.' % (
                     os.path.basename(big), size_big, frames_big, big_m['tcp_connections']['bulk'],
                     big_m['rdp_connections'], len(big_m['kinds']), small_m['bytes'], small_m['frames'],
                     small_m['rdp_connections']))
    lines.append('')
    lines.append('| command (large capture unless said) | runs | elapsed s (median) | CPU s user+sys | MB/s | '
                 'Mpackets/s | MB per CPU second | peak RSS MiB |')
    lines.append('|---|---|---|---|---|---|---|---|')
    lines += rows
    lines.append('')
    lines.append('- rdpcap-analyze / floor throughput: **%.0f%%** (elapsed), %.0f%% (CPU time).' % (
        100 * e_floor / e_rd, 100 * c_floor / c_rd))
    if results['tshark']:
        e_ts = med('tshark', 0)
        lines.append('- tshark time / rdpcap-analyze time: **%.0f×** (elapsed), %.0f× (CPU time); tshark '
                     'printed %s lines.' % (e_ts / e_rd, (med('tshark', 1) + med('tshark', 2)) / c_rd,
                                            tshark_lines))
    for key, label in (('rdpcap', '--json'), ('rdpcap_nd', '--ndjson')):
        rss_big, rss_small = med(key, 3), med(key + '_small', 3)
        lines.append('- rdpcap-analyze %s peak RSS: %.1f MiB on %s, %.1f MiB on %s (%+.1f%%).' % (
            label, rss_big / 1024, a.size, rss_small / 1024, a.small_size, 100 * (rss_big - rss_small) / rss_small))
    if results['before']:
        c_b = med('before', 1) + med('before', 2)
        lines.append('- A/B, %s → now: elapsed %.2f → %.2f s, CPU %.2f → %.2f s (floor %.2f s CPU); '
                     'rdpcap-analyze / floor %.0f%% → %.0f%% (CPU time).' % (
                         a.before_label, med('before', 0), e_rd, c_b, c_rd, c_floor, 100 * c_floor / c_b,
                         100 * c_floor / c_rd))
    for name, rc, summary in checks:
        lines.append('- Check against the manifest, %s: %s' % (name, summary.split(': ', 1)[-1]))
    if instructions:
        lines.append('- Instructions (callgrind, %s capture): floor %s, rdpcap-analyze --json %s.' % (
            a.small_size, '{:,}'.format(instructions['floor'] or 0), '{:,}'.format(instructions['rdpcap'] or 0)))
    lines.append('')
    lines.append('tshark command: `%s`' % ' '.join(
        "'%s'" % c if (' ' in c or '|' in c or '=' in c) else c for c in tshark_cmd(os.path.basename(big))))
    table = '\n'.join(lines)
    print()
    print(table)

    if a.readme:
        readme = os.path.join(HERE, 'README.md')
        text = open(readme).read()
        begin, end = '<!-- bench-table:begin -->', '<!-- bench-table:end -->'
        i, j = text.index(begin) + len(begin), text.index(end)
        open(readme, 'w').write(text[:i] + '\n' + table + '\n' + text[j:])
        print('\nwrote %s' % readme)
    if not a.keep:
        for p in (big, big_manifest, small, small_manifest):
            os.remove(p)
    failed = [c for c in checks if c[1] != 0]
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
