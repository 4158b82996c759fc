"""Validation report for every signature in a file (Decree 30, art. 21.2.a).

For each signature: who signed and when, whether the signed bytes are intact
and the signature matches its certificate, what the signature covers, what
changed after it (nothing, allowed form filling, or something suspicious),
whether the certificate chains to a trusted root, and revocation when known.
A document is valid when it has signatures and every one of them is.

pyHanko does the cryptography and the difference analysis; this module turns
its findings into plain verdicts with reasons a receiving clerk can read.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from . import messages
from .changes import Change, compare_revisions
from .errors import DocumentError
from .pdfdoc import open_pdf
from .tokens import _name_str

log = logging.getLogger(__name__)


class _NoChainIsAVerdict(logging.Filter):
    """pyHanko logs a WARNING with a traceback when it finds no chain to a
    trusted root. For Kyso that is the verdict "untrusted", reported with its
    reason; it happens on every check made without roots (before adding a
    signature to a signed document, so a 200-document batch wrote 200
    tracebacks). Kept as one DEBUG line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).startswith("Failed to build path"):
            log.debug("no chain to a trusted root (reported as untrusted): %s", record.getMessage())
            return False
        return True


logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(_NoChainIsAVerdict())

NONE, FORM_FILLING, SUSPICIOUS = "none", "form_filling", "suspicious"


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    signer_subject: str
    signer_cert_sha256: str
    signing_time: datetime | None
    timestamp_time: datetime | None
    intact: bool
    crypto_valid: bool
    trusted: bool
    revoked: bool | None       # None: no revocation information was available
    modification: str          # none | form_filling | suspicious
    coverage: str              # entire_file | entire_revision | partial
    revision: int              # 1-based revision the signature closes
    revisions: int
    problems: tuple[str, ...]  # message codes, empty when valid
    #: What changed after this signature that it does not allow: after the last
    #: signature anything but validation data; a field it locked, ever.
    changes: tuple[Change, ...] = ()
    detail: str | None = None  # why a damaged signature could not be checked

    @property
    def valid(self) -> bool:
        return not self.problems

    def covers(self, lang: str | None = None) -> str:
        en = (lang or messages.language()) == messages.EN
        if self.coverage == "entire_file":
            return "the whole document" if en else "toàn bộ văn bản"
        if self.coverage == "entire_revision":
            return (f"revision {self.revision} of {self.revisions}" if en
                    else f"phiên bản {self.revision}/{self.revisions} của văn bản")
        return "part of the file only" if en else "chỉ một phần tệp"

    def reasons(self, lang: str | None = None) -> list[str]:
        out = [messages.tr(code, lang=lang, detail=self.detail or "?") for code in self.problems]
        out += [c.describe(lang) for c in self.changes]
        return out

    def to_json(self) -> dict:
        return {
            "field": self.field,
            "signer": self.signer,
            "signer_subject": self.signer_subject,
            "signer_cert_sha256": self.signer_cert_sha256,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamp_time": self.timestamp_time.isoformat() if self.timestamp_time else None,
            "intact": self.intact,
            "crypto_valid": self.crypto_valid,
            "trusted": self.trusted,
            "revoked": self.revoked,
            "modification": self.modification,
            "coverage": self.coverage,
            "covers": self.covers(),
            "revision": self.revision,
            "valid": self.valid,
            "problems": list(self.problems),
            "reasons": self.reasons(),
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass(frozen=True)
class DocumentReport:
    path: str
    signatures: tuple[SignatureReport, ...] = ()
    error: str | None = None   # the document could not be read at all
    error_code: str | None = None

    @property
    def valid(self) -> bool:
        return self.error is None and bool(self.signatures) and all(s.valid for s in self.signatures)

    def to_json(self) -> dict:
        out = {"file": self.path, "valid": self.valid,
               "signatures": [s.to_json() for s in self.signatures]}
        if self.error:
            out["error"] = self.error
            out["error_code"] = self.error_code
        elif not self.signatures:
            out["error"] = messages.tr("verify.no_signatures")
            out["error_code"] = "verify.no_signatures"
        return out


def load_certificates(paths: Iterable[Path | str]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM or DER files (one or many per file)."""
    certs = []
    for p in paths:
        data = Path(p).read_bytes()
        if pem.detect(data):
            for _, _, der in pem.unarmor(data, multiple=True):
                certs.append(asn1_x509.Certificate.load(der))
        else:
            certs.append(asn1_x509.Certificate.load(data))
    return certs


def ca_certificates(extra: Iterable[Path | str] = ()) -> list[asn1_x509.Certificate]:
    """Intermediate CA certificates: the ``ca-certs`` folder in the config dir, plus ``extra``.

    A token often holds only the signer's own certificate; these complete the
    chain embedded in signatures and help path building when verifying.
    """
    from . import paths

    files = list(extra)
    folder = paths.config_dir() / "ca-certs"
    if folder.is_dir():
        files.extend(sorted(p for p in folder.iterdir() if p.suffix.lower() in (".pem", ".crt", ".cer", ".der")))
    return load_certificates(files)


def validation_context(trust_roots: Iterable[asn1_x509.Certificate] = (),
                       fetch_revocation: bool = False) -> ValidationContext:
    """Trust only the given roots; fetch OCSP/CRL over the network only if asked."""
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=ca_certificates(),
        allow_fetching=fetch_revocation,
        revocation_mode="soft-fail",
    )


_MODIFICATION = {
    ModificationLevel.NONE: NONE,
    ModificationLevel.LTA_UPDATES: NONE,
    ModificationLevel.FORM_FILLING: FORM_FILLING,
}


def _trailing_garbage(emb, revisions: int, file_size: int) -> bool:
    """Bytes after the last signed revision that are not a revision of their own.

    pyHanko judges such a signature "entire revision"; but nothing may follow
    the final revision's end except white space.
    """
    if emb.signed_revision != revisions - 1:
        return False
    byte_range = [int(v) for v in emb.sig_object["/ByteRange"]]
    end = byte_range[2] + byte_range[3]
    if end >= file_size:
        return False
    stream = emb.reader.stream
    here = stream.tell()
    try:
        stream.seek(end)
        rest = stream.read(file_size - end)
    finally:
        stream.seek(here)
    return bool(rest.strip())


async def _check_signature(emb, vc: ValidationContext, revisions: int,
                           file_size: int) -> SignatureReport:
    status = await async_validate_pdf_signature(emb, signer_validation_context=vc)
    mod_level = status.modification_level
    modification = _MODIFICATION.get(mod_level, SUSPICIOUS) if mod_level is not None else SUSPICIOUS
    if status.docmdp_ok is False:
        modification = SUSPICIOUS
    cov = status.coverage
    coverage = ("entire_file" if cov == SignatureCoverageLevel.ENTIRE_FILE
                else "entire_revision" if cov == SignatureCoverageLevel.ENTIRE_REVISION
                else "partial")
    cert = emb.signer_cert
    revoked: bool | None = None
    if status.revoked:
        revoked = True
    elif status.validation_path is not None and status.trusted and vc.fetching_allowed:
        revoked = False
    problems: list[str] = []
    if not status.intact:
        problems.append("verify.not_intact")
    elif not status.valid:
        problems.append("verify.bad_crypto")
    if coverage == "partial" or _trailing_garbage(emb, revisions, file_size):
        problems.append("verify.coverage")
    if modification == SUSPICIOUS:
        problems.append("verify.suspicious")
    if revoked:
        problems.append("verify.revoked")
    elif not status.trusted:
        problems.append("verify.untrusted")
    ts = status.timestamp_validity
    signing_time = status.signer_reported_dt
    return SignatureReport(
        field=emb.field_name,
        signer=str(cert.subject.native.get("common_name", "")),
        signer_subject=_name_str(cert.subject),
        signer_cert_sha256=cert.sha256.hex(),
        signing_time=signing_time,
        timestamp_time=ts.timestamp if ts is not None else None,
        intact=bool(status.intact),
        crypto_valid=bool(status.valid),
        trusted=bool(status.trusted),
        revoked=revoked,
        modification=modification,
        coverage=coverage,
        revision=emb.signed_revision + 1,
        revisions=revisions,
        problems=tuple(problems),
    )


def _damaged(field: str, revisions: int, exc: BaseException) -> SignatureReport:
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return SignatureReport(
        field=field, signer="", signer_subject="",
        signer_cert_sha256="", signing_time=None, timestamp_time=None, intact=False,
        crypto_valid=False, trusted=False, revoked=None, modification=SUSPICIOUS,
        coverage="partial", revision=0, revisions=revisions,
        problems=("verify.damaged",), detail=detail)


def _signatures(reader: PdfFileReader) -> list:
    """The regular signatures; one that cannot even be read becomes an exception
    in the list, so it is reported damaged instead of hiding the others."""
    try:
        return list(reader.embedded_regular_signatures)
    except Exception as exc:  # fall back to one field at a time
        log.info("Signatures unreadable as a whole: %r", exc)
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    out: list = []
    try:
        for name, value, ref in enumerate_sig_fields(reader, filled_status=True):
            try:
                v = value.get_object() if value is not None else None
                if v is not None and v.get("/Type") == "/DocTimeStamp":
                    continue
                out.append(EmbeddedPdfSignature(reader, ref.get_object(), name))
            except Exception as exc:
                out.append((str(name), exc))
    except Exception as exc:
        out.append(("?", exc))
    return out


def _lock_spec(emb):
    """The signature's field lock (/Reference FieldMDP, else its field's /Lock)."""
    from pyhanko.sign.fields import FieldMDPSpec

    try:
        spec = emb.fieldmdp
        if spec is None and "/Lock" in emb.sig_field:
            spec = FieldMDPSpec.from_pdf_object(emb.sig_field["/Lock"])
        return spec
    except Exception:
        return None


_FIELD_KINDS = ("field_value", "field_appearance", "field_flags", "field_changed", "field_removed")


def _after_checks(reader: PdfFileReader, embs: list, reports: list[SignatureReport],
                  revisions: int) -> list[SignatureReport]:
    """Add what changed after the last signature, and changes to locked fields."""
    from dataclasses import replace

    cache: dict[int, list[Change]] = {}

    def changes_since(rev: int) -> list[Change]:
        if rev not in cache:
            cache[rev] = compare_revisions(reader.get_historical_resolver(rev),
                                           reader.get_historical_resolver(revisions - 1))
        return cache[rev]

    pairs = [(e, r) for e, r in zip(embs, reports) if r.revision > 0]
    last_rev = max((r.revision for _, r in pairs), default=0)
    out = list(reports)
    for i, rep in enumerate(out):
        if rep.revision <= 0:
            continue
        emb = embs[i]
        problems, changes = list(rep.problems), list(rep.changes)
        try:
            spec = _lock_spec(emb)
            if spec is not None and rep.revision < revisions:
                locked = [c for c in changes_since(rep.revision - 1)
                          if c.kind in _FIELD_KINDS and c.field and spec.is_locked(c.field)]
                if locked:
                    problems.append("verify.locked_field_changed")
                    changes += [c for c in locked if c not in changes]
            if rep.revision == last_rev and rep.revision < revisions:
                after = changes_since(rep.revision - 1)
                if not after and rep.modification != NONE:
                    after = [Change("other", rep.modification)]
                if after:
                    problems.append("verify.changed_after_last")
                    changes += [c for c in after if c not in changes]
        except Exception as exc:  # the comparison itself failed: not a pass
            log.info("Could not compare revisions after %s: %r", rep.field, exc)
            problems.append("verify.changed_after_last")
            changes.append(Change("other", type(exc).__name__))
        if problems != list(rep.problems) or changes != list(rep.changes):
            out[i] = replace(rep, problems=tuple(dict.fromkeys(problems)), changes=tuple(changes))
    return out


async def check_signatures(reader: PdfFileReader, vc: ValidationContext) -> list[SignatureReport]:
    revisions = reader.xrefs.total_revisions
    stream = reader.stream
    here = stream.tell()
    file_size = stream.seek(0, 2)
    stream.seek(here)
    reports: list[SignatureReport] = []
    embs: list = []
    for emb in _signatures(reader):
        if isinstance(emb, tuple):
            name, exc = emb
            reports.append(_damaged(name, revisions, exc))
            embs.append(None)
            continue
        try:
            reports.append(await _check_signature(emb, vc, revisions, file_size))
        except Exception as exc:  # a malformed signature is a verdict, not a crash
            log.info("Could not validate signature %s: %r", getattr(emb, "field_name", "?"), exc)
            reports.append(_damaged(str(getattr(emb, "field_name", "?")), revisions, exc))
        embs.append(emb)
    return _after_checks(reader, embs, reports, revisions)


def verify_file(path: Path | str, trust_roots: Iterable[asn1_x509.Certificate] = (),
                fetch_revocation: bool = False, password: str | None = None) -> DocumentReport:
    """Verify every signature in ``path``; never raises for a bad document."""
    path = Path(path)
    try:
        with open_pdf(path, password=password) as doc:
            vc = validation_context(trust_roots, fetch_revocation)
            sigs = asyncio.run(check_signatures(doc.reader, vc))
    except DocumentError as exc:
        return DocumentReport(str(path), error=exc.message, error_code=exc.code)
    except (Exception, RecursionError, MemoryError) as exc:  # a verdict, never a traceback
        log.info("Verifying %s failed: %r", path, exc)
        detail = type(exc).__name__
        return DocumentReport(str(path), error=messages.tr("verify.unreadable", detail=detail),
                              error_code="verify.unreadable")
    return DocumentReport(str(path), tuple(sigs))
