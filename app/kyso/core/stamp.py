"""The stamp machinery: what a visible signature shows, and how it gets into a PDF.

A stamp is described by a :class:`StampLayout`, a small immutable value: its
size in points and a few elements (text blocks and images), each in its own
box in the stamp's coordinates (origin at the stamp's lower left, as seen on
the page). The Decree 30 role stamps (``kyso.core.appearance``) are built from
these; so is the plain ``--text/--image`` stamp of ``kyso sign``.

:class:`KysoStampStyle` plugs a layout into pyHanko's signer: pyHanko asks the
style for the appearance of the new signature widget, and we render the
layout ourselves (see ``kyso.core.fonts`` for why the text is ours). On a page
with /Rotate the appearance carries a /Matrix that turns it back upright, so
the stamp reads the right way up however the page is stored.

Rendering costs little per document: font subsets and encoded images are cached
by the process, so only the small PDF objects are written each time.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

from .errors import DocumentError
from .fonts import FontProgram, ShapedRun, stamp_font
from .geometry import Box  # Box lives with the page geometry (no fonts needed to read a PDF)

Color = tuple[float, float, float]
BLACK: Color = (0.0, 0.0, 0.0)
# Decree 30: the leader's signature image is blue, the agency seal red.
BLUE: Color = (0.0, 0.2, 0.75)
RED: Color = (0.85, 0.0, 0.0)


@dataclass(frozen=True)
class TextLine:
    text: str
    size: float = 10.0
    bold: bool = False
    italic: bool = False
    color: Color = BLACK


@dataclass(frozen=True)
class TextBlock:
    """Lines of text set in ``box``; shrunk uniformly when they do not fit."""

    lines: tuple[TextLine, ...]
    box: Box
    align: str = "center"    # left | center | right
    valign: str = "middle"   # top | middle | bottom
    leading: float = 1.25    # line height as a multiple of the font size
    #: When set: the first line's baseline, measured from the box's bottom. The
    #: text then sits exactly there (like words typed into a printed line) and
    #: is shrunk only if it is too wide, never to fit the height.
    baseline: float | None = None


@dataclass(frozen=True)
class ImageBlock:
    """A PNG (transparency kept) fitted into ``box``, aspect ratio kept."""

    path: Path
    box: Box
    align: str = "center"
    valign: str = "middle"


Element = Union[TextBlock, ImageBlock]


@dataclass(frozen=True)
class StampLayout:
    width: float
    height: float
    elements: tuple[Element, ...] = field(default_factory=tuple)
    border: Color | None = None


def fit_layout(layout: StampLayout, width: float, height: float) -> StampLayout:
    """``layout`` scaled uniformly (aspect kept) and centred in a width × height box."""
    if (layout.width, layout.height) == (width, height) or layout.width <= 0 or layout.height <= 0:
        return StampLayout(width, height, layout.elements, layout.border)
    k = min(width / layout.width, height / layout.height)
    dx, dy = (width - layout.width * k) / 2, (height - layout.height * k) / 2

    def box(b: Box) -> Box:
        return Box(dx + b.x * k, dy + b.y * k, b.w * k, b.h * k)

    elements = []
    for el in layout.elements:
        if isinstance(el, ImageBlock):
            elements.append(ImageBlock(el.path, box(el.box), el.align, el.valign))
        else:
            lines = tuple(TextLine(ln.text, ln.size * k, ln.bold, ln.italic, ln.color) for ln in el.lines)
            elements.append(TextBlock(lines, box(el.box), el.align, el.valign, el.leading,
                                      None if el.baseline is None else el.baseline * k))
    return StampLayout(width, height, tuple(elements), layout.border)


# -- images ----------------------------------------------------------------


@dataclass(frozen=True)
class EncodedImage:
    width: int
    height: int
    rgb: bytes          # Flate-compressed 8-bit RGB samples
    alpha: bytes | None  # Flate-compressed 8-bit alpha, or None when opaque


@functools.lru_cache(maxsize=32)
def _encode_image(path: str, mtime_ns: int, size: int) -> EncodedImage:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
            rgba = img.convert("RGBA")
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise DocumentError("doc.image_unreadable", path=path) from exc
    r, g, b, a = rgba.split()
    rgb = Image.merge("RGB", (r, g, b)).tobytes()
    alpha_bytes = a.tobytes()
    opaque = a.getextrema() == (255, 255)
    return EncodedImage(
        width=rgba.width,
        height=rgba.height,
        rgb=zlib.compress(rgb, 6),
        alpha=None if opaque else zlib.compress(alpha_bytes, 6),
    )


def encode_image(path: Path) -> EncodedImage:
    """Decode and compress a PNG once per process (cached by path and mtime)."""
    try:
        st = Path(path).stat()
    except OSError as exc:
        raise DocumentError("doc.image_unreadable", path=str(path)) from exc
    return _encode_image(str(path), st.st_mtime_ns, st.st_size)


# -- rendering -------------------------------------------------------------


def _fmt(x: float) -> bytes:
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return (s if s not in ("-0", "") else "0").encode("ascii")


def _color(c: Color, stroke: bool = False) -> bytes:
    op = b"RG" if stroke else b"rg"
    return b" ".join(_fmt(v) for v in c) + b" " + op


@dataclass
class _PlacedLine:
    line: TextLine
    font: FontProgram
    run: ShapedRun
    size: float
    x: float
    y: float


class _FontUse:
    """The glyphs one document's stamp uses from one font file."""

    def __init__(self, font: FontProgram, name: str):
        self.font = font
        self.name = name
        self.runs: list[ShapedRun] = []

    def gids(self) -> frozenset[int]:
        return frozenset(g for run in self.runs for g in run.gids)


