"""Fonts for stamps: finding Times New Roman or its free twin, shaping, embedding.

Decree 30/2020 asks for Times New Roman. It is not freely redistributable, so
Kyso uses it when the machine has it and otherwise the bundled Tinos, which is
metric-compatible and covers Vietnamese fully.

Why not pyHanko's own OpenType stamp text: it writes the CIDFont ``/W`` widths
in raw font units, but PDF expects thousandths of an em. Tinos has 2048 units
per em, so every letter advances about twice too far and Vietnamese stamps
render with wide gaps in poppler and PDFium alike. Here text is shaped with
HarfBuzz, the font is subset with fontTools into a compact CIDFontType2 whose
``/W`` is scaled to 1/1000 em, kerning goes into ``TJ`` adjustments, and a
ToUnicode map keeps the text extractable (``pdftotext`` reads it back exactly).

Loading and parsing a font costs tens of milliseconds and subsetting about as
much, so both are cached per process: a batch of two hundred stamps with the
same signer reuses one subset (all digits and common punctuation are always
included, so changing times do not defeat the cache).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import uharfbuzz as hb
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
BUNDLED_FONTS = RESOURCES / "fonts"

_STYLE_FILES = {
    (False, False): "Tinos-Regular.ttf",
    (True, False): "Tinos-Bold.ttf",
    (False, True): "Tinos-Italic.ttf",
    (True, True): "Tinos-BoldItalic.ttf",
}
_TNR_WINDOWS = {
    (False, False): "times.ttf",
    (True, False): "timesbd.ttf",
    (False, True): "timesi.ttf",
    (True, True): "timesbi.ttf",
}
# Characters that every subset carries, so varying digits and times reuse it.
ALWAYS_INCLUDED = " 0123456789:;.,-+/()[]%'\"_TZ"
# A Vietnamese sample used to check that a system font really covers the language.
VIETNAMESE_PROBE = "ẮẰẲẴẶắằẳẵặỆệỞởỮữỰựĐđ"


@dataclass(frozen=True)
class FontStyle:
    bold: bool = False
    italic: bool = False


def _covers_vietnamese(path: Path) -> bool:
    try:
        cmap = TTFont(path, lazy=True, fontNumber=0).getBestCmap() or {}
    except Exception:  # noqa: BLE001 - a font file fontTools cannot read is simply not used
        return False
    return all(ord(ch) in cmap for ch in VIETNAMESE_PROBE)


def _system_times_new_roman(bold: bool, italic: bool) -> Path | None:
    """The machine's own Times New Roman file, when it has one that covers Vietnamese."""
    candidates: list[Path] = []
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        candidates.append(windir / "Fonts" / _TNR_WINDOWS[(bold, italic)])
    elif sys.platform == "darwin":
        suffix = {(False, False): "", (True, False): " Bold", (False, True): " Italic",
                  (True, True): " Bold Italic"}[(bold, italic)]
        for base in ("/Library/Fonts", "/System/Library/Fonts/Supplemental"):
            candidates.append(Path(base) / f"Times New Roman{suffix}.ttf")
    elif shutil.which("fc-match"):
        style = "Bold Italic" if bold and italic else "Bold" if bold else "Italic" if italic else "Regular"
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{family}\n%{file}", f"Times New Roman:style={style}"],
                capture_output=True, text=True, timeout=5, check=False,
            ).stdout.splitlines()
        except (OSError, subprocess.SubprocessError):
            out = []
        # fc-match always answers something; accept only the real family.
        if len(out) == 2 and "Times New Roman" in out[0].split(","):
            candidates.append(Path(out[1]))
    for path in candidates:
        if path.is_file() and _covers_vietnamese(path):
            return path
    return None


@functools.lru_cache(maxsize=8)
def font_path(bold: bool = False, italic: bool = False) -> Path:
    """Times New Roman if installed (and Vietnamese-complete), else bundled Tinos.

    ``KYSO_FONT=bundled`` forces Tinos, so renders are identical across machines.
    """
    if os.environ.get("KYSO_FONT", "").lower() != "bundled":
        system = _system_times_new_roman(bold, italic)
        if system is not None:
            return system
    return BUNDLED_FONTS / _STYLE_FILES[(bold, italic)]


