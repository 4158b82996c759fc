"""Where stamps go, found from the page's own text.

A Decree 30/2020 document says where its signatures belong: the leader's
image is centred between the signer's position ("PHÓ CHỦ TỊCH") and name, the
seal overlaps a third of it on the left, the clerk writes the number after
"Số:" and the day and month after "ngày" and "tháng".  Asking every clerk to
draw these boxes by hand is slow and error-prone, so this module reads the
page text (PDFium) and finds them; when it cannot, it says so
(:class:`PlacementNotFound`) rather than guess: a stamp printed over the
signer's name is worse than a question.

Every box here is in *displayed* page coordinates (points, origin at the lower
left of the visible page after CropBox and /Rotate), the space ``--box`` and
:class:`~kyso.core.geometry.PageGeometry` speak.  PDFium answers in user
space; each glyph is converted on the way in.

Text boxes span the font's ascent to descent (from the FontDescriptor, or
poppler's defaults 0.95/-0.35 when a producer writes zeros, as LibreOffice
does), which is what ``pdftotext -bbox`` reports, so a box read here and one
read by poppler agree.

No Qt here: the CLI, the GUI and the server all use it.

Public API: :func:`page_lines`, :func:`analyse`, :func:`leader_stamp_box`,
:func:`agency_seal_box`, :func:`initial_box`, :func:`top_right_box`,
:func:`require_signature_block`, :func:`require_blanks`; the dataclasses
:class:`Glyph`, :class:`TextLine`, :class:`Blank`, :class:`SignatureBlock`,
:class:`DocumentLayout`; the error :class:`PlacementNotFound`.
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from . import ocr, pdfium
from .errors import DocumentError, ExitCode, KysoError
from .geometry import PageGeometry, geometry_from_boxes, inherited
from .stamp import Box

__all__ = [
    "Glyph",
    "TextLine",
    "Blank",
    "SignatureBlock",
    "DocumentLayout",
    "PlacementNotFound",
    "page_lines",
    "analyse",
    "leader_stamp_box",
    "agency_seal_box",
    "initial_box",
    "top_right_box",
    "require_signature_block",
    "require_blanks",
]

MM = 72.0 / 25.4

#: poppler's defaults when a FontDescriptor has no usable Ascent/Descent
DEFAULT_ASCENT = 0.95
DEFAULT_DESCENT = -0.35

#: runs on one baseline further apart than this (in em) are separate items:
#: two header columns sit on one row, but justified body text rarely
#: stretches a space beyond 2 em
SPLIT_EM = 3.0
#: ...except right after a blank's keyword ("Số:", "ngày", "tháng"), where
#: the gap *is* the blank, up to this many em
BLANK_MAX_EM = 12.0

MIN_NUMBER_BLANK = 28.0
MIN_DATE_BLANK = 18.0
#: ...or, in a smaller face (wkhtmltopdf shrinks the page), this many em
MIN_NUMBER_BLANK_EM = 2.0
MIN_DATE_BLANK_EM = 1.3
#: the empty space between position and name: 30-35 mm in practice; less
#: than this is ordinary leading, not a signature space
MIN_SIGNATURE_GAP = 24.0

#: below this a face shows the stamp's place before signing, and a batch
#: leaves the document for the person to place alone
LOW_CONFIDENCE = 0.75
#: what a text layer earns when every part was found; OCR earns less (its
#: boxes are ink, its letters may be misread) and a turned scan less again
TEXT_CONFIDENCE = 0.95
OCR_CONFIDENCE = 0.7

_FILLERS = frozenset(" .…_\u00a0\t")
_AUTH_PREFIX = re.compile(r"^(TM|KT|Q|TL|TUQ)\s*\.\s*\S")
_POSITION = re.compile(
    r"(CHỦ TỊCH|GIÁM ĐỐC|CHÁNH |TRƯỞNG|BÍ THƯ|CHỦ NHIỆM|TỔNG |HIỆU PHÓ|PHÓ |"
    r"ỦY VIÊN|THƯ KÝ|CHÁNH ÁN|VIỆN TRƯỞNG|KẾ TOÁN|CHỦ TỌA|THỦ QUỸ)"
)
_NUMBER = re.compile(r"^Số\s*:")
_SUBSET = re.compile(r"^[A-Z]{6}\+")


# ------------------------------------------------------------------ values
@dataclass(frozen=True)
class Glyph:
    """One character of a line, with its horizontal extent (displayed x)."""

    char: str
    x0: float
    x1: float


@dataclass(frozen=True)
class TextLine:
    """One visual line: text on one baseline, not interrupted by a column gap.

    ``box`` spans ascent to descent; ``baseline`` and ``size`` are what a
    writer needs to put text on the same line (the number in a blank).
    ``glyphs`` match ``text`` one to one, so a position in the text is a
    position on the page.
    """

    page: int
    text: str
    box: Box
    baseline: float
    size: float
    bold: bool = False
    italic: bool = False
    glyphs: tuple[Glyph, ...] = field(default=(), repr=False, compare=False)

    @property
    def centre_x(self) -> float:
        return self.box.x + self.box.w / 2


@dataclass(frozen=True)
class Blank:
    """A gap left in a draft for the clerk to fill (number, day, month)."""

    page: int
    box: Box
    baseline: float
    font_size: float


@dataclass(frozen=True)
class SignatureBlock:
    page: int
    authority_lines: tuple[TextLine, ...]
    title_line: TextLine
    name_line: TextLine
    #: between the title's bottom and the name's top, as wide as the block
    signature_space: Box


@dataclass(frozen=True)
class DocumentLayout:
    """What :func:`analyse` found; anything not found is None, never a guess."""

    page_count: int
    page_sizes: tuple[tuple[float, float], ...]  # displayed (width, height)
    signature_block: SignatureBlock | None = None
    number_line: TextLine | None = None
    number_blank: Blank | None = None
    symbol: str | None = None  # "/UBND-VP"
    date_line: TextLine | None = None
    date_day_blank: Blank | None = None
    date_month_blank: Blank | None = None
    place: str | None = None
    year_text: str | None = None
    body_end: TextLine | None = None
    #: right edge of the text on body_end's page (where an initial may end)
    text_right: float | None = None
    #: how sure the analysis is of what it found (0: nothing, 1: certain)
    confidence: float = 0.0
    #: per page: degrees a scan's reading frame is turned (0 for text pages);
    #: the boxes above are in that upright frame, see :func:`display_box`
    frames: tuple[int, ...] = ()
    #: the pages read by OCR
    ocr_pages: tuple[int, ...] = ()


class PlacementNotFound(KysoError):
    """The page does not show where a stamp or number goes; ask the user."""

    exit_code = ExitCode.DOCUMENT

    def __init__(self, code: str = "placement.block_not_found", **params):
        super().__init__(code, **params)


# ---------------------------------------------------------------- reading
def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _font_metrics(page_obj) -> dict[str, tuple[float, float]]:
    """Base font name -> (ascent, descent) per unit of size, from the page's
    FontDescriptors (forms included).  PDFium does not expose these numbers
    (its own "ascent" is a glyph height), and poppler-compatible boxes need
    them."""
    out: dict[str, tuple[float, float]] = {}
    seen: set = set()

    def fonts_of(res, depth: int) -> None:
        if res is None or depth > 4:
            return
        fonts = res.get("/Font")
        if fonts is not None:
            for _, f in fonts.items():
                try:
                    name = _SUBSET.sub("", str(f.get("/BaseFont", "")).lstrip("/"))
                    fd = f.get("/FontDescriptor")
                    if fd is None and "/DescendantFonts" in f:
                        fd = f.DescendantFonts[0].get("/FontDescriptor")
                    a = float(fd.get("/Ascent", 0)) / 1000 if fd is not None else 0.0
                    d = float(fd.get("/Descent", 0)) / 1000 if fd is not None else 0.0
                except (TypeError, ValueError, AttributeError, IndexError, KeyError):
                    continue
                if d > 0:
                    d = -d  # some producers write a positive descent
                a = a if 0 < a < 3 else DEFAULT_ASCENT
                d = d if -3 < d < 0 else DEFAULT_DESCENT
                out.setdefault(name, (a, d))
        xobjs = res.get("/XObject")
        if xobjs is not None:
            for _, x in xobjs.items():
                key = x.objgen
                if key in seen or x.get("/Subtype") != "/Form":
                    continue
                seen.add(key)
                fonts_of(x.get("/Resources"), depth + 1)

    fonts_of(inherited(page_obj, "/Resources"), 0)
    return out


def _geometry(page_obj) -> PageGeometry:
    return geometry_from_boxes(
        inherited(page_obj, "/MediaBox"),
        inherited(page_obj, "/CropBox"),
        inherited(page_obj, "/Rotate"),
    )


@dataclass(slots=True)
class _Char:
    ch: str
    x0: float
    x1: float
    base: float
    size: float
    asc: float
    desc: float
    bold: bool
    italic: bool
    sp: bool = False  # a space character (the gaps decide the spaces we keep)


def _display_affine(geom: PageGeometry) -> tuple[float, float, float, float, float, float]:
    """``geom.to_display`` as an affine map (a, b, c, d, e, f): x' = a x + c y + e,
    y' = b x + d y + f.  Thousands of glyph corners per page go through it;
    inline arithmetic is several times cheaper than a method call each."""
    e, f = geom.to_display(0.0, 0.0)
    ax, ay = geom.to_display(1.0, 0.0)
    cx, cy = geom.to_display(0.0, 1.0)
    return ax - e, ay - f, cx - e, cy - f, e, f


def _chars(pdf_page, geom: PageGeometry, metrics) -> list[_Char]:
    """The page's upright (as displayed) characters, in displayed coordinates.
    Called with PDFium's lock held (see :class:`_Reader`)."""
    tp = pdf_page.get_textpage()
    try:
        raw = tp.raw
        c = pdfium.raw
        get_unicode = c.FPDFText_GetUnicode
        get_object, get_box = c.FPDFText_GetTextObject, c.FPDFText_GetLooseCharBox
        n = c.FPDFText_CountChars(raw)
        rect = c.FS_RECTF()
        mat = c.FS_MATRIX()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        flags = ctypes.c_int()
        buf = ctypes.create_string_buffer(256)
        A, B, C, D, E, F = _display_affine(geom)
        font_cache: dict[tuple[bytes, int], tuple[float, float, bool, bool]] = {}
        font_by_handle: dict[int, tuple[float, float, bool, bool]] = {}
        # Per text object (one Tj/TJ): size, baseline, direction and font are
        # the same for all its glyphs, so they are asked once (ctypes calls
        # cost ~1 us each; a page has ~2000 glyphs).
        obj_cache: dict[int, tuple | None] = {}
        out: list[_Char] = []
        append = out.append
        # the whole text in one call; one UTF-16 unit per char index unless
        # the page has characters outside the BMP (then ask char by char)
        text = tp.get_text_range(0, n) if n else ""
        if len(text) != n:
            text = "".join(chr(get_unicode(raw, i)) for i in range(n))
        for i, ch in enumerate(text):
            if ch in "\r\n\x00\ufffe\uffff":
                continue
            obj = get_object(raw, i)
            if not obj:
                continue  # PDFium's own (generated) spaces: we make ours from gaps
            key_obj = ctypes.cast(obj, ctypes.c_void_p).value or -i
            per = obj_cache.get(key_obj, False)
            if per is False:
                per = None
                size = c.FPDFText_GetFontSize(raw, i)
                c.FPDFText_GetMatrix(raw, i, mat)
                # direction of the baseline as displayed: only upright text
                dx, dy = A * mat.a + C * mat.b, B * mat.a + D * mat.b
                # the size as drawn: Tf times the text and graphics matrices'
                # vertical scale (Chromium writes Tf in pixels under a 0.75 cm)
                size *= math.hypot(mat.c, mat.d) or 1.0
                if c.FPDFTextObj_GetTextRenderMode(obj) == 3:
                    pass   # invisible (an OCR layer under a scan): not what the page shows
                elif size > 0 and dx > 0 and abs(dy) <= 0.09 * dx:  # within ~5 degrees
                    c.FPDFText_GetCharOrigin(raw, i, ox, oy)
                    base = B * ox.value + D * oy.value + F
                    # one font handle, one look-up: producers that write a
                    # text object per glyph (browsers, Qt) ask for the font
                    # thousands of times
                    fh = ctypes.cast(c.FPDFTextObj_GetFont(obj), ctypes.c_void_p).value
                    info = font_by_handle.get(fh) if fh else None
                    if info is None:
                        c.FPDFText_GetFontInfo(raw, i, buf, 256, flags)
                        fkey = (buf.value, flags.value)
                        info = font_cache.get(fkey)
                    if info is None:
                        name = _SUBSET.sub("", buf.value.decode("utf-8", "replace"))
                        a, d = metrics.get(name, (DEFAULT_ASCENT, DEFAULT_DESCENT))
                        low = name.lower()
                        bold = bool(flags.value & (1 << 18)) or any(
                            w in low for w in ("bold", "black", "heavy", "semibold", "demi")
                        ) or c.FPDFText_GetFontWeight(raw, i) >= 600
                        italic = bool(flags.value & (1 << 6)) or "italic" in low or "oblique" in low
                        info = font_cache[fkey] = (a, d, bold, italic)
                    if fh:
                        font_by_handle[fh] = info
                    per = (base, size, *info)
                if key_obj > 0:
                    obj_cache[key_obj] = per
            if per is None or not get_box(raw, i, rect):
                continue
            xa, xb = A * rect.left + C * rect.bottom + E, A * rect.right + C * rect.top + E
            if xa > xb:
                xa, xb = xb, xa
            sp = ch.isspace() or ch == "\u00a0"
            if sp and xb - xa < 0.05 * per[1]:
                # a zero-width space where a font changes (LibreOffice's
                # fallback font for accented capitals): not a word break
                continue
            append(_Char(ch, xa, xb, *per, sp))
        return out
    finally:
        tp.close()


