"""Test PKI for the samples: a private CA and leaf certificates with FIXED dates.

Keys live in samples/generator/keys/ (committed test keys, never use them for
anything else); a missing key is generated once.  With fixed keys, serials, dates
and RSA PKCS#1 v1.5 signatures (deterministic), every certificate is byte-identical
on each run, so certificate fingerprints in the captures are stable.
"""

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
KEY_DIR = os.path.join(HERE, 'keys')


def utc(y, m, d, hh=0, mm=0, ss=0):
    return datetime.datetime(y, m, d, hh, mm, ss)


# Validity windows, relative to the capture time 2025-03-10T09:00Z (see scenarios.py)
VALID = (utc(2025, 1, 1), utc(2027, 1, 1))
EXPIRED = (utc(2023, 1, 1), utc(2024, 6, 30, 23, 59, 59))
NOT_YET_VALID = (utc(2025, 4, 1), utc(2027, 4, 1))
EXPIRING_SOON = (utc(2024, 3, 25), utc(2025, 3, 25, 12, 0, 0))
# Scenario 13 (the client verifies against the REAL clock): dates whose verdict does
# not depend on the year the generator is re-run in.
REAL_NOT_YET_VALID = (utc(2049, 1, 1), utc(2050, 1, 1))
REAL_EXPIRED = EXPIRED
CA_VALIDITY = (utc(2020, 1, 1), utc(2050, 12, 31, 23, 59, 59))


def load_key(name, bits=2048):
    """Load keys/NAME.key.pem, generating it (RSA, e=65537) if missing."""
    path = os.path.join(KEY_DIR, name + '.key.pem')
    if os.path.exists(path):
        with open(path, 'rb') as f:
            return serialization.load_pem_private_key(f.read(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    os.makedirs(KEY_DIR, exist_ok=True)
    with open(path, 'wb') as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))
    return key


def _name(cn, org=None):
    attrs = []
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


class Pki:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        os.makedirs(out_dir, exist_ok=True)
        self.ca_key = load_key('ca')
        self.ca_name = _name('rdpcap Test CA', 'rdpcap')
        ski = x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key())
        b = (x509.CertificateBuilder()
             .subject_name(self.ca_name).issuer_name(self.ca_name)
             .public_key(self.ca_key.public_key()).serial_number(0x1000)
             .not_valid_before(CA_VALIDITY[0]).not_valid_after(CA_VALIDITY[1])
             .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                            critical=True)
             .add_extension(ski, critical=False))
        self.ca_cert = b.sign(self.ca_key, hashes.SHA256())
        self.ca_path = self._write('ca.pem', [self.ca_cert])

    def _write(self, fname, certs, key=None):
        path = os.path.join(self.out_dir, fname)
        with open(path, 'wb') as f:
            for c in certs:
                f.write(c.public_bytes(serialization.Encoding.PEM))
        if key is not None:
            kpath = path[:-4] + '.key'
            with open(kpath, 'wb') as f:
                f.write(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()))
            return path, kpath
        return path

    def leaf(self, fname, key_name, cn, serial, validity=VALID, san=True,
             eku=(ExtendedKeyUsageOID.SERVER_AUTH,), bits=2048, hash_alg=None,
             chain=True):
        """CA-signed leaf. Returns (certfile, keyfile); certfile holds leaf [+ CA]."""
        key = load_key(key_name, bits)
        hash_alg = hash_alg or hashes.SHA256()
        b = (x509.CertificateBuilder()
             .subject_name(_name(cn, 'Example Corp')).issuer_name(self.ca_name)
             .public_key(key.public_key()).serial_number(serial)
             .not_valid_before(validity[0]).not_valid_after(validity[1])
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False),
                            critical=True))
        if eku:
            b = b.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
        if san:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
        b = (b.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
                            critical=False))
        cert = b.sign(self.ca_key, hash_alg)
        return self._write(fname, [cert, self.ca_cert] if chain else [cert], key)

    def self_signed_rdp(self, fname, key_name, cn, serial, validity):
        """Like the certificate Windows creates for RDP itself: CN = host name,
        self-signed, KU keyEncipherment|dataEncipherment, EKU serverAuth, no SAN."""
        key = load_key(key_name)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        cert = (x509.CertificateBuilder()
                .subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(serial)
                .not_valid_before(validity[0]).not_valid_after(validity[1])
                .add_extension(x509.KeyUsage(False, False, True, True, False, False, False, False, False),
                               critical=False)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .sign(key, hashes.SHA256()))
        return self._write(fname, [cert], key)
