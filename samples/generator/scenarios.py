#!/usr/bin/python3
"""Record every sample scenario: a real RDP-negotiation client/server pair over loopback
sockets, with real TLS (Python's ssl = OpenSSL 3 libssl), captured with tcpdump and
rewritten with pcap_rewrite.py.  Run through samples/generator/record-all (needs root,
runs inside a private network namespace).

    scenarios.py [--out DIR] [--work DIR] [--only 01,13b,...] [--list] [--table]
"""

import argparse
import dataclasses
import datetime
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import pcap_rewrite  # noqa: E402
import rdp_pdus as P  # noqa: E402
from capture import ADDR_MAP, V6_CLIENT, V6_SERVER, Tcpdump  # noqa: E402
from certs import (EXPIRED, EXPIRING_SOON, NOT_YET_VALID, REAL_EXPIRED,  # noqa: E402
                   REAL_NOT_YET_VALID, VALID, Pki)
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID  # noqa: E402

warnings.filterwarnings('ignore', message='SHA1 signatures are deprecated')
warnings.filterwarnings('ignore', message='ssl.TLSVersion.TLSv1 is deprecated')

SOCK_TIMEOUT = 8.0
BASE_TIME = datetime.datetime(2025, 3, 10, 9, 0, 0, tzinfo=datetime.timezone.utc)

# Cipher lists (OpenSSL names).  The client list follows the TLS 1.2 order of a
# Windows 10 Schannel ClientHello; the server list is Windows Server 2019's order.
WIN_CLIENT_CIPHERS = ':'.join([
    'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256',
    'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-AES128-SHA256',
    'ECDHE-RSA-AES256-SHA384', 'ECDHE-RSA-AES128-SHA256',
    'ECDHE-ECDSA-AES256-SHA', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA',
    'ECDHE-RSA-AES128-SHA', 'AES256-GCM-SHA384', 'AES128-GCM-SHA256',
    'AES256-SHA256', 'AES128-SHA256', 'AES256-SHA', 'AES128-SHA'])
WIN_SERVER_CIPHERS = WIN_CLIENT_CIPHERS
TLS10_CIPHERS = 'ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA'

PKI: Optional[Pki] = None
KEYLOG: Optional[str] = None


# =============================================================================== TLS contexts

def _common(ctx, ciphers, minv, maxv, seclevel):
    if seclevel is not None:
        ciphers = ciphers + ':@SECLEVEL=%d' % seclevel
    ctx.set_ciphers(ciphers)
    ctx.minimum_version = minv
    ctx.maximum_version = maxv
    if KEYLOG:
        ctx.keylog_filename = KEYLOG
    return ctx


SSL_OP_NO_ENCRYPT_THEN_MAC = 1 << 19     # OpenSSL 3 ssl.h (Python's ssl has no name for it)


def server_ctx(cert, ciphers=WIN_SERVER_CIPHERS, minv=ssl.TLSVersion.TLSv1_2,
               maxv=ssl.TLSVersion.TLSv1_2, seclevel=None, options=0):
    """cert: (certfile, keyfile). Ciphers/seclevel are set before the key is loaded
    (an RSA-1024/SHA-1 certificate only loads at SECLEVEL 0)."""
    def build():
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        _common(c, ciphers, minv, maxv, seclevel)
        c.options |= ssl.OP_NO_TICKET | options
        c.num_tickets = 0
        c.load_cert_chain(cert[0], cert[1])
        return c
    return build


def client_ctx(ciphers=WIN_CLIENT_CIPHERS, minv=ssl.TLSVersion.TLSv1_2,
               maxv=ssl.TLSVersion.TLSv1_3, seclevel=None, verify_ca=None):
    """A client that does not verify (like mstsc, which judges the certificate itself
    after the handshake), or that verifies against verify_ca (scenario 13)."""
    def build():
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if verify_ca:
            c.load_verify_locations(verify_ca)
            c.check_hostname = True
            c.verify_mode = ssl.CERT_REQUIRED
        else:
            c.check_hostname = False
            c.verify_mode = ssl.CERT_NONE
        _common(c, ciphers, minv, maxv, seclevel)
        return c
    return build


# =============================================================================== scenario spec

@dataclass
class Spec:
    num: str                       # '01', '13a'
    name: str                      # file name part
    what: str                      # one line: what the capture shows
    verdict: str                   # expected analyzer verdict
    kind: str = 'rdp'              # rdp | tcp-closed | tcp-filtered | icmp-port | icmp-host | mixed | derived
    client_addr: str = '127.0.1.10'
    server_addr: str = '127.0.1.1'
    port: int = 3389
    family: int = socket.AF_INET
    cookie: Optional[str] = 'alice'
    requested: Optional[int] = 0x3
    neg: str = 'rsp'               # rsp | fail | legacy | silent
    selected: int = P.PROTOCOL_HYBRID
    rsp_flags: int = 0x1F
    failure: Optional[int] = None
    server_tls: object = None      # callable -> SSLContext, or 'rst'
    client_tls: object = None      # callable -> SSLContext
    sni: Optional[str] = 'rdp01.corp.example'
    after_tls: str = 'normal'      # normal | credssp-abort
    inner: object = None           # callable spec -> script: replaces after_tls_script (25-32)
    close: str = 'normal'          # with inner: normal | client | client-rst | server (see close_*)
    kdc: str = ''                  # also run a KDC on 127.0.1.88:88 (cleartext Kerberos, 31, 33,
                                   # 34): preauth-failed | no-spn | revoked (see kdc_client)
    kdc_client_addr: Optional[str] = None   # the Kerberos client, if not the RDP client (35)
    silent_delay: float = 3.0
    session_rounds: int = 0        # fast-path input/update exchanges after MCS
    session_pause: float = 0.0
    client_name: str = 'WS-ALICE'
    client_port: int = 0
    expect_tls_error: Optional[str] = None   # substring of the client-side error
    rewrite: dict = field(default_factory=dict)
    source: Optional[str] = None   # kind == derived: num of the recording it derives from
    ext: str = 'pcap'

    @property
    def fname(self):
        return '%s-%s.%s' % (self.num, self.name, self.ext)

    def base_time(self):
        digits = int(''.join(ch for ch in self.num if ch.isdigit()))
        letter = ''.join(ch for ch in self.num if ch.isalpha())
        off = digits * 60 + (ord(letter) - ord('a')) * 10 if letter else digits * 60
        return (BASE_TIME + datetime.timedelta(seconds=off)).timestamp()


def cport(num, k=0):
    """Deterministic client port per scenario (Windows' ephemeral range)."""
    digits = int(''.join(ch for ch in num if ch.isdigit()))
    letter = ''.join(ch for ch in num if ch.isalpha())
    return 50000 + digits * 64 + (ord(letter) - ord('a') + 1 if letter else 0) * 8 + k


# =============================================================================== socket helpers

def recv_exact(sock, n):
    buf = b''
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError('peer closed after %d of %d bytes' % (len(buf), n))
        buf += chunk
    return buf


def recv_tpkt(sock):
    hdr = recv_exact(sock, 4)
    if hdr[0] != 3:
        raise ValueError('not TPKT: %s' % hdr.hex())
    ln = struct.unpack('!H', hdr[2:4])[0]
    return hdr + recv_exact(sock, ln - 4)


def recv_der(sock):
    hdr = recv_exact(sock, 2)
    if hdr[1] < 0x80:
        return hdr + recv_exact(sock, hdr[1])
    nb = hdr[1] & 0x7F
    lb = recv_exact(sock, nb)
    return hdr + lb + recv_exact(sock, int.from_bytes(lb, 'big'))


def recv_like(sock, sample):
    """Read one message framed like `sample` (TPKT, DER, or fixed size)."""
    if sample[0] == 0x03:
        return recv_tpkt(sock)
    if sample[0] == 0x30:
        return recv_der(sock)
    return recv_exact(sock, len(sample))


def recv_tls_record(sock):
    hdr = recv_exact(sock, 5)
    return hdr + recv_exact(sock, struct.unpack('!H', hdr[3:5])[0])


