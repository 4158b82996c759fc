"""Opening an input PDF, and refusing the ones that must not be processed.

The original is opened read-only and never written: every change is an
incremental update written to a new file. Each way a file can be unusable
(missing, not a PDF, damaged, encrypted without its password, secret) becomes
its own :class:`DocumentError` with a sentence a clerk understands.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import stat
import zlib
import unicodedata
from dataclasses import dataclass, field
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
    _aliases: list = field(default_factory=list, repr=False)

    @property
    def engine_path(self) -> Path:
        """A path libraries that want UTF-8 names (pikepdf, PDFium) can open.

        The path itself, unless its name is not valid UTF-8 (bytes from an
        old archive or another locale): then a link with a plain name in a
        private temporary folder, removed when the document is closed.
        """
        try:
            str(self.path).encode("utf-8")
            return self.path
        except UnicodeEncodeError:
            pass
        if not self._aliases:
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="kyso-"))
            link = folder / f"document{self.path.suffix.encode('ascii', 'replace').decode()}"
            try:
                link.symlink_to(self.path.resolve())
            except OSError:
                import shutil

                shutil.copyfile(self.path, link)
            self._aliases.append(folder)
        return next(iter(self._aliases[0].iterdir()))

    def close_aliases(self) -> None:
        import shutil

        for folder in self._aliases:
            shutil.rmtree(folder, ignore_errors=True)
        self._aliases.clear()

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
            except Exception:  # noqa: BLE001 - an unreadable /Info entry is left out
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
                left, bottom, right, top = text.get_rect(i)
                runs.append(text.get_text_bounded(left, bottom, right, top))
            return runs
        finally:
            text.close()
            page.close()


#: A file's streams may inflate to this many bytes plus INFLATE_RATIO times the
#: file's size; beyond that it is refused as a decompression bomb. Scans and
#: rich layouts compress 3-20 times; a bomb a thousand times and more.
INFLATE_BASE = 64 * 1024 * 1024
INFLATE_RATIO = 50


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading only if it is a regular file (never blocks).

    A FIFO, a device or a socket would hang or never end; a symlink loop or
    an unreadable path is refused with its own sentence.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DocumentError("doc.not_found", path=display(path)) from None
    except OSError as exc:
        raise DocumentError("doc.not_regular", path=display(path),
                            detail=exc.strerror or type(exc).__name__) from None
    if stat.S_ISDIR(st.st_mode):
        raise DocumentError("doc.not_pdf", path=display(path.name))
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError("doc.not_regular", path=display(path), detail=_kind(st.st_mode))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise DocumentError("doc.not_found", path=display(path)) from None
    except OSError as exc:
        raise DocumentError("doc.not_regular", path=display(path),
                            detail=exc.strerror or type(exc).__name__) from None
    try:
        st = os.fstat(fd)  # what was opened, not what the name meant a moment ago
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError("doc.not_regular", path=display(path), detail=_kind(st.st_mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO / named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "not a regular file"


def display(path: Path | str) -> str:
    """A path as text that can always be printed (undecodable bytes as U+FFFD)."""
    return os.fsencode(str(path)).decode("utf-8", "replace")


def check_inflation(path: Path, stream: BinaryIO) -> None:
    """Refuse a decompression bomb before anything decodes its streams.

    Every Flate stream in the raw file is inflated in chunks that are counted
    and discarded, so neither memory nor time grows beyond the bound.
    """
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        return
    limit = INFLATE_BASE + INFLATE_RATIO * size
    total = 0
    try:
        data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        data = stream.read()
        stream.seek(0)
    try:
        pos = 0
        while True:
            i = data.find(b"stream", pos)
            if i < 0:
                break
            pos = i + 6
            if i >= 3 and data[i - 3:i] == b"end":
                continue
            start = pos
            if data[start:start + 2] == b"\r\n":
                start += 2
            elif data[start:start + 1] in (b"\n", b"\r"):
                start += 1
            else:
                continue
            if data[start:start + 1] not in (b"\x78", b"\x08", b"\x18", b"\x28", b"\x38",
                                              b"\x48", b"\x58", b"\x68"):
                continue  # not a zlib header: not Flate
            d = zlib.decompressobj()
            at = start
            try:
                while at < len(data) and not d.eof:
                    chunk = data[at:at + 65536]
                    at += len(chunk)
                    out = d.decompress(chunk, 1 << 20)
                    total += len(out)
                    while d.unconsumed_tail and total <= limit:
                        out = d.decompress(d.unconsumed_tail, 1 << 20)
                        total += len(out)
                    if total > limit:
                        raise DocumentError("doc.bomb", path=display(path.name),
                                            size=size // 1024 + 1, limit=limit // (1024 * 1024))
            except zlib.error:
                pass
            if d.eof:
                pos = max(pos, at - len(d.unused_data))
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


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
    stream = open_regular(path)
    with stream:
        _check_header(path, stream)
        check_inflation(path, stream)
        try:
            if for_signing:
                writer = IncrementalPdfFileWriter(stream, strict=False)
                reader = writer.prev
            else:
                writer = None
                reader = PdfFileReader(stream, strict=False)
            if reader.encrypted:
                # No password given: try the empty one (many PDFs are encrypted
                # only to set permissions). An empty password given on purpose
                # ("" rather than None) is tried like any other.
                tried = password if password is not None else ""
                if writer is not None:
                    result = writer.encrypt(tried)
                else:
                    result = reader.decrypt(tried)
                if result.status == AuthStatus.FAILED:
                    if password is None:
                        raise DocumentError("doc.encrypted", path=path.name)
                    raise DocumentError("doc.wrong_password", path=path.name)
                password = tried
            # Touch the page tree now, so damage shows here and not mid-signing.
            count = int(reader.root["/Pages"]["/Count"])
            if count < 1:
                raise DocumentError("doc.corrupt", path=path.name)
            reader.find_page_for_modification(count - 1)
        except DocumentError:
            raise
        except (misc.PdfError, KeyError, ValueError, TypeError, AttributeError, IndexError,
                RecursionError, OSError, AssertionError, LookupError, ArithmeticError,
                NotImplementedError, UnicodeError, zlib.error) as exc:
            log.info("Unreadable PDF %s: %r", path, exc)
            raise DocumentError("doc.corrupt", path=path.name) from exc
        doc = PdfInput(path, stream, reader, writer, password)
        try:
            yield doc
        finally:
            doc.close_aliases()
