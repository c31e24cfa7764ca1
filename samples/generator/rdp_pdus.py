"""Wire PDUs used by the sample scenarios, built byte by byte (MS-RDPBCGR, T.125, T.124,
MS-CSSP, MS-NLMP).  Only what the samples need; bodies that would be encrypted are still
well-formed so a capture decrypted with the keylog (samples/work) reads sensibly.
"""

import hashlib
import struct

# ---------------------------------------------------------------- requestedProtocols
PROTOCOL_RDP = 0x0
PROTOCOL_SSL = 0x1
PROTOCOL_HYBRID = 0x2
PROTOCOL_RDSTLS = 0x4
PROTOCOL_HYBRID_EX = 0x8

# RDP_NEG_FAILURE failureCode (2.2.1.2.2)
SSL_REQUIRED_BY_SERVER = 1
SSL_NOT_ALLOWED_BY_SERVER = 2
SSL_CERT_NOT_ON_SERVER = 3
INCONSISTENT_FLAGS = 4
HYBRID_REQUIRED_BY_SERVER = 5
SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER = 6


def filler(label, n):
    """Deterministic pseudo-random bytes (stand-ins for hashes, keys, MACs)."""
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b'%s/%d' % (label.encode(), i)).digest()
        i += 1
    return out[:n]


# ---------------------------------------------------------------- TPKT / X.224
def tpkt(payload):
    """TPKT header (RFC 1006 / T.123): version 3, reserved 0, length incl. header."""
    return struct.pack('!BBH', 3, 0, len(payload) + 4) + payload


def x224_connection_request(cookie=None, requested=None, flags=0):
    """X.224 Connection Request PDU (MS-RDPBCGR 2.2.1.1): LI E0 DST-REF SRC-REF class 0,
    routingToken/cookie 'Cookie: mstshash=IDENTIFIER\\r\\n', optional RDP_NEG_REQ."""
    var = b''
    if cookie is not None:
        var += b'Cookie: mstshash=' + cookie.encode('latin-1') + b'\r\n'
    if requested is not None:
        # RDP_NEG_REQ (2.2.1.1.1): type 0x01, flags, length 8, requestedProtocols LE32
        var += struct.pack('<BBHI', 0x01, flags, 8, requested)
    return tpkt(bytes([6 + len(var), 0xE0, 0, 0, 0, 0, 0]) + var)


def x224_connection_confirm(selected=None, flags=0, failure=None):
    """X.224 Connection Confirm PDU (2.2.1.2): LI D0 DST-REF 0 SRC-REF 0x1234 class 0,
    then RDP_NEG_RSP (type 2), RDP_NEG_FAILURE (type 3) or nothing (legacy server)."""
    if failure is not None:
        var = struct.pack('<BBHI', 0x03, 0, 8, failure)
    elif selected is not None:
        var = struct.pack('<BBHI', 0x02, flags, 8, selected)
    else:
        var = b''
    return tpkt(bytes([6 + len(var), 0xD0, 0, 0, 0x12, 0x34, 0]) + var)


def x224_data(payload):
    """X.224 Data TPDU (LI 02, F0, EOT 0x80) in TPKT."""
    return tpkt(b'\x02\xf0\x80' + payload)


MCS_DPUM = x224_data(b'\x21\x80')   # Disconnect Provider Ultimatum, reason rn-user-requested


# ---------------------------------------------------------------- BER / PER helpers
def ber_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xFF])


def ber(tag, content):
    tag = tag if isinstance(tag, bytes) else bytes([tag])
    return tag + ber_len(len(content)) + content


def ber_uint(v):
    """INTEGER as Microsoft's MCS encodes it: minimal unsigned bytes (0xffff -> 02 02 ff ff)."""
    b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), 'big')
    return ber(0x02, b)


def per_len(n):
    return bytes([n]) if n < 0x80 else struct.pack('!H', 0x8000 | n)