def wait_eof(sock, timeout=SOCK_TIMEOUT):
    sock.settimeout(timeout)
    try:
        while sock.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass


def tls_handshake(ctx, sock, **kw):
    """Handshake on `sock`; returns (SSLSocket, None) or (None, error).  After a failure
    the side that RECEIVED a fatal alert waits for the peer to close first, the side that
    sent it (or that failed without an alert) closes at once, so the close order is the
    same on every run."""
    tls = ctx.wrap_socket(sock, do_handshake_on_connect=False, **kw)
    try:
        tls.do_handshake()
        return tls, None
    except (ssl.SSLError, OSError) as e:
        if isinstance(e, ssl.SSLError) and '_ALERT_' in str(e):
            try:
                raw = socket.socket(fileno=os.dup(tls.fileno()))
                wait_eof(raw, 3.0)
                raw.close()
            except OSError:
                pass
        tls.close()
        return None, e


def run_script(sock, script, me):
    for who, data in script:
        if who == 'pause':
            if me == 'C':
                time.sleep(data)
        elif who == 'call':                      # something the client does meanwhile
            if me == 'C':
                data()
        elif who == me:
            sock.sendall(data)
        else:
            recv_like(sock, data)


def after_tls_script(spec):
    """What runs inside TLS once the handshake completed."""
    script = []
    if spec.selected in (P.PROTOCOL_HYBRID, P.PROTOCOL_HYBRID_EX):
        script += P.credssp_exchange(user=(spec.cookie or 'alice').split('\\')[-1])
        if spec.after_tls == 'credssp-abort':
            return script[:3]
        if spec.selected == P.PROTOCOL_HYBRID_EX:
            script.append(('S', P.EARLY_USER_AUTH_RESULT_OK))
    script += mcs_script(spec.selected, spec.client_name, requested=spec.requested or 0)
    for i in range(spec.session_rounds):           # an active session: input and updates
        script += [('pause', spec.session_pause), ('C', P.fastpath_mouse_move(100 + 7 * i, 200 + 3 * i)),
                   ('S', P.fastpath_bitmap_update(i))]
    return script


def mcs_script(selected, client_name, legacy=False, requested=0):
    s = [('C', P.mcs_connect_initial(selected, client_name)),
         ('S', P.mcs_connect_response(requested, legacy=legacy)),
         ('C', P.MCS_ERECT_DOMAIN),
         ('C', P.MCS_ATTACH_USER_REQUEST),
         ('S', P.MCS_ATTACH_USER_CONFIRM),
         ('C', P.mcs_channel_join_request(1007)),
         ('S', P.mcs_channel_join_confirm(1007)),
         ('C', P.mcs_channel_join_request(1003)),
         ('S', P.mcs_channel_join_confirm(1003))]
    if legacy:
        s.append(('C', P.security_exchange()))
    return s


# =============================================================================== the server

class Server:
    """Listens on (addr, port) and runs `handler(conn, spec)` for n connections,
    each in its own thread.  Errors are collected, never raised across threads."""

    def __init__(self, spec, n=1, handler=None):
        self.spec = spec
        self.n = n
        self.handler = handler or rdp_server
        self.errors = []
        self.log = []
        self.sock = socket.socket(spec.family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((spec.server_addr, spec.port))
        self.sock.listen(8)
        self.sock.settimeout(SOCK_TIMEOUT + 5)
        self.threads = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def _accept(self):
        for _ in range(self.n):
            try:
                conn, _ = self.sock.accept()
            except OSError as e:
                self.errors.append('accept: %r' % e)
                return
            conn.settimeout(SOCK_TIMEOUT)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            t = threading.Thread(target=self._run, args=(conn,), daemon=True)
            t.start()
            self.threads.append(t)

    def _run(self, conn):
        try:
            r = self.handler(conn, self.spec)
            if r:
                self.log.append(r)
        except Exception as e:  # noqa: BLE001 - recorded and reported
            self.errors.append('%s: %s' % (type(e).__name__, e))
            traceback.print_exc()
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self):
        self.acceptor.join(SOCK_TIMEOUT + 6)
        for t in self.threads:
            t.join(SOCK_TIMEOUT * 2)
        self.sock.close()


def rdp_server(conn, spec):
    recv_tpkt(conn)                                    # X.224 Connection Request
    if spec.neg == 'silent':                           # overloaded listener: no confirm
        time.sleep(spec.silent_delay)
        return 'no confirm, closed after %.1fs' % spec.silent_delay
    if spec.neg == 'fail':
        conn.sendall(P.x224_connection_confirm(failure=spec.failure))
        return 'RDP_NEG_FAILURE %d' % spec.failure
    if spec.neg == 'legacy':
        conn.sendall(P.x224_connection_confirm())
        run_script(conn, mcs_script(0, spec.client_name, legacy=True, requested=spec.requested or 0), 'S')
        wait_eof(conn)
        return 'legacy'
    conn.sendall(P.x224_connection_confirm(spec.selected, spec.rsp_flags))
    if spec.server_tls == 'rst':
        recv_tls_record(conn)                          # the ClientHello
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        return 'RST after ClientHello'
    tls, err = tls_handshake(spec.server_tls(), conn, server_side=True)
    if err:
        return 'server handshake failed: %s' % err
    if spec.inner is not None:
        return inner_server(tls, spec)
    script = after_tls_script(spec)
    try:
        run_script(tls, script, 'S')
        if spec.after_tls == 'credssp-abort':
            return 'server closed (FIN, no close_notify) after %s' % tls.version()
        info = 'ok %s %s' % (tls.version(), tls.cipher()[0])
        # wait for the client's close_notify (or EOF), answer with ours, close
        try:
            while tls.recv(4096):
                pass
        except ssl.SSLZeroReturnError:
            pass
        try:
            tls.unwrap()
            wait_eof(tls, 3.0)     # the client closes first: its FIN, then ours
        except (ssl.SSLError, OSError):
            pass
        return info
    finally:
        tls.close()


def inner_server(tls, spec):
    """Server side of a scenario with its own script inside TLS (25-32), then the close:
    'server': the server sends close_notify, waits for the client's, closes (FIN first);
    'client-rst': the client resets the connection; otherwise the client closes first."""
    try:
        run_script(tls, spec.inner(spec), 'S')
        info = 'script done %s %s' % (tls.version(), tls.cipher()[0])
        if spec.close == 'server':
            try:
                tls.unwrap()
            except (ssl.SSLError, OSError) as e:
                return info + '; server close: %s' % e
            return info + '; server closed first'
        # the client's close_notify ends the loop (recv returns b'' or raises
        # SSLZeroReturnError); answer it, then the client's FIN comes first
        try:
            while tls.recv(4096):
                pass
        except ssl.SSLZeroReturnError:
            pass
        except (ssl.SSLError, OSError) as e:
            return info + '; client ended: %s' % type(e).__name__
        try:
            tls.unwrap()
            wait_eof(tls, 3.0)
        except (ssl.SSLError, OSError) as e:
            return info + '; client ended: %s' % type(e).__name__
        return info + '; client closed first'
    finally:
        tls.close()


def inner_client(tls, spec):
    """Client side of inner_server."""
    run_script(tls, spec.inner(spec), 'C')
    info = 'script done %s %s' % (tls.version(), tls.cipher()[0])
    if spec.close == 'client-rst':               # abortive close: RST, no close_notify
        tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        return info + '; client reset'
    if spec.close == 'server':                   # wait for the server's close_notify, answer it
        try:
            while tls.recv(4096):
                pass
        except ssl.SSLZeroReturnError:
            pass
        raw = tls.unwrap()
        wait_eof(raw, SOCK_TIMEOUT)
        return info + '; server closed'
    if spec.close == 'normal':
        tls.sendall(P.MCS_DPUM)
    tls.unwrap()                                 # close_notify, wait for the server's
    return info + '; client closed'


# =============================================================================== the client

