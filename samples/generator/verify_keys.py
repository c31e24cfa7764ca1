#!/usr/bin/python3
"""Check, with tshark as an independent decoder, that every sample with TLS secrets decrypts
and shows what it was recorded to show (issue #11): the TLS 1.3 certificate, encrypted alerts,
CredSSP versions and errorCode, NTLM messages and names, MCS client name/build, licensing,
Set Error Info, Early User Authorization Result, cleartext Kerberos errors.

  verify_keys.py [SAMPLES_DIR]      exit status 1 if any expectation fails

Secrets: samples/keys/rdp-NN-NAME.keys for the real-stack captures (one file per capture),
samples/tls-keylog.txt for the OpenSSL scenario captures (NN-*), the pcapng's own Decryption
Secrets Block for *-dsb.pcapng (no option).  Each capture is also read WITHOUT its secrets (and,
for the rdp-NN captures, with another capture's key file): then nothing inside TLS may show, so
the check fails if a capture was not really encrypted or a key file belongs to another capture.
"""

import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

FIELDS = ['frame.number', 'ip.src', 'tcp.srcport', 'tcp.flags', 'tls.handshake.type', 'tls.handshake.ciphersuite',
          'tls.alert_message.desc', 'x509af.utcTime', 'x509sat.uTF8String', 'x509sat.printableString',
          'credssp.version', 'credssp.errorCode', 'ntlmssp.messagetype', 'ntlmssp.challenge.target_name',
          'ntlmssp.auth.username', 'ntlmssp.auth.hostname', 'ntlmssp.auth.domain',
          'rdp.client.name', 'rdp.client.build', 'rdp.errorCode', 'rdp.stateTransition', 'rdp.pduType2',
          'kerberos.error_code', 'kerberos.msg_type', 'kerberos.SNameString', 'kerberos.CNameString',
          'spnego.MechType']

# What must show with the secrets, per capture (file name prefix).
#   ntlm: NTLM message types in order; err: CredSSP errorCodes (unsigned); ver: TSRequest versions
#   alerts: decrypted alerts [(side, description)]; cert_dates: certificate validity strings
#   cipher: the ServerHello's cipher suite; client_hellos: ClientHello count (2 after a HelloRetryRequest); key_updates: (side, 24) of
#   the decrypted KeyUpdate messages; client: (name, build) from the MCS Connect Initial; lic: licensing dwErrorCode values
#   pdutype2: Share Data pduType2 values; payload / chunk: hex strings that must occur in / be one
#   chunk of the decrypted stream (Wireshark 4.0 dissects neither the Early User Authorization
#   Result nor the errorInfo of Set Error Info); krb: cleartext KRB-ERROR codes
#   (visible without keys too); krb_user: their cname; krb_apreq: an AP-REQ inside CredSSP;
#   sname: its ticket's sname strings; krb_sname: names that the cleartext port-88 traffic
#   shows (a TGS-REQ's and KRB-ERROR's sname)
EXPECT = {
    'rdp-21': dict(cert_dates=['2024-06-30 00:00:00 (UTC)'], cert_name='rdp-server.example.test',
                   client=('WS-ALICE', '18363'), lic=[7]),
    'rdp-22': dict(alerts=[('C', 0)], cert_name='rdp-server.example.test', client=None),
    'rdp-23': dict(ntlm=[1, 2, 3, 1, 2, 3], target='RDP-SERVER', user='alice', err=[],
                   alerts=[('S', 0), ('C', 0)] * 2),
    'rdp-24': dict(ntlm=[1, 2, 3, 1, 2, 3], target='RDP-SERVER', user='alice', err=[],
                   alerts=[('S', 0), ('C', 0)] * 2),
    'rdp-25': dict(ntlm=[1, 2, 3], target='RDP-SERVER', client=('WS-ALICE', '18363'), lic=[7]),
    'rdp-26': dict(ntlm=[1, 2, 3], target='RDP-SERVER', client=('WS-ALICE', '18363'), lic=[7]),
    'rdp-27': dict(client=('WS-ALICE', '18363'), lic=[7], pdutype2_any=True),
    'rdp-28': dict(alerts=[('C', 0)], cert_name='rdp-server.example.test', dsb=True),
    'rdp-29': dict(client_hellos=2, key_updates=[('S', 24), ('C', 24)], client=('WS-ALICE', '18363'), lic=[7]),
    'rdp-30': dict(cipher=0x1303, client=('WS-ALICE', '18363'), lic=[7]),
    'rdp-31': dict(cipher=0x1301, client=('WS-ALICE', '18363'), lic=[7]),
    'rdp-32': dict(cipher=0xC028, client=('WS-ALICE', '18363'), lic=[7]),
    '25': dict(ntlm=[1, 2, 3], target='CORP', user='alice', err=[0xC000006D], ver=[6, 6, 6, 6],
               alerts=[('C', 0), ('S', 0)]),
    '26': dict(ntlm=[1], err=[0x80090302], ver=[6, 6], alerts=[]),
    '27': dict(ntlm=[1, 2, 3], err=[], chunk=['05000000'], alerts=[('S', 0), ('C', 0)]),
    '28': dict(client=('WS-ALICE', '19041'), lic=[7], pdutype2=[0x2F], payload=['2f00000009000000'],
               alerts=[('S', 0), ('C', 0)]),
    '29': dict(client=('WS-ALICE', '19041'), lic=[6], state=[1], pdutype2=[0x2F],
               payload=['2f00000001010000'], alerts=[('S', 0), ('C', 0)]),
    '30': dict(ntlm=[1, 2, 3], ver=[4, 6, 4], err=[], alerts=[('S', 0), ('C', 0)]),
    '31': dict(ntlm=[1, 2, 3], err=[0xC000006D], krb=[25, 24], krb_user='alice', alerts=[('C', 0), ('S', 0)]),
    '32': dict(ntlm=[], err=[0x80090322], sname=['TERMSRV', 'rdp01.corp.example'], krb_apreq=True,
               alerts=[('C', 0), ('S', 0)]),
    '33': dict(ntlm=[1, 2, 3], err=[], krb=[7], krb_sname=['TERMSRV', 'rdp01.corp.example'],
               client=('WS-ALICE', '19041'), alerts=[('C', 0), ('S', 0)]),
    '34': dict(ntlm=[1, 2, 3], err=[0xC0000234], krb=[25, 18], krb_user='alice', alerts=[('C', 0), ('S', 0)]),
    '35': dict(ntlm=[1, 2, 3], err=[], krb=[25, 24], client=('WS-ALICE', '19041'), alerts=[('C', 0), ('S', 0)]),
}