def domain_params(vals):
    return ber(0x30, b''.join(ber_uint(v) for v in vals))


# ---------------------------------------------------------------- GCC user data blocks
def _utf16_fixed(s, n):
    b = s.encode('utf-16-le')[:n - 2]
    return b + b'\0' * (n - len(b))


def cs_core(selected, client_name='WS-ALICE', width=1920, height=1080):
    """TS_UD_CS_CORE (2.2.1.3.2), 216 bytes with serverSelectedProtocol."""
    body = struct.pack('<IHHHHII', 0x00080004, width, height, 0xCA01, 0xAA03, 0x0409, 19041)
    body += _utf16_fixed(client_name, 32)
    body += struct.pack('<III', 4, 0, 12) + b'\0' * 64
    body += struct.pack('<HHIHHH', 0xCA01, 1, 0, 24, 0x000F, 0x0001)
    body += b'\0' * 64 + struct.pack('<BBI', 0, 0, selected)
    return struct.pack('<HH', 0xC001, len(body) + 4) + body


def cs_security(methods=0x1B):
    """TS_UD_CS_SEC (2.2.1.3.3): encryptionMethods 40|56|128|FIPS."""
    return struct.pack('<HHII', 0xC002, 12, methods, 0)


CHANNELS = [(b'rdpdr', 0x80800000), (b'rdpsnd', 0xC0000000), (b'cliprdr', 0xC0A00000),
            (b'drdynvc', 0xC0800000)]


def cs_net():
    """TS_UD_CS_NET (2.2.1.3.4)."""
    body = struct.pack('<I', len(CHANNELS))
    for name, opts in CHANNELS:
        body += name.ljust(8, b'\0') + struct.pack('<I', opts)
    return struct.pack('<HH', 0xC003, len(body) + 4) + body


def cs_cluster():
    """TS_UD_CS_CLUSTER (2.2.1.3.5)."""
    return struct.pack('<HHII', 0xC004, 12, 0x0000000D, 0)


def mcs_connect_initial(selected, client_name='WS-ALICE'):
    """MCS Connect Initial PDU with GCC Conference Create Request (2.2.1.3)."""
    user = cs_core(selected, client_name) + cs_cluster() + cs_security() + cs_net()
    ccr = b'\x00\x08\x00\x10\x00\x01\xc0\x00Duca' + per_len(len(user)) + user
    gcc = b'\x00\x05\x00\x14\x7c\x00\x01' + per_len(len(ccr)) + ccr
    body = (ber(0x04, b'\x01') + ber(0x04, b'\x01') + ber(0x01, b'\xff')
            + domain_params([34, 2, 0, 1, 0, 1, 65535, 2])
            + domain_params([1, 1, 1, 1, 0, 1, 1056, 2])
            + domain_params([65535, 64535, 65535, 1, 0, 1, 65535, 2])
            + ber(0x04, gcc))
    return x224_data(ber(b'\x7f\x65', body))


def proprietary_server_cert():
    """Server Proprietary Certificate (2.2.1.4.3.1.1) with a 512-bit RSA1 public key blob."""
    modulus = filler('legacy-modulus', 64)
    modulus = modulus[:-1] + bytes([modulus[-1] | 0x80])   # top bit set (little endian)
    pub = struct.pack('<IIIII', 0x31415352, 72, 512, 63, 65537) + modulus + b'\0' * 8
    sig = filler('legacy-signature', 64) + b'\0' * 8
    return (struct.pack('<IIIHH', 1, 1, 1, 0x0006, len(pub)) + pub
            + struct.pack('<HH', 0x0008, len(sig)) + sig)


