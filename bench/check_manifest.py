#!/usr/bin/python3
"""Compare rdpcap-analyze's JSON on a generated capture with the generator's manifest.

    check_manifest.py MANIFEST.json ANALYZER.json [-v]

Every connection the analyzer reports is mapped back to the sample connection it was
spliced from (through the manifest's address plan); then, per kind, the number of
connections must equal the manifest's count, and each connection's outcome and set of
finding codes must equal the ones the manifest took from samples/expected/. A connection
that maps to no kind (found in the bulk traffic) is an error. Exit 0 when all match.
"""

import collections
import ipaddress
import json
import sys


def split_endpoint(text):
    host, port = text.rsplit(':', 1)
    return ipaddress.ip_address(host.strip('[]')), int(port)


def locate(addr):
    """(sample index, copy, slot) from a spliced address, or None."""
    if addr.version == 4:
        b = addr.packed
        if b[0] != 10 or b[1] < 100:
            return None
        return b[1] - 100, (b[2] << 4) | (b[3] >> 4), b[3] & 15
    w = addr.exploded.split(':')
    if w[:3] != ['2001', '0db8', '0001']:
        return None
    return int(w[3], 16), int(w[4], 16), int(w[7], 16)


def main(argv):
    verbose = '-v' in argv
    args = [a for a in argv if a != '-v']
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    manifest = json.load(open(args[0]))
    report = json.load(open(args[1]))
    docs = report['captures'] if 'captures' in report else [report]
    samples = {s['index']: s for s in manifest['address_plan']['samples']}
    kinds = manifest['kinds']
    seen = collections.Counter()
    errors = []
    total = 0
    for doc in docs:
        for c in doc['connections']:
            total += 1
            (caddr, _), (saddr, sport) = split_endpoint(c['client']), split_endpoint(c['server'])
            lc, ls = locate(caddr), locate(saddr)
            where = '%s -> %s (frame %s)' % (c['client'], c['server'], c['first_frame'])
            if not lc or not ls or lc[:2] != ls[:2] or lc[0] not in samples:
                errors.append('unexpected connection %s: %s' % (where, c['verdict']))
                continue
            s = samples[lc[0]]
            try:
                orig_c, orig_s = s['addresses'][lc[2]], s['addresses'][ls[2]]
            except IndexError:
                errors.append('connection %s: address slot outside sample %s' % (where, s['name']))
                continue
            server = ('[%s]' % orig_s if ':' in orig_s else orig_s) + ':%d' % sport
            kind = '%s %s -> %s' % (s['name'], orig_c, server)
            if kind not in kinds:
                errors.append('connection %s maps to unknown kind %r' % (where, kind))
                continue
            seen[kind] += 1
            want = kinds[kind]
            got_codes = sorted(f['code'] for f in c['findings'])
            if c['outcome'] != want['outcome'] or got_codes != want['findings']:
                errors.append('%s: %s: outcome %s %s, expected %s %s' % (
                    kind, where, c['outcome'], got_codes, want['outcome'], want['findings']))
    for kind, want in kinds.items():
        if seen[kind] != want['count']:
            errors.append('%s: %d connections, manifest says %d' % (kind, seen[kind], want['count']))
        elif verbose:
            print('ok %4d  %-70s %s %s' % (want['count'], kind, want['outcome'], ','.join(want['findings'])))
    expected_total = sum(k['count'] for k in kinds.values())
    for e in errors[:50]:
        print('MISMATCH ' + e)
    if len(errors) > 50:
        print('... and %d more' % (len(errors) - 50))
    print('%s: %d connections reported, %d expected in %d kinds: %s' % (
        args[1], total, expected_total, len(kinds), 'OK' if not errors else '%d mismatches' % len(errors)))
    return 0 if not errors else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
