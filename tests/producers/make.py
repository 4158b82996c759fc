"""Sources (HTML, .docx), producers, and poppler-read ground truth.

The truth is read from the produced PDF with ``pdftotext -bbox -cropbox``
(displayed coordinates, converted to a lower-left origin), located by the
texts we wrote: the signer's position and name, the authority lines, the
words around each blank.  Kyso's analysis reads the same PDF with PDFium; the
two share nothing but the file.
"""

from __future__ import annotations

import html as _html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "app") not in sys.path:
    sys.path.insert(0, str(ROOT / "app"))

from kyso.demo.samples import _KINDS as _SAMPLE_KINDS, _Kind, _content  # noqa: E402

#: a tờ trình (a unit's submission to the People's Committee): not a sample
#: kind, written here for the scanned-document flow
TO_TRINH = _Kind(
    seed=None, doc_type="Tờ trình", organ_upper=None,
    organ_lines=("PHÒNG VĂN HÓA", "VÀ THÔNG TIN"), organ_name="Phòng Văn hóa và Thông tin thành phố Phủ Lý",
    notation="TTr-VHTT", place="Phủ Lý",
    subject="Về việc đề nghị phê duyệt Kế hoạch chuyển đổi số năm 2026",
    vv_text=None, title="TỜ TRÌNH", authority_line=None,
    recipients=("Ủy ban nhân dân thành phố Phủ Lý",),
    noi_nhan=("Như trên;", "Lưu: VT, VHTT."), authority=(), position="TRƯỞNG PHÒNG",
    position_label="Trưởng phòng", signer="Nguyễn Thị Lan",
)
_TO_TRINH_BODY = (
    "Thực hiện Nghị quyết của Hội đồng nhân dân thành phố về phát triển kinh tế - xã hội năm 2026, "
    "Phòng Văn hóa và Thông tin đã xây dựng dự thảo Kế hoạch chuyển đổi số năm 2026 trên địa bàn thành phố.",
    "Dự thảo đã được gửi lấy ý kiến các phòng, ban, đơn vị và Ủy ban nhân dân các phường, xã; "
    "các ý kiến góp ý đã được tiếp thu, hoàn thiện theo quy định.",
    "Phòng Văn hóa và Thông tin kính trình Ủy ban nhân dân thành phố xem xét, phê duyệt./.",
)
_KINDS = {**_SAMPLE_KINDS, "to_trinh": TO_TRINH}

FIXTURES = ROOT / "tests" / "fixtures" / "producers"
FOOTER = "Trang"   # footers say "Trang N" after the body: never the body's end


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# ---------------------------------------------------------------- the text
@dataclass(frozen=True)
class Para:
    text: str
    style: str = "R"      # R, B, I
    align: str = "justify"
    indent: bool = True


def paragraphs(kind: str, n_stream: int) -> list[Para]:
    if kind == "to_trinh":
        return [Para(t) for t in _TO_TRINH_BODY]
    c = _content(kind, None)
    out = []
    for p in (*c.head, *c.stream[:n_stream], *c.tail):
        style = p.runs[0][1] if p.runs else "R"
        out.append(Para(" ".join(w for w, _ in p.words()), "B" if style.startswith("B") else style[:1],
                        p.align, p.indent))
    return out


def number_text(kind: str, sep: str = " " * 10) -> str:
    return "Số:" + sep + "/" + _KINDS[kind].notation


def date_text(kind: str, sep: str = " " * 7) -> str:
    return f"{_KINDS[kind].place}, ngày{sep}tháng{sep}năm 2026"


