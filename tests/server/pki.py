"""A throwaway test PKI (one root, one EC leaf per user) and PDF signing helpers.

The server is under test here; signing uses pyHanko's SimpleSigner directly."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


class TestPki:
    def __init__(self) -> None:
        now = datetime.now(timezone.utc)
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = (
            x509.CertificateBuilder()
            .subject_name(_name("Kyso Test Root"))
            .issuer_name(_name("Kyso Test Root"))
            .public_key(self.root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=3 * 365))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .sign(self.root_key, hashes.SHA256())
        )
        self._signers: dict[str, signers.SimpleSigner] = {}
        self.ders: dict[str, bytes] = {}

    @property
    def root_der(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.DER)

    def signer(self, who: str) -> signers.SimpleSigner:
        if who not in self._signers:
            now = datetime.now(timezone.utc)
            key = ec.generate_private_key(ec.SECP256R1())
            cert = (
                x509.CertificateBuilder()
                .subject_name(_name(who))
                .issuer_name(self.root.subject)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=2 * 365))
                .not_valid_after(now + timedelta(days=365))
                .add_extension(
                    x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
                )
                .sign(self.root_key, hashes.SHA256())
            )
            der = cert.public_bytes(serialization.Encoding.DER)
            pk = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            self.ders[who] = der
            self._signers[who] = signers.SimpleSigner(
                signing_cert=asn1_x509.Certificate.load(der),
                signing_key=asn1_keys.PrivateKeyInfo.load(pk),
                cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(self.root_der)]),
            )
        return self._signers[who]

    def der(self, who: str) -> bytes:
        self.signer(who)
        return self.ders[who]

    def sign(self, who: str, data: bytes) -> bytes:
        """Append one signature by `who` as an incremental update."""
        n = len(PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures)
        w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name=f"Sig{n + 1}"), signer=self.signer(who))
        return out.getvalue()


def make_signer(pki: TestPki, who: str, *, not_before: datetime | None = None, not_after: datetime | None = None,
                usage: str = "sign", self_signed: bool = False, root_key=None, root_cert=None):
    """An extra identity for the adversary tests: expired, encryption-only,
    self-signed or from another root. Returns (SimpleSigner, DER, cryptography cert)."""
    now = datetime.now(timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_key = key if self_signed else (root_key or pki.root_key)
    issuer_name = _name(who) if self_signed else (root_cert or pki.root).subject
    ku = (x509.KeyUsage(True, True, False, False, False, False, False, False, False) if usage == "sign"
          else x509.KeyUsage(False, False, True, False, True, False, False, False, False))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(who))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=2 * 365))
        .not_valid_after(not_after or now + timedelta(days=365))
        .add_extension(ku, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    pk = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    chain = [] if self_signed else [asn1_x509.Certificate.load((root_cert or pki.root).public_bytes(serialization.Encoding.DER))]
    s = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der),
        signing_key=asn1_keys.PrivateKeyInfo.load(pk),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )
    return s, der, cert


def other_root():
    """A second CA the server does not trust."""
    now = datetime.now(timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Untrusted Root"))
        .issuer_name(_name("Untrusted Root"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=3 * 365))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def crl_revoking(pki: TestPki, serials: list[int]) -> bytes:
    now = datetime.now(timezone.utc)
    b = (x509.CertificateRevocationListBuilder()
         .issuer_name(pki.root.subject)
         .last_update(now - timedelta(days=60))
         .next_update(now + timedelta(days=30)))
    for serial in serials:
        b = b.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now - timedelta(days=40)).build())
    return b.sign(pki.root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def sign_with(signer, data: bytes, prepare=None) -> bytes:
    """Append one signature by `signer`; `prepare(writer)` may change the
    document in the same revision first."""
    n = len(PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures)
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if prepare is not None:
        prepare(w)
    out = signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name=f"Sig{n + 1}"), signer=signer)
    return out.getvalue()