def _layout_text(block: TextBlock, uses: dict, placed: list[_PlacedLine]) -> None:
    shaped = []
    for line in block.lines:
        font = stamp_font(line.bold, line.italic)
        key = font.path
        if key not in uses:
            uses[key] = _FontUse(font, f"/KF{len(uses) + 1}")
        run = font.shape(line.text)
        uses[key].runs.append(run)
        shaped.append((line, font, run))
    if not shaped:
        return
    box = block.box
    widths = [run.width_units * line.size / font.units_per_em for line, font, run in shaped]
    heights = [line.size * block.leading for line, _, _ in shaped]
    scale = 1.0
    if max(widths) > box.w > 0:
        scale = box.w / max(widths)
    if block.baseline is None and sum(heights) * scale > box.h > 0:
        scale = box.h / sum(heights)
    total_h = sum(heights) * scale
    if block.valign == "top":
        top = box.y2
    elif block.valign == "bottom":
        top = box.y + total_h
    else:
        top = box.y + (box.h + total_h) / 2
    cursor = top
    for (line, font, run), width, height in zip(shaped, widths, heights):
        size = line.size * scale
        width *= scale
        height *= scale
        # Baseline: centre the em box (ascent..descent) inside the line height.
        asc = font.ascent / font.units_per_em * size
        desc = -font.descent / font.units_per_em * size
        if block.baseline is not None:
            baseline = box.y + block.baseline - (top - cursor)
        else:
            baseline = cursor - (height - (asc + desc)) / 2 - asc
        if block.align == "left":
            x = box.x
        elif block.align == "right":
            x = box.x2 - width
        else:
            x = box.x + (box.w - width) / 2
        placed.append(_PlacedLine(line, font, run, size, x, baseline))
        cursor -= height


def _text_ops(pl: _PlacedLine, font_name: str, cid_of: dict, widths_1000: dict) -> bytes:
    run, font = pl.run, pl.font
    upem = font.units_per_em
    out = [b"BT", _color(pl.line.color), font_name.encode() + b" " + _fmt(pl.size) + b" Tf"]
    if any(run.y_offsets) or any(run.x_offsets):
        # Positioned marks (a font without precomposed Vietnamese letters):
        # place every glyph at its own origin.
        pen = 0.0
        for gid, adv, xo, yo in zip(run.gids, run.x_advances, run.x_offsets, run.y_offsets):
            x = pl.x + (pen + xo) * pl.size / upem
            y = pl.y + yo * pl.size / upem
            out.append(b"1 0 0 1 %s %s Tm <%04x> Tj" % (_fmt(x), _fmt(y), cid_of[gid]))
            pen += adv
    else:
        out.append(_fmt(pl.x) + b" " + _fmt(pl.y) + b" Td")
        parts = [b"["]
        chunk = bytearray()
        for gid, adv in zip(run.gids, run.x_advances):
            cid = cid_of[gid]
            chunk += b"%04x" % cid
            # TJ numbers move the pen left by n/1000 em: make up the difference
            # between the glyph's /W width and HarfBuzz's advance (kerning).
            adjust = widths_1000[cid] - adv * 1000.0 / upem
            if abs(adjust) > 0.01:
                parts.append(b"<" + bytes(chunk) + b">" + _fmt(adjust))
                chunk = bytearray()
        if chunk:
            parts.append(b"<" + bytes(chunk) + b">")
        parts.append(b"] TJ")
        out.append(b"".join(parts))
    out.append(b"ET")
    return b" ".join(out)