# ---------------------------------------------------------------- HTML
def html(kind: str, n_stream: int, font: str = "Times New Roman", nfd: bool = False,
         footer: bool = False, qt: bool = False) -> str:
    """The draft as an HTML page (A4, Decree 30 margins).  ``qt``: the subset
    QTextDocument understands (no @page, spacing by paragraph margins)."""
    k = _KINDS[kind]
    nb = "&nbsp;"

    def e(s: str) -> str:
        s = _html.escape(s)
        return unicodedata.normalize("NFD", s) if nfd else s

    def blanks(s: str) -> str:
        return re.sub(r" {2,}", lambda m: nb * len(m.group(0)), e(s))

    wide = "DejaVu" in font   # a wide face: the header in smaller sizes, as an office would set it
    left = "".join(f'<p class="c b" style="font-size:{11 if wide else 13}pt">{e(t)}</p>' for t in k.organ_lines)
    left += f'<p class="c" style="font-size:13pt;margin-top:8pt">{blanks(number_text(kind))}</p>'
    if k.vv_text:
        left += f'<p class="c" style="font-size:12pt">{e(k.vv_text)}</p>'
    right = (f'<p class="c b" style="font-size:{10 if wide else 12}pt">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>'
             '<p class="c b" style="font-size:13pt">Độc lập - Tự do - Hạnh phúc</p>'
             f'<p class="c i" style="font-size:{12 if wide else 14}pt;margin-top:{8 if qt else 18}pt">{blanks(date_text(kind))}</p>')
    head = (f'<table width="100%" cellspacing="0" cellpadding="0" class="t"><tr>'
            f'<td width="40%" valign="top">{left}</td><td width="60%" valign="top">{right}</td></tr></table>')
    body = ""
    if k.title:
        body += f'<p class="c b" style="margin-top:14pt">{e(k.title)}</p><p class="c b">{e(k.subject)}</p>'
        if k.authority_line:
            body += f'<p class="c b" style="margin-top:8pt">{e(k.authority_line)}</p>'
    if k.recipients:
        body += f'<p class="c" style="margin-top:12pt">{e("Kính gửi: " + "; ".join(k.recipients))}</p>'
    for p in paragraphs(kind, n_stream):
        cls = {"B": "b", "I": "i"}.get(p.style, "")
        align = "c" if p.align == "center" else "j"
        ind = ' style="text-indent:28pt"' if p.indent and align == "j" else ""
        body += f'<p class="{align} {cls}"{ind}>{e(p.text)}</p>'
    noi = '<p class="b i" style="font-size:12pt">Nơi nhận:</p>' + "".join(
        f'<p style="font-size:11pt">{e("- " + t)}</p>' for t in k.noi_nhan)
    sig = "".join(f'<p class="c b">{e(t)}</p>' for t in k.authority)
    sig += f'<p class="c b">{e(k.position)}</p>'
    if qt:   # QTextDocument ignores a paragraph's margin inside a table cell
        sig += '<p>&nbsp;</p>' * 5 + f'<p class="c b">{e(k.signer)}</p>'
    else:
        sig += f'<p class="c b" style="margin-top:90pt">{e(k.signer)}</p>'
    closing = (f'<table width="100%" cellspacing="0" cellpadding="0" class="t" style="margin-top:12pt"><tr>'
               f'<td width="45%" valign="top">{noi}</td><td width="55%" valign="top">{sig}</td></tr></table>')
    foot = ""
    if footer:
        foot = f'<div class="foot">{e(FOOTER)} 1</div>'
    css = (f"body {{ font-family: '{font}'; font-size: 14pt; margin: 0; }}"
           "p { margin: 0; } .c { text-align: center; } .j { text-align: justify; margin-top: 6pt; }"
           ".b { font-weight: bold; } .i { font-style: italic; } table.t { border-collapse: collapse; }"
           "td { padding: 0; }")
    if not qt:
        css += ("@page { size: A4; margin: 20mm 15mm 20mm 30mm; }"
                ".foot { position: fixed; bottom: -12mm; left: 0; right: 0; text-align: center; font-size: 11pt; }")
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{e(k.subject)}</title>'
            f"<style>{css}</style></head><body>{head}{body}{closing}{foot}</body></html>")


