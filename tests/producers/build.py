#!/usr/bin/env python3
"""Rewrite the committed producer fixtures (tests/fixtures/producers).

Needs soffice (libreoffice-writer), chromium, wkhtmltopdf (skipped when
missing) and python-docx.  Each fixture is the PDF, its source (.docx or
.html) and its .truth.json.  Usage::

    PYTHONPATH=app python tests/producers/build.py [NAME ...]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from producers import make

OUT = make.FIXTURES

#: name -> (kind, stream paragraphs, how)
FIXTURES = {
    # Word format, LibreOffice's PDF: header table, closing table, footer
    "docx-lo-table": ("cong_van", 3, dict(docx=dict(font="Times New Roman"))),
    # number blank as a tab stop, closing block on tab stops, DejaVu Serif, 2 pages
    "docx-lo-tabs": ("cong_van_vp", 8, dict(docx=dict(font="DejaVu Serif", closing="tabs", number_tab=True))),
    # PDF/A-2b export, Liberation Serif
    "docx-lo-pdfa": ("quyet_dinh", 3, dict(docx=dict(font="Liberation Serif"), pdfa=True)),
    # the signature block alone at the top of the last page
    "docx-lo-alone": ("ke_hoach", 2, dict(docx=dict(break_before_closing=True))),
    # geometry on a foreign producer's file
    "docx-lo-rotate90": ("cong_van", 3, dict(docx=dict(font="Times New Roman"), post="rotated")),
    "docx-lo-cropbox": ("cong_van", 3, dict(docx=dict(font="Times New Roman"), post="cropbox")),
    # browsers
    "chromium": ("cong_van", 3, dict(html=dict(font="Times New Roman", footer=True), tool="chromium")),
    "chromium-nfd": ("quyet_dinh", 2, dict(html=dict(font="DejaVu Serif", nfd=True), tool="chromium")),
    "wkhtmltopdf": ("cong_van_vp", 3, dict(html=dict(font="Liberation Serif"), tool="wkhtmltopdf")),
}


def build(name: str) -> Path | None:
    kind, n, how = FIXTURES[name]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if "docx" in how:
            src = make.docx(kind, n, tmp / f"{name}.docx", **how["docx"])
            pdf = make.soffice(src, tmp, pdfa=how.get("pdfa", False))
            producer = "LibreOffice Writer 7.4 from a python-docx .docx" + (" (PDF/A-2b)" if how.get("pdfa") else "")
        else:
            src = tmp / f"{name}.html"
            src.write_text(make.html(kind, n, **how["html"]), encoding="utf-8")
            tool = how["tool"]
            if not shutil.which(tool):
                print(f"{name}: {tool} not installed, skipped")
                return None
            pdf = getattr(make, tool.replace("-", ""))(src, tmp / f"{name}.pdf")
            producer = tool
        if how.get("post"):
            # the wrapped page displays exactly as the plain one: poppler's
            # boxes of the plain export are the truth for both
            t = make.truth(pdf, kind, producer, how["post"], 90 if how["post"] == "rotated" else 0)
            make.postprocess(pdf, how["post"])
        else:
            t = make.truth(pdf, kind, producer)
        dst = OUT / f"{name}.pdf"
        shutil.copy(pdf, dst)
        if how.get("post") is None:
            shutil.copy(src, OUT / f"{name}{src.suffix}")
        make.write_truth(dst, t)
        print(f"{name}: {t['page_count']} page(s), {dst.stat().st_size // 1024} KB")
        return dst


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[1:] or FIXTURES:
        build(name)