def _tounicode(mapping: dict[int, str]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        for cid, text in chunk:
            hex_text = text.encode("utf-16-be").hex().encode() or b"fffd"
            lines.append(b"<%04x> <%s>" % (cid, hex_text))
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def _embed_font(writer, use: _FontUse):
    """Write a Type0/CIDFontType2 font for ``use``; return (ref, cid_of, widths)."""
    font = use.font
    subset = font.subset(use.gids())
    cid_of = subset.new_gid
    upem = font.units_per_em
    widths = {cid_of[g]: round(font.advances[g] * 1000.0 / upem, 2) for g in cid_of}
    unicode_of: dict[int, str] = {}
    for run in use.runs:
        # Give each glyph the text of its cluster (first glyph of the cluster).
        seen = set()
        for gid, cl in zip(run.gids, run.clusters):
            nxt = [c for c in run.clusters if c > cl]
            end = min(nxt) if nxt else len(run.text)
            if cl not in seen:
                unicode_of.setdefault(cid_of[gid], run.text[cl:end])
                seen.add(cl)
    base_name = f"{subset.tag}+{font.ps_name}"
    s = 1000.0 / upem
    font_file = generic.StreamObject(
        {pdf_name("/Length1"): generic.NumberObject(len(subset.data))},
        stream_data=subset.data,
    )
    font_file.compress()
    descriptor = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/FontDescriptor"),
        pdf_name("/FontName"): pdf_name("/" + base_name),
        pdf_name("/Flags"): generic.NumberObject(32 | (2 if "Tinos" in font.ps_name or "Times" in font.ps_name else 0)),
        pdf_name("/FontBBox"): generic.ArrayObject(
            [generic.NumberObject(round(v * s)) for v in font.bbox]),
        pdf_name("/ItalicAngle"): generic.FloatObject(font.italic_angle),
        pdf_name("/Ascent"): generic.NumberObject(round(font.ascent * s)),
        pdf_name("/Descent"): generic.NumberObject(round(font.descent * s)),
        pdf_name("/CapHeight"): generic.NumberObject(round(font.cap_height * s)),
        pdf_name("/StemV"): generic.NumberObject(80),
        pdf_name("/FontFile2"): writer.add_object(font_file),
    })
    w_array = generic.ArrayObject()
    for cid in sorted(widths):
        w_array.append(generic.NumberObject(cid))
        w_array.append(generic.ArrayObject([generic.FloatObject(widths[cid])]))
    cid_font = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"),
        pdf_name("/Subtype"): pdf_name("/CIDFontType2"),
        pdf_name("/BaseFont"): pdf_name("/" + base_name),
        pdf_name("/CIDSystemInfo"): generic.DictionaryObject({
            pdf_name("/Registry"): generic.TextStringObject("Adobe"),
            pdf_name("/Ordering"): generic.TextStringObject("Identity"),
            pdf_name("/Supplement"): generic.NumberObject(0),
        }),
        pdf_name("/FontDescriptor"): writer.add_object(descriptor),
        pdf_name("/CIDToGIDMap"): pdf_name("/Identity"),
        pdf_name("/DW"): generic.NumberObject(0),
        pdf_name("/W"): w_array,
    })
    to_unicode = generic.StreamObject(stream_data=_tounicode(unicode_of))
    to_unicode.compress()
    type0 = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"),
        pdf_name("/Subtype"): pdf_name("/Type0"),
        pdf_name("/BaseFont"): pdf_name("/" + base_name),
        pdf_name("/Encoding"): pdf_name("/Identity-H"),
        pdf_name("/DescendantFonts"): generic.ArrayObject([writer.add_object(cid_font)]),
        pdf_name("/ToUnicode"): writer.add_object(to_unicode),
    })
    return writer.add_object(type0), cid_of, widths