# ---------------------------------------------------------------- .docx
def docx(kind: str, n_stream: int, path: Path, font: str = "Times New Roman", closing: str = "table",
         number_tab: bool = False, footer: bool = True, break_before_closing: bool = False) -> Path:
    """The draft as Word writes it: header in a borderless two-column table,
    justified body with a first-line indent, the closing in a table or on
    tab stops, a footer "Trang N" with a PAGE field."""
    from docx import Document
    from docx.enum.section import WD_SECTION  # noqa: F401
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    k = _KINDS[kind]
    d = Document()
    st = d.styles["Normal"]
    st.font.name = font
    st.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    st.font.size = Pt(14)
    st.paragraph_format.space_after = Pt(0)
    st.paragraph_format.space_before = Pt(0)
    st.paragraph_format.line_spacing = 1.0
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    sec.footer_distance = Mm(8)

    def para(container, text, size=14, bold=False, italic=False, align="center", before=0, indent=None):
        p = container.add_paragraph()
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
                       "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
        p.paragraph_format.space_before = Pt(before)
        if indent:
            p.paragraph_format.first_line_indent = Mm(indent)
        if text:
            r = p.add_run(text)
            r.font.size, r.bold, r.italic = Pt(size), bold, italic
        return p

    def cell_first(cell, text, **kw):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(text)
        r.font.size, r.bold, r.italic = Pt(kw.get("size", 14)), kw.get("bold", False), kw.get("italic", False)
        return p

    def table(widths):
        t = d.add_table(rows=1, cols=len(widths))
        t.alignment = WD_TABLE_ALIGNMENT.LEFT
        t.autofit = False
        for c, col, w in zip(t.rows[0].cells, t.columns, widths):
            c.width = Mm(w)
            col.width = Mm(w)   # the grid: what LibreOffice reads
        return t

    # header: two columns (a wide face in smaller sizes, as an office would set it)
    wide = "DejaVu" in font
    t = table((66, 99))
    a, b = t.rows[0].cells
    cell_first(a, k.organ_lines[0], size=11 if wide else 13, bold=True)
    for line in k.organ_lines[1:]:
        para(a, line, 11 if wide else 13, bold=True)
    if number_tab:
        p = para(a, "", 13, before=8)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.tab_stops.add_tab_stop(Mm(34), WD_TAB_ALIGNMENT.LEFT)
        r = p.add_run(f"Số:\t/{k.notation}")
        r.font.size = Pt(13)
        p.paragraph_format.left_indent = Mm(12)
    else:
        para(a, number_text(kind), 13, before=8)
    if k.vv_text:
        para(a, k.vv_text, 10 if wide else 12)
    cell_first(b, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=10 if wide else 12, bold=True)
    para(b, "Độc lập - Tự do - Hạnh phúc", 11 if wide else 13, bold=True)
    para(b, date_text(kind), 12 if wide else 14, italic=True, before=8)

    if k.title:
        para(d, k.title, bold=True, before=14)
        para(d, k.subject, bold=True)
        if k.authority_line:
            para(d, k.authority_line, bold=True, before=8)
    if k.recipients:
        p = para(d, "", align="left", before=12)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(35), WD_TAB_ALIGNMENT.LEFT)
        p.paragraph_format.left_indent = Mm(35)
        p.paragraph_format.first_line_indent = Mm(-25)
        p.add_run("Kính gửi:\t" + k.recipients[0])
        for r in k.recipients[1:]:
            q = para(d, r, align="left")
            q.paragraph_format.left_indent = Mm(35)
    for pp in paragraphs(kind, n_stream):
        para(d, pp.text, 14, bold=pp.style == "B", italic=pp.style == "I",
             align="center" if pp.align == "center" else "justify", before=6,
             indent=10 if pp.indent and pp.align != "center" else None)

    if break_before_closing:
        d.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    sig = [(t, 14, True) for t in k.authority] + [(k.position, 14, True)]
    if closing == "table":
        t = table((75, 90))
        a, b = t.rows[0].cells
        p = cell_first(a, "Nơi nhận:", size=12, bold=True, italic=True)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.space_before = Pt(12)
        for line in k.noi_nhan:
            para(a, "- " + line, 11, align="left")
        p = cell_first(b, sig[0][0], bold=True)
        p.paragraph_format.space_before = Pt(12)
        for text, size, bold in sig[1:]:
            para(b, text, size, bold=bold)
        para(b, k.signer, bold=True, before=90)
    else:
        # tab stops: "Nơi nhận" on the left, the block on a centred tab stop
        rows = max(len(sig), len(k.noi_nhan) + 1)
        left = [("Nơi nhận:", 12, True, True)] + [("- " + x, 11, False, False) for x in k.noi_nhan]
        for i in range(rows):
            p = para(d, "", align="left", before=12 if i == 0 else 0)
            p.paragraph_format.tab_stops.add_tab_stop(Mm(120), WD_TAB_ALIGNMENT.CENTER)
            if i < len(left):
                text, size, bold, italic = left[i]
                r = p.add_run(text)
                r.font.size, r.bold, r.italic = Pt(size), bold, italic
            if i < len(sig):
                r = p.add_run("\t" + sig[i][0])
                r.bold = True
        p = para(d, "", align="left", before=90)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(120), WD_TAB_ALIGNMENT.CENTER)
        r = p.add_run("\t" + k.signer)
        r.bold = True

    if footer:
        fp = sec.footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = fp.add_run(FOOTER + " ")
        r.font.size = Pt(11)
        for kind_, text in (("begin", None), (None, " PAGE "), ("end", None)):
            run = fp.add_run()
            run.font.size = Pt(11)
            if kind_:
                fc = OxmlElement("w:fldChar")
                fc.set(qn("w:fldCharType"), kind_)
                run._r.append(fc)
            else:
                it = OxmlElement("w:instrText")
                it.set(qn("xml:space"), "preserve")
                it.text = text
                run._r.append(it)
    d.core_properties.title = k.subject
    d.save(path)
    return path


