"""What a signed revision showed against what the file shows now, page by page.

Every revision of an incrementally saved PDF is a prefix of the file, ending
at its ``%%EOF``. Rendering that prefix (PDFium, through
:mod:`kyso.core.pdfium` and its lock) shows the page the signer saw; rendering
the whole file shows the page the reader sees. Pixels that differ are grouped
into regions (rectangles in PDF points, origin bottom left of the displayed
page). A region *covers signed content* when the page under it was not blank
when signed — the "shadow" attacks draw over signed text; filling a blank
number field does not.

No Qt here: pixels go through Pillow.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SCALE = 1.0          # pixels per point for comparisons
CELL = 6             # pixels per grid cell when grouping changed pixels
DIFF_LEVEL = 40      # grey-level difference that counts as a change
INK_LEVEL = 215      # darker than this (grey) is "something drawn"
MAX_PAGES = 60


@dataclass(frozen=True)
class Region:
    page: int                                   # 1-based
    rect: tuple[float, float, float, float]     # x0 y0 x1 y1 in points, origin bottom left
    covers_signed_content: bool

    def to_json(self) -> dict:
        return {"page": self.page, "rect": [round(v, 1) for v in self.rect],
                "covers_signed_content": self.covers_signed_content}

    def intersects(self, rect) -> bool:
        if rect is None:
            return False
        a = self.rect
        return not (a[2] < rect[0] - 2 or rect[2] + 2 < a[0] or a[3] < rect[1] - 2 or rect[3] + 2 < a[1])


def _image(rendered):
    from PIL import Image

    img = Image.frombuffer("RGBX", (rendered.width, rendered.height), rendered.data, "raw", "BGRX",
                           rendered.stride, 1)
    return img.convert("L")


@dataclass(frozen=True)
class Picture:
    """A page, or a part of it, in grey; ``left``/``top`` place it on the displayed page (points)."""

    image: object
    left: float
    top: float
    clipped: bool = False


Area = tuple[float, float, float, float]


class Snapshot:
    """One revision (or the whole file) open in PDFium from memory (no copy of
    the document, secret or not, on disk); pages rendered on demand, cached."""

    def __init__(self, data: bytes, password: str | None = None):
        from . import pdfium

        self.doc = pdfium.Document(Path(f"revision-{len(data)}.pdf"), password=password or None,
                                   forms=True, data=data)
        try:
            self.sizes = self.doc.page_sizes()
        except BaseException:
            self.close()        # a revision PDFium cannot read leaves no handle behind
            raise
        self._pages: dict[tuple[int, Area | None], Picture] = {}

    def page(self, index: int, area: Area | None = None) -> Picture:
        """Page ``index`` (0-based), or only ``area`` of it (page coordinates, points)."""
        key = (index, area)
        if key not in self._pages:
            r = self.doc.render(index, SCALE, area)
            self._pages[key] = Picture(_image(r), r.left, self.sizes[index][1] if r.top is None else r.top,
                                       r.clipped)
        return self._pages[key]

    def close(self) -> None:
        if self.doc is not None:
            self.doc.close()


def _ink(img):
    """White where nothing is drawn, black where something is (grey darker than INK_LEVEL)."""
    return img.point(lambda v: 255 if v < INK_LEVEL else 0)


def _cells(img) -> tuple[bytes, int, int]:
    """``img`` averaged over a grid of CELL × CELL pixels: one byte a cell
    (non-zero where any pixel is), row by row; and the grid's width and height."""
    from PIL import Image

    gw, gh = (img.size[0] + CELL - 1) // CELL, (img.size[1] + CELL - 1) // CELL
    return img.crop((0, 0, gw * CELL, gh * CELL)).resize((gw, gh), Image.Resampling.BOX).tobytes(), gw, gh


