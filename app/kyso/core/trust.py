"""Trust anchors: Vietnam's two shipped pools, the administrator's own, and path building.

Shipped in ``kyso/resources/trust`` (copied from the project's research set,
each file's SHA-256 pinned below, so a changed file is refused, not trusted):

- pool ``public`` — "chứng thư số công cộng": the three roots of the
  National Electronic Authentication Centre (NEAC): Vietnam National Root CA
  (2014, SHA-256), its G3 (2024), and the MIC National Root CA (2008, SHA-1);
- pool ``government`` — "chứng thư số chuyên dùng Chính phủ": the two roots of
  Ban Cơ yếu Chính phủ (VGCA G1 2010, SHA-1; G2 2018);
- ``intermediates``: the two VGCA issuing CAs and the licensed public CAs'
  certificates, used to build paths only, never as anchors.

An administrator adds roots by putting certificates in the configuration's
``trust/`` folder (:func:`kyso.core.settings.trust_dir`): pool ``admin``. Any
pool can be switched off with the setting ``disabled_trust_pools``.

Two roots sign with SHA-1. SHA-1 stays refused everywhere (signatures of
documents, end-entity certificates) except for signatures made *by a shipped
anchor's key* (:class:`AnchorSha1Policy`): otherwise every old government
signature would fail on its SHA-1 intermediate.

No Qt here.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

log = logging.getLogger(__name__)

RESOURCE_DIR = Path(__file__).resolve().parent.parent / "resources" / "trust"

PUBLIC, GOVERNMENT, ADMIN, EXTRA = "public", "government", "admin", "extra"

class _PoolNames:
    """pool id -> (Vietnamese, English), from the message catalogue (``pool.<id>``)."""

    def get(self, pool, default=None):
        from . import messages

        code = f"pool.{pool}"
        if code not in messages.CATALOGUE:
            return default
        return messages.CATALOGUE[code]

    def __getitem__(self, pool):
        found = self.get(pool)
        if found is None:
            raise KeyError(pool)
        return found


POOL_NAMES = _PoolNames()

#: file (relative to RESOURCE_DIR) -> SHA-256 of the DER certificate, as recorded in
#: the project's trust research (shared/trust/README.md); compare once by hand with
#: rootca.gov.vn and ca.gov.vn before a release.
PINNED: dict[str, str] = {
    "public/vn-national-root-ca-sha256-2014.pem":
        "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7",
    "public/vn-national-root-ca-g3-2024.pem":
        "7b3269e7d79aebbfae5095f45bbb7074771e690cb7df02b441062b12f7690ece",
    "public/vn-mic-national-root-ca-sha1-2008.pem":
        "ca918d635bb130bec97639e6aabf7edbc4eb1310f8058b9419f467ae0230ad8c",
    "government/vgca-rootca-g1-2010.pem":
        "f7bc89054cec7f12730d7b8cd3eb7955b163835087e5eb873edfb584763b3f90",
    "government/vgca-rootca-g2-2018.pem":
        "f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8",
    "intermediates/vgca-ca-chinh-phu-g1-2010.pem":
        "75e969c07ba35c29c72bbc1bfb880f20f3891a619b00b77eb02ca6160736a1fe",
    "intermediates/vgca-ca-nha-nuoc-g2-2018.pem":
        "d8cab7a4aef92e6bb2509d7c61cee7b44f3731b2d21074963530277b366fae4b",
    "intermediates/fastca-sha256-2020.pem":
        "bce53bfc017dc917ccac7f314bcddf257c53ec8ffc0165f33a80558deded01f1",
    "intermediates/mic-sub-bkavca-2015.pem":
        "ddab3aa11600215c08ca4ccbc18be5204c171a48081a6cd73a95aa868e1258af",
    "intermediates/mic-sub-ca2-2015.pem":
        "22a088dedd18b017409157ccdce931236492df259459e7fac424574dd06380e2",
    "intermediates/mic-sub-fptca-2015.pem":
        "406ba8be66ead6d01672f1e137cc35a778e2f289edd3f9e7580964190b83c761",
    "intermediates/mic-sub-newtelca-2013.pem":
        "27ab09408347ee182186d2a21e82feda0a4e0f84441525ba1de74a7e87401eba",
    "intermediates/mic-sub-safeca-2017.pem":
        "4e66e0073c9c217dbfa80697b0096fa61d71c1f32b29a12c2e2c37c0cac35881",
    "intermediates/mic-sub-smartsign-2017.pem":
        "591e6796472780fcf98d2e6797c8249457726dee54a264307d9b51193cdbd5fd",
    "intermediates/mic-sub-viettelca-2015.pem":
        "684caf190176d13158808ef193b2d20575399a87fd9e8c5bedc09065a184841a",
    "intermediates/mic-sub-vnptca-2009.pem":
        "068927b4c1a38ae4db1e8f59a71a8c643d9dfbb53a674862387bd5aa7386247b",
    "intermediates/vgca-g1-sub-bca-2010.pem":
        "ecbf8428266c549eb1bfdc2715270d5b9dff3bbbe2d3f0c33e0fd91f70b2d943",
    "intermediates/vgca-g1-sub-bng-2016.pem":
        "3c4281296f92d292cc952295fe41ad7d0b37438ff1d143b56c4642cc1b14bd93",
    "intermediates/vgca-g1-sub-btc-2010.pem":
        "a262cfa489dbbe666f8b89fab832547809874d5a06fa9f7a38fc227ebdf40514",
    "intermediates/vgca-g1-sub-dcs-2010.pem":
        "6e218b3ebc2f31b0d03205c64fd7e8920fb47187d37afcdb4cb2bb4178bf4635",
    "intermediates/viettel-ca-rs-2022.pem":
        "860bcbe22fdc6757fe03b4597f7c61ca7f36e13ceb74a78cbefc9c5b267b8662",
    "intermediates/vnpt-ca-sha2-2024.pem":
        "7d6ba5245317f9ed5d8bc765a4634d26ac6340d36b9f584df3b52d9c4a81a306",
    "intermediates/vnpt-smartca-rs-2021.pem":
        "95cf8f36c986e0c0f7e03761b17d7804072cb644b235a8f1c62107f8804a4889",
    "intermediates/winca-2022.pem":
        "acb6a4955b5e3fed58bf1f63070dbd33b56006f43532983a543372ba88232adc",
}

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


class TrustStoreError(RuntimeError):
    """A shipped certificate does not match its pinned SHA-256 (or is missing)."""


def read_certificates(path: Path) -> list[asn1_x509.Certificate]:
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


@dataclass
class Pool:
    id: str
    anchors: list[asn1_x509.Certificate] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    enabled: bool = True
    shipped: bool = False

    def name(self, lang: str | None = None) -> str:
        from . import messages

        vi, en = POOL_NAMES.get(self.id, (self.id, self.id))
        return en if (lang or messages.language()) == messages.EN else vi


_SHIPPED: tuple[dict[str, list[asn1_x509.Certificate]], list[asn1_x509.Certificate]] | None = None


def _load_pinned(rel: str) -> asn1_x509.Certificate:
    path = RESOURCE_DIR / rel
    try:
        certs = read_certificates(path)
    except (OSError, ValueError) as exc:
        raise TrustStoreError(f"{rel}: {exc}") from exc
    if len(certs) != 1 or certs[0].sha256.hex() != PINNED[rel]:
        raise TrustStoreError(f"{rel}: SHA-256 differs from the pinned value")
    return certs[0]


def shipped() -> tuple[dict[str, list[asn1_x509.Certificate]], list[asn1_x509.Certificate]]:
    """({pool: anchors}, intermediates) of the shipped set, every file checked
    against its pin; also refuses a file in the folder that is not pinned."""
    global _SHIPPED
    if _SHIPPED is None:
        pools: dict[str, list] = {PUBLIC: [], GOVERNMENT: []}
        inter: list = []
        present = {p.relative_to(RESOURCE_DIR).as_posix() for p in RESOURCE_DIR.rglob("*")
                   if p.is_file() and p.suffix.lower() in CERT_SUFFIXES}
        unknown = present - set(PINNED)
        if unknown:
            raise TrustStoreError(f"not pinned: {', '.join(sorted(unknown))}")
        for rel in PINNED:
            cert = _load_pinned(rel)
            folder = rel.split("/", 1)[0]
            (inter if folder == "intermediates" else pools[folder]).append(cert)
        _SHIPPED = (pools, inter)
    return _SHIPPED


def disabled_pools() -> set[str]:
    from . import settings

    try:
        return set(settings.load().disabled_trust_pools or ())
    except Exception:  # noqa: BLE001 - unreadable settings: nothing switched off
        return set()


def admin_files() -> list[Path]:
    from .settings import trust_dir

    folder = trust_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CERT_SUFFIXES)


def pools(extra: Iterable[asn1_x509.Certificate] = ()) -> list[Pool]:
    """Every pool, switched off ones included (``enabled`` False)."""
    off = disabled_pools()
    ship, _ = shipped()
    out = [Pool(PUBLIC, list(ship[PUBLIC]), shipped=True),
           Pool(GOVERNMENT, list(ship[GOVERNMENT]), shipped=True)]
    admin = Pool(ADMIN)
    for f in admin_files():
        try:
            admin.anchors += read_certificates(f)
            admin.files.append(f.name)
        except (OSError, ValueError) as exc:
            log.warning("Unreadable certificate in trust folder: %s (%s)", f, exc)
    out.append(admin)
    extra = list(extra)
    if extra:
        out.append(Pool(EXTRA, extra))
    for p in out:
        p.enabled = p.id not in off
    return out


@dataclass(frozen=True)
class TrustSetup:
    """What a validation context is built from."""

    pools: tuple[Pool, ...]
    anchors: tuple[asn1_x509.Certificate, ...]
    intermediates: tuple[asn1_x509.Certificate, ...]
    pool_of: dict  # anchor SHA-256 hex -> pool id

    def pool_for(self, cert: asn1_x509.Certificate | None) -> str | None:
        return self.pool_of.get(cert.sha256.hex()) if cert is not None else None


def setup(extra_roots: Iterable[asn1_x509.Certificate] = (),
          extra_intermediates: Iterable[asn1_x509.Certificate] = ()) -> TrustSetup:
    ps = pools(extra_roots)
    anchors, pool_of = [], {}
    for p in ps:
        if not p.enabled:
            continue
        for c in p.anchors:
            if c.sha256.hex() not in pool_of:
                pool_of[c.sha256.hex()] = p.id
                anchors.append(c)
    _, inter = shipped()
    return TrustSetup(tuple(ps), tuple(anchors), tuple(inter) + tuple(extra_intermediates), pool_of)


def _anchor_sha1_policy(anchor_keys: set[bytes]):
    from asn1crypto import algos
    from pyhanko_certvalidator.policy_decl import (AlgorithmUsageConstraint,
                                                   DisallowWeakAlgorithmsPolicy)

    class AnchorSha1Policy(DisallowWeakAlgorithmsPolicy):
        """pyhanko-certvalidator's default (MD5, SHA-1 weak), except that a
        signature made with a trust anchor's own key may use SHA-1."""

        def signature_algorithm_allowed(self, algo: algos.SignedDigestAlgorithm, moment, public_key):
            if public_key is not None and public_key.dump() in anchor_keys:
                try:
                    if algo.hash_algo == "sha1":
                        return AlgorithmUsageConstraint(True)
                except ValueError:
                    pass
            return super().signature_algorithm_allowed(algo, moment, public_key)

    return AnchorSha1Policy()