# ---------------------------------------------------------------- producers
def soffice(src: Path, outdir: Path, pdfa: bool = False) -> Path:
    work = Path(tempfile.mkdtemp(prefix="kyso-lo-"))
    try:
        target = "pdf"
        if pdfa:
            target = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile",
                        "--convert-to", target, "--outdir", str(outdir), str(src)],
                       check=True, capture_output=True, timeout=240, env=dict(os.environ, HOME=str(work)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return outdir / (src.stem + ".pdf")


def chromium(src_html: Path, out: Path) -> Path:
    work = Path(tempfile.mkdtemp(prefix="kyso-chr-"))
    try:
        subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={work}", "--no-pdf-header-footer",
                        f"--print-to-pdf={out}", src_html.as_uri()],
                       check=True, capture_output=True, timeout=120)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def wkhtmltopdf(src_html: Path, out: Path) -> Path:
    subprocess.run(["wkhtmltopdf", "-q", "--page-size", "A4", "-T", "20mm", "-B", "20mm", "-L", "30mm",
                    "-R", "15mm", "--encoding", "utf-8", "--footer-center", f"{FOOTER} [page]",
                    "--footer-font-size", "10", str(src_html), str(out)],
                   check=False, capture_output=True, timeout=120)
    if not out.exists():
        raise RuntimeError("wkhtmltopdf wrote nothing")
    return out


def qt_pdf(kind: str, n_stream: int, out: Path, font: str = "Liberation Serif") -> Path:
    """QTextDocument.print_ on a QPdfWriter (PySide6; QT_QPA_PLATFORM=offscreen)."""
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    from PySide6.QtWidgets import QApplication

    # a QApplication (not a QGuiApplication): widget tests later in the same
    # process (pytest-qt's qapp) reuse it, and a QWidget needs one
    app = QApplication.instance() or QApplication(["kyso-test"])
    w = QPdfWriter(str(out))
    w.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait,
                                QMarginsF(30, 20, 15, 20), QPageLayout.Millimeter))
    w.setTitle(_KINDS[kind].subject)
    doc = QTextDocument()
    doc.setDefaultFont(QFont(font, 14))
    doc.setDocumentMargin(0)
    doc.setHtml(html(kind, n_stream, font=font, qt=True))
    # the layout unit is the screen's pixel (96 dpi offscreen): the page's
    # text area in those, so that 14 pt prints as 14 pt
    rect = w.pageLayout().paintRect(QPageLayout.Point)
    dpi = app.primaryScreen().logicalDotsPerInch() if app.primaryScreen() else 96.0
    doc.setPageSize(QSizeF(rect.width() * dpi / 72, rect.height() * dpi / 72))
    doc.print_(w)
    del w
    return out


def postprocess(pdf: Path, variant: str) -> None:
    from kyso.demo import samples

    data = samples._postprocess(pdf.read_bytes(), variant)
    pdf.write_bytes(data)


# ---------------------------------------------------------------- truth
def _words(pdf: Path):
    """[(page, [(text, x0, y0, x1, y1) lower-left origin])]; page heights from poppler."""
    xml = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", "-cropbox", str(pdf), "-"],
                         capture_output=True, check=True).stdout.decode()
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    ns = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for pg in root.iter(ns + "page"):
        h = float(pg.get("height"))
        ws = []
        for w in pg.iter(ns + "word"):
            x0, y0, x1, y1 = (float(w.get(a)) for a in ("xMin", "yMin", "xMax", "yMax"))
            ws.append((nfc(w.text or ""), x0, h - y1, x1, h - y0))
        pages.append(((float(pg.get("width")), h), ws))
    return pages