def compare_page(before: Snapshot, after: Snapshot, index: int, area: Area | None = None) -> list[Region]:
    """Changed regions of page ``index`` (0-based) from ``before`` to ``after``;
    with ``area``, only in that part of the page (see :meth:`Snapshot.page`)."""
    from PIL import ImageChops

    pa, pb = before.page(index, area), after.page(index, area)
    a, b = pa.image, pb.image
    if a.size != b.size or (pa.left, pa.top) != (pb.left, pb.top):
        if area is not None:
            return compare_page(before, after, index)
        w, h = after.sizes[index]
        return [Region(index + 1, (0.0, 0.0, w, h), True)]
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > DIFF_LEVEL else 0)
    if diff.getbbox() is None:
        return []
    covered = ImageChops.multiply(diff, _ink(a))     # changed where something was drawn
    on_bytes, gw, _gh = _cells(diff)
    cov_bytes = _cells(covered)[0]
    on = {(i % gw, i // gw) for i, v in enumerate(on_bytes) if v}
    seen: set[tuple[int, int]] = set()
    s = CELL / SCALE
    out: list[Region] = []
    for start in sorted(on, key=lambda c: (c[1], c[0])):
        if start in seen:
            continue
        stack, (x0, y0), hits = [start], start, 0
        x1, y1 = x0, y0
        seen.add(start)
        while stack:
            cx, cy = stack.pop()
            x0, y0, x1, y1 = min(x0, cx), min(y0, cy), max(x1, cx), max(y1, cy)
            hits += cov_bytes[cy * gw + cx] > 0
            for nx in range(cx - 1, cx + 2):        # neighbours, and one cell gap
                for ny in range(cy - 1, cy + 2):
                    if (nx, ny) in on and (nx, ny) not in seen:
                        seen.add((nx, ny))
                        stack.append((nx, ny))
        rect = (pb.left + x0 * s, pb.top - (y1 + 1) * s, pb.left + (x1 + 1) * s, pb.top - y0 * s)
        out.append(Region(index + 1, rect, hits >= 2))
    return _merge(out)


def _merge(regions: list[Region]) -> list[Region]:
    """Regions closer than a few points become one (a line of text, not its letters)."""
    regions = list(regions)
    changed = True
    while changed and len(regions) > 1:
        changed = False
        for i in range(len(regions)):
            for j in range(i + 1, len(regions)):
                a, b = regions[i], regions[j]
                if a.page == b.page and a.intersects((b.rect[0] - 6, b.rect[1] - 6, b.rect[2] + 6, b.rect[3] + 6)):
                    r = (min(a.rect[0], b.rect[0]), min(a.rect[1], b.rect[1]),
                         max(a.rect[2], b.rect[2]), max(a.rect[3], b.rect[3]))
                    regions[i] = Region(a.page, r, a.covers_signed_content or b.covers_signed_content)
                    del regions[j]
                    changed = True
                    break
            if changed:
                break
    return regions


class Comparer:
    """Renders a file's revisions once each and compares them with the final file."""

    def __init__(self, data, password: str | None = None):
        """``data``: the file's bytes, or a function returning them (read when first needed)."""
        self._data = data
        self.password = password
        self._snaps: dict[int, Snapshot] = {}

    @property
    def data(self) -> bytes:
        if callable(self._data):
            self._data = self._data()
        return self._data

    def snapshot(self, end: int) -> Snapshot:
        end = min(end, len(self.data))
        if end not in self._snaps:
            self._snaps[end] = Snapshot(self.data[:end], self.password)
        return self._snaps[end]

    def regions(self, end: int, pages: dict[int, list[Area] | None] | set[int] | None = None) -> list[Region]:
        """Changed regions from the revision ending at byte ``end`` to the whole
        file, on ``pages`` (1-based; None: every page, up to MAX_PAGES).

        ``pages`` may map a page to the rectangles (page coordinates) where
        something changed in the document's structure, every change on that
        page being an annotation or a field's widget, which draws only inside
        its rectangle: then only around them is compared (the rectangles'
        bounding box and a margin), which is most of the time a small part of
        the page. ``None`` for a page: the whole page."""
        before, after = self.snapshot(end), self.snapshot(len(self.data))
        count = min(len(before.sizes), len(after.sizes), MAX_PAGES)
        if pages is None:
            wanted: dict[int, list[Area] | None] = dict.fromkeys(range(1, count + 1))
        elif isinstance(pages, dict):
            wanted = pages
        else:
            wanted = dict.fromkeys(pages)
        out: list[Region] = []
        for p in sorted(wanted):
            if not 0 < p <= count:
                continue
            out += compare_page(before, after, p - 1, _around(wanted[p], after.sizes[p - 1]))
        return out

    def stamps(self, end: int, page: int, rects: list[Area]) -> list[Region]:
        """Regions of new signatures' widgets on ``page`` (1-based) after the
        revision ending at ``end``: a new widget draws only inside its rectangle,
        and whether it covers signed content is told by the signed revision alone
        (ink under the rectangle), so the file as it is now is not rendered. A
        rotated or offset page goes through :meth:`regions` instead."""
        before = self.snapshot(end)
        if not 0 < page <= min(len(before.sizes), MAX_PAGES):
            return []
        out: list[Region] = []
        for r in rects:
            rect = (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3]))
            pic = before.page(page - 1, rect)
            if not pic.clipped:
                return self.regions(end, {page: list(rects)})
            inked = sum(1 for v in _cells(_ink(pic.image))[0] if v)
            out.append(Region(page, rect, inked >= 2))
        return out

    def close(self) -> None:
        for s in self._snaps.values():
            try:
                s.close()
            except Exception:
                log.debug("closing a snapshot failed", exc_info=True)
        self._snaps.clear()


MARGIN = 4.0      # points around the changed rectangles when only they are compared


def _around(rects: list[Area] | None, size: tuple[float, float]) -> Area | None:
    """The part of a page to compare for ``rects``: their bounding box with a
    margin, or None (the whole page) when there are none or it is most of the page."""
    if not rects:
        return None
    x0 = min(min(r[0], r[2]) for r in rects) - MARGIN     # a /Rect may name its corners in any order
    y0 = min(min(r[1], r[3]) for r in rects) - MARGIN
    x1 = max(max(r[0], r[2]) for r in rects) + MARGIN
    y1 = max(max(r[1], r[3]) for r in rects) + MARGIN
    w, h = size
    if (x1 - x0) * (y1 - y0) > 0.5 * w * h:
        return None
    return (x0, y0, x1, y1)


def page_picture(data: bytes, page: int, regions: list[Region], scale: float = 1.3,
                 password: str | None = None):
    """A PIL image of ``page`` (1-based) of the file with ``regions`` framed in red."""
    from PIL import Image, ImageDraw

    snap = Snapshot(data, password)
    try:
        r = snap.doc.render(page - 1, scale)
        img = Image.frombuffer("RGBX", (r.width, r.height), r.data, "raw", "BGRX", r.stride, 1).convert("RGB")
        h = snap.sizes[page - 1][1]
    finally:
        snap.close()
    d = ImageDraw.Draw(img)
    for reg in regions:
        if reg.page != page:
            continue
        x0, y0, x1, y1 = reg.rect
        box = (x0 * scale - 3, (h - y1) * scale - 3, x1 * scale + 3, (h - y0) * scale + 3)
        d.rectangle(box, outline=(220, 0, 0), width=3)
    return img
