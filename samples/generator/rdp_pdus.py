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


# ================================================================ answers real stacks never send
# (issue #11: what decryption reveals).  Every structure below cites its spec section.

# ---------------------------------------------------------------- CredSSP errorCode (MS-CSSP 2.2.1)
# TSRequest.errorCode [4] INTEGER (version 3+): an NTSTATUS or an SSPI SECURITY_STATUS, sent by
# the side that refused.  Both are 32-bit values with the top bit set, so the DER INTEGER is
# negative (Windows encodes the signed 32-bit value: 0xC000006D -> 02 04 c0 00 00 6d).
STATUS_LOGON_FAILURE = 0xC000006D           # MS-ERREF 2.3.1
SEC_E_UNSUPPORTED_FUNCTION = 0x80090302     # MS-ERREF 2.1 (winerror.h): NTLM refused by policy
SEC_E_WRONG_PRINCIPAL = 0x80090322          # MS-ERREF 2.1: "The target principal name is incorrect"
STATUS_ACCOUNT_LOCKED_OUT = 0xC0000234      # MS-ERREF 2.3.1

# ---------------------------------------------------------------- Early User Authorization Result
# MS-RDPBCGR 2.2.10.2: authorizationResult (4 bytes, little-endian), sent by the server right
# after CredSSP when PROTOCOL_HYBRID_EX was selected
AUTHZ_SUCCESS = 0x00000000
AUTHZ_ACCESS_DENIED = 0x00000005


def early_user_authorization_result(result):
    return struct.pack('<I', result)


# ---------------------------------------------------------------- Client Info (MS-RDPBCGR 2.2.1.11)
SEC_INFO_PKT = 0x0040          # TS_SECURITY_HEADER flags (2.2.8.1.1.2.1)
SEC_LICENSE_PKT = 0x0080


def _z16(s):
    """UTF-16LE string with its null terminator (the cb* fields exclude it)."""
    return s.encode('utf-16-le') + b'\0\0'


def client_info_pdu(user='alice', domain='CORP', client_addr='192.0.2.10', user_id=1007):
    """Client Info PDU (2.2.1.11.1): MCS Send Data Request on the I/O channel (1003) with a
    TS_SECURITY_HEADER (SEC_INFO_PKT; with Enhanced RDP Security it is sent unencrypted inside
    TLS) and TS_INFO_PACKET (2.2.1.11.1.1) + TS_EXTENDED_INFO_PACKET (2.2.1.11.1.1.1).
    No password (NLA already delivered the credentials: INFO_AUTOLOGON not set)."""
    # INFO_MOUSE | INFO_DISABLECTRLALTDEL | INFO_UNICODE | INFO_MAXIMIZESHELL |
    # INFO_ENABLEWINDOWSKEY | INFO_MOUSE_HAS_WHEEL | INFO_LOGONNOTIFY
    flags = 0x00000001 | 0x00000002 | 0x00000010 | 0x00000020 | 0x00000100 | 0x00020000 | 0x00000040
    dom, usr = domain.encode('utf-16-le'), user.encode('utf-16-le')
    info = struct.pack('<IIHHHHH', 0, flags, len(dom), len(usr), 0, 0, 0)
    info += _z16(domain) + _z16(user) + b'\0\0' + b'\0\0' + b'\0\0'
    addr = _z16(client_addr)
    cdir = _z16('C:\\Windows\\System32\\mstscax.dll')
    # TS_TIME_ZONE_INFORMATION (2.2.1.11.1.1.1.1): Bias, StandardName[64], StandardDate[16],
    # StandardBias, DaylightName[64], DaylightDate[16], DaylightBias -- UTC here
    tz = (struct.pack('<i', 0) + _utf16_fixed('Coordinated Universal Time', 64) + b'\0' * 16
          + struct.pack('<i', 0) + _utf16_fixed('Coordinated Universal Time', 64) + b'\0' * 16
          + struct.pack('<i', 0))
    ext = (struct.pack('<HH', 0x0002, len(addr)) + addr + struct.pack('<H', len(cdir)) + cdir
           + tz + struct.pack('<II', 0, 0x00000080))   # clientSessionId, performanceFlags
    body = struct.pack('<HH', SEC_INFO_PKT, 0) + info + ext
    return mcs_send_data_request(body, channel=1003, user=user_id)


def mcs_send_data_indication(data, channel=1003, initiator=1002):
    """MCS Send Data Indication (T.125 SendDataIndication, PER; MS-RDPBCGR 2.2.1.12 etc.):
    server to client, initiator = the server's MCS channel id (1002), channel, priority/segmentation
    0x70 (high priority, begin|end), length, user data."""
    return x224_data(b'\x68' + struct.pack('!HH', initiator - 1001, channel) + b'\x70'
                     + per_len(len(data)) + data)