def _ends_with_blank_keyword(text: str) -> bool:
    t = text.rstrip()
    return t.endswith(("ngày", "tháng")) or bool(re.search(r"Số\s*:$", t))


def _make_line(page: int, row: list[_Char]) -> TextLine:
    """One item from characters sorted by x; spaces come from gaps."""
    glyphs: list[Glyph] = []
    pending_space = False
    prev: _Char | None = None
    top = -math.inf
    bottom = math.inf
    x1 = -math.inf
    nb = ni = 0
    sizes: list[float] = []
    bases: list[float] = []
    for c in row:
        if c.sp:
            pending_space = prev is not None
            continue
        if prev is not None:
            if pending_space or c.x0 - prev.x1 > 0.15 * max(c.size, prev.size):
                glyphs.append(Glyph(" ", prev.x1, max(prev.x1, c.x0)))
        if glyphs and unicodedata.combining(c.ch):
            # decomposed accents: fold combining marks into their base letter
            # so text and glyphs stay one to one after NFC
            p = glyphs[-1]
            glyphs[-1] = Glyph(_nfc(p.char + c.ch), p.x0, max(p.x1, c.x1))
        else:
            glyphs.append(Glyph(c.ch, c.x0, c.x1))
        t = c.base + c.asc * c.size
        b = c.base + c.desc * c.size
        if t > top:
            top = t
        if b < bottom:
            bottom = b
        if c.x1 > x1:
            x1 = c.x1
        nb += c.bold
        ni += c.italic
        sizes.append(c.size)
        bases.append(c.base)
        pending_space = False
        prev = c
    n = len(sizes)
    bases.sort()
    first = next(c for c in row if not c.sp)
    return TextLine(
        page=page,
        text="".join(g.char for g in glyphs),  # each glyph is NFC already
        box=Box(first.x0, bottom, x1 - first.x0, top - bottom),
        baseline=bases[n // 2],
        size=max(sizes),
        bold=nb * 2 > n,
        italic=ni * 2 > n,
        glyphs=tuple(glyphs),
    )


def _group(page: int, chars: list[_Char]) -> list[TextLine]:
    """Characters -> rows (same baseline) -> items (split at column gaps)."""
    chars = sorted(chars, key=lambda c: -c.base)
    rows: list[list[_Char]] = []
    ref = None
    for c in chars:
        if ref is not None and abs(c.base - ref[0]) <= 0.3 * min(c.size, ref[1]):
            rows[-1].append(c)
        else:
            rows.append([c])
            ref = (c.base, c.size)
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda c: (c.x0, c.x1))
        item: list[_Char] = []
        last_ink: _Char | None = None
        for c in row:
            if c.sp:
                if last_ink is not None:
                    item.append(c)
                continue
            if last_ink is not None:
                gap = c.x0 - last_ink.x1
                em = max(c.size, last_ink.size)
                if gap > SPLIT_EM * em and not (
                    gap <= BLANK_MAX_EM * em
                    and _ends_with_blank_keyword(_nfc("".join(x.ch for x in item[-12:])))
                ):
                    lines.append(_make_line(page, item))
                    item = []
            item.append(c)
            last_ink = c
        if last_ink is not None and item:
            lines.append(_make_line(page, item))
    lines.sort(key=lambda ln: (-ln.baseline, ln.box.x))
    return lines