def connect(spec, port_k=0, timeout=SOCK_TIMEOUT):
    s = socket.socket(spec.family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.bind((spec.client_addr, spec.client_port + port_k))
    s.connect((spec.server_addr, spec.port))
    s.settimeout(SOCK_TIMEOUT)
    return s


def rdp_client(spec):
    s = connect(spec)
    try:
        s.sendall(P.x224_connection_request(spec.cookie, spec.requested))
        try:
            cc = recv_tpkt(s)
        except EOFError:
            return 'server closed without Connection Confirm'
        neg = cc[11:] if len(cc) > 11 else b''
        if neg[:1] == b'\x03':
            wait_eof(s)
            return 'RDP_NEG_FAILURE %d' % struct.unpack('<I', neg[4:8])[0]
        if not neg:
            run_script(s, mcs_script(0, spec.client_name, legacy=True, requested=spec.requested or 0), 'C')
            s.sendall(P.MCS_DPUM)
            return 'legacy: standard RDP security'
        tls, err = tls_handshake(spec.client_tls(), s, server_hostname=spec.sni)
        if err:
            if spec.expect_tls_error is not None and spec.expect_tls_error not in str(err):
                raise RuntimeError('unexpected TLS error: %s' % err)
            return 'client handshake failed: %s' % err
        if spec.expect_tls_error is not None:
            raise RuntimeError('TLS handshake succeeded, expected %s' % spec.expect_tls_error)
        if spec.inner is not None:
            try:
                return inner_client(tls, spec)
            finally:
                tls.close()
        script = after_tls_script(spec)
        try:
            run_script(tls, script, 'C')
            if spec.after_tls == 'credssp-abort':
                wait_eof(tls)
                return 'server closed during CredSSP'
            tls.sendall(P.MCS_DPUM)
            info = 'ok %s %s' % (tls.version(), tls.cipher()[0])
            tls.unwrap()                      # close_notify, wait for the server's
            return info
        finally:
            tls.close()
    finally:
        s.close()


# =============================================================================== runners

def rewrite_opts(spec):
    o = dict(addr_map=ADDR_MAP, role_map={'::1': (V6_CLIENT, V6_SERVER)},
             server_ports={spec.port}, base_time=spec.base_time())
    o.update(spec.rewrite)
    return o


def run_rdp(spec):
    srv = Server(spec)
    kdc = Server(dataclasses.replace(spec, server_addr=KDC_ADDR, port=88), n=len(KDC_EXCHANGES[spec.kdc]),
                 handler=kdc_server) if spec.kdc else None
    try:
        c = rdp_client(spec)
    finally:
        srv.close()
        if kdc:
            kdc.close()
    errors = srv.errors + (kdc.errors if kdc else [])
    return 'client: %s | server: %s%s' % (c, '; '.join(srv.log + (kdc.log if kdc else [])),
                                          (' | server errors: ' + '; '.join(errors)) if errors else '')


# =============================================================================== Kerberos (31)
KDC_ADDR = '127.0.1.88'          # the domain controller (rewritten to 198.51.100.88)
REALM = 'CORP.EXAMPLE'


def kdc_stime(spec):
    """The KDC's stime: the scenario's (rewritten) capture minute."""
    t = datetime.datetime.fromtimestamp(spec.base_time(), datetime.timezone.utc)
    return t.strftime('%Y%m%d%H%M%SZ')


# What the client asks the DC and what the DC answers, per spec.kdc: (request, answer) per
# TCP connection.  AS = AS-REQ for alice (with or without PA-ENC-TIMESTAMP), TGS = TGS-REQ for
# the RDP server's TERMSRV service principal.
SPN = ('TERMSRV', 'rdp01.corp.example')
KDC_EXCHANGES = {
    # wrong password: pre-authentication required, then pre-authentication failed (31)
    'preauth-failed': [('AS', P.KDC_ERR_PREAUTH_REQUIRED), ('AS+PA', P.KDC_ERR_PREAUTH_FAILED)],
    # no account has the SPN TERMSRV/rdp01.corp.example: the client (holding a TGT) gets
    # KDC_ERR_S_PRINCIPAL_UNKNOWN for its service ticket and falls back to NTLM (33)
    'no-spn': [('TGS', P.KDC_ERR_S_PRINCIPAL_UNKNOWN)],
    # account disabled or locked out: KDC_ERR_CLIENT_REVOKED after pre-authentication (34)
    'revoked': [('AS', P.KDC_ERR_PREAUTH_REQUIRED), ('AS+PA', P.KDC_ERR_CLIENT_REVOKED)],
}


def kdc_server(conn, spec):
    """One exchange over TCP (RFC 4120 7.2.2): the answer to the request that arrives, per
    KDC_EXCHANGES[spec.kdc]; the client closes first."""
    n = struct.unpack('!I', recv_exact(conn, 4))[0]
    req = recv_exact(conn, n)
    user = 'alice'
    answers = dict(KDC_EXCHANGES[spec.kdc])
    if req[:1] == b'\x6c':                               # [APPLICATION 12] TGS-REQ
        code = answers['TGS']
        err = P.krb_error(code, REALM, (P.NT_SRV_INST,) + SPN, kdc_stime(spec))
    elif b'\xa1\x03\x02\x01\x02' in req:             # padata-type [1] 2 = PA-ENC-TIMESTAMP
        code = answers['AS+PA']
        err = P.krb_error(code, REALM, (P.NT_SRV_INST, 'krbtgt', REALM), kdc_stime(spec), cname=user)
    else:
        code = answers['AS']
        err = P.krb_error(code, REALM, (P.NT_SRV_INST, 'krbtgt', REALM), kdc_stime(spec), cname=user,
                          e_data=P.etype_info2_method_data(REALM, user))
    conn.sendall(P.krb_tcp(err))
    wait_eof(conn, 3.0)
    return 'KDC: KRB-ERROR %d' % code


def kdc_client(spec):
    """What Windows' Kerberos client does when the CredSSP client asks for a ticket for
    TERMSRV/host: AS-REQs for a TGT (the password is used here) or, holding one, a TGS-REQ;
    each exchange on its own TCP connection to port 88 of the DC."""
    for k, (kind, _code) in enumerate(KDC_EXCHANGES[spec.kdc], 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(SOCK_TIMEOUT)
        s.bind((spec.kdc_client_addr or spec.client_addr, spec.client_port + k))
        s.connect((KDC_ADDR, 88))
        try:
            if kind == 'TGS':
                req = P.krb_tgs_req(REALM, SPN[0], SPN[1], 0x1A2B3C4D + k)
            else:
                req = P.krb_as_req('alice', REALM, 0x1A2B3C4D + k, preauth=(kind == 'AS+PA'))
            s.sendall(P.krb_tcp(req))
            n = struct.unpack('!I', recv_exact(s, 4))[0]
            recv_exact(s, n)
        finally:
            s.close()


def nft(script):
    subprocess.run(['nft', '-f', '-'], input=script.encode(), check=True)


NFT_TABLE = 'rdpcap_gen'


def nft_block(rule):
    nft('table inet %s\ndelete table inet %s\ntable inet %s {\n chain input {\n'
        '  type filter hook input priority 0; policy accept;\n  %s\n }\n}\n'
        % (NFT_TABLE, NFT_TABLE, NFT_TABLE, rule))


def nft_clear():
    subprocess.run(['nft', 'delete', 'table', 'inet', NFT_TABLE],
                   stderr=subprocess.DEVNULL, check=False)


def run_tcp(spec):
    """17a-d: a connect attempt that never reaches an RDP listener."""
    target = 'ip daddr %s tcp dport %d' % (spec.server_addr, spec.port)
    rules = {
        'tcp-closed': None,
        'tcp-filtered': '%s tcp flags & (syn|ack) == syn drop' % target,
        'icmp-port': '%s reject with icmp type port-unreachable' % target,
        'icmp-host': '%s reject with icmp type host-unreachable' % target,
    }
    rule = rules[spec.kind]
    try:
        if rule:
            nft_block(rule)
        t0 = time.monotonic()
        try:
            s = connect(spec, timeout=4.0)
            s.close()
            return 'connected?!'
        except (OSError, socket.timeout) as e:
            return 'connect failed after %.1fs: %s' % (time.monotonic() - t0, e)
    finally:
        nft_clear()


def run_mixed(spec):
    """22: two RDP servers, five clients, one HTTPS exchange and one DNS lookup."""
    srv_a = dataclasses.replace(spec, server_addr='127.0.1.1',
                                server_tls=server_ctx(PKI_CERTS['rdp01']), sni='rdp01.corp.example')
    srv_b = dataclasses.replace(spec, server_addr='127.0.1.2',
                                server_tls=server_ctx(PKI_CERTS['rdp02'], ciphers='ECDHE-RSA-AES128-GCM-SHA256'),
                                sni='rdp02.corp.example')
    ok_client = client_ctx()
    bad_client = client_ctx(ciphers='ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-SHA384',
                            maxv=ssl.TLSVersion.TLSv1_2)
    clients = [
        # (delay, server spec, client addr, cookie, client name, tls ctx, expected error)
        (0.00, srv_a, '127.0.1.20', 'alice', 'WS-ALICE', ok_client, None),
        (0.15, srv_b, '127.0.1.21', 'bob', 'WS-BOB', ok_client, None),
        (0.30, srv_b, '127.0.1.22', 'CORP\\caro', 'WS-CAROL', bad_client, 'HANDSHAKE_FAILURE'),
        (0.45, srv_a, '127.0.1.23', 'dave', 'WS-DAVE', ok_client, None),
        (0.60, srv_b, '127.0.1.24', 'erin', 'WS-ERIN', ok_client, None),
    ]
    results = []
    srv_a = dataclasses.replace(srv_a, session_rounds=5, session_pause=0.3)
    srv_b = dataclasses.replace(srv_b, session_rounds=5, session_pause=0.3)
    sa = Server(srv_a, n=2)
    sb = Server(srv_b, n=3)
    web = Server(dataclasses.replace(spec, server_addr='127.0.1.3', port=443), n=1, handler=https_server)
    dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dns.bind(('127.0.1.53', 53))
    dns.settimeout(SOCK_TIMEOUT)

    def dns_server():
        try:
            q, addr = dns.recvfrom(512)
            dns.sendto(P.dns_response(struct.unpack('!H', q[:2])[0], 'rdp01.corp.example', '198.51.100.1'), addr)
        except OSError as e:
            results.append('dns: %r' % e)
    dt = threading.Thread(target=dns_server, daemon=True)
    dt.start()

    def one(delay, srv, addr, cookie, cname, ctx, err, k):
        time.sleep(delay)
        cs = dataclasses.replace(srv, client_addr=addr, cookie=cookie, client_name=cname,
                                 client_tls=ctx, expect_tls_error=err,
                                 session_rounds=5, session_pause=0.3,
                                 client_port=cport(spec.num, k))
        try:
            results.append('%s -> %s: %s' % (addr, srv.server_addr, rdp_client(cs)))
        except Exception as e:  # noqa: BLE001
            results.append('%s -> %s: ERROR %s' % (addr, srv.server_addr, e))

    # the DNS lookup first, then the RDP clients, the HTTPS request in between
    q = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    q.bind(('127.0.1.20', 58000))
    q.settimeout(SOCK_TIMEOUT)
    q.sendto(P.dns_query(0x4a1c, 'rdp01.corp.example'), ('127.0.1.53', 53))
    q.recvfrom(512)
    q.close()
    ths = [threading.Thread(target=one, args=c + (k,), daemon=True) for k, c in enumerate(clients)]
    for t in ths:
        t.start()
    time.sleep(0.2)
    results.append('https: %s' % https_client(spec))
    for t in ths:
        t.join(SOCK_TIMEOUT * 3)
    for s in (sa, sb, web):
        s.close()
    dt.join(1)
    dns.close()
    for s in (sa, sb, web):
        results += s.errors
    return ' | '.join(sorted(results))


def https_server(conn, spec):
    c = server_ctx(PKI_CERTS['www'], maxv=ssl.TLSVersion.TLSv1_3)()
    c.set_alpn_protocols(['http/1.1'])
    tls = c.wrap_socket(conn, server_side=True)
    try:
        req = b''
        while b'\r\n\r\n' not in req:
            chunk = tls.recv(4096)
            if not chunk:
                break
            req += chunk
        body = b'<!doctype html><title>Example</title><p>It works.</p>\n'
        tls.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n'
                    b'Connection: close\r\n\r\n' % len(body) + body)
        tls.unwrap()
        wait_eof(tls, 3.0)
    finally:
        tls.close()
    return 'https ok'


def https_client(spec):
    c = client_ctx(ciphers='DEFAULT')()
    c.set_alpn_protocols(['h2', 'http/1.1'])
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(SOCK_TIMEOUT)
    s.bind(('127.0.1.21', 58443))
    s.connect(('127.0.1.3', 443))
    tls = c.wrap_socket(s, server_hostname='www.example.com')
    try:
        tls.sendall(b'GET / HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: Mozilla/5.0\r\n'
                    b'Accept: */*\r\n\r\n')
        resp = b''
        try:
            while True:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                resp += chunk
        except ssl.SSLZeroReturnError:
            pass
        try:
            tls.unwrap()
        except (ssl.SSLError, OSError):
            pass
        return resp.split(b'\r\n', 1)[0].decode()
    finally:
        tls.close()


# =============================================================================== derived files

def tcp_stream_segments(packets, server_ip_port):
    """(index, payload_offset_in_frame, stream_offset, payload) for one direction of
    the first TCP connection from server_ip_port (in-order loopback capture)."""
    out = []
    isn = None
    for i, (_ts, frame, _orig) in enumerate(packets):
        if len(frame) < 34 or frame[12:14] != b'\x08\x00':
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0xF) * 4
        if ip[9] != 6:
            continue
        src = socket.inet_ntoa(ip[12:16])
        tcp = ip[ihl:]
        sport = struct.unpack('!H', tcp[:2])[0]
        if (src, sport) != server_ip_port:
            continue
        seq = struct.unpack('!I', tcp[4:8])[0]
        flags = tcp[13]
        doff = (tcp[12] >> 4) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        payload = ip[ihl + doff:total]
        if flags & 0x02:
            isn = seq + 1
            continue
        if payload and isn is not None:
            out.append((i, 14 + ihl + doff, (seq - isn) & 0xFFFFFFFF, payload))
    return out