def mcs_connect_response(requested, legacy=False):
    """MCS Connect Response PDU with GCC Conference Create Response (2.2.1.4)."""
    sc_core = struct.pack('<HHIII', 0x0C01, 16, 0x00080004, requested, 0)
    if legacy:
        cert = proprietary_server_cert()
        sc_sec = (struct.pack('<HHIIII', 0x0C02, 24 + 32 + len(cert), 0x00000002, 2, 32, len(cert))
                  + filler('legacy-server-random', 32) + cert)
    else:
        sc_sec = struct.pack('<HHII', 0x0C02, 12, 0, 0)
    ids = [1004 + i for i in range(len(CHANNELS))]
    net = struct.pack('<HH', 1003, len(ids)) + b''.join(struct.pack('<H', i) for i in ids)
    if len(ids) % 2:
        net += b'\0\0'
    sc_net = struct.pack('<HH', 0x0C03, len(net) + 4) + net
    user = sc_core + sc_sec + sc_net
    gcc = (b'\x00\x05\x00\x14\x7c\x00\x01\x2a\x14\x76\x0a\x01\x01\x00\x01\xc0\x00McDn'
           + per_len(len(user)) + user)
    body = (ber(0x0A, b'\x00') + ber_uint(0)
            + domain_params([34, 3, 0, 1, 0, 1, 65528, 2]) + ber(0x04, gcc))
    return x224_data(ber(b'\x7f\x66', body))


MCS_ERECT_DOMAIN = x224_data(b'\x04\x01\x00\x01\x00')
MCS_ATTACH_USER_REQUEST = x224_data(b'\x28')
MCS_ATTACH_USER_CONFIRM = x224_data(b'\x2e\x00\x00\x06')       # result ok, user 1007


def mcs_channel_join_request(channel, user=1007):
    return x224_data(b'\x38' + struct.pack('!HH', user - 1001, channel))


def mcs_channel_join_confirm(channel, user=1007):
    return x224_data(b'\x3e\x00' + struct.pack('!HHH', user - 1001, channel, channel))


def mcs_send_data_request(data, channel=1003, user=1007):
    return x224_data(b'\x64' + struct.pack('!HH', user - 1001, channel) + b'\x70'
                     + per_len(len(data)) + data)


def security_exchange():
    """Security Exchange PDU (2.2.1.10): SEC_EXCHANGE_PKT + encrypted client random."""
    rnd = filler('legacy-client-random', 64) + b'\0' * 8
    return mcs_send_data_request(struct.pack('<HHI', 0x0001, 0, len(rnd)) + rnd)


def fastpath_mouse_move(x, y):
    """TS_FP_INPUT_PDU (2.2.8.1.2) with one mouse event (PTRFLAGS_MOVE)."""
    ev = bytes([0x01 << 5]) + struct.pack('<HHH', 0x0800, x, y)
    return bytes([0x04, 2 + len(ev)]) + ev


def fastpath_bitmap_update(i, size=600):
    """TS_FP_UPDATE_PDU (2.2.9.1.2) carrying one bitmap update (contents: filler)."""
    upd = filler('bitmap-%d' % i, size)
    body = bytes([0x01]) + struct.pack('<H', len(upd)) + upd   # updateCode 1 = bitmap
    total = 3 + len(body)
    return bytes([0x00]) + struct.pack('!H', 0x8000 | total) + body


# ---------------------------------------------------------------- NTLM (MS-NLMP) + TSRequest (MS-CSSP)
NTLM_VERSION = struct.pack('<BBHBBBB', 10, 0, 19041, 0, 0, 0, 0x0F)


def _av(aid, val):
    return struct.pack('<HH', aid, len(val)) + val


def _u16(s):
    return s.encode('utf-16-le')


def _target_info():
    return (_av(2, _u16('CORP')) + _av(1, _u16('RDP01')) + _av(4, _u16('corp.example'))
            + _av(3, _u16('rdp01.corp.example')) + _av(5, _u16('corp.example'))
            + _av(7, struct.pack('<Q', 133860996000000000)) + _av(0, b''))


