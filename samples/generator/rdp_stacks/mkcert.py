#!/usr/bin/python3
"""Certificates with fixed validity dates for the real-stack RDP samples.

  mkcert.py ca     OUT CN NOT_BEFORE NOT_AFTER                 -> OUT.pem, OUT.key (self-signed CA)
  mkcert.py leaf   OUT CN NOT_BEFORE NOT_AFTER CA_PREFIX       -> leaf signed by CA_PREFIX.{pem,key}
  mkcert.py self   OUT CN NOT_BEFORE NOT_AFTER                 -> self-signed server certificate

Dates are YYYY-MM-DD (00:00:00 UTC).  Keys are fresh RSA-2048 keys on every run (the
samples are not byte-reproducible anyway: TLS randoms and ephemeral keys differ).
Keys are written as PKCS#8 PEM (xrdp and freerdp-shadow-cli both accept it).
Uses Debian's python3-cryptography (38.x) only.
"""
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def day(s):
    return datetime.datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)


def load(prefix):
    with open(prefix + ".pem", "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(prefix + ".key", "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    return cert, key


def main(argv):
    kind, out, cn, nb, na = argv[1:6]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Test"),
                         x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    if kind == "leaf":
        ca_cert, ca_key = load(argv[6])
        issuer, sign_key = ca_cert.subject, ca_key
    elif kind in ("ca", "self"):
        issuer, sign_key = subject, key
    else:
        raise SystemExit("unknown kind " + kind)
    # fixed serials: only the keys change between runs
    serial = {"ca": 0x1001, "leaf": 0x2002, "self": 0x3003}[kind]
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(key.public_key()).serial_number(serial)
         .not_valid_before(day(nb)).not_valid_after(day(na)))
    if kind == "ca":
        b = (b.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
             .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                          key_encipherment=False, data_encipherment=False,
                                          key_agreement=False, key_cert_sign=True, crl_sign=True,
                                          encipher_only=False, decipher_only=False), critical=True))
    else:
        b = (b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    cert = b.sign(sign_key, hashes.SHA256())
    with open(out + ".key", "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(out + ".pem", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


if __name__ == "__main__":
    main(sys.argv)
