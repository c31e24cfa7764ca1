#!/usr/bin/python3
"""Sample 24-hostile-certificate-names: one real X.224 + TLS 1.2 connection (Python's
ssl = OpenSSL 3 on both sides, the scenario client/server of scenarios.py) whose
server certificate and cookie carry markup and control characters, to prove that
every report renders capture strings as inert text:

  - certificate CN  <script>document.title='pwned'</script>
  - certificate O   **x** | [a](b) `code` # heading, OU with ESC[31m (ANSI) and BEL/CR
  - SAN dNSNames    <img src=x onerror=alert(1)>, **x**|[a](b), ESC]0;title BEL, and
                    hostile.corp.example
  - cookie          <b>bob</b>|**x**[a](javascript:alert(3))
  - SNI             rdp24.corp.example, in no name of the certificate: the client
                    (verifying, like scenario 13) rejects it with a fatal alert, so
                    the connection fails and every report details it, ladder included

The certificate is signed by the samples' test CA (certs.py) with the committed
rdp01 key, with fixed dates and serial, so it is byte-identical on every run.
Runs inside record-all's network namespace (needs root, tcpdump):

    ip netns exec rdpcap_gen /usr/bin/python3 hostile_names.py --out ../pcaps --work ../work
"""

import argparse
import os
import ssl
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import scenarios as S  # noqa: E402  (its client, server, recorder and rewrite options)
from certs import VALID, Pki, load_key  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402

NUM, NAME = '24', 'hostile-certificate-names'
CN = "<script>document.title='pwned'</script>"
ORG = '**x** | [a](b) `code` # heading'
OU = 'ops \x1b[31mRED\x1b[0m \x07bell\rcr'
SAN = ['<img src=x onerror=alert(1)>', '**x**|[a](b)', '\x1b]0;owned\x07', 'hostile.corp.example']
COOKIE = '<b>bob</b>|**x**[a](javascript:alert(3))'
SNI = 'rdp24.corp.example'


def hostile_certificate(work):
    """CA-signed leaf with the hostile names; returns ((certfile, keyfile), CA file)."""
    pki = Pki(os.path.join(work, 'certs'))
    key = load_key('rdp01')
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
                         x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, OU),
                         x509.NameAttribute(NameOID.COMMON_NAME, CN)])
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(pki.ca_name)
            .public_key(key.public_key()).serial_number(0x5A24)
            .not_valid_before(VALID[0]).not_valid_after(VALID[1])
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in SAN]), critical=False)
            .sign(pki.ca_key, hashes.SHA256()))
    path = os.path.join(work, 'certs', 'hostile.pem')
    with open(path, 'wb') as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
        f.write(pki.ca_cert.public_bytes(serialization.Encoding.PEM))
    kpath = os.path.join(work, 'certs', 'hostile.key')
    with open(kpath, 'wb') as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))
    return (path, kpath), pki.ca_path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'pcaps'))
    ap.add_argument('--work', default=os.path.join(HERE, '..', 'work'))
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    cert, ca = hostile_certificate(a.work)
    spec = S.Spec(NUM, NAME, 'hostile certificate and cookie names',
                  'client rejects the certificate (name mismatch); names rendered inert',
                  cookie=COOKIE, sni=SNI, client_port=S.cport(NUM),
                  server_tls=S.server_ctx(cert),
                  client_tls=S.client_ctx(maxv=ssl.TLSVersion.TLSv1_2, verify_ca=ca),
                  expect_tls_error='certificate verify failed')
    S.record(spec, a.out, a.work, {})
    return 0


if __name__ == '__main__':
    sys.exit(main())
