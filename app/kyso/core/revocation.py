"""Revocation answers (OCSP responses, CRLs) kept between checks.

When verifying online, pyhanko-certvalidator asks OCSP first, then the CRL
(the certificate's AIA and CRL distribution points). What it got is saved in
the cache folder (:func:`kyso.core.paths.cache_dir`), one DER file per
answer, and offered again to later checks until its ``nextUpdate``: then it is
dropped. An answer without ``nextUpdate`` is kept ten minutes (what
pyhanko-certvalidator still accepts as recent). The DSS of a document goes
through :func:`usable` too: an answer past its ``nextUpdate`` is not offered
(the validator would count it a failed check, not a missing one). No Qt here.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp

from . import paths
from .fileio import write_bytes_atomic

log = logging.getLogger(__name__)

DEFAULT_LIFE = timedelta(minutes=10)


def folder() -> Path:
    return paths.cache_dir() / "revocation"


def _ocsp_next_update(resp: asn1_ocsp.OCSPResponse) -> datetime | None:
    basic = resp["response_bytes"]["response"].parsed
    nexts = [s["next_update"].native for s in basic["tbs_response_data"]["responses"]]
    nexts = [n for n in nexts if n is not None]
    return min(nexts) if nexts else None


def _crl_next_update(c: asn1_crl.CertificateList) -> datetime | None:
    return c["tbs_cert_list"]["next_update"].native


def _fresh(next_update: datetime | None, saved: datetime, now: datetime) -> bool:
    if next_update is None:
        return now < saved + DEFAULT_LIFE
    return now < next_update


def usable(obj, now: datetime | None = None) -> bool:
    """Whether an OCSP response or CRL may still be used now (before its nextUpdate)."""
    now = now or datetime.now(timezone.utc)
    try:
        if isinstance(obj, asn1_ocsp.OCSPResponse):
            nxt = _ocsp_next_update(obj)
            if nxt is None:
                basic = obj["response_bytes"]["response"].parsed
                this = min(s["this_update"].native for s in basic["tbs_response_data"]["responses"])
                return now < this + DEFAULT_LIFE
            return now < nxt
        nxt = _crl_next_update(obj)
        return nxt is None or now < nxt
    except Exception:  # noqa: BLE001 - unreadable: not offered
        return False


def load_cache(now: datetime | None = None) -> tuple[list, list]:
    """(OCSP responses, CRLs) still fresh; expired files are removed."""
    now = now or datetime.now(timezone.utc)
    ocsps, crls = [], []
    d = folder()
    if not d.is_dir():
        return ocsps, crls
    for f in sorted(d.iterdir()):
        try:
            data = f.read_bytes()
            saved = datetime.fromtimestamp(f.stat().st_mtime, timezone.utc)
            if f.suffix == ".ocsp":
                obj = asn1_ocsp.OCSPResponse.load(data)
                fresh = _fresh(_ocsp_next_update(obj), saved, now)
                (ocsps if fresh else []).append(obj)
            elif f.suffix == ".crl":
                obj = asn1_crl.CertificateList.load(data)
                fresh = _fresh(_crl_next_update(obj), saved, now)
                (crls if fresh else []).append(obj)
            else:
                continue
            if not fresh:
                f.unlink(missing_ok=True)
        except Exception:  # noqa: BLE001 - a damaged cache file is dropped
            log.info("Dropping unreadable cache file %s", f)
            f.unlink(missing_ok=True)
    return ocsps, crls


def save_cache(vc) -> int:
    """Save what ``vc`` holds (fetched or embedded answers); returns how many are new."""
    d = folder()
    n = 0
    try:
        items = [(o.dump(), ".ocsp") for o in vc.ocsps] + [(c.dump(), ".crl") for c in vc.crls]
    except Exception:  # noqa: BLE001
        return 0
    for der, suffix in items:
        f = d / (hashlib.sha256(der).hexdigest()[:32] + suffix)
        if f.exists():
            continue
        try:
            write_bytes_atomic(f, der)
            n += 1
        except OSError:
            log.info("Could not write the revocation cache in %s", d, exc_info=True)
            return n
    return n
