"""Page geometry: between what a person sees and what the PDF stores.

People (and ``--page/--box``, and automatic placement) speak of a page as it is
displayed: origin at the visible page's lower left, after the CropBox cuts it
and /Rotate turns it. PDF objects live in the page's user space. A scanned or
word-processor page often has /Rotate 90 or a CropBox that does not start at
(0, 0); a stamp placed in user-space numbers would land in the wrong spot or
lie on its side. Every conversion goes through :class:`PageGeometry`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyhanko.pdf_utils import generic


@dataclass(frozen=True)
class Box:
    """A rectangle: lower-left corner (x, y), width and height, in points."""

    x: float
    y: float
    w: float
    h: float

    @property
    def x2(self) -> float:
        return self.x + self.w

    @property
    def y2(self) -> float:
        return self.y + self.h

    @classmethod
    def from_corners(cls, x1: float, y1: float, x2: float, y2: float) -> "Box":
        return cls(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))

    def corners(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.x2, self.y2)


@dataclass(frozen=True)
class PageGeometry:
    crop: tuple[float, float, float, float]  # visible area in user space (x0, y0, x1, y1)
    rotation: int                             # 0, 90, 180 or 270 (clockwise, as /Rotate)

    @property
    def user_size(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.crop
        return x1 - x0, y1 - y0

    @property
    def display_size(self) -> tuple[float, float]:
        w, h = self.user_size
        return (h, w) if self.rotation in (90, 270) else (w, h)

    def to_user(self, dx: float, dy: float) -> tuple[float, float]:
        """A displayed point to user space."""
        x0, y0, _, _ = self.crop
        w, h = self.user_size
        r = self.rotation
        if r == 90:
            return x0 + w - dy, y0 + dx
        if r == 180:
            return x0 + w - dx, y0 + h - dy
        if r == 270:
            return x0 + dy, y0 + h - dx
        return x0 + dx, y0 + dy

    def to_display(self, ux: float, uy: float) -> tuple[float, float]:
        """A user-space point to displayed coordinates."""
        x0, y0, _, _ = self.crop
        w, h = self.user_size
        x, y = ux - x0, uy - y0
        r = self.rotation
        if r == 90:
            return y, w - x
        if r == 180:
            return w - x, h - y
        if r == 270:
            return h - y, x
        return x, y

    def box_to_user(self, box: Box) -> tuple[float, float, float, float]:
        """A displayed box to a user-space rectangle (x1, y1, x2, y2), normalised."""
        ax, ay = self.to_user(box.x, box.y)
        bx, by = self.to_user(box.x2, box.y2)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def box_to_display(self, rect: tuple[float, float, float, float]) -> Box:
        ax, ay = self.to_display(rect[0], rect[1])
        bx, by = self.to_display(rect[2], rect[3])
        return Box.from_corners(ax, ay, bx, by)

    def contains(self, box: Box, tolerance: float = 0.5) -> bool:
        w, h = self.display_size
        return (box.x >= -tolerance and box.y >= -tolerance
                and box.x2 <= w + tolerance and box.y2 <= h + tolerance and box.w > 0 and box.h > 0)


def inherited(page, key: str):
    """A page attribute, looked up the page tree (MediaBox, CropBox, Rotate, Resources).

    Works on pyHanko and pikepdf page objects alike.
    """
    node = page
    for _ in range(64):  # a page tree is never this deep; guards against loops
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        if parent is None:
            return None
        node = parent.get_object() if hasattr(parent, "get_object") else parent
    return None


def _rect(value) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    nums = [float(v) for v in value.get_object()]
    if len(nums) != 4:
        return None
    x1, y1, x2, y2 = nums
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def geometry_from_boxes(media, crop=None, rotate=None) -> PageGeometry:
    """Geometry from raw numbers: MediaBox, optional CropBox, optional /Rotate.

    Shared by :func:`page_geometry` (pyHanko objects) and by readers that hold
    the page through another library (pikepdf in ``kyso.core.placement``), so
    every reader clips and rotates the same way.
    """
    def norm(r):
        if r is None:
            return None
        nums = [float(v) for v in r]
        if len(nums) != 4:
            return None
        x1, y1, x2, y2 = nums
        return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)

    media = norm(media) or (0.0, 0.0, 595.28, 841.89)
    crop = norm(crop) or media
    # The visible area is the CropBox clipped to the MediaBox.
    crop = (max(crop[0], media[0]), max(crop[1], media[1]),
            min(crop[2], media[2]), min(crop[3], media[3]))
    rotation = int(rotate) % 360 if rotate is not None else 0
    if rotation % 90:
        rotation = 0
    return PageGeometry(crop, rotation)


def page_geometry(page: generic.DictionaryObject) -> PageGeometry:
    """Geometry of a page dictionary (a pyHanko object), inherited keys included."""
    return geometry_from_boxes(
        _rect(inherited(page, "/MediaBox")),
        _rect(inherited(page, "/CropBox")),
        inherited(page, "/Rotate"),
    )
