#!/usr/bin/python3
"""Check every sample with tshark: what each capture must show (negotiation, TLS
messages and alerts, TCP/ICMP outcome, encapsulation) and that every IPv4, TCP, UDP
and ICMP checksum is valid.  Prints one summary line per file.  Then verify_keys.py:
what the captures with TLS secrets show once decrypted.

    verify.py [PCAP_DIR]        exit status 1 if any expectation fails
"""

import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Per file (by scenario number): what tshark must see.
#   neg: ('rsp', selected) | ('fail', code) | ('none',)  (Connection Confirm without a block)
#        | ('no-cc',)  ; req: requestedProtocols
#   tls: ServerHello version; cipher: ServerHello cipher suite(s) (sorted list for several)
#   alerts: plaintext alerts as [(side, description)]; rst: side(s) that sent a RST
S12 = 0x0303
EXPECT = {
    '01': dict(req=0x3, neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst=''),
    '02': dict(req=0xB, neg=('rsp', 8), tls=[0x0304], cipher=[0x1302], alerts=[], rst=''),
    '03': dict(neg=('rsp', 2), tls=[S12], alerts=[], rst='', cert_cn='ws07.corp.example'),
    '04': dict(neg=('rsp', 2), tls=[S12], alerts=[], rst=''),
    '05': dict(neg=('rsp', 2), tls=[S12], alerts=[], rst=''),
    '06': dict(neg=('rsp', 2), tls=[S12], alerts=[], rst=''),
    '07': dict(neg=('rsp', 2), tls=[S12], alerts=[], rst=''),
    '08': dict(neg=('rsp', 2), tls=[S12], alerts=[], rst='', sni='rdp-gw.example.net'),
    '09': dict(neg=('rsp', 2), tls=[], alerts=[('S', 40)], rst=''),
    '10': dict(neg=('rsp', 2), tls=[], alerts=[], rst='S'),
    '11': dict(neg=('rsp', 2), tls=[], alerts=[('S', 70)], rst=''),
    '12': dict(neg=('rsp', 2), tls=[], alerts=[('S', 70)], rst=''),
    '13a': dict(neg=('rsp', 2), tls=[S12], alerts=[('C', 48)]),
    '13b': dict(neg=('rsp', 2), tls=[S12], alerts=[('C', 42)]),
    '13c': dict(neg=('rsp', 2), tls=[S12], alerts=[('C', 45)]),
    '14': dict(req=0x1, neg=('fail', 5), tls=[], rst=''),
    '15a': dict(req=0x3, neg=('fail', 2), tls=[], rst=''),
    '15b': dict(req=0x3, neg=('fail', 3), tls=[], rst=''),
    '16': dict(req=0x3, neg=('none',), tls=[], rst='', mcs=True),
    '17a': dict(syns=1, rst='S', neg=('no-cr',)),
    '17b': dict(syns=3, synacks=0, rst='', neg=('no-cr',)),
    '17c': dict(syns=1, icmp=(3, 3), neg=('no-cr',)),
    '17d': dict(syns=1, icmp=(3, 1), neg=('no-cr',)),
    '18': dict(neg=('no-cc',), fin_first='S', rst=''),
    '19': dict(neg=('rsp', 2), tls=[S12], alerts=[], fin_first='S', rst=''),
    '20': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', port=3390),
    '21a': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', ipv6=True),
    '21b': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', vlan=42),
    '21c': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', encap='sll2'),
    '21d': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', encap='pcapng'),
    '22': dict(tls=[S12] * 4 + [0x0304], cipher=sorted([0xC030, 0xC030, 0xC02F, 0xC02F, 0x1302]),
               alerts=[('S', 40)], rst='', dns=True),
    '23': dict(neg=('rsp', 2), truncated=True),
    '24': dict(req=0x3, neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[('C', 42)], rst='C',
               sni='rdp24.corp.example'),
    # 25-32: the answers inside TLS (checked decrypted by verify_keys.py); here what shows
    # without the key log: no plaintext alert (close_notify is encrypted), who closes first
    '25': dict(req=0x3, neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', fin_first='C'),
    '26': dict(req=0x3, neg=('rsp', 2), tls=[0x0304], cipher=[0x1302], alerts=[], rst='C'),
    '27': dict(req=0xB, neg=('rsp', 8), tls=[0x0304], cipher=[0x1302], alerts=[], rst='', fin_first='S'),
    '28': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC027], etm=True, alerts=[], rst='', fin_first='S'),
    '29': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC014], etm=False, alerts=[], rst='', fin_first='S'),
    '30': dict(neg=('rsp', 2), tls=[S12], cipher=[0xCCA8], alerts=[], rst='', fin_first='S'),
    '31': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', fin_first='C', krb=[25, 24]),
    '32': dict(neg=('rsp', 2), tls=[0x0304], cipher=[0x1302], alerts=[], rst='', fin_first='C'),
    '33': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', fin_first='C', krb=[7]),
    '34': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', fin_first='C', krb=[25, 18]),
    '35': dict(neg=('rsp', 2), tls=[S12], cipher=[0xC030], alerts=[], rst='', krb=[25, 24], krb_to='192.0.2.11'),
}