def _embed_image(writer, img: EncodedImage):
    def stream(data: bytes, colorspace: str):
        return generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Image"),
                pdf_name("/Width"): generic.NumberObject(img.width),
                pdf_name("/Height"): generic.NumberObject(img.height),
                pdf_name("/ColorSpace"): pdf_name(colorspace),
                pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                pdf_name("/Filter"): pdf_name("/FlateDecode"),
            },
            encoded_data=data,
        )

    main = stream(img.rgb, "/DeviceRGB")
    if img.alpha is not None:
        main[pdf_name("/SMask")] = writer.add_object(stream(img.alpha, "/DeviceGray"))
    return writer.add_object(main)


def render_layout(writer, layout: StampLayout):
    """Content stream bytes and (category, name, ref) resources for ``layout``."""
    uses: dict = {}
    placed: list[_PlacedLine] = []
    ops: list[bytes] = [b"q"]
    resources: list[tuple[ResourceType, str, object]] = []
    for i, el in enumerate(layout.elements):
        if isinstance(el, ImageBlock):
            img = encode_image(el.path)
            scale = min(el.box.w / img.width, el.box.h / img.height)
            w, h = img.width * scale, img.height * scale
            x = {"left": el.box.x, "right": el.box.x2 - w}.get(el.align, el.box.x + (el.box.w - w) / 2)
            y = {"bottom": el.box.y, "top": el.box.y2 - h}.get(el.valign, el.box.y + (el.box.h - h) / 2)
            name = f"/KIm{i + 1}"
            resources.append((ResourceType.XOBJECT, name, _embed_image(writer, img)))
            ops.append(b"q %s 0 0 %s %s %s cm %s Do Q" % (
                _fmt(w), _fmt(h), _fmt(x), _fmt(y), name.encode()))
        else:
            _layout_text(el, uses, placed)
    embedded = {}
    for key, use in uses.items():
        ref, cid_of, widths = _embed_font(writer, use)
        embedded[key] = (use.name, cid_of, widths)
        resources.append((ResourceType.FONT, use.name, ref))
    for pl in placed:
        name, cid_of, widths = embedded[pl.font.path]
        ops.append(_text_ops(pl, name, cid_of, widths))
    if layout.border is not None:
        ops.append(_color(layout.border, stroke=True) + b" 0.8 w 0.4 0.4 %s %s re S" % (
            _fmt(layout.width - 0.8), _fmt(layout.height - 0.8)))
    ops.append(b"Q")
    return b"\n".join(ops), resources


# -- pyHanko integration ---------------------------------------------------

_ROTATION_MATRIX = {
    0: None,
    90: (0, 1, -1, 0, 0, 0),
    180: (-1, 0, 0, -1, 0, 0),
    270: (0, -1, 1, 0, 0, 0),
}


def rotation_matrix(rotation: int) -> tuple | None:
    """/Matrix that turns an appearance upright on a page with this /Rotate."""
    return _ROTATION_MATRIX[rotation % 360]


@dataclass(frozen=True)
class KysoStampStyle(BaseStampStyle):
    """A pyHanko stamp style that draws a :class:`StampLayout`.

    ``rotation`` is the page's /Rotate, so the appearance can be turned
    upright; the layout itself is always in the page's displayed orientation.
    """

    layout: StampLayout | None = None
    rotation: int = 0
    border_width: int = 0

    def create_stamp(self, writer, box, text_params) -> "KysoStamp":
        return KysoStamp(writer, self)


class KysoStamp(BaseStamp):
    def __init__(self, writer, style: KysoStampStyle):
        layout = style.layout
        super().__init__(writer, style, BoxConstraints(width=layout.width, height=layout.height))

    def _render_inner_content(self):
        content, resources = render_layout(self.writer, self.style.layout)
        for category, name, ref in resources:
            self.set_resource(category, pdf_name(name), ref)
        return [content]

    def as_form_xobject(self):
        xobj = super().as_form_xobject()
        matrix = rotation_matrix(self.style.rotation)
        if matrix is not None:
            xobj[pdf_name("/Matrix")] = generic.ArrayObject(
                [generic.NumberObject(v) for v in matrix])
        return xobj