def validation_context(ts: TrustSetup, *, online: bool = False, ocsps=(), crls=(), certs=(),
                       moment=None):
    """A pyhanko-certvalidator context: the enabled anchors, the intermediates,
    SHA-1 by anchors accepted; ``online`` fetches OCSP, CRLs and missing
    intermediates (AIA caIssuers) over the network."""
    from pyhanko_certvalidator import ValidationContext

    kwargs = {}
    if moment is not None:
        kwargs["moment"] = moment
    return ValidationContext(
        trust_roots=list(ts.anchors),
        other_certs=list(ts.intermediates) + list(certs),
        allow_fetching=online,
        revocation_mode="soft-fail",
        ocsps=list(ocsps), crls=list(crls),
        algorithm_usage_policy=_anchor_sha1_policy({c.public_key.dump() for c in ts.anchors}),
        **kwargs,
    )


def name_str(name: asn1_x509.Name) -> str:
    """A distinguished name as people read it: "CN=…, O=…, C=VN"."""
    short = {"common_name": "CN", "organization_name": "O", "organizational_unit_name": "OU",
             "locality_name": "L", "state_or_province_name": "ST", "country_name": "C",
             "title": "T", "email_address": "E", "user_id": "UID", "serial_number": "SERIALNUMBER"}
    parts = []
    for rdn in reversed(name.chosen):
        for ava in rdn:
            key = ava["type"].native
            parts.append(f"{short.get(key, key)}={ava['value'].native}")
    return ", ".join(parts)