def find_cut_in_certificate(raw_path, server=('127.0.1.1', 3389)):
    """keep/cut values that end the capture in the middle of the Certificate record."""
    _lt, _snap, packets = pcap_rewrite.read_pcap(raw_path)
    segs = tcp_stream_segments(packets, server)
    stream = b''.join(p for _i, _o, _s, p in segs)
    off = struct.unpack('!H', stream[2:4])[0]          # skip the X.224 Connection Confirm
    while off + 5 <= len(stream):
        ctype = stream[off]
        rlen = struct.unpack('!H', stream[off + 3:off + 5])[0]
        if ctype == 22 and stream[off + 5] == 11:
            target = off + 5 + rlen // 2
            break
        off += 5 + rlen
    else:
        raise RuntimeError('no Certificate record found')
    for i, poff, soff, payload in segs:
        if soff <= target < soff + len(payload):
            return {'keep': i + 1, 'cut': poff + (target - soff)}
    raise RuntimeError('cut point not in capture')


# =============================================================================== the catalogue

PKI_CERTS = {}


def build_pki(work):
    global PKI
    PKI = Pki(os.path.join(work, 'certs'))
    k = PKI_CERTS
    k['rdp01'] = PKI.leaf('rdp01.pem', 'rdp01', 'rdp01.corp.example', 0x5A01)
    k['rdp02'] = PKI.leaf('rdp02.pem', 'rdp02', 'rdp02.corp.example', 0x5A02)
    k['www'] = PKI.leaf('www.pem', 'www', 'www.example.com', 0x5A03)
    k['selfsigned-expired'] = PKI.self_signed_rdp('ws07-selfsigned-expired.pem', 'ws07', 'ws07.corp.example',
                                                  0x1C5E0A7B3D2F4E6A8B9C0D1E2F3A4B5C, EXPIRED)
    k['selfsigned'] = PKI.self_signed_rdp('ws07-selfsigned.pem', 'ws07', 'ws07.corp.example',
                                          0x2B4D6F8091A3B5C7D9E1F2031425A6B7, VALID)
    k['notyet'] = PKI.leaf('rdp01-notyet.pem', 'rdp01', 'rdp01.corp.example', 0x5A04, NOT_YET_VALID)
    k['soon'] = PKI.leaf('rdp01-soon.pem', 'rdp01', 'rdp01.corp.example', 0x5A05, EXPIRING_SOON)
    k['weak'] = PKI.leaf('rdp01-rsa1024-sha1.pem', 'rdp01-rsa1024', 'rdp01.corp.example', 0x5A06,
                         bits=1024, hash_alg=hashes.SHA1())
    k['clientauth'] = PKI.leaf('rdp01-clientauth.pem', 'rdp01', 'rdp01.corp.example', 0x5A07,
                               eku=(ExtendedKeyUsageOID.CLIENT_AUTH,))
    k['ws01'] = PKI.leaf('ws01.pem', 'ws01', 'ws01.corp.example', 0x5A08)
    k['real-notyet'] = PKI.leaf('rdp01-2049.pem', 'rdp01', 'rdp01.corp.example', 0x5A09, REAL_NOT_YET_VALID)
    k['real-expired'] = PKI.leaf('rdp01-expired.pem', 'rdp01', 'rdp01.corp.example', 0x5A0A, REAL_EXPIRED)
    k['tls10'] = k['rdp01']


