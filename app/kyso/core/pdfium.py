"""PDFium, the one way in: a process-wide lock and the documents opened under it.

The rule that protects a native library lives in the one core module that
owns that library.  PDFium keeps global state, and pypdfium2 forbids calls
from two threads at the same time, *even on different documents*.  Kyso calls
it from several threads (the page view renders on the worker pool while a
stamp preview's placement analysis and the secrecy check read page text on
others), so:

* ``import pypdfium2`` appears in this module and nowhere else in the
  application (``tests/test_pdfium_lock.py`` scans ``app/`` for it);
* a document is opened only as a :class:`Document`: it opens under
  :data:`LOCK`, closes under it, and is tracked until closed
  (:func:`still_open`), so a test can see that no handle was left behind;
* every call into PDFium runs inside ``with doc.locked() as pdf:`` (or, for a
  call not on a document, ``with locked():``).  ``pdf`` and every page, text
  page or bitmap got from it are used *and closed* inside that block, never
  kept past it: pypdfium2 closes a forgotten object from the garbage
  collector, on whatever thread happens to run it, outside any lock;
* the lock is re-entrant, so a locked block may call anything here.

Importing this module does not load pypdfium2 (~60 ms, kept off the GUI's
start-up path): the library is imported the first time a document is opened.
``PdfiumError`` (pypdfium2's error) and ``raw`` (its ctypes bindings, for the
``FPDF*`` calls pypdfium2 does not wrap) are attributes of this module that
load it on first use.

No Qt here: the CLI, the GUI and the server all use it.

Public API: :data:`LOCK`, :func:`locked`, :class:`Document`,
:class:`DocumentClosed`, :class:`RenderedPage`, :func:`still_open`, and the
lazy attributes ``PdfiumError`` and ``raw``.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

__all__ = ["LOCK", "locked", "Document", "DocumentClosed", "RenderedPage", "still_open",  # noqa: F822
           "PdfiumError", "raw"]   # these two load pypdfium2 lazily, through the module's __getattr__

#: Held around every call into PDFium, from any thread, on any document.
LOCK = threading.RLock()

#: documents opened and not closed yet (guarded by LOCK)
_open: "set[Document]" = set()


def _lib():
    import pypdfium2   # the only import of pypdfium2 in the application

    return pypdfium2


def __getattr__(name: str) -> Any:
    if name == "PdfiumError":
        return _lib().PdfiumError
    if name == "raw":
        import pypdfium2.raw

        return pypdfium2.raw
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextlib.contextmanager
def locked() -> Iterator[None]:
    """Hold PDFium's lock for a sequence of calls not tied to one :class:`Document`."""
    with LOCK:
        yield


def still_open() -> list[Path]:
    """Paths of the documents opened here and not closed yet."""
    with LOCK:
        return [d.path for d in _open]


class DocumentClosed(RuntimeError):
    """The document was closed (another thread moved on) before this call."""

    def __init__(self) -> None:
        super().__init__("document closed")


@dataclass(frozen=True)
class RenderedPage:
    """A page, or a part of it, as pixels: BGRx, 4 bytes a pixel, ``stride`` bytes a row.

    ``left`` and ``top``: where the bitmap's top left corner is on the
    displayed page, in points from its bottom left corner (a whole page: 0 and
    its height)."""

    width: int
    height: int
    stride: int
    data: bytes
    left: float = 0.0
    top: float | None = None
    clipped: bool = False       # only the asked-for area was drawn


class Document:
    """One PDF open in PDFium; may be used from any thread.

    ``forms=True`` initialises the form environment before any page is loaded,
    so that :meth:`render` draws widget appearances (signatures, seals).
    Raises ``PdfiumError`` (see the module) when PDFium cannot open the file.
    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: Path | str, password: str | None = None, *, forms: bool = False,
                 data: bytes | None = None):
        """``data``: the file's bytes, read from memory (nothing written to disk);
        ``path`` then only names it."""
        self.path = Path(path)
        lib = _lib()
        with LOCK:
            self._pdf = lib.PdfDocument(data if data is not None else str(self.path), password=password)
            try:
                if forms:
                    self._pdf.init_forms()   # before any page is loaded, or widgets are not drawn
                self.page_count = len(self._pdf)
            except BaseException:
                self._pdf.close()
                raise
            self._closed = False
            _open.add(self)

    def __len__(self) -> int:
        return self.page_count

    @property
    def closed(self) -> bool:
        return self._closed

    @contextlib.contextmanager
    def locked(self) -> Iterator[Any]:
        """Hold the lock and yield the pypdfium2 ``PdfDocument``, for any call
        sequence; whatever is got from it is closed before the block ends.
        Raises :class:`DocumentClosed` if the document is closed already."""
        with LOCK:
            if self._closed:
                raise DocumentClosed()
            yield self._pdf

    def page_sizes(self) -> list[tuple[float, float]]:
        """(width, height) of every page in points, as displayed (CropBox, /Rotate)."""
        with self.locked() as pdf:
            return [tuple(pdf.get_page_size(i)) for i in range(self.page_count)]

    def render(self, index: int, scale: float,
               area: tuple[float, float, float, float] | None = None) -> RenderedPage:
        """Page ``index`` at ``scale`` pixels a point, on white, with form widgets.

        ``area`` (x0, y0, x1, y1 in the page's own coordinates): only that part
        is drawn (PDFium still reads the whole page, but rasterises only the
        part), widened to whole points. The whole page is drawn instead when the
        page is rotated or its crop box does not start at 0 0, where the page's
        coordinates are not the displayed ones; ``left``/``top`` of the result
        say which part it is."""
        import math

        with self.locked() as pdf:
            page = pdf[index]
            try:
                w, h = page.get_size()
                crop = (0, 0, 0, 0)
                left, top, clipped = 0.0, h, False
                if area is not None and page.get_rotation() == 0 and \
                        all(abs(v) < 1e-3 for v in page.get_cropbox()[:2]):
                    x0, y0 = max(0, math.floor(area[0])), max(0, math.floor(area[1]))
                    x1, y1 = min(math.ceil(w), math.ceil(area[2])), min(math.ceil(h), math.ceil(area[3]))
                    if x1 - x0 >= 2 and y1 - y0 >= 2:
                        crop = (x0, y0, max(0.0, w - x1), max(0.0, h - y1))
                        left = math.ceil(x0 * scale) / scale
                        top = h - math.ceil(crop[3] * scale) / scale
                        clipped = True
                bitmap = page.render(scale=scale, may_draw_forms=True, prefer_bgrx=True, crop=crop,
                                     fill_color=(255, 255, 255, 255))
                try:
                    return RenderedPage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer),
                                        left, top, clipped)
                finally:
                    bitmap.close()
            finally:
                page.close()

    def close(self) -> None:
        """Close the document (and anything still open from it); again is a no-op."""
        with LOCK:
            if self._closed:
                return
            self._closed = True
            _open.discard(self)
            self._pdf.close()

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<pdfium.Document {self.path.name}{' closed' if self._closed else ''}>"