def _rows(ws):
    """Words -> rows (same baseline band), each sorted by x."""
    rows: list[list] = []
    for w in sorted(ws, key=lambda w: (-w[4], w[1])):
        for r in rows:
            if abs(r[0][2] - w[2]) <= 1.5 and abs(r[0][4] - w[4]) <= 1.5:
                r.append(w)
                break
        else:
            rows.append([w])
    out = []
    for r in rows:
        r.sort(key=lambda w: w[1])
        # poppler splits a word where the font changes (a fallback font for
        # the accented letters): touching pieces are one word
        merged = [r[0]]
        for w in r[1:]:
            p = merged[-1]
            if w[1] - p[3] < 0.8:
                merged[-1] = (p[0] + w[0], p[1], min(p[2], w[2]), w[3], max(p[4], w[4]))
            else:
                merged.append(w)
        out.append(merged)
    return out


def _box(run, text, page):
    return {"page": page, "box": [round(min(w[1] for w in run), 3), round(min(w[2] for w in run), 3),
                                  round(max(w[3] for w in run), 3), round(max(w[4] for w in run), 3)],
            "text": text}


def _find(rows, text):
    toks = nfc(text).split()
    for r in rows:
        for i in range(len(r) - len(toks) + 1):
            if [w[0] for w in r[i:i + len(toks)]] == toks:
                return r[i:i + len(toks)]
    return None


def _gap(rows, a, b_prefix, page):
    for r in rows:
        for x, y in zip(r, r[1:]):
            if x[0] == a and y[0].startswith(b_prefix):
                return {"page": page, "box": [round(x[3], 3), round(x[2], 3), round(y[1], 3), round(x[4], 3)], "text": ""}
    raise LookupError(f"no gap after {a!r}")


def truth(pdf: Path, kind: str, producer: str, variant: str = "normal", rotate: int = 0) -> dict:
    k = _KINDS[kind]
    pages = _words(pdf)
    last = len(pages) - 1
    block_page = None
    for i in range(last, -1, -1):
        if _find(_rows(pages[i][1]), k.signer):
            block_page = i
            break
    if block_page is None:
        raise LookupError("signer not found")
    rows = _rows(pages[block_page][1])

    def need(text, page_rows=rows, page=block_page):
        run = _find(page_rows, text)
        if run is None:
            raise LookupError(text)
        return _box(run, text, page)

    title = need(k.position)
    name = need(k.signer)
    auth = [need(t) for t in k.authority]
    top = (auth or [title])[0]["box"][3]
    nn = _find(rows, "Nơi nhận:")
    if nn:
        top = max(top, max(w[4] for w in nn))

    def body_rows(page_rows, limit):
        return [r for r in page_rows if min(w[2] for w in r) >= limit - 1.0
                and not re.fullmatch(r"\d{1,3}", " ".join(w[0] for w in r))
                and r[0][0] != FOOTER]

    cands = body_rows(rows, top)
    be_page = block_page
    if not cands:
        be_page = block_page - 1
        prev = _rows(pages[be_page][1])
        cands = body_rows(prev, -1e9)
    low = min(cands, key=lambda r: r[0][2])
    body_end = _box(low, " ".join(w[0] for w in low), be_page)
    first = _rows(pages[0][1])
    (pw, ph) = pages[0][0]
    return {
        "producer": producer,
        "truth_source": "pdftotext -bbox -cropbox of this PDF (poppler)",
        "page_count": len(pages),
        "page_size": [round(pw, 3), round(ph, 3)],
        "authority_lines": auth,
        "title_line": title,
        "name_line": name,
        "signature_space": {"page": block_page, "box": [title["box"][0], name["box"][3], title["box"][2], title["box"][1]], "text": ""},
        "number_blank": _gap(first, "Số:", "/", 0),
        "date_day_blank": _gap(first, "ngày", "tháng", 0),
        "date_month_blank": _gap(first, "tháng", "năm", 0),
        "body_end": body_end,
        "secrecy_mark": None,
        "kind": kind,
        "variant": variant,
        "secrecy": "",
        "signer": k.signer,
        "notation": k.notation,
        "rotate": rotate,
    }


def write_truth(pdf: Path, data: dict) -> Path:
    p = pdf.with_suffix(".truth.json")
    p.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return p