def catalogue():
    C = PKI_CERTS
    TLS10, TLS12, TLS13 = ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3
    healthy_srv = server_ctx(C['rdp01'])
    sc = []

    def add(num, name, what, verdict, **kw):
        kw.setdefault('client_port', cport(num))
        kw.setdefault('server_tls', healthy_srv)
        kw.setdefault('client_tls', client_ctx())
        sc.append(Spec(num, name, what, verdict, **kw))

    add('01', 'healthy-hybrid-tls12',
        'req SSL|HYBRID (0x3), sel HYBRID (2); TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384; CA-signed cert '
        'rdp01.corp.example (leaf + CA sent); CredSSP + MCS inside TLS; close_notify + FIN both ways',
        'Healthy: HYBRID (NLA) over TLS 1.2, certificate valid (CA-signed, name matches, serverAuth); no findings')
    add('02', 'healthy-hybridex-tls13',
        'req 0xB (SSL|HYBRID|HYBRID_EX), sel HYBRID_EX (8); TLS 1.3 (certificate encrypted); CredSSP, '
        'Early User Authorization Result, MCS; normal close',
        'Healthy: HYBRID_EX over TLS 1.3; certificate not visible (TLS 1.3), no findings',
        requested=0xB, selected=P.PROTOCOL_HYBRID_EX, server_tls=server_ctx(C['rdp01'], maxv=TLS13))
    add('03', 'cert-expired-selfsigned',
        'TLS 1.2; Windows-style self-signed certificate CN=ws07.corp.example valid 2023-01-01..2024-06-30; '
        'client ignores it, CredSSP + MCS follow, normal close',
        'Certificate expired (notAfter 2024-06-30, capture 2025-03-10) and self-signed (untrusted); '
        'connection itself completes', server_tls=server_ctx(C['selfsigned-expired']), sni='ws07.corp.example')
    add('04', 'cert-not-yet-valid',
        'TLS 1.2; CA-signed certificate notBefore 2025-04-01 (server clock ahead); connection completes',
        'Certificate not yet valid (notBefore 2025-04-01 is after the capture time 2025-03-10)',
        server_tls=server_ctx(C['notyet']))
    add('05', 'cert-expiring-soon',
        'TLS 1.2; CA-signed certificate notAfter 2025-03-25T12:00Z; connection completes',
        'Certificate expires within 30 days (15 days after the capture); warning only',
        server_tls=server_ctx(C['soon']))
    add('06', 'cert-rsa1024-sha1',
        'TLS 1.2 (server at @SECLEVEL=0 to load it); CA-signed certificate with an RSA-1024 key and '
        'sha1WithRSAEncryption signature; connection completes',
        'Weak certificate: RSA 1024-bit key, SHA-1 signature',
        server_tls=server_ctx(C['weak'], seclevel=0))
    add('07', 'cert-no-serverauth-eku',
        'TLS 1.2; CA-signed certificate whose EKU is clientAuth only; connection completes',
        'Certificate lacks the Server Authentication EKU (1.3.6.1.5.5.7.3.1): only clientAuth',
        server_tls=server_ctx(C['clientauth']))
    add('08', 'cert-sni-mismatch',
        'TLS 1.2; client SNI rdp-gw.example.net, certificate CN/SAN ws01.corp.example; connection completes',
        'Certificate name mismatch: SNI rdp-gw.example.net not in CN/SAN (ws01.corp.example)',
        server_tls=server_ctx(C['ws01']), sni='rdp-gw.example.net')
    add('09', 'tls-no-shared-cipher-alert',
        'server TLS 1.2 only with AES128-SHA only; client max TLS 1.2 offering ECDHE-*-GCM only; '
        'server answers the ClientHello with fatal alert handshake_failure (40)',
        'TLS fails: no shared cipher suite; server sent fatal alert handshake_failure (40) after the ClientHello',
        server_tls=server_ctx(C['rdp01'], ciphers='AES128-SHA'),
        client_tls=client_ctx(ciphers='ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:'
                              'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256', maxv=TLS12),
        expect_tls_error='HANDSHAKE_FAILURE')
    add('10', 'tls-no-shared-cipher-rst',
        'server reads the ClientHello (max TLS 1.2, ECDHE-GCM only) and resets the connection '
        '(SO_LINGER 0): RST, no alert, no ServerHello',
        'TLS fails: server reset the connection right after the ClientHello, no alert '
        '(Windows/Schannel style: typically no shared cipher suite or protocol version)',
        server_tls='rst',
        client_tls=client_ctx(ciphers='ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:'
                              'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256', maxv=TLS12),
        expect_tls_error='')
    add('11', 'tls-version-mismatch-server-tls10',
        'client TLS 1.2..1.3; server TLS 1.0 only (SECLEVEL 0): server answers the ClientHello with '
        'fatal alert protocol_version (70)',
        'TLS fails: version mismatch; client offers TLS 1.2-1.3, server supports only TLS 1.0; '
        'server alert protocol_version (70)',
        server_tls=server_ctx(C['rdp01'], ciphers=TLS10_CIPHERS, minv=TLS10, maxv=TLS10, seclevel=0),
        client_tls=client_ctx(seclevel=0), expect_tls_error='')
    add('12', 'tls-version-mismatch-client-tls10',
        'client TLS 1.0 only (SECLEVEL 0, ClientHello version 0x0301); server requires TLS 1.2: '
        'fatal alert protocol_version (70) from the server',
        'TLS fails: client offers only TLS 1.0, server requires TLS 1.2+; server alert protocol_version (70)',
        client_tls=client_ctx(ciphers=TLS10_CIPHERS, minv=TLS10, maxv=TLS10, seclevel=0),
        expect_tls_error='')
    ca = PKI.ca_path
    add('13a', 'client-rejects-cert-unknown-ca',
        'TLS 1.2; client verifies; server sends a self-signed certificate (ws07.corp.example): '
        'client sends fatal alert unknown_ca (48)'
        '; the client then closes with the rest of the server flight unread, so its kernel sends RST',
        'TLS fails: client rejected the certificate: unknown_ca (48); certificate self-signed/untrusted',
        server_tls=server_ctx(C['selfsigned']), client_tls=client_ctx(verify_ca=ca), sni='ws07.corp.example',
        expect_tls_error='CERTIFICATE_VERIFY_FAILED')
    add('13b', 'client-rejects-cert-not-yet-valid',
        'TLS 1.2; client verifies; CA-signed certificate notBefore 2049-01-01: client sends fatal alert '
        'bad_certificate (42)'
        '; the client then closes with the rest of the server flight unread, so its kernel sends RST',
        'TLS fails: client rejected the certificate: bad_certificate (42); certificate not yet valid (2049-01-01)',
        server_tls=server_ctx(C['real-notyet']), client_tls=client_ctx(verify_ca=ca),
        expect_tls_error='CERTIFICATE_VERIFY_FAILED')
    add('13c', 'client-rejects-cert-expired',
        'TLS 1.2; client verifies; CA-signed certificate expired 2024-06-30: client sends fatal alert '
        'certificate_expired (45)'
        '; the client then closes with the rest of the server flight unread, so its kernel sends RST',
        'TLS fails: client rejected the certificate: certificate_expired (45); certificate expired 2024-06-30',
        server_tls=server_ctx(C['real-expired']), client_tls=client_ctx(verify_ca=ca),
        expect_tls_error='CERTIFICATE_VERIFY_FAILED')
    add('14', 'neg-failure-hybrid-required',
        'req SSL only (0x1); server answers RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER (5) and closes',
        'Negotiation failed: server requires NLA (HYBRID_REQUIRED_BY_SERVER, 5), client offered only SSL',
        requested=P.PROTOCOL_SSL, neg='fail', failure=P.HYBRID_REQUIRED_BY_SERVER, cookie='CORP\\bob',
        client_name='WS-BOB')
    add('15a', 'neg-failure-ssl-not-allowed',
        'req SSL|HYBRID (0x3); server answers RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER (2) and closes',
        'Negotiation failed: server allows only Standard RDP Security (SSL_NOT_ALLOWED_BY_SERVER, 2)',
        neg='fail', failure=P.SSL_NOT_ALLOWED_BY_SERVER)
    add('15b', 'neg-failure-ssl-cert-not-on-server',
        'req SSL|HYBRID (0x3); server answers RDP_NEG_FAILURE SSL_CERT_NOT_ON_SERVER (3) and closes',
        'Negotiation failed: server has no certificate for TLS (SSL_CERT_NOT_ON_SERVER, 3)',
        neg='fail', failure=P.SSL_CERT_NOT_ON_SERVER)
    add('16', 'legacy-standard-rdp-security',
        'req SSL|HYBRID (0x3); Connection Confirm without negotiation block; plaintext MCS Connect '
        'Initial/Response (server security data: 128-bit RC4, proprietary certificate), Erect Domain, '
        'Attach User, Channel Joins, Security Exchange, Disconnect Provider Ultimatum; FIN',
        'Legacy server: no RDP_NEG_RSP, Standard RDP Security (no TLS, no NLA); weak (RC4) encryption',
        neg='legacy', cookie='CORP\\caro', client_name='WS-CAROL')
    add('17a', 'tcp-port-closed-rst', 'SYN to 198.51.100.1:3389 answered by RST,ACK',
        'TCP connection refused: port closed (RST to SYN)', kind='tcp-closed')
    add('17b', 'tcp-syn-unanswered', 'SYN to 198.51.100.1:3389 and 2 retransmissions (t=0,1,3 s), no answer',
        'TCP SYN unanswered (3 SYNs, no reply): filtered or host down', kind='tcp-filtered')
    add('17c', 'tcp-icmp-port-unreachable',
        'SYN to 198.51.100.1:3389 answered by ICMP destination unreachable / port unreachable (3/3) '
        'quoting the SYN', 'TCP connection rejected: ICMP port unreachable from 198.51.100.1',
        kind='icmp-port')
    add('17d', 'tcp-icmp-host-unreachable',
        'SYN to 198.51.100.5:3389 answered by ICMP destination unreachable / host unreachable (3/1) from '
        'router 192.0.2.1', 'TCP connection failed: ICMP host unreachable (from router 192.0.2.1)',
        kind='icmp-host', server_addr='127.0.1.5',
        rewrite={'icmp_error_src': {'127.0.1.5': '192.0.2.1'},      # from the client's router,
                 'mac_map': {'198.51.100.5': b'\x02\x00\xc0\x00\x02\x01'}})  # SYN to its MAC
    add('18', 'x224-no-confirm-server-closes',
        'TCP accepted, X.224 Connection Request sent, no Connection Confirm; server closes (FIN) after 3 s',
        'RDP listener not answering: no X.224 Connection Confirm, server closed after ~3 s (overloaded/hung)',
        neg='silent')
    add('19', 'credssp-server-closes',
        'TLS 1.2 completes (HYBRID selected); client sends TSRequest(NTLM NEGOTIATE), server answers '
        'TSRequest(CHALLENGE), client sends TSRequest(AUTHENTICATE) and the server closes at once '
        'with FIN (no close_notify, no alert)',
        'NLA/CredSSP failed: server closed the connection after the client\'s credentials '
        '(wrong password / account not allowed / CredSSP policy)',
        after_tls='credssp-abort')
    add('20', 'rdp-on-port-3390',
        'scenario 1 on port 3390', 'Healthy RDP on a non-standard port (3390), found by content',
        port=3390)
    add('21a', 'ipv6-healthy', 'scenario 1 over IPv6 (2001:db8::10 -> 2001:db8::1)',
        'Healthy, as scenario 1 (IPv6)', family=socket.AF_INET6, client_addr='::1', server_addr='::1')
    add('21b', 'vlan-healthy', 'scenario 1 recording with an 802.1Q tag (VLAN 42) on every frame',
        'Healthy, as scenario 1 (VLAN 42)', kind='derived', source='01', rewrite={'vlan': 42})
    add('21c', 'sll2-healthy', 'scenario 1 recording in Linux cooked capture v2 (LINKTYPE 276)',
        'Healthy, as scenario 1 (SLL2)', kind='derived', source='01',
        rewrite={'sll2': True, 'sll2_local': {'192.0.2.10'}})
    add('21d', 'pcapng-healthy', 'scenario 1 recording as pcapng (SHB, IDB EN10MB, EPBs)',
        'Healthy, as scenario 1 (pcapng)', kind='derived', source='01', rewrite={'pcapng': True}, ext='pcapng')
    add('22', 'mixed-two-servers',
        'DNS query/response 192.0.2.20 <-> 198.51.100.53; HTTPS (TLS 1.3) 192.0.2.21 -> 198.51.100.3:443; '
        'server A 198.51.100.1: 2 healthy TLS 1.2 clients (.20, .23); server B 198.51.100.2 accepts only '
        'ECDHE-RSA-AES128-GCM-SHA256: clients .21 and .24 succeed, .22 offers only AES256 suites and gets alert 40',
        'Server B: one client fails with no shared cipher (alert 40) while two others succeed with '
        'ECDHE-RSA-AES128-GCM-SHA256 (B accepts a single suite); server A healthy; HTTPS and DNS ignored',
        kind='mixed')
    add('23', 'truncated-mid-certificate',
        'scenario 1 recording cut inside the server\'s Certificate record (last frame captured partially)',
        'Capture ended mid TLS record (certificate incomplete): no verdict on the certificate, '
        'connection outcome unknown', kind='derived', source='01', rewrite={'truncate_in_certificate': True})
    # 24 is generator/hostile_names.py.
    # 25-32: what only decryption shows (issue #11): answers the real stacks (rdp-NN) never
    # send, inside real OpenSSL TLS, decryptable with samples/tls-keylog.txt.  Cipher suites
    # vary on purpose (GCM, CBC with and without encrypt_then_mac, ChaCha20, TLS 1.3).
    tls13_srv = server_ctx(C['rdp01'], maxv=TLS13)
    add('25', 'credssp-errorcode-logon-failure',
        'TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384; CredSSP v6 NTLM: NEGOTIATE, CHALLENGE (server RDP01, domain '
        'CORP), AUTHENTICATE (CORP\\alice from WS-ALICE); the server answers TSRequest errorCode '
        '0xC000006D (STATUS_LOGON_FAILURE); the client sends close_notify + FIN',
        'NLA failed: the server refused the credentials: STATUS_LOGON_FAILURE (0xC000006D, wrong user '
        'name or password); with the key log',
        inner=script_errorcode_after_auth, close='client')
    add('26', 'credssp-errorcode-ntlm-refused-rst',
        'TLS 1.3; CredSSP: the client sends TSRequest(NTLM NEGOTIATE), the server answers at once '
        'TSRequest errorCode 0x80090302 (SEC_E_UNSUPPORTED_FUNCTION: NTLM refused by policy); the '
        'client resets the connection (RST, no close_notify)',
        'NLA failed: the server refused NTLM (SEC_E_UNSUPPORTED_FUNCTION 0x80090302, sent by the server '
        'although the client\'s RST ends the connection); with the key log',
        inner=script_ntlm_refused, close='client-rst', server_tls=tls13_srv)
    add('27', 'euar-access-denied',
        'req 0xB, sel HYBRID_EX (8); TLS 1.3; complete CredSSP (NTLM), then the server\'s Early User '
        'Authorization Result AUTHZ_ACCESS_DENIED (0x00000005); the server sends close_notify + FIN',
        'Access denied after NLA: the user lacks the right to log on through Remote Desktop Services '
        '(Early User Authorization Result 0x5); with the key log',
        requested=0xB, selected=P.PROTOCOL_HYBRID_EX, inner=script_euar_denied, close='server',
        server_tls=tls13_srv)
    add('28', 'set-error-info-insufficient-privileges',
        'TLS 1.2 ECDHE-RSA-AES128-SHA256 (CBC, encrypt_then_mac); CredSSP, MCS Connect Initial/Response, '
        'Erect Domain, Attach User, Channel Joins, Client Info (CORP\\alice), licensing Error Alert '
        'STATUS_VALID_CLIENT (7), Set Error Info 0x9 (ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES), MCS '
        'Disconnect Provider Ultimatum (rn-provider-initiated); the server sends close_notify + FIN',
        'Server ended the session: Set Error Info 0x9 SERVER_INSUFFICIENT_PRIVILEGES (user not allowed), '
        'after licensing; with the key log',
        inner=script_set_error_info, close='server',
        server_tls=server_ctx(C['rdp01'], ciphers='ECDHE-RSA-AES128-SHA256'))
    add('29', 'licensing-no-license-server',
        'TLS 1.2 ECDHE-RSA-AES256-SHA (CBC, no encrypt_then_mac); CredSSP, MCS, Client Info, then the '
        'server\'s licensing Error Alert ERR_NO_LICENSE_SERVER (0x6, ST_TOTAL_ABORT), Set Error Info 0x101 '
        '(ERRINFO_LICENSE_NO_LICENSE_SERVER) and Disconnect Provider Ultimatum; close_notify + FIN from the '
        'server',
        'Licensing failed: no Remote Desktop license server available (licensing Error Alert 0x6, '
        'errorInfo 0x101); with the key log',
        inner=script_no_license_server, close='server',
        server_tls=server_ctx(C['rdp01'], ciphers='ECDHE-RSA-AES256-SHA', options=SSL_OP_NO_ENCRYPT_THEN_MAC))
    add('30', 'credssp-v4-client-vs-v6-server',
        'TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305; CredSSP: client TSRequest version 4 (NEGOTIATE), server '
        'version 6 (CHALLENGE), client version 4 (AUTHENTICATE + pubKeyAuth, no clientNonce); the server '
        'sends close_notify + FIN',
        'NLA failed: CredSSP encryption oracle mismatch (CVE-2018-0886): client version 4 (unpatched) '
        'against a version 6 server; the server closed after the client\'s credentials; with the key log',
        inner=script_credssp_v4_v6, close='server',
        server_tls=server_ctx(C['rdp01'], ciphers='ECDHE-RSA-CHACHA20-POLY1305'),
        client_tls=client_ctx(ciphers=WIN_CLIENT_CIPHERS + ':ECDHE-RSA-CHACHA20-POLY1305'))
    add('31', 'kerberos-preauth-failed-then-ntlm',
        'TLS 1.2; right after the handshake the client asks the DC 198.51.100.88 (TCP 88, cleartext) '
        'for a TGT: AS-REQ, KRB-ERROR KDC_ERR_PREAUTH_REQUIRED (25), AS-REQ with PA-ENC-TIMESTAMP, '
        'KRB-ERROR KDC_ERR_PREAUTH_FAILED (24) for alice@CORP.EXAMPLE; then CredSSP falls back to NTLM '
        '(NEGOTIATE, CHALLENGE, AUTHENTICATE) and the server answers errorCode 0xC000006D; '
        'close_notify + FIN from the client',
        'NLA failed: wrong password: the DC said KDC_ERR_PREAUTH_FAILED (24) for alice (cleartext '
        'Kerberos, no key needed); with the key log also STATUS_LOGON_FAILURE from the RDP server',
        inner=script_kerberos_then_ntlm, close='client', kdc='preauth-failed')
    add('32', 'kerberos-spn-wrong-principal',
        'TLS 1.3; CredSSP with SPNEGO: NegTokenInit (MS KRB5, KRB5, NTLM) carrying a Kerberos AP-REQ '
        'whose ticket is for TERMSRV/rdp01.corp.example@CORP.EXAMPLE (ticket contents opaque); the '
        'server answers TSRequest errorCode 0x80090322 (SEC_E_WRONG_PRINCIPAL: it cannot decrypt the '
        'ticket); close_notify + FIN from the client',
        'NLA failed: Kerberos service ticket for TERMSRV/rdp01.corp.example rejected by the server '
        '(SEC_E_WRONG_PRINCIPAL 0x80090322: the SPN is registered on another account or the '
        'server\'s keys are stale); with the key log',
        inner=script_kerberos_wrong_principal, close='client', server_tls=tls13_srv)
    add('33', 'kerberos-no-spn-ntlm-fallback',
        'TLS 1.2; right after the handshake the client (holding a TGT) asks the DC 198.51.100.88 (TCP 88, '
        'cleartext) for a service ticket: TGS-REQ for TERMSRV/rdp01.corp.example, KRB-ERROR '
        'KDC_ERR_S_PRINCIPAL_UNKNOWN (7); CredSSP then uses NTLM and the connection is healthy (CredSSP, '
        'MCS, normal close)',
        'Healthy, but Kerberos was not used: no account has the SPN TERMSRV/rdp01.corp.example '
        '(KDC_ERR_S_PRINCIPAL_UNKNOWN, cleartext), so NLA fell back to NTLM',
        inner=script_kerberos_no_spn, close='normal', kdc='no-spn')
    add('34', 'kerberos-client-revoked-locked-out',
        'TLS 1.2; the client asks the DC 198.51.100.88 (TCP 88) for a TGT: AS-REQ, KDC_ERR_PREAUTH_REQUIRED '
        '(25), AS-REQ with PA-ENC-TIMESTAMP, KRB-ERROR KDC_ERR_CLIENT_REVOKED (18) for alice; then NTLM '
        '(NEGOTIATE, CHALLENGE, AUTHENTICATE) and the server\'s errorCode 0xC0000234 '
        '(STATUS_ACCOUNT_LOCKED_OUT); close_notify + FIN from the client',
        'NLA failed: the account is locked out (or disabled): KDC_ERR_CLIENT_REVOKED (18) from the DC '
        '(cleartext); with the key log STATUS_ACCOUNT_LOCKED_OUT (0xC0000234) from the RDP server',
        inner=script_kerberos_revoked, close='client', kdc='revoked')
    add('35', 'kerberos-error-other-client',
        'TLS 1.2; healthy RDP connection from 192.0.2.10 (CredSSP, MCS, normal close); during its setup '
        'ANOTHER machine, 192.0.2.11, gets KDC_ERR_PREAUTH_REQUIRED (25) then KDC_ERR_PREAUTH_FAILED (24) '
        'from the DC 198.51.100.88 (TCP 88, cleartext)',
        'Healthy: the Kerberos errors belong to another client (192.0.2.11), not to this RDP connection; '
        'no Kerberos finding',
        inner=script_kerberos_other_client, close='normal', kdc='preauth-failed', kdc_client_addr='127.0.1.11')
    return sc


