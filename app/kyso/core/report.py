"""The verification report: "biên bản kiểm tra chữ ký số" (PDF, reportlab).

One page or more for the clerk's file: the document (name, SHA-256, time of
the check), the verdict, then for every signature the signer, organisation,
time, the certificate chain up to its anchor and pool, revocation, what
changed after it (permitted or not) and a picture of each page where
something is shown differently, the regions framed in red. Vietnamese, or
English with the language setting. Fonts: the bundled Tinos (Vietnamese
diacritics, embedded). No Qt here.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

from . import messages
from .fileio import write_bytes_atomic

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
_FONTS = {"R": ("KysoReport", "Tinos-Regular.ttf"), "B": ("KysoReport-Bold", "Tinos-Bold.ttf"),
          "I": ("KysoReport-Italic", "Tinos-Italic.ttf"), "BI": ("KysoReport-BoldItalic", "Tinos-BoldItalic.ttf")}



def _fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, fname in _FONTS.values():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / fname)))
    addMapping("KysoReport", 0, 0, _FONTS["R"][0])
    addMapping("KysoReport", 1, 0, _FONTS["B"][0])
    addMapping("KysoReport", 0, 1, _FONTS["I"][0])
    addMapping("KysoReport", 1, 1, _FONTS["BI"][0])


def _esc(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _when(dt: datetime | None) -> str:
    if dt is None:
        return "?"
    from .vntime import VIETNAM_TZ

    return dt.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M:%S") + " (GMT+7)"


def build_report(rep, data: bytes, lang: str | None = None, password: str | None = None,
                 now: datetime | None = None) -> bytes:
    """The report of ``rep`` (a :class:`kyso.core.verify.DocumentReport`) for the
    file whose bytes are ``data``, as PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer,
                                    Table, TableStyle)

    from .. import __version__
    from .trust import POOL_NAMES

    _fonts()
    lang = lang or messages.language()
    en = lang == messages.EN

    def t(key: str, **kw) -> str:
        return messages.tr(f"report.{key}", lang=lang, **kw)

    base = ParagraphStyle("b", fontName="KysoReport", fontSize=10.5, leading=13.5)
    small = ParagraphStyle("s", parent=base, fontSize=9, leading=11.5)
    title = ParagraphStyle("t", parent=base, fontName=_FONTS["B"][0], fontSize=15, leading=20,
                           alignment=TA_CENTER, spaceAfter=4)
    head = ParagraphStyle("h", parent=base, fontName=_FONTS["B"][0], fontSize=12, leading=16,
                          spaceBefore=8, spaceAfter=4)
    colour = {"passed": "#1b7f2a", "failed": "#c62828", "indeterminate": "#b26a00"}

    def verdict(ind: str) -> str:
        return (f'<font color="{colour[ind]}"><b>{_esc(messages.tr("indication." + ind, lang=lang))}'
                f'</b></font> ({ind})')

    def table(rows):
        tb = Table([[Paragraph(_esc(k), small), Paragraph(v, base)] for k, v in rows],
                   colWidths=[42 * mm, 128 * mm])
        tb.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2"))]))
        return tb

    story = [Paragraph(t("title"), title), Paragraph(_esc(t("basis")), small), Spacer(1, 6)]
    now = now or datetime.now(timezone.utc)
    reasons = rep.reasons(lang) if rep.indication != "passed" else []
    story.append(table([
        (t("file"), _esc(Path(rep.path).name)),
        (t("sha"), f'<font size="9">{rep.sha256 or "?"}</font>'),
        (t("checked"), _esc(_when(now))),
        (t("count"), str(len(rep.signatures))),
        (t("verdict"), verdict(rep.indication) + "".join(f"<br/>• {_esc(r)}" for r in reasons)),
    ]))
    for n, s in enumerate(rep.signatures, 1):
        part = [Paragraph(f"{t('sig')} {n}: {_esc(s.signer or s.field)}", head)]
        vi, e = POOL_NAMES.get(s.pool or "", (None, None))
        pool = (e if en else vi) if s.pool else t("no_pool")
        after = [f"• {_esc(c.describe(lang))} — <b>{t('not_permitted')}</b>" for c in s.changes]
        after += [f"• {_esc(c.describe(lang))} — {t('permitted')}" for c in s.permitted]
        rows = [
            (t("signer"), _esc(s.signer_subject or s.signer or "?")),
            (t("org"), _esc(s.organisation or "—")),
            (t("time"), _esc(_when(s.signing_time))),
        ]
        if s.timestamp_time:
            rows.append((t("tst"), _esc(_when(s.timestamp_time))))
        rows += [
            (t("chain"), " → ".join(_esc(c) for c in s.chain) or "—"),
            (t("pool"), _esc(pool)),
            (t("rev"), _esc(t(s.revocation if s.revocation in ("good", "revoked") else "not_checked"))),
            (t("covers"), _esc(s.covers(lang))),
            (t("verdict"), verdict(s.indication)),
        ]
        if s.problems:
            rows.append((t("reasons"), "<br/>".join("• " + _esc(r) for r in s.reasons(lang))))
        rows.append((t("after"), "<br/>".join(after) if after else _esc(t("none"))))
        part.append(table(rows))
        story.append(KeepTogether(part[:2]))
        pages = sorted({r.page for r in s.regions})[:3]
        for page in pages:
            from .visual import page_picture

            img = page_picture(data, page, list(s.regions), scale=1.0, password=password)
            buf = io.BytesIO()
            img.save(buf, "PNG")
            buf.seek(0)
            w = 95 * mm
            h = w * img.height / img.width
            story.append(KeepTogether([Spacer(1, 4), Paragraph(_esc(t("picture", page=page)), small),
                                       Image(buf, width=w, height=h)]))
    if rep.timestamps:
        story.append(Paragraph(t("stamps"), head))
        story.append(table([(ts.field, f"{_esc(_when(ts.time))} — {_esc(ts.tsa)} — " + verdict(ts.indication))
                            for ts in rep.timestamps]))
    story += [Spacer(1, 10), Paragraph(_esc(t("footer", v=__version__)), small)]

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=t("title"), author="Kyso", subject=Path(rep.path).name,
                            invariant=1, initialFontName=_FONTS["R"][0])
    doc.build(story)
    return out.getvalue()


def write_report(rep, source: Path, target: Path, lang: str | None = None,
                 password: str | None = None) -> Path:
    data = Path(source).read_bytes()
    write_bytes_atomic(target, build_report(rep, data, lang=lang, password=password))
    return Path(target)