def tshark(path, keylog=None, extra=()):
    cmd = ['tshark', '-n', '-r', path, '-d', 'tcp.port==3389,tls', '-o', 'tcp.desegment_tcp_streams:TRUE',
           '-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tls.desegment_ssl_application_data:TRUE']
    cmd += ['-o', 'tls.keylog_file:%s' % (keylog or '')]
    cmd += list(extra) + ['-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=;']
    for f in FIELDS:
        cmd += ['-e', f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    rows = []
    for line in out.stdout.splitlines():
        vals = line.split('\t')
        vals += [''] * (len(FIELDS) - len(vals))
        rows.append(dict(zip(FIELDS, vals)))
    return rows


def follow_tls(path, keylog, stream=0):
    """The decrypted application data of one TCP stream, one hex string per chunk
    (tshark -z follow,tls,raw): for what Wireshark does not dissect (the Early User
    Authorization Result, the errorInfo of a Set Error Info PDU)."""
    cmd = ['tshark', '-n', '-r', path, '-d', 'tcp.port==3389,tls', '-o', 'tls.keylog_file:%s' % (keylog or ''),
           '-q', '-z', 'follow,tls,raw,%d' % stream]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    return [line.strip() for line in out.splitlines()
            if line.strip() and all(ch in '0123456789abcdef' for ch in line.strip())]


def vals(rows, field):
    return [v for r in rows for v in r[field].split(';') if v]


def ints(rows, field):
    out = []
    for v in vals(rows, field):
        try:
            out.append(int(v, 0))
        except ValueError:
            pass
    return out


def side(r):
    return 'S' if r['tcp.srcport'] == '3389' else 'C'


def check(path, keylog, exp, other_keylog):
    errs = []
    summary = []
    rows = tshark(path, keylog)
    if not rows:
        return ['tshark read nothing'], ''
    # NTLM / CredSSP
    ntlm = ints(rows, 'ntlmssp.messagetype')
    if 'ntlm' in exp:
        summary.append('NTLM=%s' % ntlm)
        if ntlm != exp['ntlm']:
            errs.append('NTLM messages %s != %s' % (ntlm, exp['ntlm']))
    if 'target' in exp:
        t = set(vals(rows, 'ntlmssp.challenge.target_name'))
        if t != {exp['target']}:
            errs.append('NTLM target name %s' % t)
    if 'user' in exp:
        u = set(vals(rows, 'ntlmssp.auth.username'))
        if u != {exp['user']}:
            errs.append('NTLM user %s' % u)
    if 'err' in exp:
        e = [v & 0xFFFFFFFF for v in ints(rows, 'credssp.errorCode')]
        summary.append('errorCode=%s' % ','.join('0x%08X' % v for v in e))
        if e != exp['err']:
            errs.append('CredSSP errorCode %s != %s' % (['0x%08X' % v for v in e], exp['err']))
    if 'ver' in exp:
        v = ints(rows, 'credssp.version')
        summary.append('TSRequest versions=%s' % v)
        if v != exp['ver']:
            errs.append('TSRequest versions %s != %s' % (v, exp['ver']))
    # TLS
    if 'alerts' in exp:
        a = [(side(r), int(d)) for r in rows for d in r['tls.alert_message.desc'].split(';') if d]
        summary.append('alerts=%s' % (','.join('%s:%d' % x for x in a) or '-'))
        if a != exp['alerts']:
            errs.append('alerts %s != %s' % (a, exp['alerts']))
    if 'cipher' in exp:         # the ServerHello's suite (the one the decryption must handle)
        cs = [int(r['tls.handshake.ciphersuite'].split(';')[-1], 0) for r in rows
              if '2' in r['tls.handshake.type'].split(';') and r['tls.handshake.ciphersuite']]
        summary.append('suite=%s' % ','.join('0x%04x' % c for c in cs))
        if cs != [exp['cipher']]:
            errs.append('ServerHello suite %s != 0x%04x' % (cs, exp['cipher']))
    if 'client_hellos' in exp:
        n = sum(1 for r in rows for t in r['tls.handshake.type'].split(';') if t == '1')
        summary.append('ClientHellos=%d' % n)
        if n != exp['client_hellos']:
            errs.append('%d ClientHellos, expected %d' % (n, exp['client_hellos']))
    if 'key_updates' in exp:
        ku = [(side(r), 24) for r in rows for t in r['tls.handshake.type'].split(';') if t == '24']
        summary.append('KeyUpdates=%s' % ','.join(s for s, _ in ku))
        if ku != exp['key_updates']:
            errs.append('KeyUpdates %s != %s' % (ku, exp['key_updates']))
    if 'cert_dates' in exp:
        d = vals(rows, 'x509af.utcTime')
        summary.append('cert dates %s' % d)
        for want in exp['cert_dates']:
            if want not in d:
                errs.append('certificate date %s not seen (%s)' % (want, d))
    if 'cert_name' in exp:
        names = vals(rows, 'x509sat.uTF8String') + vals(rows, 'x509sat.printableString')
        if exp['cert_name'] not in names:
            errs.append('certificate %s not seen' % exp['cert_name'])
    # RDP connection sequence
    if 'client' in exp:
        c = list(zip(vals(rows, 'rdp.client.name'), vals(rows, 'rdp.client.build')))
        if exp['client'] is None:
            if c:
                errs.append('unexpected MCS data %s' % c)
        else:
            summary.append('client=%s' % c)
            if c != [exp['client']]:
                errs.append('MCS client name/build %s != %s' % (c, exp['client']))
    if 'lic' in exp:
        lic = ints(rows, 'rdp.errorCode')
        summary.append('licensing=%s' % lic)
        if lic != exp['lic']:
            errs.append('licensing dwErrorCode %s != %s' % (lic, exp['lic']))
    if 'state' in exp:
        st = ints(rows, 'rdp.stateTransition')
        if st != exp['state']:
            errs.append('licensing dwStateTransition %s != %s' % (st, exp['state']))
    if 'pdutype2' in exp:
        p2 = ints(rows, 'rdp.pduType2')
        summary.append('pduType2=%s' % p2)
        if p2 != exp['pdutype2']:
            errs.append('pduType2 %s != %s' % (p2, exp['pdutype2']))
    if exp.get('pdutype2_any') and not ints(rows, 'rdp.pduType2'):
        errs.append('no Share Data PDU decoded')
    if 'payload' in exp or 'chunk' in exp:
        chunks = follow_tls(path, keylog)
        for want in exp.get('payload', []):
            if not any(want in c for c in chunks):
                errs.append('decrypted bytes %s not seen' % want)
        for want in exp.get('chunk', []):
            if want not in chunks:
                errs.append('decrypted message %s not seen' % want)
    # Kerberos
    if 'krb' in exp:
        k = [c for c in ints(rows, 'kerberos.error_code')]
        summary.append('KRB-ERROR=%s' % k)
        if k != exp['krb']:
            errs.append('KRB-ERROR codes %s != %s' % (k, exp['krb']))
    if 'krb_user' in exp:
        cn = set(vals(rows, 'kerberos.CNameString'))
        if cn != {exp['krb_user']}:
            errs.append('Kerberos cname %s' % cn)
    if 'krb_sname' in exp:
        sn = set(vals(rows, 'kerberos.SNameString'))
        if not set(exp['krb_sname']) <= sn:
            errs.append('Kerberos sname %s lacks %s' % (sn, exp['krb_sname']))
    if exp.get('krb_apreq') and 14 not in ints(rows, 'kerberos.msg_type'):
        errs.append('no Kerberos AP-REQ (msg-type 14) decoded')
    if 'sname' in exp:
        sn = vals(rows, 'kerberos.SNameString')
        summary.append('sname=%s' % '/'.join(sn))
        if sn != exp['sname']:
            errs.append('Kerberos sname %s != %s' % (sn, exp['sname']))

    # without the secrets (or with another capture's): nothing inside TLS may show
    for label, kl in (('without keys', None), ('with another capture\'s keys', other_keylog)):
        if exp.get('dsb') or (label != 'without keys' and not kl):
            continue
        bare = tshark(path, kl)
        leak = []
        hidden = ['credssp.version', 'ntlmssp.messagetype', 'rdp.client.name', 'rdp.errorCode',
                  'rdp.pduType2']
        if 'sname' in exp:                                 # the AP-REQ inside CredSSP
            hidden.append('kerberos.SNameString')
        if 'cert_dates' in exp or 'cert_name' in exp:      # TLS 1.3: the certificate is encrypted
            hidden.append('x509af.utcTime')
        for f in hidden:
            if vals(bare, f):
                leak.append(f)
        if leak:
            errs.append('%s tshark still shows %s' % (label, ', '.join(leak)))
        if 'krb' in exp and ints(bare, 'kerberos.error_code') != exp['krb']:
            errs.append('cleartext KRB-ERROR not visible without keys')
    return errs, ' '.join(summary)


def main():
    return run(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..'))


def run(samples):
    pcaps = os.path.join(samples, 'pcaps')
    scen_keys = os.path.join(samples, 'tls-keylog.txt')
    rdp_keys = sorted(glob.glob(os.path.join(samples, 'keys', 'rdp-*.keys')))
    jobs = []
    for k in rdp_keys:
        base = os.path.basename(k)[:-len('.keys')]
        jobs.append((os.path.join(pcaps, base + '.pcap'), k))
    for p in sorted(glob.glob(os.path.join(pcaps, '*-dsb.pcapng'))):
        jobs.append((p, None))
    for p in sorted(glob.glob(os.path.join(pcaps, '[0-9]*.pcap'))):
        if os.path.basename(p).split('-', 1)[0] in EXPECT:
            jobs.append((p, scen_keys))
    failed = 0
    seen = set()
    for path, keylog in jobs:
        name = os.path.basename(path)
        num = name.split('-', 1)[0]
        prefix = 'rdp-' + name.split('-')[1] if num == 'rdp' else num
        exp = EXPECT.get(prefix)
        if exp is None:
            print('?    %-50s no expectations' % name)
            continue
        seen.add(prefix)
        if not os.path.exists(path):
            print('FAIL %-50s missing (key file %s)' % (name, keylog))
            failed += 1
            continue
        # "another capture's keys": the next rdp key file in the list (never this one)
        other = None
        if keylog and keylog in rdp_keys:
            other = rdp_keys[(rdp_keys.index(keylog) + 1) % len(rdp_keys)]
        errs, summary = check(path, keylog, exp, other)
        print('%-4s %-50s %s' % ('ok' if not errs else 'FAIL', name, summary))
        for e in errs:
            print('       ' + e)
        failed += bool(errs)
    for p in sorted(set(EXPECT) - seen):
        print('FAIL missing sample %s' % p)
        failed += 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