# ------------------------------------------------------------------ scripts inside TLS (25-32)
def script_errorcode_after_auth(spec):
    """NTLM NEGOTIATE, CHALLENGE, AUTHENTICATE; the server's TSRequest errorCode
    STATUS_LOGON_FAILURE (MS-CSSP 2.2.1, 3.1.5: version 3+ servers report the failure)."""
    return P.credssp_exchange()[:3] + [('S', P.ts_request(error_code=P.STATUS_LOGON_FAILURE))]


def script_ntlm_refused(spec):
    """The server refuses NTLM itself: errorCode SEC_E_UNSUPPORTED_FUNCTION to the first TSRequest."""
    return P.credssp_exchange()[:1] + [('S', P.ts_request(error_code=P.SEC_E_UNSUPPORTED_FUNCTION))]


def script_euar_denied(spec):
    """Complete CredSSP, then Early User Authorization Result AUTHZ_ACCESS_DENIED
    (MS-RDPBCGR 2.2.10.2, HYBRID_EX only)."""
    return P.credssp_exchange() + [('S', P.early_user_authorization_result(P.AUTHZ_ACCESS_DENIED))]


def _to_licensing(spec):
    """CredSSP, MCS (1.3.1.1 phases: basic settings, channel connection), Client Info (security)."""
    return (P.credssp_exchange() + mcs_script(spec.selected, spec.client_name, requested=spec.requested or 0)
            + [('C', P.client_info_pdu())])


