"""Signing one document or a batch: PAdES, incremental, atomic.

- PAdES baseline B-B (ETSI.CAdES.detached, SHA-256) by default; B-T when a
  timestamp server is given. RSA and ECDSA keys.
- Incremental updates only, so every earlier signature stays valid.
- The input is opened read-only and never modified; the result goes through
  :func:`kyso.core.fileio.atomic_output` (temp file beside the target, fsync,
  rename), so a crash or a pulled token never leaves half a file.
- The time printed on the stamp is the signing time recorded in the signature,
  in Vietnam time (UTC+07:00).
- Refused before anything is written: not a PDF, damaged, encrypted without
  its password, secret, or carrying a signature that does not hold (unless
  ``force``).
- Batches (one login, a result per document, stop on a token failure) are
  the application layer's one loop, :func:`kyso.services.batch.run_batch`,
  over :func:`sign_document`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from asn1crypto import x509 as asn1_x509
from pyhanko.sign import fields as sig_fields
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_signer import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import HTTPTimeStamper

from .errors import DocumentError, KysoError, UsageError
from .fileio import atomic_output
from .pdfdoc import PdfInput, open_pdf
from .stamp import (BLACK, Box, ImageBlock, KysoStampStyle, StampLayout, TextBlock, TextLine,
                    fit_layout)
from .verify import FAILING, check_signatures, validation_context
from .vntime import VIETNAM_TZ, format_time, vietnam_now  # noqa: F401 - re-exported: the stamp's time

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class SignerIdentity:
    """What a stamp may say about the signer, read from the certificate."""

    common_name: str
    organisation: str = ""
    title: str = ""

    @classmethod
    def from_certificate(cls, cert: asn1_x509.Certificate) -> "SignerIdentity":
        s = cert.subject.native
        return cls(str(s.get("common_name", "")), str(s.get("organization_name", "")),
                   str(s.get("title", "")))


#: Builds the stamp for one signature, once the signer and the time are known.
AppearanceFactory = Callable[[SignerIdentity, datetime], StampLayout]


@dataclass(frozen=True)
class Placement:
    """Where the stamp goes: page index (0-based, -1 = last) and a box as displayed."""

    page: int
    box: Box
    #: how sure the automatic analysis is (1.0: the user's own box); below
    #: placement.LOW_CONFIDENCE a face shows the place before signing
    confidence: float = 1.0


@dataclass(frozen=True)
class SignOptions:
    placement: Placement | None = None
    appearance: AppearanceFactory | None = None
    field_prefix: str = "Kyso"
    reason: str | None = None
    location: str | None = None
    tsa_url: str | None = None
    force: bool = False
    password: str | None = None
    #: Called with the opened document before the signature is prepared, to
    #: make allowed changes in the same revision (issuance fills form fields).
    #: It may return a Placement that replaces ``placement`` for this document.
    prepare: Callable[[PdfInput], Placement | None] | None = None
    #: an automatic placement less sure than this is refused (a batch: the
    #: person signs that document alone and places the stamp)
    min_confidence: float = 0.0
    #: Form fields this signature locks (FieldMDP /Include): any later change
    #: to them breaks it (issuance locks the number and the date).
    field_lock: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignResult:
    source: Path
    output: Path | None
    error: KysoError | None = None
    field: str | None = None
    signing_time: datetime | None = None
    seconds: float = 0.0
    #: the automatic placement's confidence (None: placed by hand, or no stamp)
    confidence: float | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict:
        return {
            "file": str(self.source),
            "output": str(self.output) if self.output else None,
            "ok": self.ok,
            "field": self.field,
            "signing_time": format_time(self.signing_time) if self.signing_time else None,
            "error": self.error.message if self.error else None,
            "error_code": self.error.code if self.error else None,
            "confidence": self.confidence,
        }


# -- the generic text/image stamp ---------------------------------------------

DEFAULT_TEXT_VI = "Ký bởi: {signer}\nThời gian ký: {time}"


def text_stamp(text: str | None = None, image: Path | None = None,
               width: float = 200.0, height: float = 70.0) -> AppearanceFactory:
    """A plain stamp: optional image on the left, text lines on the right.

    ``text`` may use {signer}, {organisation}, {title} and {time}.
    """
    template = text if text is not None else DEFAULT_TEXT_VI

    def build(who: SignerIdentity, when: datetime) -> StampLayout:
        lines = template.format(signer=who.common_name, organisation=who.organisation,
                                title=who.title, time=format_time(when)).split("\n")
        elements = []
        text_box = Box(4, 4, width - 8, height - 8)
        if image is not None:
            img_w = min(height * 1.6, width * 0.4)
            elements.append(ImageBlock(Path(image), Box(4, 4, img_w - 4, height - 8)))
            text_box = Box(img_w + 4, 4, width - img_w - 8, height - 8)
        elements.append(TextBlock(tuple(TextLine(line, 10, color=BLACK) for line in lines),
                                  text_box, align="left" if image else "center"))
        return StampLayout(width, height, tuple(elements))

    return build


# -- one document ---------------------------------------------------------------


def _reserve_bytes(signer: signers.Signer, tsa: bool) -> int:
    certs = [signer.signing_cert, *signer.cert_registry]
    size = 8192 + sum(len(c.dump()) for c in certs) + 2 * 512
    size += 12000 if tsa else 0
    return size + size % 2  # pyHanko wants an even reservation


def _unique_field_name(doc: PdfInput, prefix: str) -> str:
    existing = {name for name, _, _ in sig_fields.enumerate_sig_fields(doc.reader, filled_status=None)}
    n = len(existing) + 1
    while f"{prefix}{n}" in existing:
        n += 1
    return f"{prefix}{n}"


async def _refuse_broken_signatures(doc: PdfInput) -> None:
    if not doc.reader.embedded_regular_signatures:
        return
    reports = await check_signatures(doc.reader, validation_context(), password=doc.password)
    # the newest signature first: its reason ("changed after the last signature")
    # is the one that names what happened
    for rep in reversed(reports):
        # Trust is not judged here (roots may not be configured); integrity is.
        bad = [p for p in rep.problems if p in FAILING]
        if bad:
            raise DocumentError("doc.signatures_invalid", path=doc.path.name,
                                detail=f"{rep.field}: {rep._sentence(bad[0], None)}")


def _same_file(src: Path, dst: Path) -> bool:
    try:
        return dst.resolve() == src.resolve()
    except (OSError, RuntimeError):  # a symlink loop: open_pdf refuses it
        return False


def _lock_spec(options: SignOptions) -> sig_fields.FieldMDPSpec | None:
    if not options.field_lock:
        return None
    return sig_fields.FieldMDPSpec(sig_fields.FieldMDPAction.INCLUDE, fields=list(options.field_lock))


async def _sign_one(signer: signers.Signer, src: Path, dst: Path, options: SignOptions,
                    identity: SignerIdentity) -> SignResult:
    started = time.perf_counter()
    if _same_file(src, dst):
        raise UsageError("doc.same_output", path=str(src))
    with open_pdf(src, password=options.password, for_signing=True) as doc:
        if not options.force:
            # First: a marking added after the last signature is itself a forgery.
            await _refuse_broken_signatures(doc)
        level = doc.secrecy()
        if level:
            raise DocumentError("doc.secret", path=src.name, level=level)
        placement = options.placement
        if options.prepare is not None:
            placement = options.prepare(doc) or placement
            if placement is not None and placement.confidence < options.min_confidence:
                from .placement import PlacementNotFound

                raise PlacementNotFound("placement.unsure", path=src.name,
                                        confidence=f"{placement.confidence:.2f}")
        field_name = _unique_field_name(doc, options.field_prefix)
        when = vietnam_now()
        field_spec = None
        style = None
        if placement is not None:
            pages = doc.page_count
            index = placement.page if placement.page >= 0 else pages + placement.page
            if not 0 <= index < pages:
                raise UsageError("doc.bad_page", page=placement.page + 1, pages=pages)
            geometry = doc.geometry(index)
            if not geometry.contains(placement.box):
                raise UsageError("doc.bad_box", box=placement.box.corners(), page=index + 1)
            field_spec = sig_fields.SigFieldSpec(
                field_name, on_page=index, box=geometry.box_to_user(placement.box),
                field_mdp_spec=_lock_spec(options))
            factory = options.appearance or text_stamp(
                width=placement.box.w, height=placement.box.h)
            # Drawn at the size of the box it was given (a user may resize it).
            layout = fit_layout(factory(identity, when), placement.box.w, placement.box.h)
            style = KysoStampStyle(layout=layout, rotation=geometry.rotation)
        else:
            field_spec = sig_fields.SigFieldSpec(field_name, field_mdp_spec=_lock_spec(options))
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=options.reason,
            location=options.location,
        )
        timestamper = HTTPTimeStamper(options.tsa_url) if options.tsa_url else None
        pdf_signer = signers.PdfSigner(meta, signer, timestamper=timestamper,
                                       stamp_style=style, new_field_spec=field_spec)
        writer = doc.writer
        session = pdf_signer.init_signing_session(writer)
        session.system_time = when
        tbs = session.prepare_tbs_document(
            validation_info=None,
            bytes_reserved=_reserve_bytes(signer, timestamper is not None),
        )
        with atomic_output(dst) as out:
            prepared, res_output = tbs.digest_tbs_document(output=out, in_place=False)
            post = await tbs.perform_signature(
                document_digest=prepared.document_digest,
                pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=when),
            )
            await post.post_signature_processing(res_output)
    auto = options.prepare is not None and placement is not None and options.placement is None
    return SignResult(src, dst, None, field_name, when, time.perf_counter() - started,
                      placement.confidence if auto else None)


def _as_kyso_error(exc: BaseException, src: Path) -> KysoError:
    if isinstance(exc, KysoError):
        return exc
    log.exception("Signing %s failed", src)
    detail = str(exc) or type(exc).__name__
    return DocumentError("doc.sign_failed", path=src.name, detail=detail)


def sign_document(signer: signers.Signer, src: Path | str, dst: Path | str,
                  options: SignOptions = SignOptions()) -> SignResult:
    """Sign one document; raise a :class:`KysoError` when it cannot be done."""
    src, dst = Path(src), Path(dst)
    identity = SignerIdentity.from_certificate(signer.signing_cert)
    try:
        return asyncio.run(_sign_one(signer, src, dst, options, identity))
    except KysoError:
        raise
    except Exception as exc:
        raise _as_kyso_error(exc, src) from exc
