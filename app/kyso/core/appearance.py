"""Decree 30/2020 stamps, one immutable style per role (Appendix I).

- ``leader``: the handwritten signature image, blue, transparent PNG, centred
  between the signer's title and name; no text required.
- ``agency``: the agency seal, red, at the seal's real size, overlapping about a
  third of the leader's image on its left; agency name and signing time as
  small text when configured (common practice under Circular 01/2019).
- ``initial`` (ký nháy): a small initial image or the reviewer's short name.
- ``attachment``: no image; top right of page 1; number and symbol of the main
  document and the signing time; 10 pt Times New Roman, upright, black.
- ``copy`` ("SAO Y", "SAO LỤC", "TRÍCH SAO"): no image; top right of page 1;
  form of copy, copying agency, signing time; 10 pt, black.

Every time shown is Vietnam time with its offset (+07:00). Styles are small
frozen dataclasses with defaults, so an agency's configuration can override
any of them; a style turns into a :class:`StampLayout` once the signer and the
time are known.

The defaults carry no image: until a person has chosen their own signature,
seal or initial image (Cài đặt, ``kyso config``), each stamp is a clean text
stamp in Decree 30's place. The bundled sample images (marked "MẪU") exist
for the demo and the tests only (:data:`SAMPLE_SIGNATURE` and friends); a
real document must never carry a specimen seal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .fonts import RESOURCES
from .signing import SignerIdentity, format_time
from .stamp import BLACK, BLUE, Box, ImageBlock, StampLayout, TextBlock, TextLine

MM = 72.0 / 25.4
IMAGES = RESOURCES / "images"

# Attachment and copy stamps live in the top margin, above the national motto:
# tight lines, close to the page's top edge.
LEADING = 1.15
TOP_MARGIN_MM = 5.0

#: Specimen images ("MẪU"): the demo and the tests choose them explicitly.
SAMPLE_SIGNATURE = IMAGES / "sample-signature.png"
SAMPLE_SEAL = IMAGES / "sample-seal.png"
SAMPLE_INITIAL = IMAGES / "sample-initial.png"
SAMPLE_IMAGES = (SAMPLE_SIGNATURE, SAMPLE_SEAL, SAMPLE_INITIAL)

COPY_FORMS = ("SAO Y", "SAO LỤC", "TRÍCH SAO")


def _image_size(path: Path) -> tuple[int, int]:
    from .stamp import encode_image

    img = encode_image(path)
    return img.width, img.height


@dataclass(frozen=True)
class LeaderStyle:
    """The competent person's signature image (màu xanh, nền trong suốt); without
    an image, a text stamp: name, title, signing time."""

    signature_image: Path | None = None
    width_mm: float = 40.0     # the image is fitted in this width, aspect kept
    max_height_mm: float = 20.0
    text_height_mm: float = 15.0

    def size(self) -> tuple[float, float]:
        if self.signature_image is None:
            return self.width_mm * MM, self.text_height_mm * MM
        w_px, h_px = _image_size(self.signature_image)
        w = self.width_mm * MM
        h = w * h_px / w_px
        if h > self.max_height_mm * MM:
            h = self.max_height_mm * MM
            w = h * w_px / h_px
        return w, h

    def layout(self, who: SignerIdentity, when: datetime) -> StampLayout:
        w, h = self.size()
        if self.signature_image is None:
            lines = [TextLine(who.common_name, 10, bold=True, color=BLUE)]
            if who.title:
                lines.append(TextLine(who.title, 8, color=BLUE))
            lines.append(TextLine(f"Thời gian ký: {format_time(when)}", 7, color=BLACK))
            return StampLayout(w, h, (TextBlock(tuple(lines), Box(0, 0, w, h)),))
        return StampLayout(w, h, (ImageBlock(self.signature_image, Box(0, 0, w, h)),))


@dataclass(frozen=True)
class AgencySealStyle:
    """The agency's seal (màu đỏ, kích thước thực tế của dấu); without an image,
    the agency's name and the signing time alone, in the seal's place."""

    seal_image: Path | None = None
    diameter_mm: float = 36.0
    agency_name: str | None = None   # None: the certificate's organisation
    show_text: bool = True
    text_width_mm: float = 46.0
    text_only_width_mm: float = 70.0   # the stamp without a seal image

    @property
    def diameter(self) -> float:
        return self.diameter_mm * MM

    def text_lines(self, who: SignerIdentity, when: datetime) -> tuple[TextLine, ...]:
        name = self.agency_name or who.organisation or who.common_name
        return (
            TextLine("Ký bởi:", 6.5, color=BLACK),
            TextLine(name, 6.5, bold=True, color=BLACK),
            TextLine(f"Thời gian ký: {format_time(when)}", 6.5, color=BLACK),
        )

    def layout(self, who: SignerIdentity, when: datetime) -> StampLayout:
        """The seal alone in a square; with text, a text column on the seal's left.
        Without a seal image: the agency's name and the time alone, in a box of
        their own (placed beside the leader's stamp, not over it)."""
        d = self.diameter
        if self.seal_image is None:      # no seal configured: the words alone, never a specimen
            w, h = self.size()
            lines = tuple(replace(line, size=7.5) for line in self.text_lines(who, when))
            return StampLayout(w, h, (TextBlock(lines, Box(0, 0, w, h)),))
        if not self.show_text:
            return StampLayout(d, d, (ImageBlock(self.seal_image, Box(0, 0, d, d)),))
        tw = self.text_width_mm * MM
        return StampLayout(tw + d, d, (
            TextBlock(self.text_lines(who, when), Box(0, d * 0.25, tw - 3, d * 0.5), align="right"),
            ImageBlock(self.seal_image, Box(tw, 0, d, d)),
        ))

    def seal_offset(self) -> float:
        """Where the seal starts inside the stamp (the text column comes first)."""
        return self.text_width_mm * MM if self.show_text and self.seal_image is not None else 0.0

    def size(self) -> tuple[float, float]:
        if self.seal_image is None:
            return self.text_only_width_mm * MM, 7.5 * 1.25 * 3 + 4
        d = self.diameter
        return d + self.seal_offset(), d


@dataclass(frozen=True)
class InitialStyle:
    """The reviewer's initial (ký nháy): a small image, or a short name."""

    initial_image: Path | None = None
    short_name: str | None = None    # used when there is no image
    width_mm: float = 16.0
    height_mm: float = 9.0

    def size(self) -> tuple[float, float]:
        return self.width_mm * MM, self.height_mm * MM

    def layout(self, who: SignerIdentity, when: datetime) -> StampLayout:
        w, h = self.size()
        if self.initial_image is not None:
            return StampLayout(w, h, (ImageBlock(self.initial_image, Box(0, 0, w, h)),))
        name = self.short_name or _short_name(who.common_name)
        return StampLayout(w, h, (TextBlock((TextLine(name, 8, italic=True, color=BLUE),), Box(0, 0, w, h)),))


def _short_name(full_name: str) -> str:
    """'Trần Thị Hương' → 'T.T.Hương'."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return ".".join(p[0] for p in parts[:-1]) + "." + parts[-1]


@dataclass(frozen=True)
class AttachmentStyle:
    """Agency signature on an attachment or appendix in its own file: no image."""

    main_number: str = ""            # e.g. "607/UBND-VP"
    font_size: float = 10.0
    width_mm: float = 58.0

    def size(self) -> tuple[float, float]:
        return self.width_mm * MM, self.font_size * LEADING * 2 + 2

    def layout(self, who: SignerIdentity, when: datetime) -> StampLayout:
        w, h = self.size()
        lines = (TextLine(self.main_number, self.font_size), TextLine(format_time(when), self.font_size))
        return StampLayout(w, h, (TextBlock(lines, Box(0, 0, w, h), align="left", leading=LEADING),))


@dataclass(frozen=True)
class CopyStyle:
    """Agency signature on an electronic copy: form of copy, agency, time; no image.
    ``number``, when given, is printed as its own line ("Số: 12/SY-VP": the copy's
    number and symbol, or the main document's when the web system sends that)."""

    copy_form: str = "SAO Y"
    agency_name: str | None = None
    number: str = ""
    font_size: float = 10.0
    width_mm: float = 70.0

    def size(self) -> tuple[float, float]:
        lines = 4 if self.number else 3
        return self.width_mm * MM, self.font_size * LEADING * lines + 2

    def layout(self, who: SignerIdentity, when: datetime) -> StampLayout:
        w, h = self.size()
        agency = self.agency_name or who.organisation or who.common_name
        lines = (TextLine(self.copy_form, self.font_size), TextLine(agency, self.font_size),
                 *((TextLine(f"Số: {self.number}", self.font_size),) if self.number else ()),
                 TextLine(format_time(when), self.font_size))
        return StampLayout(w, h, (TextBlock(lines, Box(0, 0, w, h), align="left", leading=LEADING),))
