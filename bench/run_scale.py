#!/usr/bin/python3
"""Scale benchmark: many RDP connections in large captures (issue 13).

    bench/run_scale.py --cli BUILD/offline-analyzer/rdpcap-analyze [--runs 3] [--readme] CAPTURE...

Each CAPTURE was written by bench/gen_capture.py (usually with --rdp-bytes-percent) next to
its manifest (CAPTURE without .pcap + .manifest.json, gen_capture.py's default). For each:
the floor (bench/pcap_floor.c, a pcap_next_ex() loop; built with cc -O2 into /var/tmp), the
same loop over a 256 KiB stdio buffer (`pcap_floor --buffer`, as rdpcap opens a file),
`rdpcap-analyze --json` and `--ndjson`, --runs times each, interleaved, under /usr/bin/time
(elapsed, CPU, peak RSS), after the page cache is warmed. Checks (bench/check_manifest.py):
the NDJSON, its connection records with the amendment records applied, and the JSON document
each hold every manifest connection, with every kind's count, outcome and finding codes.
Prints a Markdown table (the ratio to a floor is that floor's elapsed time over the
command's, i.e. a throughput ratio; issue 13's targets are against the first floor) and, with --readme, writes it into bench/README.md
between the scale-table markers. Exit 1 when a check fails. Generated captures belong in
/var/tmp (or bench/data/), never in the repository.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_bench import timed, warm, load, nice_prefix  # noqa: E402


STDIO_BUFFER = 262144  # util/stdio_buffer.hpp, kStdioBufferBytes


def floor_binary():
    out = '/var/tmp/rdpcap-pcap-floor'
    src = os.path.join(HERE, 'pcap_floor.c')
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.run(['cc', '-O2', '-o', out, src, '-lpcap'], check=True)
    return out


def manifest_of(capture):
    return (capture[:-5] if capture.endswith('.pcap') else capture) + '.manifest.json'


def ndjson_as_document(path, out_path):
    """The NDJSON's connections as a --json-like document, amendments applied (README "NDJSON
    records": an amendment replaces the findings it names and sets the final outcome).
    Returns the number of records of each type."""
    conns, order, counts = {}, [], {}
    for line in open(path):
        rec = json.loads(line)
        counts[rec['record']] = counts.get(rec['record'], 0) + 1
        if rec['record'] == 'connection':
            c = rec['connection']
            conns[c['id']] = c
            order.append(c['id'])
        elif rec['record'] == 'amendment':
            c = conns[rec['amends']]
            changed = set(rec['removed']) | {f['code'] for f in rec['added']}
            c['findings'] = [f for f in c['findings'] if f['code'] not in changed] + rec['added']
            c['outcome'] = rec['outcome']
            c['verdict'] = rec['verdict']
    with open(out_path, 'w') as f:
        json.dump({'connections': [conns[i] for i in order]}, f)
    return counts


def check(manifest, doc):
    r = subprocess.run([sys.executable, os.path.join(HERE, 'check_manifest.py'), manifest, doc],
                       capture_output=True, text=True)
    lines = (r.stdout + r.stderr).strip().splitlines()
    return r.returncode == 0, lines[-1] if lines else '?'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--cli', required=True)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--readme', action='store_true')
    ap.add_argument('captures', nargs='+')
    a = ap.parse_args()
    floor = floor_binary()
    nice = nice_prefix()
    load_before = load()
    scratch = tempfile.mkdtemp(prefix='rdpcap-scale-', dir='/var/tmp')
    rows, notes, ok_all = [], [], True
    for cap in a.captures:
        manifest_path = manifest_of(cap)
        with open(manifest_path) as f:
            m = json.load(f)
        warm(cap)
        res = {'floor': [], 'floor_buf': [], 'json': [], 'ndjson': []}
        outputs = {'floor': 'floor.out', 'floor_buf': 'floor.out', 'json': 'out.json', 'ndjson': 'out.ndjson'}
        for i in range(a.runs):
            for k, cmd in (('floor', [floor, cap]), ('floor_buf', [floor, '--buffer', str(STDIO_BUFFER), cap]),
                           ('json', [a.cli, '--json', cap]),
                           ('ndjson', [a.cli, '--ndjson', cap])):
                # No dirty pages left by the previous command (--json writes ~250 MB at 20,000
                # connections, twice): the kernel would throttle this command's writes for them.
                os.sync()
                r = timed(nice + cmd, os.path.join(scratch, outputs[k]))
                if r[4] not in (0, 1):  # 1: findings at the --fail-on level, as expected here
                    sys.exit('run_scale: %s exited %d: %s' % (' '.join(cmd), r[4], r[5].strip()))
                res[k].append(r)
            print('%s run %d done (load %s)' % (os.path.basename(cap), i + 1, ' '.join(load())), flush=True)
        counts = ndjson_as_document(os.path.join(scratch, 'out.ndjson'), os.path.join(scratch, 'nd.json'))
        ok_nd, msg_nd = check(manifest_path, os.path.join(scratch, 'nd.json'))
        ok_js, msg_js = check(manifest_path, os.path.join(scratch, 'out.json'))
        ok_all = ok_all and ok_nd and ok_js
        med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] + r[2] for r in v),
                   statistics.median(r[3] for r in v) / 1024) for k, v in res.items()}
        name = os.path.basename(cap)
        for k, label in (('floor', 'libpcap read loop (floor)'),
                         ('floor_buf', 'libpcap read loop, 256 KiB stdio buffer'),
                         ('json', 'rdpcap-analyze --json'), ('ndjson', 'rdpcap-analyze --ndjson')):
            e, c, rss = med[k]
            ratios = ['' if k.startswith('floor') else '%.0f%%' % (100 * med[f][0] / max(e, 0.005))
                      for f in ('floor', 'floor_buf')]
            rows.append('| %s | %s | %d | %s | %.2f | %.2f | %s | %s | %.1f |' % (
                name, label, a.runs, '{:,}'.format(m['rdp_connections']), e, c, ratios[0], ratios[1], rss))
        notes.append('- %s: %d bytes, %d frames, %s RDP connections, RDP bytes %s%%; NDJSON records %s; '
                     'NDJSON vs manifest: %s; JSON vs manifest: %s' % (
                         name, m['bytes'], m['frames'], '{:,}'.format(m['rdp_connections']),
                         m.get('rdp_bytes_percent'), json.dumps(counts, sort_keys=True),
                         msg_nd.split(': ', 1)[-1], msg_js.split(': ', 1)[-1]))
        if not ok_nd or not ok_js:
            print('%s: manifest check failed (NDJSON: %s; JSON: %s)' % (name, msg_nd, msg_js), file=sys.stderr)
    load_after = load()
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    head = ['Measured %s on %s, %d CPUs, Linux %s; load average (1/5/15) before %s, after %s; %s.' % (
        now, platform.node(), os.cpu_count(), platform.release(), ' '.join(load_before), ' '.join(load_after),
        'timed under `nice -n -5`' if nice else 'default priority'), '',
        '| capture | command | runs | RDP connections | elapsed s (median) | CPU s | floor / command (elapsed) '
        '| buffered floor / command | peak RSS MiB |',
        '|---|---|---|---|---|---|---|---|---|']
    table = '\n'.join(head + rows + [''] + notes)
    print(table)
    if a.readme:
        readme = os.path.join(HERE, 'README.md')
        with open(readme) as f:
            text = f.read()
        begin, end = '<!-- scale-table:begin -->', '<!-- scale-table:end -->'
        i, j = text.index(begin) + len(begin), text.index(end)
        with open(readme, 'w') as f:
            f.write(text[:i] + '\n' + table + '\n' + text[j:])
    subprocess.run(['rm', '-rf', scratch])
    sys.exit(0 if ok_all else 1)


if __name__ == '__main__':
    main()