FIELDS = ['frame.number', 'frame.len', 'frame.cap_len', 'ip.src', 'ipv6.src', 'tcp.srcport',
          'tcp.dstport', 'tcp.flags', 'tls.handshake.type', 'tls.handshake.version',
          'tls.handshake.extensions.supported_version', 'tls.handshake.ciphersuite',
          'tls.alert_message.desc', 'icmp.type', 'icmp.code', 'icmpv6.type', 'vlan.id',
          'tls.handshake.extensions_server_name', 'x509sat.printableString',
          'x509sat.uTF8String', 'rdp.negReq.requestedProtocols', 'rdp.negReq.selectedProtocol',
          'rdp.negFailure.failureCode', 'rdp.neg_type', 'cotp.type', 'dns.flags.response',
          'tcp.checksum.status', 'ip.checksum.status', 'udp.checksum.status',
          'icmp.checksum.status', 'icmpv6.checksum.status', 't125.connect_initial_element',
          'sll.pkttype', 'tls.handshake.extension.type', 'kerberos.error_code', 'ip.dst']
PREFS = ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
         '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.desegment_tcp_streams:TRUE']


def tshark(path, decode_as):
    cmd = ['tshark', '-n', '-r', path] + PREFS + decode_as + ['-T', 'fields', '-E', 'separator=\t',
                                                              '-E', 'occurrence=a', '-E', 'aggregator=,']
    for f in FIELDS:
        cmd += ['-e', f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    rows = []
    for line in out.stdout.splitlines():
        vals = line.split('\t')
        vals += [''] * (len(FIELDS) - len(vals))
        rows.append(dict(zip(FIELDS, vals)))
    return rows


def ints(v):
    return [int(x, 0) for x in v.split(',') if x] if v else []


def check(path):
    num = os.path.basename(path).split('-', 1)[0]
    exp = EXPECT.get(num)
    if exp is None:
        return None, 'no expectations'
    port = exp.get('port', 3389)
    # pass 1: TPKT/X.224 on the RDP port; pass 2: TLS on the RDP port
    x224 = tshark(path, ['-d', 'tcp.port==%d,tpkt' % port])
    tls = tshark(path, ['-d', 'tcp.port==%d,tls' % port])
    errs = []
    summary = []

    def side(r):
        if r['tcp.srcport'] == str(port) or r['tcp.srcport'] == '443':
            return 'S'
        return 'C'

    # checksums (1 = good, 0 = bad, 2 = unverified)
    bad = [r['frame.number'] for r in tls
           if any('0' in r[k].split(',') for k in ('tcp.checksum.status', 'ip.checksum.status',
                                                    'udp.checksum.status', 'icmp.checksum.status',
                                                    'icmpv6.checksum.status'))]
    if bad and not exp.get('truncated'):
        errs.append('bad checksum in frames %s' % ','.join(bad))
    if not tls:
        return ['tshark read nothing'], ''

    # X.224
    req = [ints(r['rdp.negReq.requestedProtocols']) for r in x224 if r['rdp.negReq.requestedProtocols']]
    cc = [r for r in x224 if 0x0D in ints(r['cotp.type'])]     # 0x0d = CC
    sel = [v for r in x224 for v in ints(r['rdp.negReq.selectedProtocol'])]
    fail = [v for r in x224 for v in ints(r['rdp.negFailure.failureCode'])]
    if req:
        summary.append('req=0x%x' % req[0][0])
    if 'req' in exp and (not req or req[0][0] != exp['req']):
        errs.append('requestedProtocols %s != 0x%x' % (req, exp['req']))
    neg = exp.get('neg')
    if neg:
        if neg[0] == 'rsp':
            summary.append('sel=%s' % sel)
            if neg[1] not in sel:
                errs.append('selectedProtocol %s, expected %d' % (sel, neg[1]))
        elif neg[0] == 'fail':
            summary.append('failure=%s' % fail)
            if fail != [neg[1]]:
                errs.append('failureCode %s, expected %d' % (fail, neg[1]))
        elif neg[0] == 'none':
            summary.append('CC without negotiation block')
            if not cc or sel or fail:
                errs.append('expected a bare Connection Confirm')
        elif neg[0] == 'no-cc':
            summary.append('no CC')
            if cc:
                errs.append('unexpected Connection Confirm')
    if exp.get('mcs'):
        n = sum(1 for r in x224 if r['t125.connect_initial_element'])
        summary.append('MCS CI=%d' % n)
        if not n:
            errs.append('no MCS Connect Initial decoded')

    # TLS
    sh = [r for r in tls if '2' in r['tls.handshake.type'].split(',')]
    versions = []
    ciphers = []
    for r in sh:
        sv = ints(r['tls.handshake.extensions.supported_version'])
        versions.append(sv[-1] if sv else ints(r['tls.handshake.version'])[-1])
        ciphers.append(ints(r['tls.handshake.ciphersuite'])[-1])
    if 'tls' in exp:
        summary.append('TLS=%s' % ','.join('%04x' % v for v in versions) if versions else 'no ServerHello')
        if sorted(versions) != sorted(exp['tls']):
            errs.append('ServerHello versions %s != %s' % (versions, exp['tls']))
    if 'cipher' in exp:
        summary.append('cipher=%s' % ','.join('%04x' % c for c in ciphers))
        if sorted(ciphers) != sorted(exp['cipher']):
            errs.append('ciphers %s != %s' % (ciphers, exp['cipher']))
    if 'etm' in exp:            # encrypt_then_mac (extension 22) in the ServerHello
        etm = any(22 in ints(r['tls.handshake.extension.type']) for r in sh)
        summary.append('EtM=%s' % ('yes' if etm else 'no'))
        if etm != exp['etm']:
            errs.append('encrypt_then_mac %s, expected %s' % (etm, exp['etm']))
    if 'krb' in exp:            # cleartext KRB-ERRORs on TCP 88
        krb = [v for r in tls for v in ints(r['kerberos.error_code'])]
        summary.append('KRB-ERROR=%s' % krb)
        if krb != exp['krb']:
            errs.append('KRB-ERROR codes %s != %s' % (krb, exp['krb']))
        to = {r['ip.dst'] for r in tls if r['kerberos.error_code']}
        if 'krb_to' in exp and to != {exp['krb_to']}:
            errs.append('KRB-ERRORs sent to %s, expected %s' % (to, exp['krb_to']))
    alerts = [(side(r), a) for r in tls for a in ints(r['tls.alert_message.desc'])]
    if 'alerts' in exp:
        summary.append('alerts=%s' % (','.join('%s:%d' % a for a in alerts) or '-'))
        if alerts != exp['alerts']:
            errs.append('alerts %s != %s' % (alerts, exp['alerts']))
    if 'sni' in exp:
        sni = [r['tls.handshake.extensions_server_name'] for r in tls if r['tls.handshake.extensions_server_name']]
        if sni != [exp['sni']]:
            errs.append('SNI %s' % sni)
    if 'cert_cn' in exp:
        names = ','.join(r['x509sat.printableString'] + r['x509sat.uTF8String'] for r in tls)
        if exp['cert_cn'] not in names:
            errs.append('certificate %s not seen' % exp['cert_cn'])

    # TCP / ICMP outcome
    flags = [(side(r), int(r['tcp.flags'], 16)) for r in tls    # (not TCP quoted in ICMP)
             if r['tcp.flags'] and not r['icmp.type'] and not r['icmpv6.type']]
    rst = ''.join(sorted(set(s for s, f in flags if f & 0x04)))
    fins = [s for s, f in flags if f & 0x01]
    if 'rst' in exp:
        summary.append('rst=%s' % (rst or '-'))
        if rst != exp['rst']:
            errs.append('RST from %r, expected %r' % (rst, exp['rst']))
    if 'fin_first' in exp:
        summary.append('first FIN=%s' % (fins[0] if fins else '-'))
        if not fins or fins[0] != exp['fin_first']:
            errs.append('first FIN from %s' % fins[:1])
    if 'syns' in exp:
        syns = sum(1 for s, f in flags if f & 0x12 == 0x02)
        summary.append('SYNs=%d' % syns)
        if syns != exp['syns']:
            errs.append('%d SYNs, expected %d' % (syns, exp['syns']))
    if 'synacks' in exp:
        if any(f & 0x12 == 0x12 for s, f in flags):
            errs.append('unexpected SYN/ACK')
    if 'icmp' in exp:
        ic = [(int(r['icmp.type'].split(',')[0]), int(r['icmp.code'].split(',')[0]))
              for r in tls if r['icmp.type']]
        summary.append('ICMP=%s' % ic)
        if ic != [exp['icmp']]:
            errs.append('ICMP %s' % ic)
    if exp.get('ipv6'):
        if not all(r['ipv6.src'] for r in tls):
            errs.append('not all IPv6')
        summary.append('IPv6 %s' % sorted(set(r['ipv6.src'] for r in tls)))
    if 'vlan' in exp:
        v = set(r['vlan.id'] for r in tls)
        summary.append('VLAN %s' % v)
        if v != {str(exp['vlan'])}:
            errs.append('VLAN ids %s' % v)
    if exp.get('encap') == 'sll2':
        if not all(r['sll.pkttype'] for r in tls):
            errs.append('not SLL2')
        summary.append('SLL2')
    if exp.get('encap') == 'pcapng':
        with open(path, 'rb') as f:
            if f.read(4) != b'\x0a\x0d\x0d\x0a':
                errs.append('not pcapng')
        summary.append('pcapng')
    if exp.get('dns'):
        d = [r['dns.flags.response'] for r in tls if r['dns.flags.response']]
        summary.append('DNS=%d' % len(d))
        if sorted(d) not in (['0', '1'], ['False', 'True']):
            errs.append('DNS query/response missing: %s' % d)
    if exp.get('truncated'):
        last = tls[-1]
        summary.append('last frame %s/%s bytes' % (last['frame.cap_len'], last['frame.len']))
        if int(last['frame.cap_len']) >= int(last['frame.len']):
            errs.append('last frame not truncated')
    return errs, ' '.join(summary)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'pcaps')
    files = sorted(glob.glob(os.path.join(d, '[0-9]*.pcap')) + glob.glob(os.path.join(d, '[0-9]*.pcapng')))
    failed = 0
    for p in files:
        errs, summary = check(p)
        name = os.path.basename(p)
        if errs is None:
            print('?    %-45s %s' % (name, summary))
            continue
        print('%-4s %-45s %s' % ('ok' if not errs else 'FAIL', name, summary))
        for e in errs:
            print('       ' + e)
        failed += bool(errs)
    seen = {os.path.basename(p).split('-', 1)[0] for p in files}
    for n in sorted(set(EXPECT) - seen):
        print('FAIL missing sample %s' % n)
        failed += 1
    # with the TLS secrets (samples/keys, samples/tls-keylog.txt, pcapng DSB): verify_keys.py
    print('-- decrypted with the key logs (verify_keys.py):')
    sys.path.insert(0, HERE)
    import verify_keys
    failed += verify_keys.run(os.path.join(d, '..'))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
