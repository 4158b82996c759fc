"""Validation report for every signature in a file (Decree 30, art. 21.2.a).

For each signature: who signed and when, whether the signed bytes are intact
and the signature matches its certificate, what the signature covers, what
changed after it (nothing, allowed form filling, or something suspicious),
whether the certificate chains to a trusted root, and revocation when known.
A document is valid when it has signatures and every one of them is.

pyHanko does the cryptography; :mod:`.changes` names what changed after each
signature and :mod:`.visual` compares what each signed revision showed with
what the file shows now. Verdicts follow ETSI EN 319 102-1: passed, failed
(something was found wrong), indeterminate (it could not be concluded: no
trusted chain, an analysis that could not finish), with the reasons a
receiving clerk can read. Document timestamps are validation data, listed
apart, never counted as signatures.
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
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from . import messages
from .changes import Change, compare_revisions
from .errors import DocumentError
from .pdfdoc import open_pdf
from .trust import name_str as _name_str
from .visual import Region

log = logging.getLogger(__name__)

from . import pdffast  # noqa: E402

pdffast.install()


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
PASSED, FAILED, INDETERMINATE = "passed", "failed", "indeterminate"

#: Problems that mean "found wrong" (ETSI EN 319 102-1 FAILED); any other
#: problem means the check could not conclude (INDETERMINATE).
FAILING = frozenset({
    "verify.not_intact", "verify.bad_crypto", "verify.coverage", "verify.suspicious",
    "verify.revoked", "verify.changed_after_last", "verify.locked_field_changed",
    "verify.damaged", "verify.signed_attrs_not_der", "verify.over_signed_content",
    "verify.docmdp", "verify.damaged_file", "verify.timestamp_bad",
})


def indication_of(problems: Iterable[str]) -> str:
    problems = list(problems)
    if any(p in FAILING for p in problems):
        return FAILED
    return INDETERMINATE if problems else PASSED


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
    #: What changed after this signature that it does not allow (not permitted).
    changes: tuple[Change, ...] = ()
    detail: str | None = None  # why a damaged signature could not be checked
    #: What changed after it that is permitted (later signatures, form filling
    #: in blank areas, annotations where allowed, structure updates).
    permitted: tuple[Change, ...] = ()
    #: Areas of the page shown differently now than when signed.
    regions: tuple[Region, ...] = ()
    organisation: str = ""
    chain: tuple[str, ...] = ()          # the signer's certificate up to its anchor (names)
    pool: str | None = None              # the trust pool of that anchor
    revocation: str = "not_checked"      # good | revoked | not_checked
    notes: tuple[str, ...] = ()          # codes that inform without deciding
    params: tuple[tuple[str, str], ...] = ()   # code -> what its sentence names
    end: int = 0                         # byte offset where the signed revision ends

    @property
    def indication(self) -> str:
        return indication_of(self.problems)

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

    def _sentence(self, code: str, lang: str | None) -> str:
        p = dict(self.params)
        if code == "verify.pool":
            from .trust import POOL_NAMES

            vi, en = POOL_NAMES.get(self.pool or "", (self.pool or "?", self.pool or "?"))
            return messages.tr(code, lang=lang, detail=en if (lang or messages.language()) == messages.EN else vi)
        return messages.tr(code, lang=lang, detail=p.get(code, self.detail or "?"),
                           field=p.get(code, self.detail or "?"))

    def reasons(self, lang: str | None = None) -> list[str]:
        out = [self._sentence(code, lang) for code in self.problems]
        out += [c.describe(lang) for c in self.changes]
        return out

    def note_texts(self, lang: str | None = None) -> list[str]:
        return [self._sentence(code, lang) for code in self.notes]

    def to_json(self) -> dict:
        return {
            "field": self.field,
            "indication": self.indication,
            "signer": self.signer,
            "signer_subject": self.signer_subject,
            "organisation": self.organisation,
            "signer_cert_sha256": self.signer_cert_sha256,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamp_time": self.timestamp_time.isoformat() if self.timestamp_time else None,
            "intact": self.intact,
            "crypto_valid": self.crypto_valid,
            "trusted": self.trusted,
            "chain": list(self.chain),
            "trust_pool": self.pool,
            "revoked": self.revoked,
            "revocation": self.revocation,
            "modification": self.modification,
            "coverage": self.coverage,
            "covers": self.covers(),
            "revision": self.revision,
            "valid": self.valid,
            "problems": list(self.problems),
            "reasons": self.reasons(),
            "notes": self.note_texts(),
            "changes": [c.to_json() for c in self.changes],
            "permitted_changes": [c.to_json() for c in self.permitted],
            "regions": [r.to_json() for r in self.regions],
        }


@dataclass(frozen=True)
class TimestampReport:
    """A document timestamp (ETSI.RFC3161): validation data, not a signature."""

    field: str
    time: datetime | None
    tsa: str
    intact: bool
    trusted: bool
    revision: int

    @property
    def indication(self) -> str:
        return PASSED if self.intact and self.trusted else FAILED if not self.intact else INDETERMINATE

    def reasons(self, lang: str | None = None) -> list[str]:
        if not self.intact:
            return [messages.tr("verify.timestamp_bad", lang=lang)]
        if not self.trusted:
            return [messages.tr("verify.timestamp_untrusted", lang=lang)]
        return []

    def to_json(self) -> dict:
        return {"field": self.field, "indication": self.indication,
                "time": self.time.isoformat() if self.time else None, "tsa": self.tsa,
                "intact": self.intact, "trusted": self.trusted, "revision": self.revision,
                "reasons": self.reasons()}


#: Where a file could not be read at all: found wrong (damaged, forged
#: structure) or not checkable (no password).
_FILE_FAILED = frozenset({"doc.corrupt", "doc.not_pdf", "verify.damaged_file", "verify.unreadable"})


@dataclass(frozen=True)
class DocumentReport:
    path: str
    signatures: tuple[SignatureReport, ...] = ()
    error: str | None = None   # the document could not be read at all
    error_code: str | None = None
    timestamps: tuple[TimestampReport, ...] = ()
    sha256: str | None = None

    @property
    def valid(self) -> bool:
        return self.indication == PASSED

    @property
    def indication(self) -> str:
        if self.error:
            return FAILED if self.error_code in _FILE_FAILED else INDETERMINATE
        if not self.signatures:
            return INDETERMINATE
        # a document timestamp is validation data: a broken one fails the file; one
        # from an untrusted authority is shown as such but decides nothing
        states = [s.indication for s in self.signatures] + [
            t.indication for t in self.timestamps if t.indication == FAILED]
        if FAILED in states:
            return FAILED
        return INDETERMINATE if INDETERMINATE in states else PASSED

    def reasons(self, lang: str | None = None) -> list[str]:
        if self.error:
            return [self.error]
        if not self.signatures:
            return [messages.tr("verify.no_signatures", lang=lang)]
        out = []
        for s in self.signatures:
            out += [f"{s.field}: {r}" for r in s.reasons(lang)]
        for t in self.timestamps:
            out += [f"{t.field}: {r}" for r in t.reasons(lang)]
        return out

    def to_json(self) -> dict:
        out = {"file": self.path, "valid": self.valid, "indication": self.indication,
               "reasons": self.reasons(), "sha256": self.sha256,
               "signatures": [s.to_json() for s in self.signatures],
               "document_timestamps": [t.to_json() for t in self.timestamps]}
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
                       fetch_revocation: bool = False, *, shipped: bool = True,
                       ocsps=(), crls=(), certs=()) -> ValidationContext:
    """The enabled trust pools (shipped, administrator's) plus ``trust_roots``;
    OCSP, CRLs and missing intermediates fetched over the network only if asked."""
    from . import trust

    if not shipped:
        return ValidationContext(trust_roots=list(trust_roots), other_certs=ca_certificates(),
                                 allow_fetching=fetch_revocation, revocation_mode="soft-fail")
    ts = trust.setup(trust_roots, ca_certificates())
    return trust.validation_context(ts, online=fetch_revocation, ocsps=ocsps, crls=crls, certs=certs)


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


def signed_attrs_der(emb) -> bool:
    """Whether the CMS signed attributes are a DER SET OF: elements sorted by
    their encodings, nothing else in between. pyHanko hashes the bytes as
    found; ETSI EN 319 122 and DSS re-encode as DER, so an unsorted set fails
    there with a hash mismatch, and here too."""
    try:
        attrs = emb.signer_info["signed_attrs"]
        if not attrs:
            return True
        contents = attrs.contents
        elems = [a.dump() for a in attrs]
    except Exception:  # noqa: BLE001 - unreadable: the crypto check will say so
        return True
    if b"".join(elems) != contents:
        return False
    width = max(len(e) for e in elems)
    padded = [e + b"\0" * (width - len(e)) for e in elems]
    return padded == sorted(padded)


def _revocation_known(vc: ValidationContext, cert) -> bool:
    try:
        for resp in vc.ocsps:
            basic = resp["response_bytes"]["response"].parsed
            for single in basic["tbs_response_data"]["responses"]:
                if single["cert_id"]["serial_number"].native == cert.serial_number:
                    return True
        for c in vc.crls:
            if c.issuer == cert.issuer:
                return True
    except Exception:
        log.debug("revocation data unreadable", exc_info=True)
    return False


def _byte_end(emb) -> int:
    try:
        br = [int(v) for v in emb.sig_object["/ByteRange"]]
        return br[2] + br[3]
    except Exception:  # noqa: BLE001
        return 0


async def _check_signature(emb, vc: ValidationContext, revisions: int,
                           file_size: int, ts=None) -> SignatureReport:
    status = await async_validate_pdf_signature(emb, signer_validation_context=vc, skip_diff=True)
    cov = status.coverage
    coverage = ("entire_file" if cov == SignatureCoverageLevel.ENTIRE_FILE
                else "entire_revision" if cov == SignatureCoverageLevel.ENTIRE_REVISION
                else "partial")
    cert = emb.signer_cert
    revoked: bool | None = None
    revocation = "not_checked"
    if status.revoked:
        revoked, revocation = True, "revoked"
    elif status.validation_path is not None and status.trusted and _revocation_known(vc, cert):
        revoked, revocation = False, "good"
    problems: list[str] = []
    notes: list[str] = []
    if not status.intact:
        problems.append("verify.not_intact")
    elif not status.valid:
        problems.append("verify.bad_crypto")
    elif not signed_attrs_der(emb):
        problems.append("verify.signed_attrs_not_der")
    if coverage == "partial" or _trailing_garbage(emb, revisions, file_size):
        problems.append("verify.coverage")
    if revoked:
        problems.append("verify.revoked")
    elif not status.trusted:
        problems.append("verify.untrusted")
    chain: tuple[str, ...] = ()
    pool = None
    if status.validation_path is not None:
        from .trust import describe

        certs = list(status.validation_path)
        chain = tuple(describe(c) for c in reversed(certs))
        if ts is not None and certs:
            pool = ts.pool_for(certs[0])
    else:   # no path to an anchor: what the signature itself names
        try:
            chain = (str(cert.subject.native.get("common_name", "")),
                     str(cert.issuer.native.get("common_name", "")) + " (?)")
        except Exception:  # noqa: BLE001
            chain = ()
    if status.trusted and pool:
        notes.append("verify.pool")
    if revocation == "not_checked" and status.trusted:
        notes.append("verify.revocation_not_checked")
    elif revocation == "good":
        notes.append("verify.revocation_good")
    ts_ = status.timestamp_validity
    subject = cert.subject.native
    return SignatureReport(
        field=str(emb.field_name),
        signer=str(subject.get("common_name", "")),
        signer_subject=_name_str(cert.subject),
        signer_cert_sha256=cert.sha256.hex(),
        signing_time=status.signer_reported_dt,
        timestamp_time=ts_.timestamp if ts_ is not None else None,
        intact=bool(status.intact),
        crypto_valid=bool(status.valid),
        trusted=bool(status.trusted),
        revoked=revoked,
        modification=NONE,
        coverage=coverage,
        revision=emb.signed_revision + 1,
        revisions=revisions,
        problems=tuple(problems),
        organisation=str(subject.get("organization_name", "") or ""),
        chain=chain, pool=pool, revocation=revocation, notes=tuple(notes),
        end=_byte_end(emb),
    )


def _damaged(field: str, revisions: int, exc: BaseException) -> SignatureReport:
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return SignatureReport(
        field=field, signer="", signer_subject="",
        signer_cert_sha256="", signing_time=None, timestamp_time=None, intact=False,
        crypto_valid=False, trusted=False, revoked=None, modification=SUSPICIOUS,
        coverage="partial", revision=0, revisions=revisions,
        problems=("verify.damaged",), detail=detail)


def _is_timestamp(emb) -> bool:
    """A document timestamp, by /Type or by its /SubFilter (some writers leave /Type out)."""
    try:
        so = emb.sig_object
        return so.get("/Type") == "/DocTimeStamp" or so.get("/SubFilter") == "/ETSI.RFC3161"
    except Exception:  # noqa: BLE001
        return False


def _signatures(reader: PdfFileReader) -> list:
    """Every signature and document timestamp; one that cannot even be read
    becomes an exception in the list, so it is reported damaged instead of
    hiding the others."""
    try:
        return list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - fall back to one field at a time
        log.info("Signatures unreadable as a whole: %r", exc)
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    out: list = []
    try:
        for name, value, ref in enumerate_sig_fields(reader, filled_status=True):
            try:
                out.append(EmbeddedPdfSignature(reader, ref.get_object(), name))
            except Exception as exc:  # noqa: BLE001 - a damaged signature field is a verdict, not a crash
                v = value.get_object() if value is not None else None
                if v is not None and (v.get("/Type") == "/DocTimeStamp"
                                      or v.get("/SubFilter") == "/ETSI.RFC3161"):
                    continue
                out.append((str(name), exc))
    except Exception as exc:  # noqa: BLE001 - the form itself unreadable: reported as damaged
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
    except Exception:  # noqa: BLE001 - an unreadable /Lock: no lock to enforce
        return None


def _docmdp(emb) -> int | None:
    """P of a certification signature (1 no changes, 2 forms and signing, 3 also annotations)."""
    try:
        level = emb.docmdp_level
        return int(level.value) if level is not None else None
    except Exception:  # noqa: BLE001
        return None


_FIELD_KINDS = ("field_value", "field_appearance", "field_flags", "field_changed", "field_removed")
_FILL_KINDS = frozenset({"field_value", "field_appearance", "field_flags"})
_ANNOT_KINDS = frozenset({"annotation_added", "annotation_changed", "annotation_removed"})
#: Catalogue entries that describe structure, never what a page shows.
_STRUCTURE = frozenset({"/StructTreeRoot", "/MarkInfo"})


#: Changes that draw only inside their rectangle (a widget or an annotation
#: shows its appearance stream mapped into its /Rect, clipped to it).
_IN_RECT = frozenset({"signature_added", "signature_field_added", "field_added", "field_removed",
                      *_FIELD_KINDS, *_ANNOT_KINDS})


def _signed_only(changes: list[Change]) -> dict[int, list]:
    """Pages where the only changes are new signatures with their rectangles
    (the case of every document signed by several people), with those."""
    out: dict[int, list] = {}
    other: set = set()
    for c in changes:
        if c.kind == "signature_added" and c.page and c.rect is not None and len(c.areas()) == 1:
            out.setdefault(c.page, []).append(c.rect)
        else:
            other |= {page for page, _rect in c.areas()}
    return {p: rects for p, rects in out.items() if p not in other}


def _areas(changes: list[Change]) -> dict[int, list | None]:
    """Pages to compare (1-based), each with the rectangles to compare around,
    or None for the whole page (a change to the page itself, or one without a
    rectangle)."""
    out: dict[int, list | None] = {}
    for c in changes:
        for page, rect in c.areas():
            if not page:
                continue
            if c.kind in _IN_RECT and rect is not None:
                if page not in out:
                    out[page] = [rect]
                elif out[page] is not None:
                    out[page].append(rect)
            else:
                out[page] = None
    return out


def _judge(rep: SignatureReport, changes: list[Change], spec, perm: int | None,
           is_last: bool, comparer) -> SignatureReport:
    """Sort what changed after ``rep``'s revision into permitted and not, with
    the regions shown differently; returns the report with its verdict."""
    from dataclasses import replace

    permitted: list[Change] = []
    bad: list[tuple[Change, str]] = []
    visual: list[Change] = []
    for c in changes:
        if c.kind == "signature_added":
            (bad.append((c, "verify.docmdp")) if perm == 1 else permitted.append(c))
        elif c.kind == "signature_field_added":
            # allowed before a later signature that covers it (the clerk's revision adding
            # the number and date over the blanks of a document signed by another tool),
            # if it shows nothing over signed content; after the last signature, never
            if is_last:
                bad.append((c, "verify.changed_after_last"))
            elif perm == 1:
                bad.append((c, "verify.docmdp"))
            else:
                visual.append(c)
        elif c.kind in _FILL_KINDS:
            if spec is not None and c.field and spec.is_locked(c.field):
                bad.append((c, "verify.locked_field_changed"))
            elif perm == 1:
                bad.append((c, "verify.docmdp"))
            else:
                visual.append(c)
        elif c.kind in _ANNOT_KINDS:
            (bad.append((c, "verify.docmdp")) if perm in (1, 2) else visual.append(c))
        elif c.kind == "page_resources":
            visual.append(c)
        elif c.kind == "catalog" and c.field in _STRUCTURE:
            permitted.append(c)
        elif c.kind in _FIELD_KINDS and spec is not None and c.field and spec.is_locked(c.field):
            bad.append((c, "verify.locked_field_changed"))
        else:
            bad.append((c, "verify.changed_after_last" if is_last else "verify.suspicious"))
    regions: list[Region] = []
    pages = _areas(changes)
    whole = any(c.page is None for c in visual)
    stamped = {} if whole else _signed_only(changes)
    pages = {p: a for p, a in pages.items() if p not in stamped}
    need = bool(pages) or bool(stamped) or whole
    undecided: list[Change] = []
    if comparer is not None and rep.end and need:
        try:
            regions = comparer.regions(rep.end, None if whole else pages) if pages or whole else []
            for p, rects in sorted(stamped.items()):
                regions += comparer.stamps(rep.end, p, rects)
        except Exception as exc:  # noqa: BLE001 - a revision PDFium cannot open
            log.info("Could not render the revision of %s: %r", rep.field, exc)
            undecided, visual = visual, []
    elif visual:            # no pictures to look at (not asked for, or no byte range)
        undecided, visual = visual, []
    if undecided:
        # what was found wrong stays failed; what needed the pictures is undecided
        names = ", ".join(dict.fromkeys(c.field or c.kind for c in undecided))
        rep = replace(rep, problems=tuple(list(rep.problems) + ["verify.analysis_incomplete"]),
                      params=tuple(dict(rep.params, **{"verify.analysis_incomplete": f"PDFium: {names}"}).items()))
    for c in visual:
        hits = [r for r in regions if r.page == c.page and (
            c.kind == "page_resources" or r.intersects(c.rect) or c.rect is None)]
        if c.kind == "page_resources":
            (bad.append((c, "verify.suspicious")) if hits else permitted.append(c))
        elif any(r.covers_signed_content for r in hits):
            bad.append((c, "verify.over_signed_content"))
        else:
            permitted.append(c)
    problems = list(rep.problems)
    params = dict(rep.params)
    for c, code in bad:
        problems.append(code)
        if code == "verify.over_signed_content":
            params[code] = c.field or "?"
        elif code == "verify.docmdp":
            params[code] = str(perm)
    if bad and is_last:
        problems.append("verify.changed_after_last")
    bad_changes = [c for c, _ in bad]
    modification = SUSPICIOUS if bad else FORM_FILLING if permitted or undecided else NONE
    return replace(rep, problems=tuple(dict.fromkeys(problems)),
                   changes=tuple(dict.fromkeys(bad_changes)),
                   permitted=tuple(dict.fromkeys(permitted)),
                   regions=tuple(regions), modification=modification, params=tuple(params.items()))


def _after_checks(reader: PdfFileReader, embs: list, reports: list[SignatureReport],
                  revisions: int, comparer=None) -> list[SignatureReport]:
    """What changed after each signature: permitted or not, and where."""
    from dataclasses import replace

    final = None
    pairs = [(e, r) for e, r in zip(embs, reports) if r.revision > 0]
    last_rev = max((r.revision for _, r in pairs), default=0)
    perm = None
    for e, _r in pairs:   # the certification signature's permissions
        p = _docmdp(e)
        if p is not None and (perm is None or p < perm):
            perm = p
    out = list(reports)
    for i, rep in enumerate(out):
        if rep.revision <= 0 or rep.revision >= revisions:
            continue
        emb = embs[i]
        try:
            if final is None:
                final = reader        # the newest revision: the reader's objects, not copies
            changes = compare_revisions(reader.get_historical_resolver(rep.revision - 1), final)
            if not changes:
                continue
            # a certification's P binds what follows it, not what came before it
            p = perm if any(_docmdp(e) is not None and r.revision <= rep.revision
                            for e, r in pairs) else None
            out[i] = _judge(rep, changes, _lock_spec(emb), p, rep.revision == last_rev, comparer)
        except Exception as exc:  # noqa: BLE001 - the analysis itself failed: not a verdict of tampering
            log.info("Could not compare revisions after %s: %r", rep.field, exc)
            detail = (str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__)
            out[i] = replace(rep, problems=tuple(dict.fromkeys(
                list(rep.problems) + ["verify.analysis_incomplete"])),
                params=tuple(dict(rep.params, **{"verify.analysis_incomplete": detail}).items()))
    return out


async def _check_timestamp(emb, vc: ValidationContext) -> TimestampReport:
    from pyhanko.sign.validation import async_validate_pdf_timestamp

    try:
        if emb.sig_object.get("/Type") is None:
            # /Type left out by the writer (its /SubFilter says ETSI.RFC3161): pyHanko
            # wants the type; set in memory only, the bytes checked are the file's
            from pyhanko.pdf_utils.generic import pdf_name

            emb.sig_object[pdf_name("/Type")] = pdf_name("/DocTimeStamp")
        st = await async_validate_pdf_timestamp(emb, validation_context=vc)
        tsa = ""
        try:
            tsa = str(emb.signer_cert.subject.native.get("common_name", ""))
        except Exception:  # noqa: BLE001
            pass
        return TimestampReport(str(emb.field_name), st.timestamp, tsa, bool(st.intact and st.valid),
                               bool(st.trusted), emb.signed_revision + 1)
    except Exception as exc:  # noqa: BLE001 - a broken timestamp is a verdict
        log.info("Could not validate document timestamp %s: %r", emb.field_name, exc)
        return TimestampReport(str(emb.field_name), None, "", False, False, 0)


def _cms_serials(emb) -> set[int]:
    """Serial numbers of the certificates a signature carries (its signer's first)."""
    out = {emb.signer_cert.serial_number}
    for choice in emb.signed_data["certificates"] or ():
        try:
            if choice.name == "certificate":
                out.add(choice.chosen.serial_number)
        except Exception:  # noqa: BLE001
            continue
    return out


def _ocsp_serials(resp) -> set[int]:
    try:
        basic = resp["response_bytes"]["response"].parsed
        return {r["cert_id"]["serial_number"].native for r in basic["tbs_response_data"]["responses"]}
    except Exception:  # noqa: BLE001
        return set()


def _dss_material(reader: PdfFileReader):
    """Certificates, OCSP responses and CRLs of the document's DSS (validation data)."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # noqa: BLE001 - no DSS
        return [], [], []
    certs, ocsps, crls = [], [], []
    try:
        certs = list(dss.load_certs())
        for ref in dss.ocsps:
            ocsps.append(asn1_ocsp.OCSPResponse.load(ref.get_object().data))
        for ref in dss.crls:
            crls.append(asn1_crl.CertificateList.load(ref.get_object().data))
    except Exception:
        log.info("DSS partly unreadable", exc_info=True)
    return certs, ocsps, crls


async def check_signatures(reader: PdfFileReader, vc: ValidationContext | None = None, *,
                           trust_roots: Iterable[asn1_x509.Certificate] = (), online: bool = False,
                           password: str | None = None, visual: bool = True,
                           timestamps: list | None = None) -> list[SignatureReport]:
    """Every signature of ``reader``'s file. Without ``vc``, one is made from the
    trust pools, ``trust_roots``, the DSS and the revocation cache (``online``:
    fetch OCSP/CRL and AIA). Document timestamps go to ``timestamps`` if given."""
    from . import revocation, trust

    revisions = reader.xrefs.total_revisions
    stream = reader.stream
    here = stream.tell()
    file_size = stream.seek(0, 2)
    stream.seek(here)

    def whole_file() -> bytes:     # read only when something changed after a signature
        at = stream.tell()
        try:
            stream.seek(0)
            return stream.read()
        finally:
            stream.seek(at)
    ts = None
    given = vc
    if vc is None:
        ts = trust.setup(trust_roots, ca_certificates())
        certs, dss_ocsps, crls = _dss_material(reader)
        cached_o, cached_c = revocation.load_cache()
        all_ocsps = [o for o in dss_ocsps if revocation.usable(o)] + cached_o
        all_crls = [c for c in crls if revocation.usable(c)] + cached_c

    def context_for(emb) -> ValidationContext:
        """pyhanko-certvalidator counts an OCSP answer about another certificate of
        the same CA as a failed check: each signature gets the answers about its
        own certificates only."""
        if given is not None:
            return given
        serials = _cms_serials(emb)
        mine = [o for o in all_ocsps if _ocsp_serials(o) & serials]
        return trust.validation_context(ts, online=online, ocsps=mine, crls=all_crls, certs=certs)

    async def done_with(ctx: ValidationContext) -> None:
        if given is not None:
            return
        if online:
            revocation.save_cache(ctx)
        try:
            await ctx.aclose()                # the network session of an online check
        except Exception:
            log.debug("closing the validation context failed", exc_info=True)

    reports: list[SignatureReport] = []
    embs: list = []
    for emb in _signatures(reader):
        if isinstance(emb, tuple):
            name, exc = emb
            reports.append(_damaged(name, revisions, exc))
            embs.append(None)
            continue
        try:
            ctx = context_for(emb)
        except Exception:  # noqa: BLE001 - unreadable certificates: validated as damaged below
            ctx = given or trust.validation_context(ts, online=online, crls=all_crls, certs=certs)
        try:
            if _is_timestamp(emb):
                if timestamps is not None:
                    timestamps.append(await _check_timestamp(emb, ctx))
                continue
            try:
                reports.append(await _check_signature(emb, ctx, revisions, file_size, ts))
            except Exception as exc:  # noqa: BLE001 - a malformed signature is a verdict, not a crash
                log.info("Could not validate signature %s: %r", getattr(emb, "field_name", "?"), exc)
                reports.append(_damaged(str(getattr(emb, "field_name", "?")), revisions, exc))
            embs.append(emb)
        finally:
            await done_with(ctx)
    comparer = None
    if visual:
        from .visual import Comparer

        comparer = Comparer(whole_file, password)
    try:
        return _after_checks(reader, embs, reports, revisions, comparer)
    finally:
        if comparer is not None:
            comparer.close()


def verify_file(path: Path | str, trust_roots: Iterable[asn1_x509.Certificate] = (),
                fetch_revocation: bool = False, password: str | None = None) -> DocumentReport:
    """Verify every signature in ``path``; never raises for a bad document."""
    import hashlib

    path = Path(path)
    digest = None
    try:
        with open_pdf(path, password=password) as doc:
            doc.stream.seek(0)
            digest = hashlib.file_digest(doc.stream, "sha256").hexdigest()
            doc.stream.seek(0)
            stamps: list[TimestampReport] = []
            sigs = asyncio.run(check_signatures(doc.reader, trust_roots=trust_roots,
                                                online=fetch_revocation, password=doc.password,
                                                timestamps=stamps))
    except DocumentError as exc:
        code = exc.code
        if code == "doc.encrypted":
            return DocumentReport(str(path), error=messages.tr("verify.encrypted", path=path.name),
                                  error_code="verify.encrypted")
        if code in ("doc.corrupt", "doc.not_pdf"):
            return DocumentReport(str(path), error=messages.tr("verify.damaged_file", path=path.name),
                                  error_code=code, sha256=_sha256(path))
        return DocumentReport(str(path), error=exc.message, error_code=code)
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001 - a verdict, never a traceback
        log.info("Verifying %s failed: %r", path, exc)
        detail = type(exc).__name__
        return DocumentReport(str(path), error=messages.tr("verify.unreadable", detail=detail),
                              error_code="verify.unreadable", sha256=_sha256(path))
    return DocumentReport(str(path), tuple(sigs), timestamps=tuple(stamps), sha256=digest)


def _sha256(path: Path) -> str | None:
    import hashlib

    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except (OSError, ValueError):
        return None