def describe(cert: asn1_x509.Certificate) -> str:
    n = cert.subject.native
    return str(n.get("common_name") or cert.subject.human_friendly)


async def build_path(cert: asn1_x509.Certificate, ts: TrustSetup, online: bool = False):
    """(path certificates from the certificate up to its anchor, pool id, validation
    error or None). The path is built whatever the dates; then validated now."""
    from pyhanko_certvalidator import CertificateValidator

    vc = validation_context(ts, online=online)
    try:
        paths = await vc.path_builder.async_build_paths(cert)
    except Exception as exc:  # noqa: BLE001 - no path: reported
        return [], None, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    finally:
        await _close(vc)
    if not paths:
        return [], None, "no path"
    path = paths[0]
    chain = list(reversed(list(path)))      # the certificate first, the anchor last
    anchor_cert = chain[-1] if chain else None
    error = None
    vc = validation_context(ts, online=online)
    try:
        await CertificateValidator(cert, validation_context=vc).async_validate_usage(set())
    except Exception as exc:  # noqa: BLE001 - expired, revoked, weak: reported beside the path
        error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    finally:
        await _close(vc)
    pool = ts.pool_for(anchor_cert)
    return chain, pool, error


async def _close(vc) -> None:
    """Close the network session an online context opened (no-op offline)."""
    try:
        await vc.aclose()
    except Exception:
        log.debug("closing the validation context failed", exc_info=True)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
