#!/usr/bin/env python3
"""Make a Decree 30 công văn with LibreOffice Writer, as a second producer.

Why: every other sample comes from ReportLab.  Real documents come from
Word or LibreOffice, whose PDFs differ (Type0/CID fonts, tagged structure,
different content-stream habits).  Code that finds the signature block or
fills the blank number must work on those too.  This script writes the
document as Flat ODT (``.fodt``, plain XML), converts it with
``soffice --headless --convert-to pdf``, and records ground truth read back
from the PDF with ``pdftotext -bbox`` (there is no layout math to compute it
from; the boxes were checked by eye on a render).

Output (committed; LibreOffice is not needed at test time)::

    tests/fixtures/libreoffice/cong-van-phu-ly.fodt
    tests/fixtures/libreoffice/cong-van-phu-ly.pdf
    tests/fixtures/libreoffice/cong-van-phu-ly.truth.json

The bundled Tinos font is made visible to LibreOffice through a private
fontconfig file, so the result does not depend on the machine's fonts.

Usage: PYTHONPATH=app python scripts/make-libreoffice-fixture.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "app"))

from kyso.demo.samples import _KINDS, _content  # noqa: E402  (reuse the seed parsing)

OUT = ROOT / "tests" / "fixtures" / "libreoffice"
STEM = "cong-van-phu-ly"
PAGE_H = 841.89


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def sp(text: str) -> str:
    """ODF collapses runs of spaces; blanks need <text:s text:c="n"/>."""
    return re.sub(r" {2,}", lambda m: f'<text:s text:c="{len(m.group(0))}"/>', escape(text))


def p(style: str, text: str) -> str:
    return f'<text:p text:style-name="{style}">{sp(text)}</text:p>'


def fodt(n_stream: int) -> str:
    k = _KINDS["cong_van"]
    c = _content("cong_van", None)
    body = [x for para in (c.head + c.stream[:n_stream] + c.tail) for x in [" ".join(w for w, _ in para.words())]]
    left = [p("OrgB", t) for t in k.organ_lines] + [p("RuleL", "")]
    left += [p("Num", "Số:" + " " * 10 + "/" + k.notation)]
    left += [p("VV", k.vv_text)]
    right = [p("Nat", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), p("Motto", "Độc lập - Tự do - Hạnh phúc"), p("RuleR", "")]
    right += [p("Date", f"{k.place}, ngày" + " " * 7 + "tháng" + " " * 7 + "năm 2026")]
    noi = [p("NN", "Nơi nhận:")] + [p("NNL", "- " + t) for t in k.noi_nhan]
    sig = [p("Sig1" if i == 0 else "Sig", t) for i, t in enumerate(k.authority)]
    sig += [p("SigT", k.position), p("SigN", k.signer)]
    # hanging indent: the recipients align after "Kính gửi:"
    kg = [p("KG", "Kính gửi:" + "\t- " + k.recipients[0])] + [p("KG2", "- " + r) for r in k.recipients[1:]]

    def table(name: str, a: list[str], b: list[str]) -> str:
        return (
            f'<table:table table:name="{name}" table:style-name="T">'
            '<table:table-column table:style-name="TA"/><table:table-column table:style-name="TB"/>'
            f'<table:table-row><table:table-cell table:style-name="TC">{"".join(a)}</table:table-cell>'
            f'<table:table-cell table:style-name="TC">{"".join(b)}</table:table-cell></table:table-row>'
            "</table:table>"
        )

    meta = {
        "KysoDocType": k.doc_type,
        "KysoNotation": k.notation,
        "KysoSecrecy": "",
        "KysoSigner": k.signer,
        "KysoSignerPosition": k.position_label,
    }
    user = "".join(f'<meta:user-defined meta:name="{n}">{escape(v)}</meta:user-defined>' for n, v in meta.items())

    def ps(name, align="center", size=14, bold=False, italic=False, extra="", textextra=""):
        w = ' fo:font-weight="bold"' if bold else ""
        i = ' fo:font-style="italic"' if italic else ""
        return (
            f'<style:style style:name="{name}" style:family="paragraph">'
            f'<style:paragraph-properties fo:text-align="{align}" {extra}/>'
            f'<style:text-properties fo:font-size="{size}pt"{w}{i} {textextra}/></style:style>'
        )

    styles = "".join([
        ps("OrgB", size=13, bold=True),
        ps("RuleL", size=2, extra='fo:margin-left="24mm" fo:margin-right="24mm" fo:border-top="0.6pt solid #000000" fo:margin-top="1.5pt"'),
        ps("Num", size=13, extra='fo:margin-top="8pt"'),
        ps("VV", size=12),
        ps("Nat", size=12, bold=True),
        ps("Motto", size=13, bold=True),
        ps("RuleR", size=2, extra='fo:margin-left="19.5mm" fo:margin-right="19.5mm" fo:border-top="0.6pt solid #000000" fo:margin-top="1.5pt"'),
        ps("Date", size=14, italic=True, extra='fo:margin-top="8pt"'),
        ps("KG", align="start", extra='fo:margin-top="14pt" fo:margin-left="54mm" fo:text-indent="-21mm"'),
        ps("KG2", align="start", extra='fo:margin-left="54mm"'),
        ps("Body", align="justify", extra='fo:text-indent="10mm" fo:margin-top="6pt" fo:line-height="115%"'),
        ps("NN", align="start", size=12, bold=True, italic=True, extra='fo:margin-top="12pt"'),
        ps("NNL", align="start", size=11),
        ps("Sig1", size=14, bold=True, extra='fo:margin-top="12pt"'),
        ps("Sig", size=14, bold=True),
        ps("SigT", size=14, bold=True, extra='fo:margin-bottom="32mm"'),
        ps("SigN", size=14, bold=True),
    ])
    # NN and Sig1 open their cells with the same margin-top, so "Nơi nhận:"
    # and "TM. ỦY BAN NHÂN DÂN" start on the same row.
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{escape(k.subject)}</dc:title><meta:initial-creator>{escape(k.organ_name)}</meta:initial-creator><dc:creator>{escape(k.organ_name)}</dc:creator>{user}</office:meta>
<office:font-face-decls><style:font-face style:name="Tinos" svg:font-family="Tinos" style:font-family-generic="roman" style:font-pitch="variable"/></office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-top="0pt" fo:margin-bottom="0pt" style:tab-stop-distance="12.5mm"/>
<style:text-properties style:font-name="Tinos" fo:font-size="14pt" fo:language="vi" fo:country="VN" fo:color="#000000"/></style:default-style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="210mm" fo:page-height="297mm" style:print-orientation="portrait" fo:margin-top="20mm" fo:margin-bottom="20mm" fo:margin-left="30mm" fo:margin-right="15mm"/></style:page-layout>
<style:style style:name="T" style:family="table"><style:table-properties style:width="165mm" table:align="left"/></style:style>
<style:style style:name="TA" style:family="table-column"><style:table-column-properties style:column-width="66mm"/></style:style>
<style:style style:name="TB" style:family="table-column"><style:table-column-properties style:column-width="99mm"/></style:style>
<style:style style:name="TC" style:family="table-cell"><style:table-cell-properties fo:padding="0mm" fo:border="none"/></style:style>
{styles}
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
<office:body><office:text>
{table("Header", left, right)}
{"".join(kg)}
{"".join(p("Body", t) for t in body)}
{table("Closing", noi, sig)}
</office:text></office:body></office:document>
"""


