"""Server settings.

Everything that is agency policy (document-type travel rules, secrecy words,
throttling) or environment (database URL, files directory, clock) lives here so
that tests and integrators can change it without touching the rules code.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

#: Vietnam time: numbering years and report months follow the local calendar,
#: not UTC (a document issued at 00:30 on 1 January in Hà Nội is in the new year).
VN_TZ = timezone(timedelta(hours=7), "ICT")

ELECTRONIC = "electronic"
BOTH = "electronic+paper"
PAPER = "paper"

#: Example policy from seed Lục Nam 2020 (Quyết định 648/QĐ-UBND, Phụ lục I-III).
DEFAULT_DOC_TYPE_POLICY: dict[str, str] = {
    **{t: ELECTRONIC for t in (
        "Báo cáo", "Chỉ thị", "Chương trình", "Kế hoạch", "Hướng dẫn", "Quy định",
        "Quy chế", "Thông báo", "Công văn", "Giấy mời", "Công điện",
    )},
    **{t: BOTH for t in (
        "Đề án", "Quyết định", "Nghị quyết", "Tờ trình",
        "Các văn bản giải quyết đơn thư, KNTC", "Phiếu gửi", "Phiếu chuyển",
        "Giấy chứng nhận", "Giấy biên nhận hồ sơ", "Giấy ủy quyền",
    )},
    **{t: PAPER for t in (
        "Quyết định giao dự toán NSNN", "Bản cam kết", "Bản ghi nhớ", "Bản thỏa thuận",
        "Biên bản", "Dự án", "Giấy đi đường", "Giấy giới thiệu", "Giấy nghỉ phép",
        "Hợp đồng", "Phương án",
    )},
}


def utc_now() -> datetime:
    """Default clock; tests inject their own to cross 1 January."""
    return datetime.now(timezone.utc)


def default_data_dir() -> Path:
    """Per-user data directory, overridable with KYSO_SERVER_DATA."""
    env = os.environ.get("KYSO_SERVER_DATA")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kyso-server"


@dataclass
class Settings:
    """Everything `create_app` needs; plain data so tests can build variants."""

    db_url: str = ""
    files_dir: Path = field(default_factory=lambda: default_data_dir() / "files")
    clock: Callable[[], datetime] = utc_now
    token_ttl: timedelta = timedelta(hours=12)
    doc_type_policy: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_DOC_TYPE_POLICY))
    #: Failed logins allowed per username or client IP within the window.
    login_max_failures: int = 5
    login_window: timedelta = timedelta(minutes=15)
    max_upload_bytes: int = 50 * 1024 * 1024
    #: Any other request body (JSON, certificates) larger than this is refused (413).
    max_json_bytes: int = 1024 * 1024
    #: DER-encoded trust roots (``kyso-server --trust``). A signer's certificate
    #: must chain to one of them; with none configured every signed upload and
    #: certificate registration is refused (``no_trust_roots``).
    trust_roots: list[bytes] = field(default_factory=list)
    #: DER-encoded intermediate CA certificates (not trusted by themselves: they
    #: only help build a signer's chain to a root, e.g. at registration).
    intermediates: list[bytes] = field(default_factory=list)
    #: DER-encoded CRLs (``*.crl`` files in the trust folder), used to refuse
    #: revoked certificates; revocation that cannot be checked is not an error.
    crls: list[bytes] = field(default_factory=list)
    #: Fetch CRLs/OCSP named in certificates (off: the server makes no outbound
    #: requests on behalf of an uploaded file).
    fetch_revocation: bool = False
    #: Addresses/networks of reverse proxies whose X-Forwarded-For is believed.
    #: Default none: the TCP peer is the client address.
    trusted_proxies: list[str] = field(default_factory=list)
    #: A certificate registered with proof of possession of its key
    #: (``POST /me/certificates/proof``) is active at once when True
    #: (``kyso-server --auto-approve-certs``); otherwise it waits, pending, for
    #: ``kyso-server admin approve-cert``.
    auto_approve_certs: bool = False
    #: ``POST /me/certificates`` without proof (older clients, the demo) is
    #: accepted when True; ``kyso-server --require-proof`` turns it off.
    allow_unproven_registration: bool = True
    #: How long a proof-of-possession challenge may be answered.
    challenge_ttl: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        self.files_dir = Path(self.files_dir)
        if not self.db_url:
            data = default_data_dir()
            data.mkdir(parents=True, exist_ok=True)
            self.db_url = f"sqlite:///{data / 'kyso-server.sqlite3'}"


_CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def load_trust(paths: list[str | Path]) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """(roots, intermediates, CRLs), DER, from files or folders of PEM/DER files:
    self-signed certificates are roots, the others intermediates."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    roots: list[bytes] = []
    intermediates: list[bytes] = []
    crls: list[bytes] = []
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.suffix.lower() in (*_CERT_SUFFIXES, ".crl"))
        elif p.exists():
            files.append(p)
        else:
            raise FileNotFoundError(f"trust path not found: {p}")
    for f in files:
        raw = f.read_bytes()
        blobs = [der for _, _, der in pem.unarmor(raw, multiple=True)] if pem.detect(raw) else [raw]
        for der in blobs:
            if f.suffix.lower() == ".crl":
                crls.append(der)
            else:
                cert = asn1_x509.Certificate.load(der)
                cert.native  # noqa: B018 - raises on garbage
                (roots if cert.self_signed != "no" else intermediates).append(der)
    return roots, intermediates, crls