def ntlm_negotiate():
    return (b'NTLMSSP\0' + struct.pack('<II', 1, 0xE2088297)
            + struct.pack('<HHIHHI', 0, 0, 0, 0, 0, 0) + NTLM_VERSION)


def ntlm_challenge():
    tname = _u16('CORP')
    tinfo = _target_info()
    off = 56
    return (b'NTLMSSP\0' + struct.pack('<I', 2) + struct.pack('<HHI', len(tname), len(tname), off)
            + struct.pack('<I', 0xE28A8215) + filler('server-challenge', 8) + b'\0' * 8
            + struct.pack('<HHI', len(tinfo), len(tinfo), off + len(tname)) + NTLM_VERSION
            + tname + tinfo)


def ntlm_authenticate(user='alice', domain='CORP', workstation='WS-ALICE'):
    blob = (b'\x01\x01\0\0\0\0\0\0' + struct.pack('<Q', 133860996000000000)
            + filler('client-challenge', 8) + b'\0' * 4 + _target_info()[:-4]
            + _av(6, struct.pack('<I', 2)) + _av(10, filler('channel-bindings', 16))
            + _av(9, _u16('TERMSRV/rdp01.corp.example')) + _av(0, b'') + b'\0' * 4)
    nt = filler('ntproofstr', 16) + blob
    lm = b'\0' * 24
    fields = [lm, nt, _u16(domain), _u16(user), _u16(workstation), filler('session-key', 16)]
    off = 88
    hdr = b'NTLMSSP\0' + struct.pack('<I', 3)
    payload = b''
    for f in fields:
        hdr += struct.pack('<HHI', len(f), len(f), off + len(payload))
        payload += f
    hdr += struct.pack('<I', 0xE2888215) + NTLM_VERSION + filler('mic', 16)
    return hdr + payload


def ts_request(version=6, nego_token=None, auth_info=None, pub_key_auth=None,
               error_code=None, client_nonce=None):
    body = ber(0xA0, ber_uint(version))
    if nego_token is not None:
        body += ber(0xA1, ber(0x30, ber(0x30, ber(0xA0, ber(0x04, nego_token)))))
    if auth_info is not None:
        body += ber(0xA2, ber(0x04, auth_info))
    if pub_key_auth is not None:
        body += ber(0xA3, ber(0x04, pub_key_auth))
    if error_code is not None:
        body += ber(0xA4, ber(0x02, struct.pack('!I', error_code)))
    if client_nonce is not None:
        body += ber(0xA5, ber(0x04, client_nonce))
    return ber(0x30, body)


def credssp_exchange(user='alice'):
    """The CredSSP (NLA) messages of a successful logon: list of (direction, bytes)."""
    return [
        ('C', ts_request(nego_token=ntlm_negotiate())),
        ('S', ts_request(nego_token=ntlm_challenge())),
        ('C', ts_request(nego_token=ntlm_authenticate(user), pub_key_auth=filler('pka-c', 16 + 32),
                         client_nonce=filler('nonce', 32))),
        ('S', ts_request(pub_key_auth=filler('pka-s', 16 + 32))),
        ('C', ts_request(auth_info=filler('ts-credentials', 16 + 92))),
    ]


EARLY_USER_AUTH_RESULT_OK = struct.pack('<I', 0)   # 2.2.10.2, HYBRID_EX only


# ---------------------------------------------------------------- DNS (RFC 1035)
def _qname(name):
    return b''.join(bytes([len(p)]) + p.encode() for p in name.split('.')) + b'\0'


def dns_query(qid, name):
    return struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + _qname(name) + struct.pack('!HH', 1, 1)


def dns_response(qid, name, addr):
    a = bytes(int(x) for x in addr.split('.'))
    return (struct.pack('!HHHHHH', qid, 0x8580, 1, 1, 0, 0) + _qname(name) + struct.pack('!HH', 1, 1)
            + struct.pack('!HHHIH', 0xC00C, 1, 1, 1200, 4) + a)
