"""Opening an input PDF, and refusing the ones that must not be processed.

The original is opened read-only and never written: every change is an
incremental update written to a new file. Each way a file can be unusable
(missing, not a PDF, damaged, encrypted without its password, secret) becomes
its own :class:`DocumentError` with a sentence a clerk understands.
"""

from __future__ import annotations

import contextlib
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from . import pdfium, policy
from .errors import DocumentError
from .geometry import PageGeometry, page_geometry

log = logging.getLogger(__name__)


@dataclass
class PdfInput:
    path: Path
    stream: BinaryIO
    reader: PdfFileReader
    writer: IncrementalPdfFileWriter | None
    password: str | None

    @property
    def page_count(self) -> int:
        return int(self.reader.root["/Pages"]["/Count"])

    def page_ref(self, index: int):
        ref, _ = self.reader.find_page_for_modification(index)
        return ref

    def geometry(self, index: int) -> PageGeometry:
        return page_geometry(self.page_ref(index).get_object())

    def info(self) -> dict:
        try:
            info = self.reader.trailer_view.get("/Info")
            info = info.get_object() if info is not None else None
        except (misc.PdfError, KeyError, AttributeError):
            return {}
        if not isinstance(info, generic.DictionaryObject):
            return {}
        out = {}
        for k, v in info.items():
            try:
                out[str(k)[1:]] = str(v.get_object())
            except Exception:
                continue
        return out

    def secrecy(self) -> str | None:
        """The document's secrecy level ("Mật", ...) or None (metadata, then page 1)."""
        level = policy.normalise_secrecy(self.info().get("KysoSecrecy"))
        if level:
            return level
        return policy.secrecy_mark_in(first_page_runs(self.path, self.password))


def first_page_runs(path: Path, password: str | None = None) -> list[str]:
    """Text runs (contiguous pieces of a line) of page 1, via PDFium."""
    try:
        doc = pdfium.Document(path, password)
    except pdfium.PdfiumError:
        return []
    with doc, doc.locked() as pdf:
        if len(pdf) == 0:
            return []
        page = pdf[0]
        text = page.get_textpage()
        try:
            # Every marking is written in capitals: a page without "MẬT" in capitals
            # needs no run-by-run look (most pages; this keeps batches fast).
            if policy.MARK_WORD not in unicodedata.normalize("NFC", text.get_text_range()):
                return []
            runs = []
            for i in range(text.count_rects()):
                l, b, r, t = text.get_rect(i)
                runs.append(text.get_text_bounded(l, b, r, t))
            return runs
        finally:
            text.close()
            page.close()


def _check_header(path: Path, stream: BinaryIO) -> None:
    head = stream.read(1024)
    stream.seek(0)
    if b"%PDF-" not in head:
        raise DocumentError("doc.not_pdf", path=path.name)


@contextlib.contextmanager
def open_pdf(path: Path | str, password: str | None = None,
             for_signing: bool = False) -> Iterator[PdfInput]:
    """Open ``path`` read-only; raise :class:`DocumentError` for unusable files."""
    path = Path(path)
    try:
        stream = open(path, "rb")
    except FileNotFoundError:
        raise DocumentError("doc.not_found", path=str(path)) from None
    except IsADirectoryError:
        raise DocumentError("doc.not_pdf", path=path.name) from None
    with stream:
        _check_header(path, stream)
        try:
            if for_signing:
                writer = IncrementalPdfFileWriter(stream, strict=False)
                reader = writer.prev
            else:
                writer = None
                reader = PdfFileReader(stream, strict=False)
            if reader.encrypted:
                if not password:
                    raise DocumentError("doc.encrypted", path=path.name)
                if writer is not None:
                    result = writer.encrypt(password)
                else:
                    result = reader.decrypt(password)
                if result.status == AuthStatus.FAILED:
                    raise DocumentError("doc.wrong_password", path=path.name)
            # Touch the page tree now, so damage shows here and not mid-signing.
            count = int(reader.root["/Pages"]["/Count"])
            if count < 1:
                raise DocumentError("doc.corrupt", path=path.name)
            reader.find_page_for_modification(count - 1)
        except DocumentError:
            raise
        except (misc.PdfError, KeyError, ValueError, TypeError, AttributeError, IndexError,
                RecursionError, OSError) as exc:
            log.info("Unreadable PDF %s: %r", path, exc)
            raise DocumentError("doc.corrupt", path=path.name) from exc
        yield PdfInput(path, stream, reader, writer, password)