# ---------------------------------------------------------------- licensing (MS-RDPBCGR 2.2.1.12)
# LICENSE_ERROR_MESSAGE dwErrorCode / dwStateTransition (MS-RDPBCGR 2.2.1.12.1.3)
ERR_NO_LICENSE_SERVER = 0x00000006
STATUS_VALID_CLIENT = 0x00000007
ST_TOTAL_ABORT = 0x00000001
ST_NO_TRANSITION = 0x00000002


def license_error_alert(error_code, state_transition):
    """Server License Error PDU (2.2.1.12): Send Data Indication on the I/O channel with
    TS_SECURITY_HEADER flags SEC_LICENSE_PKT, LICENSE_PREAMBLE (2.2.1.12.1.1: bMsgType
    ERROR_ALERT 0xFF, flags PREAMBLE_VERSION_3_0 (0x03), wMsgSize) and LICENSE_ERROR_MESSAGE
    (2.2.1.12.1.3: dwErrorCode, dwStateTransition, bbErrorInfo = empty BB_ERROR_BLOB (0x0004))."""
    msg = struct.pack('<IIHH', error_code, state_transition, 0x0004, 0)
    preamble = struct.pack('<BBH', 0xFF, 0x03, 4 + len(msg))
    return mcs_send_data_indication(struct.pack('<HH', SEC_LICENSE_PKT, 0) + preamble + msg)


# ---------------------------------------------------------------- Set Error Info (2.2.5.1.1)
ERRINFO_SERVER_DENIED_CONNECTION = 0x00000007
ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES = 0x00000009
ERRINFO_LICENSE_NO_LICENSE_SERVER = 0x00000101
PDUTYPE2_SET_ERROR_INFO_PDU = 0x2F
SHARE_ID = 0x000103EA


def share_data_pdu(pdu_type2, payload, source=1002):
    """TS_SHAREDATAHEADER (2.2.8.1.1.1.2) after TS_SHARECONTROLHEADER (2.2.8.1.1.1.1):
    totalLength, pduType = PDUTYPE_DATAPDU (0x7) | TS_PROTOCOL_VERSION (0x10), pduSource,
    shareId, pad1, streamId STREAM_LOW (1), uncompressedLength, pduType2, compression 0, 0."""
    total = 18 + len(payload)
    return (struct.pack('<HHHIBBHBBH', total, 0x0017, source, SHARE_ID, 0, 1, len(payload) + 4,
                        pdu_type2, 0, 0) + payload)


def set_error_info_pdu(error_info):
    """Set Error Info PDU (2.2.5.1.1): TS_SET_ERROR_INFO_PDU errorInfo (4 bytes LE) in a Share
    Data PDU on the I/O channel (no security header: Enhanced RDP Security, TLS)."""
    return mcs_send_data_indication(share_data_pdu(PDUTYPE2_SET_ERROR_INFO_PDU,
                                                   struct.pack('<I', error_info)))


def mcs_disconnect_provider_ultimatum(reason):
    """MCS Disconnect Provider Ultimatum (T.125 DisconnectProviderUltimatum, PER aligned;
    MS-RDPBCGR 2.2.2.3 / 1.3.1.4.1): CHOICE index 8 in the top 6 bits of the first byte, then
    the 3-bit Reason enumeration (rn-domain-disconnected 0, rn-provider-initiated 1,
    rn-token-purged 2, rn-user-requested 3, rn-channel-purged 4) across the byte boundary."""
    return x224_data(bytes([(8 << 2) | (reason >> 1), (reason & 1) << 7]))


RN_PROVIDER_INITIATED = 1


# ---------------------------------------------------------------- DER (X.690) for Kerberos / SPNEGO
def der_int(v):
    """INTEGER, DER: minimal two's complement (signed)."""
    n = 1
    while not -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
        n += 1
    return ber(0x02, v.to_bytes(n, 'big', signed=True))


def ctx(n, content):
    """[n] EXPLICIT, constructed context tag."""
    return ber(0xA0 | n, content)


def app(n, content):
    """[APPLICATION n], constructed."""
    return ber(0x60 | n, content) if n < 31 else ber(bytes([0x7F, n]), content)


def seq(*items):
    return ber(0x30, b''.join(items))