def convert(fodt_path: Path, workdir: Path) -> Path:
    fonts = workdir / "fonts"
    fonts.mkdir()
    for f in (ROOT / "app" / "kyso" / "resources" / "fonts").glob("Tinos-*.ttf"):
        shutil.copy(f, fonts)
    conf = workdir / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{fonts}</dir><include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>"
        f"<cachedir>{workdir / 'cache'}</cachedir></fontconfig>"
    )
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(workdir))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{workdir}/profile",
         "--convert-to", "pdf", "--outdir", str(workdir), str(fodt_path)],
        check=True, env=env, capture_output=True, timeout=180,
    )
    return workdir / (fodt_path.stem + ".pdf")


def words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    xml = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", str(pdf), "-"],
                         capture_output=True, check=True).stdout.decode()
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    ns = "{http://www.w3.org/1999/xhtml}"
    return [[(nfc(w.text or ""), *(float(w.get(a)) for a in ("xMin", "yMin", "xMax", "yMax")))
             for w in pg.iter(ns + "word")] for pg in root.iter(ns + "page")]


def truth_from(pages) -> dict:
    """Boxes in visual coordinates (lower-left origin), as in samples.py."""
    ws = pages[-1]

    def box(run, text, page=0):
        x0, y0 = min(w[1] for w in run), min(w[2] for w in run)
        x1, y1 = max(w[3] for w in run), max(w[4] for w in run)
        return {"page": page, "box": [round(x0, 3), round(PAGE_H - y1, 3), round(x1, 3), round(PAGE_H - y0, 3)], "text": text}

    def find(text, page_words):
        toks = text.split()
        for i in range(len(page_words) - len(toks) + 1):
            run = page_words[i:i + len(toks)]
            if [w[0] for w in run] == toks:
                return run
        raise LookupError(text)

    def gap(a, b_prefix, page_words):
        for x, y in zip(page_words, page_words[1:]):
            if x[0] == a and y[0].startswith(b_prefix):
                return {"page": 0, "box": [round(x[3], 3), round(PAGE_H - x[4], 3), round(y[1], 3), round(PAGE_H - x[2], 3)], "text": ""}
        raise LookupError(a)

    k = _KINDS["cong_van"]
    p0 = pages[0]
    last = len(pages) - 1
    title = box(find(k.position, ws), k.position, last)
    name = box(find(k.signer, ws), k.signer, last)
    nn_head = find("Nơi nhận:", ws)
    nn_last = find("- " + k.noi_nhan[-1], ws)
    # body end: the line just above the closing table's first row
    top_nn = nn_head[0][2]
    above = [w for w in ws if w[4] < top_nn - 1 and w[1] < 300]
    yb = max(w[2] for w in above)
    body_line = [w for w in ws if abs(w[2] - yb) < 1]
    return {
        "producer": "LibreOffice Writer (soffice --convert-to pdf)",
        "truth_source": "pdftotext -bbox of this PDF, checked by eye on a render",
        "page_count": len(pages),
        "page_size": [595.276, 841.89],
        "authority_lines": [box(find(t, ws), t, last) for t in k.authority],
        "title_line": title,
        "name_line": name,
        "signature_space": {"page": last, "box": [title["box"][0] - 40, name["box"][3], title["box"][2] + 40, title["box"][1]], "text": ""},
        "number_blank": gap("Số:", "/", p0),
        "date_day_blank": gap("ngày", "tháng", p0),
        "date_month_blank": gap("tháng", "năm", p0),
        "body_end": box(body_line, " ".join(w[0] for w in body_line), last),
        "noi_nhan": {**box(nn_head + nn_last, "Nơi nhận:", last)},
        "secrecy_mark": None,
        "kind": "cong_van",
        "variant": "libreoffice",
        "secrecy": "",
        "signer": k.signer,
        "notation": k.notation,
        "rotate": 0,
    }


def main() -> int:
    if not shutil.which("soffice"):
        print("soffice not found: apt-get install libreoffice-writer-nogui", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    n = len(_content("cong_van", None).stream)
    while n >= 0:  # the longest body that still fits on one page
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            src = tmp / f"{STEM}.fodt"
            src.write_text(fodt(n), encoding="utf-8")
            pdf = convert(src, tmp)
            pages = words(pdf)
            if len(pages) == 1:
                shutil.copy(src, OUT / src.name)
                shutil.copy(pdf, OUT / pdf.name)
                truth = truth_from(pages)
                (OUT / f"{STEM}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
                print(f"wrote {OUT / pdf.name} with {n} stream paragraphs")
                return 0
        n -= 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