def script_set_error_info(spec):
    """... licensing Error Alert STATUS_VALID_CLIENT, Set Error Info 0x9, Disconnect Provider
    Ultimatum (MS-RDPBCGR 2.2.1.12, 2.2.5.1.1, 2.2.2.3)."""
    return _to_licensing(spec) + [
        ('S', P.license_error_alert(P.STATUS_VALID_CLIENT, P.ST_NO_TRANSITION)),
        ('S', P.set_error_info_pdu(P.ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES)),
        ('S', P.mcs_disconnect_provider_ultimatum(P.RN_PROVIDER_INITIATED))]


def script_no_license_server(spec):
    """... licensing Error Alert ERR_NO_LICENSE_SERVER / ST_TOTAL_ABORT, Set Error Info 0x101, DPU."""
    return _to_licensing(spec) + [
        ('S', P.license_error_alert(P.ERR_NO_LICENSE_SERVER, P.ST_TOTAL_ABORT)),
        ('S', P.set_error_info_pdu(P.ERRINFO_LICENSE_NO_LICENSE_SERVER)),
        ('S', P.mcs_disconnect_provider_ultimatum(P.RN_PROVIDER_INITIATED))]


def script_credssp_v4_v6(spec):
    """A version 4 client (before the CVE-2018-0886 update: no clientNonce, MS-CSSP 3.1.5.1.1)
    against a version 6 server; the server ends the connection after the AUTHENTICATE."""
    return [('C', P.ts_request(version=4, nego_token=P.ntlm_negotiate())),
            ('S', P.ts_request(version=6, nego_token=P.ntlm_challenge())),
            ('C', P.ts_request(version=4, nego_token=P.ntlm_authenticate(),
                               pub_key_auth=P.filler('pka-c-v4', 16 + 270)))]