def der_oid(dotted):
    parts = [int(x) for x in dotted.split('.')]
    out = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.insert(0, 0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(enc)
    return ber(0x06, out)


def krb_string(s):
    """KerberosString / Realm: GeneralString (tag 27), IA5 characters (RFC 4120 5.2.1)."""
    return ber(0x1B, s.encode('ascii'))


def krb_time(s):
    """KerberosTime: GeneralizedTime 'YYYYMMDDHHMMSSZ' (RFC 4120 5.2.3)."""
    return ber(0x18, s.encode('ascii'))


def principal_name(name_type, *names):
    """PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF
    KerberosString } (RFC 4120 5.2.2)."""
    return seq(ctx(0, der_int(name_type)), ctx(1, seq(*[krb_string(n) for n in names])))


def encrypted_data(etype, cipher, kvno=None):
    """EncryptedData ::= SEQUENCE { etype [0], kvno [1] OPTIONAL, cipher [2] OCTET STRING }
    (RFC 4120 5.2.9).  The cipher text is opaque filler."""
    body = ctx(0, der_int(etype))
    if kvno is not None:
        body += ctx(1, der_int(kvno))
    return seq(body + ctx(2, ber(0x04, cipher)))


def pa_data(pa_type, value):
    """PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING }
    (RFC 4120 5.2.7)."""
    return seq(ctx(1, der_int(pa_type)), ctx(2, ber(0x04, value)))


NT_PRINCIPAL, NT_SRV_INST = 1, 2                      # RFC 4120 6.2
ETYPE_AES256, ETYPE_AES128, ETYPE_RC4 = 18, 17, 23    # RFC 3962, RFC 4757
PA_TGS_REQ, PA_ENC_TIMESTAMP, PA_ETYPE_INFO2, PA_PK_AS_REQ, PA_PAC_REQUEST = 1, 2, 19, 16, 128
KDC_ERR_S_PRINCIPAL_UNKNOWN = 7                        # RFC 4120 7.5.9
KDC_ERR_CLIENT_REVOKED = 18
KDC_ERR_PREAUTH_FAILED = 24
KDC_ERR_PREAUTH_REQUIRED = 25


def krb_as_req(user, realm, nonce, preauth=False):
    """KRB_AS_REQ (RFC 4120 5.4.1): [APPLICATION 10] KDC-REQ { pvno [1] 5, msg-type [2] 10,
    padata [3] (PA-ENC-TIMESTAMP with opaque cipher when preauth, and PA-PAC-REQUEST
    (MS-KILE 2.2.3)), req-body [4] KDC-REQ-BODY { kdc-options [0] forwardable|renewable|
    canonicalize|renewable-ok, cname [1], realm [2], sname [3] krbtgt/REALM, till [5],
    rtime [6], nonce [7], etype [8] } }."""
    pas = []
    if preauth:
        pas.append(pa_data(PA_ENC_TIMESTAMP, encrypted_data(ETYPE_AES256, filler('pa-enc-ts', 56))))
    pas.append(pa_data(PA_PAC_REQUEST, seq(ctx(0, ber(0x01, b'\xff')))))
    body = seq(ctx(0, ber(0x03, b'\x00\x40\x81\x00\x10')),      # BIT STRING: 0x40810010
               ctx(1, principal_name(NT_PRINCIPAL, user)),
               ctx(2, krb_string(realm)),
               ctx(3, principal_name(NT_SRV_INST, 'krbtgt', realm)),
               ctx(5, krb_time('20370913024805Z')),
               ctx(6, krb_time('20370913024805Z')),
               ctx(7, der_int(nonce)),
               ctx(8, seq(der_int(ETYPE_AES256), der_int(ETYPE_AES128), der_int(ETYPE_RC4))))
    req = seq(ctx(1, der_int(5)), ctx(2, der_int(10)), ctx(3, seq(*pas)), ctx(4, body))
    return app(10, req)


def krb_tgs_req(realm, service, host, nonce):
    """KRB_TGS_REQ (RFC 4120 5.4.1): [APPLICATION 12] KDC-REQ { pvno [1] 5, msg-type [2] 12,
    padata [3] { PA-TGS-REQ (1) = AP-REQ with the TGT (krbtgt/REALM; opaque) }, req-body [4]
    { kdc-options [0] forwardable|renewable|canonicalize, realm [2], sname [3] service/host
    (NT-SRV-INST), till [5], nonce [7], etype [8] } }."""
    body = seq(ctx(0, ber(0x03, b'\x00\x40\x81\x00\x00')),
               ctx(2, krb_string(realm)),
               ctx(3, principal_name(NT_SRV_INST, service, host)),
               ctx(5, krb_time('20370913024805Z')),
               ctx(7, der_int(nonce)),
               ctx(8, seq(der_int(ETYPE_AES256), der_int(ETYPE_AES128), der_int(ETYPE_RC4))))
    padata = seq(pa_data(PA_TGS_REQ, krb_ap_req(realm, 'krbtgt', realm)))
    return app(12, seq(ctx(1, der_int(5)), ctx(2, der_int(12)), ctx(3, padata), ctx(4, body)))


def krb_error(error_code, realm, sname, stime, cname=None, e_data=None, e_text=None):
    """KRB-ERROR (RFC 4120 5.9.1): [APPLICATION 30] SEQUENCE { pvno [0] 5, msg-type [1] 30,
    stime [4], susec [5], error-code [6], crealm [7] OPT, cname [8] OPT, realm [9], sname [10],
    e-text [11] OPT, e-data [12] OPT }.  sname = (name_type, name...)."""
    body = (ctx(0, der_int(5)) + ctx(1, der_int(30)) + ctx(4, krb_time(stime)) + ctx(5, der_int(113072))
            + ctx(6, der_int(error_code)))
    if cname is not None:
        body += ctx(7, krb_string(realm)) + ctx(8, principal_name(NT_PRINCIPAL, cname))
    body += ctx(9, krb_string(realm)) + ctx(10, principal_name(*sname))
    if e_text is not None:
        body += ctx(11, krb_string(e_text))
    if e_data is not None:
        body += ctx(12, ber(0x04, e_data))
    return app(30, seq(body))


def etype_info2_method_data(realm, user):
    """e-data of KDC_ERR_PREAUTH_REQUIRED: METHOD-DATA (RFC 4120 5.9.1, 7.5.2) with
    PA-ETYPE-INFO2 (5.2.7.5: etype aes256 + salt REALMuser), PA-ENC-TIMESTAMP, PA-PK-AS-REQ."""
    info2 = seq(seq(ctx(0, der_int(ETYPE_AES256)), ctx(1, krb_string(realm + user))),
                seq(ctx(0, der_int(ETYPE_RC4))))
    return seq(pa_data(PA_ETYPE_INFO2, info2), pa_data(PA_ENC_TIMESTAMP, b''), pa_data(PA_PK_AS_REQ, b''))


def krb_tcp(msg):
    """Kerberos over TCP (RFC 4120 7.2.2): 4-byte big-endian length, then the message."""
    return struct.pack('!I', len(msg)) + msg


# ---------------------------------------------------------------- SPNEGO + Kerberos AP-REQ
OID_SPNEGO = '1.3.6.1.5.5.2'
OID_MS_KRB5 = '1.2.840.48018.1.2.2'
OID_KRB5 = '1.2.840.113554.1.2.2'
OID_NTLM = '1.3.6.1.4.1.311.2.2.10'


def krb_ap_req(realm, service, host):
    """KRB_AP_REQ (RFC 4120 5.5.1): [APPLICATION 14] { pvno [0] 5, msg-type [1] 14,
    ap-options [2] mutual-required, ticket [3] Ticket, authenticator [4] EncryptedData };
    Ticket (5.3) ::= [APPLICATION 1] { tkt-vno [0] 5, realm [1], sname [2] service/host
    (NT-SRV-INST), enc-part [3] EncryptedData (opaque) }."""
    ticket = app(1, seq(ctx(0, der_int(5)), ctx(1, krb_string(realm)),
                        ctx(2, principal_name(NT_SRV_INST, service, host)),
                        ctx(3, encrypted_data(ETYPE_AES256, filler('ticket-enc-part', 1024), kvno=3))))
    return app(14, seq(ctx(0, der_int(5)), ctx(1, der_int(14)),
                       ctx(2, ber(0x03, b'\x00\x20\x00\x00\x00')),        # mutual-required
                       ctx(3, ticket),
                       ctx(4, encrypted_data(ETYPE_AES256, filler('authenticator', 180)))))


def spnego_init_krb5(realm, service, host):
    """SPNEGO NegTokenInit (RFC 4178 4.2.1) in a GSS-API InitialContextToken (RFC 2743 3.1):
    [APPLICATION 0] { OID spnego, negTokenInit [0] { mechTypes [0] (MS KRB5, KRB5, NTLM),
    mechToken [2] = krb5 InitialContextToken (RFC 4121 4.1: OID krb5, TOK_ID 01 00, AP-REQ) } }."""
    krb_token = app(0, der_oid(OID_KRB5) + b'\x01\x00' + krb_ap_req(realm, service, host))
    init = seq(ctx(0, seq(der_oid(OID_MS_KRB5), der_oid(OID_KRB5), der_oid(OID_NTLM))),
               ctx(2, ber(0x04, krb_token)))
    return app(0, der_oid(OID_SPNEGO) + ctx(0, init))