def _ocr_lines(page_index: int, page: "ocr.OcrPage") -> list[TextLine]:
    """Tesseract's words as lines (its own line grouping), split at column
    gaps like text-layer rows; characters spread evenly over each word."""
    by_line: dict[tuple[int, int, int], list] = {}
    for w in page.words:
        by_line.setdefault(w.line, []).append(w)
    lines: list[TextLine] = []
    for words in by_line.values():
        words.sort(key=lambda w: w.x0)
        hs = sorted(w.y1 - w.y0 for w in words)
        # ink height of a typical Vietnamese word (accents, descenders): ~0.9 em
        size = max(4.0, hs[len(hs) // 2] / 0.9)
        bottoms = sorted(w.y0 for w in words)
        base = bottoms[len(bottoms) // 2] + 0.02 * size
        chars: list[_Char] = []
        for w in words:
            n = len(w.text)
            step = (w.x1 - w.x0) / n
            asc, desc = (w.y1 - base) / size, min(0.0, (w.y0 - base) / size)
            for k, ch in enumerate(w.text):
                chars.append(_Char(ch, w.x0 + k * step, w.x0 + (k + 1) * step, base, size, asc, desc, False, False))
        item: list[_Char] = []
        last = None
        for c in chars:
            if last is not None and c.x0 - last.x1 > SPLIT_EM * size and not (
                    c.x0 - last.x1 <= BLANK_MAX_EM * size
                    and _ends_with_blank_keyword(_nfc("".join(x.ch for x in item[-12:])))):
                lines.append(_make_line(page_index, item))
                item = []
            item.append(c)
            last = c
        if item:
            lines.append(_make_line(page_index, item))
    lines.sort(key=lambda ln: (-ln.baseline, ln.box.x))
    return lines


def _has_image(page_obj) -> bool:
    """Whether the page draws an image (a scan), through forms too."""
    seen: set = set()

    def look(res, depth: int) -> bool:
        xobjs = res.get("/XObject") if res is not None else None
        if xobjs is None or depth > 4:
            return False
        for _, x in xobjs.items():
            sub = x.get("/Subtype")
            if sub == "/Image":
                return True
            if sub == "/Form" and x.objgen not in seen:
                seen.add(x.objgen)
                if look(x.get("/Resources"), depth + 1):
                    return True
        return False

    try:
        if look(inherited(page_obj, "/Resources"), 0):
            return True
        return b"BI" in pikepdf.Page(page_obj).obj.Contents.read_bytes() if "/Contents" in page_obj else False
    except Exception:   # noqa: BLE001 - an odd page: read it as a scan rather than not at all
        return True


class _Reader:
    """One open document (pikepdf for structure, PDFium for text); pages are
    read on demand and kept only for this one analysis."""

    def __init__(self, pdf_path, password: str | None) -> None:
        path = Path(pdf_path)
        self.path = path
        if not path.is_file():
            raise DocumentError("doc.not_found", path=str(path))
        try:
            self.pike = pikepdf.open(path, password=password or "")
        except pikepdf.PasswordError:
            raise DocumentError("doc.wrong_password" if password else "doc.encrypted", path=str(path)) from None
        except pikepdf.PdfError:
            raise DocumentError("doc.corrupt", path=str(path)) from None
        try:
            self.pdf = pdfium.Document(path, password)
        except pdfium.PdfiumError:
            self.pike.close()
            raise DocumentError("doc.corrupt", path=str(path)) from None
        self.count = len(self.pdf)
        self._geoms: dict[int, PageGeometry] = {}
        self._lines: dict[int, list[TextLine]] = {}
        self.ocr: dict[int, ocr.OcrPage] = {}

    def close(self) -> None:
        self.pdf.close()
        self.pike.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def geometry(self, i: int) -> PageGeometry:
        g = self._geoms.get(i)
        if g is None:
            g = self._geoms[i] = _geometry(self.pike.pages[i].obj)
        return g

    def lines(self, i: int) -> list[TextLine]:
        got = self._lines.get(i)
        if got is None:
            if not 0 <= i < self.count:
                raise DocumentError("doc.bad_page", pages=self.count, page=i + 1)
            geom = self.geometry(i)
            metrics = _font_metrics(self.pike.pages[i].obj)
            with self.pdf.locked() as pdf:   # PDFium's calls only; grouping needs no lock
                page = pdf[i]
                try:
                    chars = _chars(page, geom, metrics)
                finally:
                    page.close()
            if len(chars) < ocr.MIN_TEXT_CHARS and ocr.available() and _has_image(self.pike.pages[i].obj):
                # no visible text: a scan (perhaps under an invisible OCR layer)
                scan = ocr.read_page(self.path, self.pdf, i)
                if scan.words:
                    self.ocr[i] = scan
                    got = self._lines[i] = _ocr_lines(i, scan)
                    return got
            got = self._lines[i] = _group(i, chars)
        return got


def page_lines(pdf_path, page_index: int, password: str | None = None) -> list[TextLine]:
    """The text lines of one page, top to bottom, in displayed coordinates."""
    with _Reader(pdf_path, password) as r:
        return r.lines(page_index)


# -------------------------------------------------------------- analysing
def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def _is_caps(text: str) -> bool:
    s = _letters(text)
    return len(s) >= 2 and s == s.upper() and s != s.lower()


def _h_overlap(a: Box, b: Box) -> float:
    return min(a.x2, b.x2) - max(a.x, b.x)


def _centred(a: TextLine, b: TextLine) -> bool:
    tol = max(15.0, 0.2 * max(a.box.w, b.box.w))
    return abs(a.centre_x - b.centre_x) <= tol


def _find_block(lines: list[TextLine], page: int) -> SignatureBlock | None:
    """The lowest position line with an empty space and a name under it."""
    for t in sorted(lines, key=lambda ln: ln.baseline):
        text = t.text.strip()
        if not _is_caps(text) or (_AUTH_PREFIX.match(text) and not text.startswith("Q.")):
            continue
        above = [ln for ln in lines if ln.box.y >= t.box.y2 - 0.5 * t.size and _h_overlap(ln.box, t.box) > 0]
        above.sort(key=lambda ln: ln.box.y)
        # authority lines: capitals, stacked tightly above, same column
        auth: list[TextLine] = []
        cur = t
        for ln in above:
            if ln.box.y - cur.box.y2 > 0.6 * cur.size or not _centred(ln, t):
                break
            if not _is_caps(ln.text):
                break
            auth.append(ln)
            cur = ln
            if len(auth) >= 4:
                break
        if not (_POSITION.search(text + " ") or any(_AUTH_PREFIX.match(a.text) for a in auth)):
            continue
        below = [ln for ln in lines if ln.box.y2 <= t.box.y + 0.5 and _h_overlap(ln.box, t.box) > 0]
        if not below:
            continue
        name = max(below, key=lambda ln: ln.box.y2)
        gap = t.box.y - name.box.y2
        words = name.text.split()
        if gap < max(MIN_SIGNATURE_GAP, 1.7 * t.size) or not _centred(name, t):
            continue
        if not 2 <= len(words) <= 8 or ":" in name.text or _POSITION.search(name.text.upper() + " ") and _is_caps(name.text):
            continue
        auth.reverse()  # top to bottom
        block = [*auth, t, name]
        x0 = min(ln.box.x for ln in block)
        x1 = max(ln.box.x2 for ln in block)
        space = Box(x0, name.box.y2, x1 - x0, t.box.y - name.box.y2)
        return SignatureBlock(page, tuple(auth), t, name, space)
    return None


def _gap_after(line: TextLine, end: int) -> tuple[int, float, float]:
    """Index of the next ink glyph after ``line.glyphs[end - 1]`` (skipping
    spaces, dots and underscores a draft may use), and the gap's x extent."""
    g = line.glyphs
    j = end
    while j < len(g) and g[j].char in _FILLERS:
        j += 1
    x0 = g[end - 1].x1
    x1 = g[j].x0 if j < len(g) else x0
    return j, x0, x1


def _blank(line: TextLine, x0: float, x1: float) -> Blank:
    return Blank(line.page, Box(x0, line.box.y, x1 - x0, line.box.h), line.baseline, line.size)


def _find_number(lines: list[TextLine]):
    for ln in lines:
        if not _NUMBER.match(ln.text):
            continue
        colon = ln.text.index(":") + 1
        j, x0, x1 = _gap_after(ln, colon)
        rest = ln.text[j:].strip()
        slash = rest.find("/")
        symbol = rest[slash:].strip() if slash >= 0 else None
        blank = None
        if rest.startswith("/") and x1 - x0 >= min(MIN_NUMBER_BLANK, MIN_NUMBER_BLANK_EM * ln.size):
            blank = _blank(ln, x0, x1)
        return ln, blank, symbol or None
    return None, None, None


_DATE = re.compile(r"^(?P<place>[^,]*?)\s*,?\s*ngày\b", re.IGNORECASE)


def _column_start(ln: TextLine, end: int) -> int:
    """Where the text before ``end`` starts after the last column gap (over
    one em): two header columns set in a table can sit closer than
    :data:`SPLIT_EM`, and the left one must not become the date's place."""
    g = ln.glyphs
    for i in range(min(end, len(g)) - 1, 0, -1):
        if g[i].char == " " and g[i].x1 - g[i].x0 > 1.0 * ln.size:
            return i + 1
    return 0


def _find_date(lines: list[TextLine]):
    for ln in lines:
        text = ln.text
        m = _DATE.search(text)
        if not m or "tháng" not in text or "năm" not in text:
            continue
        k = text.lower().index("ngày", m.start())
        start = _column_start(ln, k)
        if start:
            m = _DATE.search(text[start:]) or m
        day = month = None
        j, x0, x1 = _gap_after(ln, k + 4)
        min_date = min(MIN_DATE_BLANK, MIN_DATE_BLANK_EM * ln.size)
        if text[j:].lower().startswith("tháng") and x1 - x0 >= min_date:
            day = _blank(ln, x0, x1)
        t = text.lower().find("tháng", k)
        if t >= 0:
            j, x0, x1 = _gap_after(ln, t + 5)
            if text[j:].lower().startswith("năm") and x1 - x0 >= min_date:
                month = _blank(ln, x0, x1)
        y = text.lower().rfind("năm")
        year = text[y + 3 :].strip() or None
        place = m.group("place").strip() or None
        return ln, day, month, place, year
    return None, None, None, None, None


_PAGE_NO = re.compile(r"[-–\s]*((trang|page)\s*)?\d{1,3}(\s*(/|của|of)\s*\d{1,3})?[-–\s]*", re.IGNORECASE)


def _is_page_number(ln: TextLine) -> bool:
    return bool(_PAGE_NO.fullmatch(ln.text))


def _running(r: "_Reader", page: int) -> set[int]:
    """ids of the lines of ``page`` repeated on another page at the same
    height (digits aside): running headers and footers, never the body."""
    if r.count < 2:
        return set()
    other = page - 1 if page > 0 else page + 1
    def key(ln):
        return re.sub(r"\d+", "#", ln.text)
    theirs = [(key(ln), ln.baseline) for ln in r.lines(other)]
    return {id(ln) for ln in r.lines(page)
            if any(k == key(ln) and abs(b - ln.baseline) <= 2.0 for k, b in theirs)}


def _last_body_line(candidates: list[TextLine]) -> TextLine | None:
    cands = [ln for ln in candidates if not _is_page_number(ln)]
    if not cands:
        return None
    low = min(cands, key=lambda ln: ln.baseline)
    row = sorted(
        (ln for ln in cands if abs(ln.baseline - low.baseline) <= 0.3 * low.size),
        key=lambda ln: ln.box.x,
    )
    if len(row) == 1:
        return low
    # a justified line split at a wide space: one line again
    x0, x1 = row[0].box.x, max(ln.box.x2 for ln in row)
    y0, y1 = min(ln.box.y for ln in row), max(ln.box.y2 for ln in row)
    glyphs: list[Glyph] = []
    for ln in row:
        if glyphs:
            glyphs.append(Glyph(" ", glyphs[-1].x1, ln.box.x))
        glyphs.extend(ln.glyphs)
    return TextLine(low.page, "".join(g.char for g in glyphs), Box(x0, y0, x1 - x0, y1 - y0),
                    low.baseline, max(ln.size for ln in row), low.bold, low.italic, tuple(glyphs))


def analyse(pdf_path, password: str | None = None) -> DocumentLayout:
    """Find the signature block, the number and date blanks and the body end.

    The block is searched from the last page backwards (it may sit alone at
    the top of the last page); the number and date on the first page, where
    Decree 30 puts them.  Nothing is cached across calls.
    """
    with _Reader(pdf_path, password) as r:
        sizes = tuple(r.geometry(i).display_size for i in range(r.count))
        block = None
        for i in range(r.count - 1, -1, -1):
            block = _find_block(r.lines(i), i)
            if block is not None:
                break
        number_line = number_blank = symbol = None
        date_line = day = month = place = year = None
        if r.count:
            first = r.lines(0)
            number_line, number_blank, symbol = _find_number(first)
            date_line, day, month, place, year = _find_date(first)

        # body end: the lowest line above the block and "Nơi nhận"
        body_end = None
        end_page = None
        cutoff = None
        if block is not None:
            end_page = block.page
            top = (block.authority_lines or (block.title_line,))[0]
            cutoff = top.box.y2
        for i in ([end_page] if end_page is not None else range(r.count - 1, -1, -1)):
            nn = [ln for ln in r.lines(i) if ln.text.startswith("Nơi nhận")]
            if nn:
                y = max(ln.box.y2 for ln in nn)
                if end_page is None:
                    end_page, cutoff = i, y
                else:
                    cutoff = max(cutoff, y)
                break
        if end_page is not None:
            above = [ln for ln in r.lines(end_page) if ln.box.y >= cutoff - 1.0]
            body_end = _last_body_line(above)
            if body_end is None and end_page > 0:
                run = _running(r, end_page - 1)
                body_end = _last_body_line([ln for ln in r.lines(end_page - 1) if id(ln) not in run])
        frames = tuple(r.ocr[i].rotation if i in r.ocr else 0 for i in range(r.count))
        upright = tuple((r.ocr[i].width, r.ocr[i].height) if i in r.ocr else sizes[i] for i in range(r.count))
        text_right = None
        if body_end is not None:
            text_right = min(max(ln.box.x2 for ln in r.lines(body_end.page)), upright[body_end.page][0])
        confidence = 0.0
        if block is not None or body_end is not None:
            confidence = TEXT_CONFIDENCE
            used = {p for p in (block.page if block else None, body_end.page if body_end else None) if p is not None}
            scanned = [i for i in used if i in r.ocr]
            if scanned:
                confs = [w.conf for i in scanned for w in r.ocr[i].words if w.conf >= 0]
                mean = sum(confs) / len(confs) / 100 if confs else 0.0
                confidence = OCR_CONFIDENCE * min(1.0, mean) * (0.8 if any(frames[i] for i in scanned) else 1.0)
            if block is None or body_end is None:
                confidence *= 0.7
        return DocumentLayout(
            page_count=r.count,
            page_sizes=sizes,
            signature_block=block,
            number_line=number_line,
            number_blank=number_blank,
            symbol=symbol,
            date_line=date_line,
            date_day_blank=day,
            date_month_blank=month,
            place=place,
            year_text=year,
            body_end=body_end,
            text_right=text_right,
            confidence=round(confidence, 3),
            frames=frames,
            ocr_pages=tuple(sorted(r.ocr)),
        )


# -------------------------------------------------------------- placing
def require_signature_block(layout: DocumentLayout) -> SignatureBlock:
    """The block, or the error that tells the user to place by hand."""
    if layout.signature_block is None:
        raise PlacementNotFound("placement.block_not_found")
    return layout.signature_block


def require_blanks(layout: DocumentLayout) -> tuple[Blank, Blank, Blank]:
    """(number, day, month) blanks, or the error: a clerk must not have the
    number written over existing text."""
    if layout.number_blank is None or layout.date_day_blank is None or layout.date_month_blank is None:
        raise PlacementNotFound("placement.blanks_not_found")
    return layout.number_blank, layout.date_day_blank, layout.date_month_blank


def upright_size(layout: DocumentLayout, page: int) -> tuple[float, float]:
    """The page's size in its reading frame (a scan turned upright)."""
    w, h = layout.page_sizes[page]
    r = layout.frames[page] if page < len(layout.frames) else 0
    return (h, w) if r in (90, 270) else (w, h)


def display_box(layout: DocumentLayout, page: int, box: Box) -> Box:
    """A stamp box computed in a scan's upright reading frame, on the displayed
    page: its centre is turned with the page, its size kept (stamps are drawn
    upright on the displayed page)."""
    r = layout.frames[page] if page < len(layout.frames) else 0
    if not r:
        return box
    W, H = upright_size(layout, page)
    x, y = box.x + box.w / 2, box.y + box.h / 2
    cx, cy = {90: (H - y, x), 180: (W - x, H - y), 270: (y, W - x)}[r]
    return Box(cx - box.w / 2, cy - box.h / 2, box.w, box.h)


def leader_stamp_box(layout: DocumentLayout, width: float, height: float) -> tuple[int, Box]:
    """(page, box) of the leader's signature image: centred on the position
    line horizontally and on the gap between position and name vertically
    (Decree 30: "đặt canh giữa chức vụ của người ký và họ tên người ký").
    The size is the caller's; an image taller than the gap will overlap."""
    sb = require_signature_block(layout)
    cx = sb.title_line.centre_x
    cy = (sb.title_line.box.y + sb.name_line.box.y2) / 2
    return sb.page, display_box(layout, sb.page, Box(cx - width / 2, cy - height / 2, width, height))


def agency_seal_box(leader_box: Box, seal_diameter_pt: float) -> Box:
    """The seal covering about a third of the leader's image, on its left
    (Decree 30: "trùm lên khoảng 1/3 ... về bên trái"), vertically centred."""
    d = seal_diameter_pt
    right = leader_box.x + leader_box.w / 3
    cy = leader_box.y + leader_box.h / 2
    return Box(right - d, cy - d / 2, d, d)


def agency_text_box(layout: DocumentLayout | None, page: int, leader_box: Box, width: float, height: float,
                    gap: float = 3.0, bottom_margin: float = 28.0) -> Box:
    """An agency signature without a seal image (its name and time as text): a
    text cannot overlap the leader's stamp as a seal does, so it goes under the
    signer's printed name, centred on it; where the page has no room there, on
    the leader's stamp's left, vertically centred."""
    sb = layout.signature_block if layout is not None else None
    if sb is not None and sb.page == page:
        name = sb.name_line.box
        y = name.y - gap - height
        if y >= bottom_margin:
            return Box(name.x + name.w / 2 - width / 2, y, width, height)
    return Box(max(0.0, leader_box.x - gap - width), leader_box.y + (leader_box.h - height) / 2, width, height)


def initial_box(layout: DocumentLayout, width: float, height: float, gap: float = 4.0) -> tuple[int, Box]:
    """(page, box) for a reviewer's initial: on the last body line, flush with
    the text's right edge, when it fits after the line's end; otherwise just
    under that line, still on the right.  Agencies that initial beside the
    signature block pass their own box instead."""
    be = layout.body_end
    if be is None:
        raise PlacementNotFound("placement.body_end_not_found")
    pw, ph = upright_size(layout, be.page)
    right = min(layout.text_right or pw, pw)
    cy = be.box.y + be.box.h / 2
    if be.box.x2 + gap + width <= right:
        return be.page, display_box(layout, be.page, Box(right - width, cy - height / 2, width, height))
    x = min(right, pw) - width
    return be.page, display_box(layout, be.page, Box(x, be.box.y - gap / 2 - height, width, height))


def top_right_box(page_size: tuple[float, float], width: float, height: float,
                  margin: float = 10 * MM) -> Box:
    """Top right of the first page, for the agency's signature on an
    attachment or an electronic copy (Decree 30, Appendix I).  Raises
    ValueError when the box would leave the page's top-right quarter."""
    pw, ph = page_size
    box = Box(pw - margin - width, ph - margin - height, width, height)
    if box.x < pw / 2 or box.y < ph / 2:
        raise ValueError(f"a {width:g} x {height:g} pt box does not fit the top-right quarter")
    return box