def script_kerberos_then_ntlm(spec):
    """The client's Kerberos attempt with the DC (cleartext, port 88) fails with
    KDC_ERR_PREAUTH_FAILED; CredSSP then uses NTLM and the server reports STATUS_LOGON_FAILURE."""
    return [('call', lambda: kdc_client(spec))] + script_errorcode_after_auth(spec)


def script_kerberos_no_spn(spec):
    """TGS-REQ for TERMSRV/rdp01.corp.example, KDC_ERR_S_PRINCIPAL_UNKNOWN; then the healthy
    NTLM dialogue (CredSSP, MCS) as in 01."""
    return [('call', lambda: kdc_client(spec))] + after_tls_script(spec)


def script_kerberos_other_client(spec):
    """Another machine's failed Kerberos logon at the same moment; this RDP client is healthy."""
    return [('call', lambda: kdc_client(spec))] + after_tls_script(spec)


def script_kerberos_revoked(spec):
    """AS exchange ends in KDC_ERR_CLIENT_REVOKED; NTLM then gets STATUS_ACCOUNT_LOCKED_OUT."""
    return ([('call', lambda: kdc_client(spec))] + P.credssp_exchange()[:3]
            + [('S', P.ts_request(error_code=P.STATUS_ACCOUNT_LOCKED_OUT))])


def script_kerberos_wrong_principal(spec):
    """SPNEGO NegTokenInit with a Kerberos AP-REQ for TERMSRV/rdp01.corp.example; the server's
    errorCode SEC_E_WRONG_PRINCIPAL."""
    tok = P.spnego_init_krb5(REALM, 'TERMSRV', 'rdp01.corp.example')
    return [('C', P.ts_request(nego_token=tok)),
            ('S', P.ts_request(error_code=P.SEC_E_WRONG_PRINCIPAL))]


# =============================================================================== main

def record(spec, out_dir, work_dir, raws):
    raw = os.path.join(work_dir, 'raw-%s.pcap' % spec.num)
    out = os.path.join(out_dir, spec.fname)
    opts = rewrite_opts(spec)
    if spec.kind == 'derived':
        raw = raws[spec.source]
        info = 'derived from %s' % spec.source
        if opts.pop('truncate_in_certificate', False):
            opts.update(find_cut_in_certificate(raw))
            info += ' keep=%d cut=%d' % (opts['keep'], opts['cut'])
        opts['role_map'] = {'::1': (V6_CLIENT, V6_SERVER)}
    else:
        for attempt in range(3):
            with Tcpdump(raw) as td:
                if spec.kind == 'rdp':
                    info = run_rdp(spec)
                elif spec.kind == 'mixed':
                    info = run_mixed(spec)
                else:
                    info = run_tcp(spec)
            if td.complete:
                break
            print('  %s: tcpdump lost packets (%s), recording again' % (spec.fname, td.stats))
            time.sleep(1)
        else:
            raise RuntimeError('tcpdump kept dropping packets: %s' % td.stats)
        info += ' [%s]' % td.stats
        raws[spec.num] = raw
    pkts = pcap_rewrite.rewrite(raw, out, **opts)
    size = os.path.getsize(out)
    print('%-45s %3d pkts %6d B  %s' % (spec.fname, len(pkts), size, info), flush=True)
    if size > 100_000:
        raise RuntimeError('%s is over 100 KB' % out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'pcaps'))
    ap.add_argument('--work', default=os.path.join(HERE, '..', 'work'))
    ap.add_argument('--only', help='comma-separated scenario numbers')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--table', action='store_true', help='print the README table')
    a = ap.parse_args()
    global KEYLOG
    os.makedirs(a.work, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    build_pki(a.work)
    specs = catalogue()
    if a.list or a.table:
        for s in specs:
            if a.table:
                print('| %s | `%s` | %s | %s |' % (s.num, s.fname, s.what.replace('|', '\\|'),
                                                 s.verdict.replace('|', '\\|')))
            else:
                print(s.fname)
        return 0
    KEYLOG = os.path.join(a.work, 'tls-keylog.txt')
    if os.path.exists(KEYLOG):
        os.unlink(KEYLOG)
    only = set(a.only.split(',')) if a.only else None
    raws = {}
    failed = []
    for s in specs:
        need = only is None or s.num in only
        if only is not None and not need and any(d.source == s.num and d.num in only for d in specs):
            need = True      # a derived file needs its source recording
        if not need:
            continue
        try:
            record(s, a.out, a.work, raws)
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            failed.append('%s: %s' % (s.fname, e))
    # the TLS secrets of this run (NSS key log format), for Wireshark:
    # tshark -o tls.keylog_file:samples/tls-keylog.txt -r samples/pcaps/01-...
    keep = os.path.join(a.out, '..', 'tls-keylog.txt')
    if os.path.exists(KEYLOG):
        with open(KEYLOG) as f, open(keep, 'a' if only else 'w') as g:
            g.write(f.read())
    if failed:
        print('FAILED:\n  ' + '\n  '.join(failed))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
