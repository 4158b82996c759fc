"""Scans: the words of an image-only page, read by Tesseract (Vietnamese).

A scanned draft has no text layer, so :mod:`placement` would find nothing.
This module renders such a page (PDFium, under its lock, through
:mod:`kyso.core.pdfium`), finds its orientation, and reads its words with the
``tesseract`` binary (Debian ``tesseract-ocr``, ``tesseract-ocr-vie``,
``tesseract-ocr-osd``), TSV output: each word with its pixel box.

Speed: recognition runs on a 200 dpi rendering in one thread
(``OMP_THREAD_LIMIT=1``: Tesseract's OpenMP threads only slow down a busy
2-core machine), orientation (OSD) only when the upright reading is poor, on a
100 dpi rendering.  The result is computed once per document and cached,
keyed by the file's SHA-256, in :func:`cache_dir` (``KYSO_HOME/cache/ocr`` or
the platform's cache folder).

Coordinates: :class:`OcrWord` boxes are in points in the page's *upright
reading frame* (the displayed page turned by ``rotation`` degrees clockwise
so the text stands upright), origin lower left; :func:`to_display` maps a
point of that frame back to the displayed page.

Which pages are scans is the caller's call (:mod:`placement`: a page with an
image and fewer than :data:`MIN_TEXT_CHARS` visible characters; invisible
text, an OCR layer, does not count).

No Qt here.  Public API: :func:`available`, :func:`read_page`,
:func:`to_display`, :class:`OcrPage`, :class:`OcrWord`, :func:`cache_dir`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from . import pdfium

log = logging.getLogger(__name__)

__all__ = ["OcrWord", "OcrPage", "available", "read_page", "to_display", "cache_dir"]

RECOGNITION_DPI = 200
OSD_DPI = 100
CACHE_VERSION = 1
#: a page with fewer visible characters than this is a scan
MIN_TEXT_CHARS = 20


@dataclass(frozen=True)
class OcrWord:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float
    line: tuple[int, int, int]   # (block, paragraph, line) as Tesseract grouped them


@dataclass(frozen=True)
class OcrPage:
    width: float        # the upright frame's size in points
    height: float
    rotation: int       # clockwise degrees that turn the displayed page upright
    words: tuple[OcrWord, ...]


def available() -> bool:
    return shutil.which("tesseract") is not None


def cache_dir() -> Path:
    home = os.environ.get("KYSO_HOME")
    base = Path(home) / "cache" if home else Path(platformdirs.user_cache_dir("kyso", appauthor=False))
    return base / "ocr"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _render(doc: "pdfium.Document", index: int, dpi: int):
    from PIL import Image

    r = doc.render(index, dpi / 72.0)
    img = Image.frombuffer("RGBX", (r.width, r.height), r.data, "raw", "BGRX", r.stride, 1)
    return img.convert("L")


def _tesseract(img, *args: str, timeout: float = 60.0) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="kyso-ocr-") as tmp:
        src = Path(tmp) / "page.png"
        img.save(src)
        out = subprocess.run(["tesseract", str(src), "stdout", *args], capture_output=True,
                             timeout=timeout, env=env)
    return out.stdout.decode("utf-8", "replace")


def _osd_rotation(img) -> int:
    txt = _tesseract(img, "--psm", "0", "-l", "osd")
    m = re.search(r"Rotate:\s*(\d+)", txt)
    return int(m.group(1)) % 360 if m else 0


def _words(img, dpi: int, page_h_pt: float) -> list[OcrWord]:
    tsv = _tesseract(img, "-l", "vie", "--psm", "3", "--dpi", str(dpi), "tsv")
    k = 72.0 / dpi
    out = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            if row["level"] != "5" or not (row.get("text") or "").strip():
                continue
            left, top, w, h = (int(row[c]) for c in ("left", "top", "width", "height"))
            conf = float(row["conf"])
        except (KeyError, TypeError, ValueError):
            continue
        text = unicodedata.normalize("NFC", row["text"].strip())
        out.append(OcrWord(text, left * k, page_h_pt - (top + h) * k, (left + w) * k, page_h_pt - top * k,
                           conf, (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))))
    return out


def _good(words: list[OcrWord]) -> bool:
    """An upright reading: enough confident words with Vietnamese letters."""
    good = [w for w in words if w.conf >= 60 and len(w.text) >= 2 and re.search(r"[a-zà-ỹ]", w.text.lower())]
    # a sideways page read as is gives tall, narrow "words"
    wide = [w for w in good if len(w.text) >= 3]
    flat = sum(1 for w in wide if (w.x1 - w.x0) > (w.y1 - w.y0))
    return len(good) >= 15 and len(good) >= 0.5 * len(words) and flat >= 0.8 * len(wide)


def _read(doc: "pdfium.Document", index: int) -> OcrPage:
    from PIL import Image

    w_pt, h_pt = doc.page_sizes()[index]
    img = _render(doc, index, RECOGNITION_DPI)
    words = _words(img, RECOGNITION_DPI, h_pt)
    rotation = 0
    if not _good(words):
        small = img.resize((max(1, img.width * OSD_DPI // RECOGNITION_DPI),
                            max(1, img.height * OSD_DPI // RECOGNITION_DPI)), Image.BILINEAR)
        rotation = _osd_rotation(small)
        if rotation:
            # PIL turns counter-clockwise; OSD's "Rotate" is clockwise
            turned = img.rotate(-rotation, expand=True, fillcolor=255)
            if rotation in (90, 270):
                w_pt, h_pt = h_pt, w_pt
            words = _words(turned, RECOGNITION_DPI, h_pt)
    return OcrPage(w_pt, h_pt, rotation, tuple(words))


def read_page(path: Path, doc: "pdfium.Document", index: int) -> OcrPage:
    """The page's words (cached by the file's SHA-256 and the page index)."""
    key = f"{_sha256(Path(path))}-{index}-v{CACHE_VERSION}.json"
    cached = cache_dir() / key
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        return OcrPage(data["width"], data["height"], data["rotation"],
                       tuple(OcrWord(**{**w, "line": tuple(w["line"])}) for w in data["words"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    page = _read(doc, index)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps({"width": page.width, "height": page.height, "rotation": page.rotation,
                                   "words": [asdict(w) for w in page.words]}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, cached)
    except OSError as exc:
        log.info("OCR cache not written: %s", exc)
    return page


def to_display(page: OcrPage, x: float, y: float) -> tuple[float, float]:
    """A point of the upright frame on the displayed page."""
    r = page.rotation
    w, h = page.width, page.height      # upright frame
    if r == 0:
        return x, y
    if r == 90:     # displayed = upright turned 90 counter-clockwise
        return h - y, x
    if r == 180:
        return w - x, h - y
    return y, w - x  # 270