@dataclass(frozen=True)
class ShapedRun:
    """Glyphs of one line of text, as HarfBuzz laid them out (font units)."""

    text: str
    gids: tuple[int, ...]
    x_advances: tuple[int, ...]
    x_offsets: tuple[int, ...]
    y_offsets: tuple[int, ...]
    clusters: tuple[int, ...]

    @property
    def width_units(self) -> int:
        return sum(self.x_advances)


@dataclass(frozen=True)
class Subset:
    """A compact font program holding some glyphs, and where each went."""

    data: bytes
    new_gid: dict  # original gid -> gid in the subset (used as CID)
    tag: str       # six capital letters, the PDF subset prefix


class FontProgram:
    """One font file, parsed once per process."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.data = self.path.read_bytes()
        tt = TTFont(io.BytesIO(self.data), lazy=False)
        self.units_per_em = tt["head"].unitsPerEm
        self.cmap = tt.getBestCmap()
        self.glyph_order = tt.getGlyphOrder()
        self.advances = [tt["hmtx"][name][0] for name in self.glyph_order]
        head, hhea, os2, post = tt["head"], tt["hhea"], tt.get("OS/2"), tt["post"]
        self.bbox = (head.xMin, head.yMin, head.xMax, head.yMax)
        self.ascent = getattr(os2, "sTypoAscender", hhea.ascent) if os2 else hhea.ascent
        self.descent = getattr(os2, "sTypoDescender", hhea.descent) if os2 else hhea.descent
        self.cap_height = getattr(os2, "sCapHeight", 0) or int(self.ascent * 0.7)
        self.italic_angle = float(post.italicAngle)
        self.ps_name = self._ps_name(tt)
        self._hb_font = hb.Font(hb.Face(self.data))
        self._subsets: dict[frozenset, Subset] = {}
        gid_of_name = {name: i for i, name in enumerate(self.glyph_order)}
        self._base_gids = frozenset(
            gid_of_name[self.cmap[ord(c)]] for c in ALWAYS_INCLUDED if ord(c) in self.cmap
        ) | {0}

    @staticmethod
    def _ps_name(tt: TTFont) -> str:
        name = tt["name"].getDebugName(6) or Path(tt.reader.file.name).stem
        return "".join(ch for ch in name if ch.isalnum() or ch in "-_") or "Font"

    def shape(self, text: str) -> ShapedRun:
        text = unicodedata.normalize("NFC", text)
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(self._hb_font, buf, {"kern": True, "liga": False})
        infos, positions = buf.glyph_infos, buf.glyph_positions
        # Clusters are UTF-32 indices when the text is added as a str.
        return ShapedRun(
            text=text,
            gids=tuple(i.codepoint for i in infos),
            x_advances=tuple(p.x_advance for p in positions),
            x_offsets=tuple(p.x_offset for p in positions),
            y_offsets=tuple(p.y_offset for p in positions),
            clusters=tuple(i.cluster for i in infos),
        )

    def subset(self, gids: frozenset[int]) -> Subset:
        """A subset holding ``gids`` (plus digits and punctuation), cached."""
        key = frozenset(gids) | self._base_gids
        cached = self._subsets.get(key)
        if cached is not None:
            return cached
        options = ft_subset.Options()
        options.layout_features = []
        options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern", "DSIG", "hdmx", "VDMX", "LTSH"]
        options.name_IDs = [1, 2, 3, 4, 6]
        options.notdef_outline = True
        options.glyph_names = False
        options.recalc_timestamp = False
        options.hinting = False
        tt = TTFont(io.BytesIO(self.data), lazy=False)
        subsetter = ft_subset.Subsetter(options=options)
        subsetter.populate(gids=sorted(key))
        subsetter.subset(tt)
        new_order = tt.getGlyphOrder()
        index = {name: i for i, name in enumerate(new_order)}
        new_gid = {gid: index[self.glyph_order[gid]] for gid in key
                   if self.glyph_order[gid] in index}
        out = io.BytesIO()
        tt.save(out)
        digest = hashlib.sha256(repr(sorted(key)).encode() + self.ps_name.encode()).digest()
        tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
        result = Subset(out.getvalue(), new_gid, tag)
        if len(self._subsets) > 64:
            self._subsets.clear()
        self._subsets[key] = result
        return result


@functools.lru_cache(maxsize=16)
def load_font(path: Path) -> FontProgram:
    return FontProgram(Path(path))


def stamp_font(bold: bool = False, italic: bool = False) -> FontProgram:
    return load_font(font_path(bold, italic))
