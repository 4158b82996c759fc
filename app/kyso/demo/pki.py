"""A throw-away test PKI for the demo and the tests, built with certomancer.

Why this exists
---------------
Kyso signs with keys on USB tokens and validates against real revocation
services.  Tests and the demo need the same shapes of certificate a
Vietnamese official meets (UTF-8 names with diacritics, a title, an
organisation certificate for the agency seal, expired / revoked /
encryption-only / nearly-expired certificates) and live OCSP, CRL and RFC 3161
services.  Nothing here may ever be mistaken for a real CA: every CA name
carries "TEST" and the organisation says "không dùng thật" (not for real use).

Why dates are computed at build time
------------------------------------
A PKI with fixed dates goes stale: in a year the "valid" certificates expire
and every test turns red for no reason.  :func:`build_test_pki` takes "now"
(rounded to the second, UTC) and derives every validity period from it.

Why the service URL is a build parameter
----------------------------------------
OCSP and CRL locations are baked into the certificates (AIA / CRL-DP).  A
served PKI therefore has to know its own base URL, including the port, before
the certificates are issued: pick a port with :func:`free_loopback_port`, build
with that URL and serve with :func:`serve_pki_services` (or do all three with
:func:`served_test_pki`).

Nothing in this module logs key material or PINs.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

__all__ = [
    "ARCH_LABEL",
    "TEST_ORGANISATION",
    "Identity",
    "TestPki",
    "build_test_pki",
    "free_loopback_port",
    "serve_pki_services",
    "served_test_pki",
    "load_certomancer_config",
]

#: certomancer architecture label; it is the first path segment of every
#: service URL (``{service_url}/{ARCH_LABEL}/ocsp/interm`` ...).
ARCH_LABEL = "kyso-test"
TEST_ORGANISATION = "Kyso TEST PKI (không dùng thật)"
AGENCY_NAME = "ỦY BAN NHÂN DÂN THÀNH PHỐ PHỦ LÝ"
#: Used when no service URL is given: ``.invalid`` never resolves (RFC 2606),
#: so an unserved PKI can never make a validator reach a real host.
DEFAULT_SERVICE_URL = "http://kyso-test-pki.invalid"
CONFIG_FILE = "certomancer.yml"


@dataclass(frozen=True)
class Identity:
    """One signing identity: a certificate and its private key.

    ``key_id``/``key_label`` are what the token import uses for CKA_ID and
    CKA_LABEL, so a test can find the key on a token by the same values.
    ``key_der`` is an unencrypted PKCS#8 ``PrivateKeyInfo``: test material
    only.
    """

    name: str
    common_name: str
    title: str | None
    role: str  # 'reviewer' | 'leader' | 'unit_head' | 'agency' | 'other'
    key_id: str  # hex, e.g. '01'
    key_label: str  # ASCII
    key_type: str  # 'rsa' | 'ec'
    cert_der: bytes = field(repr=False)
    key_der: bytes = field(repr=False)
    cert_path: Path
    key_path: Path
    always_authenticate: bool = False

    @property
    def key_id_bytes(self) -> bytes:
        return bytes.fromhex(self.key_id)


@dataclass
class TestPki:
    """What :func:`build_test_pki` wrote, with paths and service URLs."""

    __test__ = False  # not a pytest test class despite the name

    dest: Path
    root_cert_path: Path  # PEM; ``.der`` sibling holds DER
    intermediate_cert_path: Path  # PEM; ``.der`` sibling holds DER
    root_sha256: str  # lowercase hex of SHA-256 over the root cert DER
    identities: dict[str, Identity]
    service_url: str
    config_path: Path
    tsa_cert_path: Path
    ocsp_cert_path: Path
    built_at: datetime

    @property
    def root_cert_der(self) -> bytes:
        return self.root_cert_path.with_suffix(".der").read_bytes()

    @property
    def intermediate_cert_der(self) -> bytes:
        return self.intermediate_cert_path.with_suffix(".der").read_bytes()

    @property
    def tsa_url(self) -> str:
        """RFC 3161 endpoint (POST application/timestamp-query)."""
        return f"{self.service_url}/{ARCH_LABEL}/tsa/tsa"

    @property
    def ocsp_url(self) -> str:
        """OCSP responder for certificates issued by the intermediate."""
        return f"{self.service_url}/{ARCH_LABEL}/ocsp/interm"

    @property
    def intermediate_crl_url(self) -> str:
        return f"{self.service_url}/{ARCH_LABEL}/crls/interm/latest.crl"

    @property
    def root_crl_url(self) -> str:
        return f"{self.service_url}/{ARCH_LABEL}/crls/root/latest.crl"


# name -> (common name, title, role, key type, always_auth)
_PEOPLE: dict[str, tuple[str, str | None, str, str, bool]] = {
    "reviewer": ("Trần Thị Hương", "PHÓ CHÁNH VĂN PHÒNG", "reviewer", "rsa", False),
    "leader": ("Phạm Văn Quân", "PHÓ CHỦ TỊCH", "leader", "rsa", False),
    "unit_head": ("Nguyễn Trọng Hải", "CHÁNH VĂN PHÒNG", "unit_head", "ec", False),
    "agency": (AGENCY_NAME, None, "agency", "rsa", False),
    "expired": ("Đỗ Văn Cũ", "CHUYÊN VIÊN", "other", "rsa", False),
    "revoked": ("Hoàng Văn Thu", "CHUYÊN VIÊN", "other", "rsa", False),
    "encrypt_only": ("Vũ Thị Mã", "CHUYÊN VIÊN", "other", "rsa", False),
    "expiring_soon": ("Lê Thị Sắp", "CHUYÊN VIÊN", "other", "rsa", False),
    "always_auth": ("Bùi Văn Luôn", "CHUYÊN VIÊN", "other", "rsa", True),
}


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _new_key(key_type: str):
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write_key(key, path_pem: Path) -> bytes:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path_pem.with_suffix(".der").write_bytes(der)
    path_pem.chmod(0o600)
    path_pem.with_suffix(".der").chmod(0o600)
    return der


def _make_config(now: datetime, key_dir: str, serial_base: int) -> dict:
    """The certomancer configuration as a plain dict (all dates as strings).

    Serial numbers are explicit (a random 62-bit base per build plus an
    index) so that reloading the saved config reproduces the same
    certificates, and two builds never share issuer+serial (caches keyed on
    that would otherwise confuse certificates from different runs).
    """
    year = timedelta(days=365)
    ca_from = now - year - timedelta(days=1)
    leaf_from = now - year
    leaf_to = now + 3 * year

    def validity(frm: datetime, to: datetime) -> dict:
        return {"valid-from": _iso(frm), "valid-to": _iso(to)}

    entities: dict[str, dict] = {
        "root": {"common-name": "Kyso TEST Root CA"},
        "interm": {"common-name": "Kyso TEST Issuing CA"},
        "interm-ocsp": {"common-name": "Kyso TEST OCSP Responder"},
        "tsa": {"common-name": "Kyso TEST Time Stamping Authority"},
    }
    keys: dict[str, dict] = {
        lbl: {"path": f"{lbl}.pem"} for lbl in ("root", "interm", "interm-ocsp", "tsa")
    }
    serial = iter(range(serial_base, serial_base + 1000))
    certs: dict[str, dict] = {
        "root": {
            "subject": "root",
            "issuer": "root",
            "serial": next(serial),
            "validity": validity(ca_from, now + 10 * year),
            "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
        },
        "interm": {
            "subject": "interm",
            "issuer": "root",
            "serial": next(serial),
            "validity": validity(ca_from, now + 5 * year),
            "profiles": [
                {
                    "id": "simple-ca",
                    "params": {
                        "max-path-len": 0,
                        "crl-repo": "interm",
                        "ocsp-service": "interm",
                    },
                }
            ],
        },
        "interm-ocsp": {
            "subject": "interm-ocsp",
            "issuer": "interm",
            "serial": next(serial),
            "validity": validity(leaf_from, leaf_to),
            "profiles": ["ocsp-responder"],
        },
        "tsa": {
            "subject": "tsa",
            "issuer": "interm",
            "serial": next(serial),
            "validity": validity(leaf_from, leaf_to),
            "extensions": [
                {
                    "id": "key_usage",
                    "critical": True,
                    "smart-value": {
                        "schema": "key-usage",
                        "params": ["digital_signature"],
                    },
                },
                {
                    "id": "extended_key_usage",
                    "critical": True,
                    "value": ["time_stamping"],
                },
            ],
        },
    }
    for name, (cn, title, _role, _kt, _aa) in _PEOPLE.items():
        ent: dict[str, str] = {
            "common-name": cn,
            "organization-name": AGENCY_NAME,
            "organizational-unit-name": TEST_ORGANISATION,
            "locality-name": "Phủ Lý",
            "state-or-province-name": "Hà Nam",
        }
        if title:
            ent["title"] = title
        entities[name] = ent
        keys[name] = {"path": f"{name}.pem"}
        frm, to = leaf_from, leaf_to
        if name == "expired":
            to = now - timedelta(days=30)
        elif name == "expiring_soon":
            to = now + timedelta(days=20)
        spec: dict = {
            "subject": name,
            "issuer": "interm",
            "serial": next(serial),
            "validity": validity(frm, to),
        }
        if name == "encrypt_only":
            spec["extensions"] = [
                {
                    "id": "key_usage",
                    "critical": True,
                    "smart-value": {
                        "schema": "key-usage",
                        "params": ["key_encipherment"],
                    },
                }
            ]
        else:
            spec["profiles"] = ["digsig-commitment"]
        if name == "revoked":
            spec["revocation"] = {
                "revoked-since": _iso(now - timedelta(days=10)),
                "reason": "key_compromise",
            }
        certs[name] = spec

    return {
        "keysets": {ARCH_LABEL: {"path-prefix": key_dir, "keys": keys}},
        "pki-architectures": {
            ARCH_LABEL: {
                "keyset": ARCH_LABEL,
                "entity-defaults": {
                    "country-name": "VN",
                    "organization-name": TEST_ORGANISATION,
                },
                "entities": entities,
                "certs": certs,
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "interm-ocsp",
                            "signing-key": "interm-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P90D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P7D",
                        },
                    },
                    "cert-repo": {
                        "root": {"for-issuer": "root", "publish-issued-certs": True},
                        "interm": {
                            "for-issuer": "interm",
                            "publish-issued-certs": True,
                        },
                    },
                    "time-stamping": {
                        "tsa": {
                            "signing-key": "tsa",
                            "signing-cert": "tsa",
                            "certs-to-embed": ["interm"],
                        }
                    },
                },
            }
        },
    }


def load_certomancer_config(pki_dir: Path, service_url: str | None = None):
    """Reload the certomancer config that :func:`build_test_pki` saved.

    The saved config has explicit serials and absolute dates, and issuer
    signatures are RSA PKCS#1 v1.5 (deterministic), so this reproduces the
    very certificates on disk: OCSP answers about them by serial.
    """
    from certomancer.registry import CertomancerConfig

    pki_dir = Path(pki_dir)
    data = yaml.safe_load((pki_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    url = service_url or data.get("external-url-prefix") or DEFAULT_SERVICE_URL
    return CertomancerConfig(
        data, key_search_dir=str(pki_dir), external_url_prefix=url
    )


def build_test_pki(dest: Path, service_url: str | None = None) -> TestPki:
    """Generate keys, issue every certificate and write them under ``dest``.

    Layout::

        dest/certomancer.yml          the exact config (reload with load_certomancer_config)
        dest/keys/*.pem|.der          CA/service keys (PKCS#8)
        dest/ca/root.pem|.der         Kyso TEST Root CA
        dest/ca/intermediate.pem|.der Kyso TEST Issuing CA
        dest/ca/tsa.pem, ocsp.pem     service certificates
        dest/identities/<name>/cert.pem|.der, key.pem|.der

    ``service_url`` (no trailing slash) is written into AIA/CRL-DP; without
    it an ``.invalid`` host is used so nothing ever reaches the network.
    """
    from asn1crypto import pem as asn1_pem
    from certomancer.registry import CertomancerConfig

    dest = Path(dest)
    service_url = (service_url or DEFAULT_SERVICE_URL).rstrip("/")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    key_dir = dest / "keys"
    ca_dir = dest / "ca"
    id_root = dest / "identities"
    for d in (key_dir, ca_dir, id_root):
        d.mkdir(parents=True, exist_ok=True)

    # Keys first: certomancer only loads keys from files.
    key_ders: dict[str, bytes] = {}
    for lbl in ("root", "interm", "interm-ocsp", "tsa"):
        key_ders[lbl] = _write_key(_new_key("rsa"), key_dir / f"{lbl}.pem")
    for name, (_cn, _t, _r, key_type, _aa) in _PEOPLE.items():
        key_ders[name] = _write_key(_new_key(key_type), key_dir / f"{name}.pem")

    config = _make_config(now, "keys", secrets.randbits(62) | (1 << 62))
    config["external-url-prefix"] = service_url
    config_path = dest / CONFIG_FILE
    config_path.write_text(
        "# Generated by kyso.demo.pki.build_test_pki -- TEST PKI, not for real use\n"
        + yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    cfg = CertomancerConfig(
        config, key_search_dir=str(dest), external_url_prefix=service_url
    )
    arch = cfg.get_pki_arch(ARCH_LABEL)

    def dump_cert(label: str, pem_path: Path) -> bytes:
        der = arch.get_cert(label).dump()
        pem_path.write_bytes(asn1_pem.armor("CERTIFICATE", der))
        pem_path.with_suffix(".der").write_bytes(der)
        return der

    root_der = dump_cert("root", ca_dir / "root.pem")
    dump_cert("interm", ca_dir / "intermediate.pem")
    dump_cert("tsa", ca_dir / "tsa.pem")
    dump_cert("interm-ocsp", ca_dir / "ocsp.pem")

    identities: dict[str, Identity] = {}
    for idx, (name, (cn, title, role, key_type, always_auth)) in enumerate(
        _PEOPLE.items(), start=1
    ):
        d = id_root / name
        d.mkdir(exist_ok=True)
        cert_der = dump_cert(name, d / "cert.pem")
        key_pem = (key_dir / f"{name}.pem").read_bytes()
        (d / "key.pem").write_bytes(key_pem)
        (d / "key.der").write_bytes(key_ders[name])
        (d / "key.pem").chmod(0o600)
        (d / "key.der").chmod(0o600)
        identities[name] = Identity(
            name=name,
            common_name=cn,
            title=title,
            role=role,
            key_id=f"{idx:02x}",
            key_label=name,
            key_type=key_type,
            cert_der=cert_der,
            key_der=key_ders[name],
            cert_path=d / "cert.pem",
            key_path=d / "key.pem",
            always_authenticate=always_auth,
        )

    return TestPki(
        dest=dest,
        root_cert_path=ca_dir / "root.pem",
        intermediate_cert_path=ca_dir / "intermediate.pem",
        root_sha256=hashlib.sha256(root_der).hexdigest(),
        identities=identities,
        service_url=service_url,
        config_path=config_path,
        tsa_cert_path=ca_dir / "tsa.pem",
        ocsp_cert_path=ca_dir / "ocsp.pem",
        built_at=now,
    )


def free_loopback_port(host: str = "127.0.0.1") -> int:
    """Ask the kernel for a currently free TCP port on loopback.

    The port is released before returning, so another process could in
    theory grab it before we bind again; on a test machine's loopback that
    window is negligible, and :func:`serve_pki_services` fails loudly if the
    bind does not succeed.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_pki_services(
    pki_dir_or_config, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve OCSP, CRLs, certs and RFC 3161 timestamps on loopback.

    ``pki_dir_or_config`` is a :class:`TestPki`, a directory written by
    :func:`build_test_pki`, or a certomancer ``CertomancerConfig``.  Yields
    the base URL (``http://127.0.0.1:PORT``).  Answers are computed at the
    wall-clock time of each request (certomancer's Animator without a fixed
    time), so revocation states are "as of now", matching the build.

    The server runs in a daemon thread with werkzeug's threaded server and is
    shut down (and the thread joined, bounded to 10 s) on exit.  If the
    certificates were built for another port, OCSP/CRL URLs in them will not
    match; use :func:`served_test_pki` to get both right.
    """
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from werkzeug.serving import WSGIRequestHandler, make_server

    class _QuietHandler(WSGIRequestHandler):
        # one access-log line per OCSP/TSA request only clutters test output
        def log_request(self, *args, **kwargs):
            pass

    if isinstance(pki_dir_or_config, TestPki):
        cfg = load_certomancer_config(
            pki_dir_or_config.dest, pki_dir_or_config.service_url
        )
    elif isinstance(pki_dir_or_config, (str, Path)):
        cfg = load_certomancer_config(Path(pki_dir_or_config))
    else:
        cfg = pki_dir_or_config
    app = Animator(AnimatorArchStore(cfg.pki_archs), with_web_ui=False)
    server = make_server(
        host, port, app, threaded=True, request_handler=_QuietHandler
    )
    server.timeout = 1
    thread = threading.Thread(
        target=server.serve_forever, name="kyso-test-pki", daemon=True
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def served_test_pki(dest: Path, host: str = "127.0.0.1") -> Iterator[TestPki]:
    """Build a PKI whose AIA/CRL-DP point at a loopback server, and serve it.

    Yields the :class:`TestPki`; its ``service_url``, ``tsa_url``,
    ``ocsp_url`` are live until the context exits.
    """
    port = free_loopback_port(host)
    pki = build_test_pki(dest, f"http://{host}:{port}")
    with serve_pki_services(pki, host=host, port=port) as url:
        assert url == pki.service_url, (url, pki.service_url)
        yield pki
