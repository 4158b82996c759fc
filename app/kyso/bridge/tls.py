"""TLS that browsers accept for ``wss://127.0.0.1:8987``.

``kyso bridge install-cert`` makes, with the ``cryptography`` library:

- a local CA, **name-constrained** (critical) to ``IP:127.0.0.1/32`` and, for
  host names, to the reserved ``.invalid`` domain, so its key cannot make a
  certificate any browser accepts for another site (an IP-only constraint
  would leave host names unconstrained, RFC 5280 §4.2.1.10);
- a server certificate for ``IP:127.0.0.1`` signed by it (825 days at most,
  as browsers require);

keeps both keys readable by the user only (0600, in ``config_dir()/bridge``)
and adds the CA — never the server certificate's key — to the user's trust
stores:

- Linux: every NSS database of the user (Chromium/Chrome ``~/.pki/nssdb``, each
  Firefox profile) with ``certutil`` (Debian ``libnss3-tools``);
- Windows: the CurrentUser Root store with ``certutil -user -addstore Root``
  (Windows asks the person to confirm) — **written, not tested here**;
- macOS: the login keychain with ``security add-trusted-cert`` — **written,
  not tested here**.

``install-cert --remove`` removes the CA from those stores and deletes the files.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..core import paths
from ..core.fileio import write_bytes_atomic

log = logging.getLogger(__name__)

CA_NICKNAME = "Kyso local signing service CA (127.0.0.1)"
CA_CN = "Kyso local signing service CA (127.0.0.1 only)"
LOOPBACK = ipaddress.ip_address("127.0.0.1")


@dataclass(frozen=True)
class CertFiles:
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca.key"

    @property
    def cert(self) -> Path:
        return self.folder / "server.pem"

    @property
    def key(self) -> Path:
        return self.folder / "server.key"

    def exist(self) -> bool:
        return self.cert.is_file() and self.key.is_file() and self.ca_cert.is_file()


def cert_files(folder: Path | None = None) -> CertFiles:
    return CertFiles(folder or paths.config_dir() / "bridge")


def _private(path: Path, data: bytes) -> None:
    write_bytes_atomic(path, data)
    os.chmod(path, 0o600)


def make_certificates(files: CertFiles, days: int = 825) -> CertFiles:
    """A name-constrained CA and a server certificate for IP 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    files.folder.mkdir(parents=True, exist_ok=True)
    os.chmod(files.folder, 0o700)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_CN),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kyso (local)")])
    # An iPAddress subtree constrains only IP names: without a dNSName subtree any host
    # name would still be allowed. So DNS names are confined to the reserved ".invalid"
    # (RFC 6761), which no real site has: the CA can certify 127.0.0.1 and nothing else.
    only_loopback = x509.NameConstraints(
        permitted_subtrees=[x509.IPAddress(ipaddress.ip_network("127.0.0.1/32")), x509.DNSName("invalid")],
        excluded_subtrees=None)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(only_loopback, critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            # not a host name: verifiers that read a host-like CN as a DNS name would
            # hold it against the ".invalid" constraint; the SAN carries the address
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kyso signing service (127.0.0.1)")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=min(days, 825)))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(LOOPBACK)]), critical=True)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    nokey = serialization.NoEncryption()
    _private(files.ca_key, ca_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, nokey))
    _private(files.key, key.private_bytes(pem, serialization.PrivateFormat.PKCS8, nokey))
    write_bytes_atomic(files.ca_cert, ca.public_bytes(pem))
    # the server presents its certificate and the CA (the CA is also trusted by the store)
    write_bytes_atomic(files.cert, cert.public_bytes(pem))
    return files


# -- trust stores --------------------------------------------------------------------------------

@dataclass
class TrustReport:
    added: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def nss_databases(home: Path | None = None) -> list[Path]:
    """The user's NSS databases (sql: format): Chromium/Chrome, Firefox profiles."""
    home = home or Path.home()
    found = []
    candidates = [home / ".pki" / "nssdb"]
    for firefox in (home / ".mozilla" / "firefox", home / "snap" / "firefox" / "common" / ".mozilla" / "firefox"):
        if firefox.is_dir():
            candidates.extend(sorted(p for p in firefox.iterdir() if p.is_dir()))
    for db in candidates:
        if (db / "cert9.db").is_file():
            found.append(db)
    return found


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def trust_ca(ca_cert: Path, home: Path | None = None, create_chromium_db: bool = True) -> TrustReport:
    """Add the CA to the user's trust stores (see the module doc)."""
    report = TrustReport()
    if sys.platform == "win32":   # untested here
        r = _run(["certutil", "-user", "-addstore", "Root", str(ca_cert)])
        (report.added if r.returncode == 0 else report.failed).append("Windows CurrentUser\\Root")
        return report
    if sys.platform == "darwin":  # untested here
        keychain = str(Path.home() / "Library" / "Keychains" / "login.keychain-db")
        r = _run(["security", "add-trusted-cert", "-r", "trustRoot", "-p", "ssl", "-k", keychain, str(ca_cert)])
        (report.added if r.returncode == 0 else report.failed).append("macOS login keychain")
        return report
    if shutil.which("certutil") is None:
        from .transfer import BridgeError
        from . import protocol as P

        raise BridgeError("bridge.certutil_missing", P.INTERNAL, tool="certutil (libnss3-tools)")
    home = home or Path.home()
    dbs = nss_databases(home)
    chromium = home / ".pki" / "nssdb"
    if create_chromium_db and chromium not in dbs:
        chromium.mkdir(parents=True, exist_ok=True)
        r = _run(["certutil", "-N", "-d", f"sql:{chromium}", "--empty-password"])
        if r.returncode == 0:
            dbs.insert(0, chromium)
    for db in dbs:
        _run(["certutil", "-D", "-d", f"sql:{db}", "-n", CA_NICKNAME])      # an older one, if any
        r = _run(["certutil", "-A", "-d", f"sql:{db}", "-n", CA_NICKNAME, "-t", "C,,", "-i", str(ca_cert)])
        (report.added if r.returncode == 0 else report.failed).append(str(db))
        if r.returncode != 0:
            log.warning("certutil -A %s: %s", db, r.stderr.strip())
    return report


def untrust_ca(ca_cert: Path | None, home: Path | None = None) -> TrustReport:
    report = TrustReport()
    if sys.platform == "win32":   # untested here
        r = _run(["certutil", "-user", "-delstore", "Root", CA_CN])
        (report.added if r.returncode == 0 else report.failed).append("Windows CurrentUser\\Root")
        return report
    if sys.platform == "darwin":  # untested here
        if ca_cert is not None and ca_cert.is_file():
            r = _run(["security", "remove-trusted-cert", str(ca_cert)])
            _run(["security", "delete-certificate", "-c", CA_CN])
            (report.added if r.returncode == 0 else report.failed).append("macOS login keychain")
        return report
    if shutil.which("certutil") is None:
        return report
    for db in nss_databases(home):
        r = _run(["certutil", "-D", "-d", f"sql:{db}", "-n", CA_NICKNAME])
        if r.returncode == 0:
            report.added.append(str(db))
    return report


def install(folder: Path | None = None, home: Path | None = None) -> tuple[CertFiles, TrustReport]:
    files = make_certificates(cert_files(folder))
    return files, trust_ca(files.ca_cert, home)


def remove(folder: Path | None = None, home: Path | None = None) -> TrustReport:
    files = cert_files(folder)
    report = untrust_ca(files.ca_cert if files.ca_cert.is_file() else None, home)
    for p in (files.ca_key, files.key, files.cert, files.ca_cert):
        p.unlink(missing_ok=True)
    return report
