"""Realistic Decree 30/2020/NĐ-CP sample documents (drafts awaiting signature).

Why this exists
---------------
Kyso places signature images, seals and the issuing number on real
administrative documents.  Tests and the demo need documents that look like
what a Vietnamese official actually receives for signing: the layout of
Decree 30/2020 Appendix I, exact Vietnamese text (NFC), a *blank* number
("Số:          /UBND-VP") and a *blank* day and month in the date line, and
the signature block with its empty space for the signature and seal.  They
also need to know, to the point, where those things are: every document comes
with ground-truth boxes computed from the layout math (see ``truth`` below).

The body text comes from real directives of five local governments bundled in
``kyso/resources/seeds`` (public documents), except for the plan, whose text
is written in this module (none of the seeds is a plan).  The generator never
reads anything outside the package and never touches the network.

Layout (Decree 30/2020, Appendix I)
-----------------------------------
* A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm.
* Header in two columns.  Left (40 % of the text width): the issuing body in
  bold capitals (an optional superior body above it in regular capitals), a
  short centred rule (40 % of the line) under it, then "Số:" + blank +
  "/NOTATION" (13 pt) and, for a công văn, the "V/v ..." subject (12 pt,
  centred).  Right (60 %): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold 12 pt),
  "Độc lập - Tự do - Hạnh phúc" (bold 13 pt) with a rule as long as the line,
  then the italic date line "Place, ngày        tháng        năm 2026" (14 pt)
  with blank day and month, on the same baseline as the "Số:" line.
* Quyết định and kế hoạch: centred bold title ("QUYẾT ĐỊNH", "KẾ HOẠCH",
  14 pt) and under it the bold subject (trích yếu) with a short rule; a
  decision then has the competent authority line ("ỦY BAN NHÂN DÂN HUYỆN
  ..."), a plan goes straight to its body.  Neither has "V/v" or "Kính gửi".
* Công văn: "Kính gửi:" followed by the recipients, one per line.
* Body 14 pt, justified, first-line indent 1 cm, 6 pt between paragraphs.
* Page numbers from page 2 on, centred in the top margin (Decree 30 art. 13).
* End: "Nơi nhận:" (bold italic 12 pt) and its list (11 pt) on the left; on
  the right the signature block: authority lines in bold capitals, the
  signer's position, 32 mm of empty space for the signature image and the
  seal, then the signer's name in bold.  Both start on the same baseline.

Kinds: ``cong_van`` (UBND thành phố Phủ Lý 2022 seed, Phạm Văn Quân signs as
"TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), ``quyet_dinh`` (UBND
huyện Lục Nam, the decision in part 2 of the Lục Nam seed, Đặng Văn Nhân,
"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"), ``cong_van_vp`` (Văn phòng HĐND và UBND
quận Đống Đa seed, Nguyễn Trọng Hải, "CHÁNH VĂN PHÒNG"), ``ke_hoach`` (a
plan of UBND thành phố Phủ Lý, "KH-UBND": "Triển khai công tác phổ biến,
giáo dục pháp luật năm 2026", signed like the công văn by Phạm Văn Quân; the
demo server's "Kế hoạch" document).  Each kind keeps the header, place and
signer of its own seed, so a page never mixes one locality's header with
another's signer.  The plan's sections ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI
DUNG", "III. TỔ CHỨC THỰC HIỆN") are always printed once; only the numbered
items of II grow or shrink with the page count.

Variants: ``normal``; ``sigblock_alone`` (the body fills the second-to-last
page, so the signature block sits alone at the top of the last page);
``rotated`` / ``rotated270`` (the last page is stored landscape with /Rotate
90 or 270, its content drawn in rotated user space, so viewers show the same
upright portrait page); ``cropbox`` (every page has a MediaBox of 700 x 950
pt and the A4 CropBox [40 30 635.28 871.89]; the content is shifted
accordingly and crop marks are drawn outside the CropBox); ``secret``
(secrecy "Mật": the red "MẬT" stamp of Circular 24/2020/TT-BCA, 20 x 8 mm,
under the number and subject, plus metadata).  Kyso must refuse secret
documents, so this variant exists to test that refusal.

PDF metadata
------------
Document information dictionary:

* ``/Title``    the subject (trích yếu), e.g. "Khắc phục tồn tại ..."
* ``/Author``   the issuing organ, e.g. "Ủy ban nhân dân thành phố Phủ Lý"
* ``/Subject``  the same trích yếu (for viewers that show Subject only)
* ``/Producer`` set by ReportLab
* custom keys named after the edXML (QCVN 102:2016/BTTTT) fields:
  ``/KysoDocType`` ("Công văn", "Quyết định", "Kế hoạch"), ``/KysoNotation``
  ("UBND-VP"; the number itself is blank in a draft), ``/KysoSecrecy``
  ("" or "Mật"), ``/KysoSigner`` (full name), ``/KysoSignerPosition``
  (e.g. "Phó Chủ tịch").

Ground truth
------------
``SampleDocument.truth`` (also written as ``<name>.truth.json``) gives boxes
in *visual page coordinates*: points, origin at the lower-left corner of the
page as displayed, i.e. after the CropBox and /Rotate are applied (every
sample displays as an A4 portrait page, 595.28 x 841.89).  Each box is
``{"page": i, "box": [x0, y0, x1, y1], "text": ...}`` with a 0-based page
index; text boxes span the font's ascent to descent like poppler's word
boxes.  Keys: ``authority_lines`` (list), ``title_line`` (the signer's
position, directly above the signature space), ``signature_space`` (the empty
area between title and name), ``name_line``, ``number_line``,
``number_blank`` (the gap after "Số:" before "/NOTATION"), ``date_line``,
``date_day_blank``, ``date_month_blank``, ``body_end`` (the last body line),
``noi_nhan`` (the heading and its list), ``secrecy_mark`` (secret only, else
None), plus ``page_count`` and ``page_size``.

Public API: :func:`generate_sample`, :func:`generate_all`,
:func:`generate_batch`, :class:`SampleDocument`, :data:`KINDS`,
:data:`BATCH_KINDS`, :data:`VARIANTS`.  ``python -m kyso.demo.samples
OUT_DIR`` writes all variants.
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

__all__ = [
    "BATCH_KINDS",
    "KINDS",
    "VARIANTS",
    "SampleDocument",
    "generate_sample",
    "generate_all",
    "generate_batch",
]

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
FONT_DIR = _RESOURCES / "fonts"
SEED_DIR = _RESOURCES / "seeds"

PAGE_W, PAGE_H = A4  # 595.2756, 841.8898
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
TEXT_LEFT = MARGIN_LEFT
TEXT_RIGHT = PAGE_W - MARGIN_RIGHT
TEXT_W = TEXT_RIGHT - TEXT_LEFT
LEFT_COL = (TEXT_LEFT, TEXT_LEFT + 0.40 * TEXT_W)
RIGHT_COL = (LEFT_COL[1], TEXT_RIGHT)

BODY_SIZE = 14.0
BODY_LEADING = 17.0
PARA_SPACE = 6.0
FIRST_INDENT = 10 * mm
SIGNATURE_SPACE = 32 * mm  # Decree 30 practice: 30-35 mm for signature + seal
YEAR = 2026

# Blanks are literal spaces, as in a Word draft: the clerk's step fills them.
NUMBER_BLANK = " " * 10
DATE_BLANK = " " * 7

KINDS = ("cong_van", "quyet_dinh", "cong_van_vp", "ke_hoach")
# generate_batch keeps its own mix: the throughput figures in the README were
# measured on batches of these three kinds, and the same seed must keep
# giving the same documents when KINDS grows.
BATCH_KINDS = ("cong_van", "quyet_dinh", "cong_van_vp")
VARIANTS = ("normal", "sigblock_alone", "rotated", "rotated270", "cropbox", "secret")

CROP_MEDIABOX = (0.0, 0.0, 700.0, 950.0)
CROP_OFFSET = (40.0, 30.0)

_FONT_FILES = {
    "R": ("Tinos", "Tinos-Regular.ttf"),
    "B": ("Tinos-Bold", "Tinos-Bold.ttf"),
    "I": ("Tinos-Italic", "Tinos-Italic.ttf"),
    "BI": ("Tinos-BoldItalic", "Tinos-BoldItalic.ttf"),
}


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# --------------------------------------------------------------------- fonts
@lru_cache(maxsize=None)
def _fonts() -> dict[str, str]:
    """Register Tinos once per process (parsing a TTF costs ~10 ms each)."""
    from reportlab.lib.fonts import addMapping

    names = {}
    for style, (name, fname) in _FONT_FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / fname)))
        names[style] = name
    addMapping("Tinos", 0, 0, names["R"])
    addMapping("Tinos", 1, 0, names["B"])
    addMapping("Tinos", 0, 1, names["I"])
    addMapping("Tinos", 1, 1, names["BI"])
    return names


@lru_cache(maxsize=None)
def _metrics(style: str) -> tuple[float, float]:
    """(ascent, descent) per unit of font size, as written to the PDF's
    FontDescriptor; poppler's word boxes use exactly these."""
    face = pdfmetrics.getFont(_fonts()[style]).face
    return face.ascent / 1000.0, face.descent / 1000.0


_WIDTH_CACHE: dict[tuple[str, str], float] = {}


def _w(text: str, style: str, size: float) -> float:
    key = (text, style)
    w = _WIDTH_CACHE.get(key)
    if w is None:
        w = pdfmetrics.stringWidth(text, _fonts()[style], 1000.0) / 1000.0
        _WIDTH_CACHE[key] = w
    return w * size


# ------------------------------------------------------------- seed parsing
def _clean(s: str) -> str:
    """Drop the markdown emphasis of the seed transcripts and tidy spaces."""
    s = _nfc(s).replace("**", "").replace("*", "")
    s = s.replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", s).strip()


@lru_cache(maxsize=None)
def _seed_paragraphs(seed_name: str) -> tuple[str, ...]:
    text = (SEED_DIR / seed_name).read_text(encoding="utf-8")
    paras = []
    for block in re.split(r"\n\s*\n", text):
        line = _clean(" ".join(block.splitlines()))
        if line:
            paras.append(line)
    return tuple(paras)


def _letter_body(seed_name: str) -> tuple[str, ...]:
    """Body of a công văn seed: after the recipient list that follows
    "Kính gửi", up to "Nơi nhận" (or an attachment note)."""
    paras = _seed_paragraphs(seed_name)
    i = next(k for k, p in enumerate(paras) if p.startswith("Kính gửi"))
    i += 1
    while i < len(paras) and paras[i].startswith("- "):
        i += 1
    out = []
    for p in paras[i:]:
        if p.startswith("Nơi nhận") or p.startswith("(gửi kèm"):
            break
        if p.startswith(("- ", "+ ")):
            # list items that sat in one block were joined with spaces: split
            out.extend(x.strip() for x in re.split(r"\s(?=[-+] [A-ZĐ])", p))
        else:
            out.append(p)
    return tuple(out)


def _decision_body(seed_name: str) -> tuple[str, ...]:
    """Part 2 of the Lục Nam seed: from the first "Căn cứ" after the
    "QUYẾT ĐỊNH" title to Điều 3 (inclusive)."""
    paras = _seed_paragraphs(seed_name)
    start = next(k for k, p in enumerate(paras) if p.startswith("Căn cứ"))
    out = []
    for p in paras[start:]:
        if p.startswith("Nơi nhận"):
            break
        out.append(p)
    return tuple(out)


# ------------------------------------------------------------- kind specs
@dataclass(frozen=True)
class _Kind:
    seed: str | None  # None: the body is written in this module (ke_hoach)
    doc_type: str
    organ_upper: str | None
    organ_lines: tuple[str, ...]
    organ_name: str  # for /Author
    notation: str
    place: str
    subject: str  # trích yếu, /Title
    vv_text: str | None  # công văn only
    title: str | None  # quyết định, kế hoạch: "QUYẾT ĐỊNH", "KẾ HOẠCH"
    authority_line: str | None  # quyết định only: "ỦY BAN NHÂN DÂN HUYỆN LỤC NAM"
    recipients: tuple[str, ...]
    noi_nhan: tuple[str, ...]
    authority: tuple[str, ...]
    position: str
    position_label: str  # for metadata
    signer: str


_KINDS = {
    "cong_van": _Kind(
        seed="phu-ly-2022-ky-so-van-ban-giay.txt",
        doc_type="Công văn",
        organ_upper=None,
        organ_lines=("ỦY BAN NHÂN DÂN", "THÀNH PHỐ PHỦ LÝ"),
        organ_name="Ủy ban nhân dân thành phố Phủ Lý",
        notation="UBND-VP",
        place="Phủ Lý",
        subject="Khắc phục tồn tại văn bản giấy và tăng cường sử dụng chữ ký số",
        vv_text="V/v khắc phục tồn tại văn bản giấy và tăng cường sử dụng chữ ký số",
        title=None,
        authority_line=None,
        recipients=(
            "Thủ trưởng các Phòng, ban, đơn vị;",
            "Chủ tịch Ủy ban nhân dân các phường, xã.",
        ),
        noi_nhan=("Như trên;", "Chủ tịch UBND thành phố (để b/c);", "Lưu: VT."),
        authority=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"),
        position="PHÓ CHỦ TỊCH",
        position_label="Phó Chủ tịch",
        signer="Phạm Văn Quân",
    ),
    "quyet_dinh": _Kind(
        seed="luc-nam-2020-ky-so-va-danh-muc-van-ban.txt",
        doc_type="Quyết định",
        organ_upper=None,
        organ_lines=("ỦY BAN NHÂN DÂN", "HUYỆN LỤC NAM"),
        organ_name="Ủy ban nhân dân huyện Lục Nam",
        notation="QĐ-UBND",
        place="Lục Nam",
        subject=(
            "Ban hành Danh mục văn bản áp dụng gửi, nhận theo hình thức điện tử, "
            "bản giấy và bảo đảm an toàn lưu trữ văn bản điện tử"
        ),
        vv_text=None,
        title="QUYẾT ĐỊNH",
        authority_line="ỦY BAN NHÂN DÂN HUYỆN LỤC NAM",
        recipients=(),
        noi_nhan=(
            "Như Điều 3;",
            "UBND tỉnh;",
            "Sở TT-TT;",
            "CT, các PCT UBND huyện;",
            "LĐVP, CVVP;",
            "Lưu: VT.",
        ),
        authority=("TM. ỦY BAN NHÂN DÂN",),
        position="CHỦ TỊCH",
        position_label="Chủ tịch",
        signer="Đặng Văn Nhân",
    ),
    "cong_van_vp": _Kind(
        seed="dong-da-2024-tang-cuong-ky-so.txt",
        doc_type="Công văn",
        organ_upper="UBND QUẬN ĐỐNG ĐA",
        organ_lines=("VĂN PHÒNG HĐND VÀ UBND",),
        organ_name="Văn phòng HĐND và UBND quận Đống Đa",
        notation="VP",
        place="Đống Đa",
        subject=(
            "Tăng cường ký số của người có thẩm quyền trên Hệ thống "
            "Quản lý văn bản và Điều hành Quận"
        ),
        vv_text=(
            "V/v tăng cường ký số của người có thẩm quyền trên Hệ thống "
            "Quản lý văn bản và Điều hành Quận"
        ),
        title=None,
        authority_line=None,
        recipients=("Các phòng, ban, đơn vị thuộc quận;", "UBND 21 phường."),
        noi_nhan=(
            "Như trên;",
            "Đ/c Chủ tịch UBND Quận;",
            "Các đ/c Phó Chủ tịch UBND Quận;",
            "Chánh Văn phòng HĐND và UBND Quận;",
            "Lưu: VT, Bộ phận CNTT.",
        ),
        authority=(),
        position="CHÁNH VĂN PHÒNG",
        position_label="Chánh Văn phòng",
        signer="Nguyễn Trọng Hải",
    ),
    "ke_hoach": _Kind(
        seed=None,
        doc_type="Kế hoạch",
        organ_upper=None,
        organ_lines=("ỦY BAN NHÂN DÂN", "THÀNH PHỐ PHỦ LÝ"),
        organ_name="Ủy ban nhân dân thành phố Phủ Lý",
        notation="KH-UBND",
        place="Phủ Lý",
        subject="Triển khai công tác phổ biến, giáo dục pháp luật năm 2026",
        vv_text=None,
        title="KẾ HOẠCH",
        authority_line=None,
        recipients=(),
        noi_nhan=(
            "Sở Tư pháp tỉnh (để b/c);",
            "TT Thành ủy, TT HĐND thành phố;",
            "CT, các PCT UBND thành phố;",
            "Các phòng, ban, đơn vị;",
            "UBND các phường, xã;",
            "Lưu: VT, TP.",
        ),
        authority=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"),
        position="PHÓ CHỦ TỊCH",
        position_label="Phó Chủ tịch",
        signer="Phạm Văn Quân",
    ),
}


# ------------------------------------------------------------ paragraphs
@dataclass(frozen=True)
class _Para:
    runs: tuple[tuple[str, str], ...]  # (text, style)
    align: str = "justify"  # "justify" | "center"
    indent: bool = True
    space_before: float = PARA_SPACE

    def words(self) -> list[tuple[str, str]]:
        out = []
        for text, style in self.runs:
            out.extend((w, style) for w in text.split())
        return out


def _plain(text: str, style: str = "R") -> _Para:
    return _Para(((text, style),))


def _article(text: str) -> _Para:
    """"Điều 1. ..." with the article label in bold (Decree 30)."""
    m = re.match(r"(Điều \d+\.)\s*(.*)", text)
    if m:
        return _Para(((m.group(1), "B"), (m.group(2), "R")))
    return _plain(text)


def _heading(text: str) -> _Para:
    """"I. MỤC ĐÍCH, YÊU CẦU": a section heading of a plan, in bold."""
    return _Para(((text, "B"),))


def _item(label: str, text: str) -> _Para:
    """"1. Title. Text ...": the number (and a short title) in bold."""
    return _Para(((label, "B"), (text, "R")))


# The plan (ke_hoach) has no seed: none of the bundled directives is a plan,
# so its text is written here for Kyso, in the usual shape of a city's yearly
# plan for legal education.  Headings stay in the head and the tail: the
# stream is cut or repeated to reach a page count, and a heading cut in half
# or printed twice would not read as a plan.
_PLAN_HEAD = (
    _plain(
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Ủy ban nhân dân thành phố ban hành "
        "Kế hoạch triển khai công tác phổ biến, giáo dục pháp luật năm 2026 như sau:"
    ),
    _heading("I. MỤC ĐÍCH, YÊU CẦU"),
    _plain(
        "Đưa quy định pháp luật mới đến người dân, doanh nghiệp kịp thời, dễ hiểu; nâng "
        "cao ý thức chấp hành pháp luật; bám sát nhiệm vụ chính trị của địa phương, gắn "
        "với cải cách hành chính và chuyển đổi số."
    ),
    _heading("II. NỘI DUNG"),
    _item(
        "1. Phổ biến văn bản pháp luật mới.",
        "Giới thiệu các luật, nghị quyết có hiệu lực trong năm 2026; biên soạn tài liệu "
        "hỏi - đáp, đăng trên Cổng thông tin điện tử thành phố.",
    ),
)

# II. NỘI DUNG, items 2, 3, ... (item 1 is in the head, so the section is
# never empty); numbered below.
_PLAN_ITEM_TEXTS = (
    (
        "Ứng dụng công nghệ số trong phổ biến pháp luật.",
        "Cập nhật thường xuyên văn bản, tài liệu pháp luật trên Cổng thông tin điện tử "
        "thành phố và trang thông tin điện tử của các phường, xã; xây dựng chuyên mục "
        "hỏi - đáp, giải đáp những vướng mắc người dân thường gặp về đất đai, hộ tịch, "
        "chứng thực, xây dựng nhà ở. Đưa tin pháp luật ngắn gọn qua nhóm Zalo của tổ dân "
        "phố, thôn và hệ thống truyền thanh cơ sở; tổ chức cuộc thi tìm hiểu pháp luật "
        "trực tuyến dành cho đoàn viên, thanh niên và học sinh trên địa bàn."
    ),
    (
        "Phổ biến pháp luật cho các nhóm đối tượng đặc thù.",
        "Phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam thành phố và các tổ chức chính "
        "trị - xã hội phổ biến pháp luật cho người lao động trong các cụm công nghiệp, "
        "người cao tuổi, người khuyết tật, người có hoàn cảnh khó khăn và người được "
        "tha tù trở về địa phương. Nội dung chú trọng các quy định về lao động, bảo hiểm "
        "xã hội, trật tự an toàn giao thông, phòng, chống ma túy, phòng, chống bạo lực "
        "gia đình và phòng ngừa lừa đảo trên không gian mạng; hình thức: nói chuyện "
        "chuyên đề, phát tờ gấp, tư vấn pháp luật tại chỗ."
    ),
    (
        "Hòa giải ở cơ sở.",
        "Rà soát, kiện toàn các tổ hòa giải ở tổ dân phố, thôn, bảo đảm mỗi tổ có hòa "
        "giải viên là phụ nữ và người có uy tín trong cộng đồng; bồi dưỡng kỹ năng, "
        "nghiệp vụ cho hòa giải viên mới. Giải quyết kịp thời các mâu thuẫn, tranh chấp "
        "nhỏ ngay tại cơ sở, giữ gìn đoàn kết trong khu dân cư, hạn chế phát sinh khiếu "
        "nại, khiếu kiện vượt cấp."
    ),
    (
        "Phổ biến pháp luật cho doanh nghiệp.",
        "Phối hợp với Hội Doanh nghiệp thành phố tổ chức đối thoại, giới thiệu quy định "
        "mới về thuế, hóa đơn điện tử, lao động, phòng cháy, chữa cháy; tiếp nhận kiến "
        "nghị của doanh nghiệp về những quy định, thủ tục còn vướng mắc để giải đáp hoặc "
        "chuyển cơ quan có thẩm quyền xem xét."
    ),
    (
        "Xây dựng phường, xã đạt chuẩn tiếp cận pháp luật.",
        "Hướng dẫn các phường, xã tự đánh giá, chấm điểm các chỉ tiêu tiếp cận pháp "
        "luật, chỉ ra những chỉ tiêu chưa đạt và biện pháp khắc phục trong năm. Duy trì "
        "tủ sách pháp luật, điểm truy cập thông tin pháp luật tại trụ sở Ủy ban nhân dân "
        "các phường, xã và nhà văn hóa tổ dân phố, thôn; bổ sung sách, tài liệu về các "
        "luật mới ban hành."
    ),
    (
        "Trợ giúp pháp lý.",
        "Phối hợp với Trung tâm Trợ giúp pháp lý nhà nước của tỉnh tổ chức các đợt trợ "
        "giúp pháp lý lưu động tại phường, xã; thông tin đầy đủ về quyền được trợ giúp "
        "pháp lý miễn phí của người thuộc hộ nghèo, người có công với cách mạng, trẻ em, "
        "người khuyết tật và các đối tượng khác theo quy định."
    ),
    (
        "Hưởng ứng Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam.",
        "Các cơ quan, đơn vị tổ chức hoạt động hưởng ứng Ngày Pháp luật (09 tháng 11) "
        "bằng hình thức thiết thực, phù hợp với điều kiện của mình như tọa đàm, giới "
        "thiệu văn bản mới trong các buổi giao ban; gắn việc hưởng ứng Ngày Pháp luật với "
        "nhiệm vụ chuyên môn, nhất là giải quyết thủ tục hành chính đúng hạn, tiếp nhận "
        "và xử lý phản ánh, kiến nghị của người dân."
    ),
    (
        "Giáo dục pháp luật trong nhà trường.",
        "Phối hợp với các trường tiểu học, trung học cơ sở trên địa bàn lồng ghép nội "
        "dung giáo dục pháp luật vào giờ hoạt động trải nghiệm, sinh hoạt dưới cờ; sân "
        "khấu hóa những tình huống pháp luật gần gũi với học sinh như an toàn giao "
        "thông, phòng, chống bắt nạt học đường, sử dụng mạng xã hội an toàn."
    ),
    (
        "Đội ngũ báo cáo viên, tuyên truyền viên pháp luật.",
        "Rà soát, kiện toàn đội ngũ báo cáo viên pháp luật thành phố và tuyên truyền "
        "viên pháp luật ở phường, xã, thay thế người đã nghỉ hưu hoặc chuyển công tác; "
        "cung cấp kịp thời đề cương giới thiệu văn bản mới và tổ chức ít nhất một lớp "
        "bồi dưỡng kỹ năng truyền đạt trong năm."
    ),
    (
        "Phổ biến pháp luật qua tiếp công dân và giải quyết thủ tục hành chính.",
        "Khi tiếp công dân và giải quyết thủ tục hành chính tại Bộ phận Một cửa, cán "
        "bộ, công chức giải thích, hướng dẫn quy định pháp luật có liên quan để người "
        "dân, doanh nghiệp hiểu đúng và thực hiện đúng; hướng dẫn nộp hồ sơ trực tuyến "
        "và thanh toán không dùng tiền mặt."
    ),
    (
        "Phổ biến pháp luật cho cán bộ, công chức, viên chức.",
        "Các cơ quan, đơn vị dành thời gian trong các buổi họp định kỳ để giới thiệu văn "
        "bản mới thuộc lĩnh vực được giao; cán bộ, công chức, viên chức chủ động cập "
        "nhật quy định về công vụ, đạo đức công vụ, phòng, chống tham nhũng, tiêu cực và "
        "thực hành tiết kiệm, chống lãng phí."
    ),
    (
        "Theo dõi tình hình thi hành pháp luật.",
        "Theo dõi việc thi hành pháp luật trong các lĩnh vực được nhiều người dân quan "
        "tâm như đất đai, môi trường, trật tự xây dựng; kịp thời phát hiện những quy "
        "định còn bất cập, khó thực hiện để kiến nghị cấp có thẩm quyền sửa đổi, bổ sung."
    ),
    (
        "Kiểm tra, sơ kết, đánh giá.",
        "Kiểm tra việc thực hiện Kế hoạch tại một số cơ quan, đơn vị và phường, xã "
        "trong quý III; sơ kết sáu tháng, tổng kết năm, đánh giá hiệu quả từng hình "
        "thức phổ biến để điều chỉnh cách làm cho phù hợp."
    ),
)
_PLAN_ITEMS = tuple(
    _item(f"{i}. {title}", text) for i, (title, text) in enumerate(_PLAN_ITEM_TEXTS, start=2)
)

_PLAN_TAIL = (
    _heading("III. TỔ CHỨC THỰC HIỆN"),
    _item(
        "1.",
        "Phòng Tư pháp chủ trì, hướng dẫn, đôn đốc thực hiện Kế hoạch; tổng hợp kết "
        "quả, báo cáo Ủy ban nhân dân thành phố trước ngày 15/11/2026.",
    ),
    _item(
        "2.",
        "Các phòng, ban, đơn vị căn cứ chức năng, nhiệm vụ chủ động triển khai, bố trí "
        "kinh phí trong dự toán được giao.",
    ),
    _item("3.", "Ủy ban nhân dân các phường, xã tổ chức thực hiện tại địa phương."),
    _plain(
        "Trên đây là Kế hoạch phổ biến, giáo dục pháp luật năm 2026, đề nghị các cơ "
        "quan, đơn vị triển khai thực hiện./."
    ),
)


def _truncate(p: _Para, n_words: int) -> _Para:
    """The first n words of a paragraph, ending on a full stop, so a
    shortened paragraph still reads as a finished sentence."""
    words = p.words()[:n_words]
    if not words:
        return p
    last, style = words[-1]
    last = last.rstrip(",;:–-")
    if not last.endswith((".", ")", "./.")):
        last += "."
    words[-1] = (last, style)
    runs: list[tuple[str, str]] = []
    for w, s in words:
        if runs and runs[-1][1] == s:
            runs[-1] = (runs[-1][0] + " " + w, s)
        else:
            runs.append((w, s))
    return _Para(tuple(runs), p.align, p.indent, p.space_before)


@dataclass(frozen=True)
class _Content:
    head: tuple[_Para, ...]  # always kept
    stream: tuple[_Para, ...]  # truncated or repeated to hit the page count
    tail: tuple[_Para, ...]  # always kept (closing sentence / last articles)


@lru_cache(maxsize=None)
def _content(kind: str, seed_name: str | None) -> _Content:
    spec = _KINDS[kind]
    if kind == "ke_hoach":
        if seed_name is not None:
            raise ValueError("ke_hoach has its own text; seed_name is for the công văn kinds")
        return _Content(_PLAN_HEAD, _PLAN_ITEMS, _PLAN_TAIL)
    if kind == "quyet_dinh" and seed_name in (None, spec.seed):
        paras = _decision_body(spec.seed)
        can_cu = [p for p in paras if p.startswith(("Căn cứ", "Xét đề nghị"))]
        i_qd = paras.index("QUYẾT ĐỊNH:")
        arts = list(paras[i_qd + 1 :])
        i2 = next(k for k, p in enumerate(arts) if p.startswith("Điều 2."))
        i3 = next(k for k, p in enumerate(arts) if p.startswith("Điều 3."))
        # The legal bases are italic in a decision (Decree 30 Appendix I).
        head = [_plain(p, "I") for p in can_cu[:3]] + [_plain(can_cu[-1], "I")]
        head.append(_Para((("QUYẾT ĐỊNH:", "B"),), align="center", indent=False))
        head.append(_article(arts[0]))
        stream = tuple(_article(p) for p in arts[1:i2])
        tail = (_article(arts[i2]), _article(arts[i3]))
        return _Content(tuple(head), stream, tail)
    body = list(_letter_body(seed_name or spec.seed))
    closing = body.pop() if body[-1].endswith("./.") else "Đề nghị các đơn vị nghiêm túc thực hiện./."
    first = body.pop(0)
    return _Content((_plain(first),), tuple(_plain(p) for p in body), (_plain(closing),))


def _body_for(content: _Content, n_words: int) -> tuple[_Para, ...]:
    """head + the first n_words of the (cyclically repeated) stream + tail."""
    out = list(content.head)
    if content.stream:
        i = 0
        left = n_words
        while left > 0:
            p = content.stream[i % len(content.stream)]
            n = len(p.words())
            out.append(p if n <= left else _truncate(p, left))
            left -= n
            i += 1
    out.extend(content.tail)
    return tuple(out)


def _stream_words(content: _Content) -> int:
    return sum(len(p.words()) for p in content.stream)


# ---------------------------------------------------------------- layout
@dataclass
class _Op:
    kind: str  # "text" | "line" | "rect"
    page: int
    x: float
    y: float
    text: str = ""
    style: str = "R"
    size: float = 0.0
    x2: float = 0.0
    y2: float = 0.0
    color: tuple[float, float, float] = (0, 0, 0)
    width: float = 0.6


def _tbox(page: int, x: float, y: float, text: str, style: str, size: float) -> dict:
    """Box of text drawn at baseline (x, y): advance width, ascent..descent."""
    a, d = _metrics(style)
    return {
        "page": page,
        "box": [round(x, 3), round(y + d * size, 3), round(x + _w(text, style, size), 3), round(y + a * size, 3)],
        "text": text,
    }


def _union(boxes: list[dict], text: str) -> dict:
    return {
        "page": boxes[0]["page"],
        "box": [
            min(b["box"][0] for b in boxes),
            min(b["box"][1] for b in boxes),
            max(b["box"][2] for b in boxes),
            max(b["box"][3] for b in boxes),
        ],
        "text": text,
    }


def _break(words: list[tuple[str, str]], width: float, first_width: float, size: float):
    """Greedy line breaking; returns lists of words per line."""
    lines: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    cur_w = 0.0
    avail = first_width
    for w, s in words:
        ww = _w(w, s, size)
        sp = _w(" ", "R", size) if cur else 0.0
        if cur and cur_w + sp + ww > avail:
            lines.append(cur)
            cur, cur_w, avail = [], 0.0, width
            sp = 0.0
        cur.append((w, s))
        cur_w += sp + ww
    if cur:
        lines.append(cur)
    return lines


class _Layout:
    def __init__(self) -> None:
        self.ops: list[_Op] = []
        self.truth: dict = {}
        self.pages = 1

    def text(self, page, x, y, text, style="R", size=BODY_SIZE, color=(0, 0, 0)) -> dict:
        self.ops.append(_Op("text", page, x, y, text, style, size, color=color))
        return _tbox(page, x, y, text, style, size)

    def centered(self, page, cx, y, text, style="R", size=BODY_SIZE) -> dict:
        return self.text(page, cx - _w(text, style, size) / 2, y, text, style, size)

    def line(self, page, x1, y1, x2, y2, width=0.6, color=(0, 0, 0)) -> None:
        self.ops.append(_Op("line", page, x1, y1, x2=x2, y2=y2, width=width, color=color))


def _first_baseline(size: float) -> float:
    return PAGE_H - MARGIN_TOP - _metrics("R")[0] * size


def _layout(kind: str, body: tuple[_Para, ...], secrecy: str | None) -> _Layout:
    spec = _KINDS[kind]
    L = _Layout()
    lc = (LEFT_COL[0] + LEFT_COL[1]) / 2
    rc = (RIGHT_COL[0] + RIGHT_COL[1]) / 2
    top = PAGE_H - MARGIN_TOP

    # ---- header, left column: issuing body
    y = top - _metrics("B")[0] * 13
    left_lines: list[tuple[str, str]] = []
    if spec.organ_upper:
        left_lines.append((spec.organ_upper, "R"))
    left_lines += [(t, "B") for t in spec.organ_lines]
    yl = y
    last = None
    for t, s in left_lines:
        last = L.centered(0, lc, yl, t, s, 13)
        yl -= 15
    rule_w = 0.4 * (last["box"][2] - last["box"][0])
    rule_y = yl + 15 - 6.5
    L.line(0, lc - rule_w / 2, rule_y, lc + rule_w / 2, rule_y)

    # ---- header, right column: national title and motto
    L.centered(0, rc, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12)
    motto = L.centered(0, rc, y - 15, "Độc lập - Tự do - Hạnh phúc", "B", 13)
    my = y - 15 - 6.5
    L.line(0, motto["box"][0], my, motto["box"][2], my)

    # ---- number and date, same baseline
    yn = min(rule_y, my) - 22
    pre, post = "Số:", "/" + spec.notation
    num_text = pre + NUMBER_BLANK + post
    num = L.centered(0, lc, yn, num_text, "R", 13)
    x0 = num["box"][0]
    L.truth["number_line"] = num
    L.truth["number_blank"] = {
        "page": 0,
        "box": [
            round(x0 + _w(pre, "R", 13), 3),
            num["box"][1],
            round(x0 + _w(pre + NUMBER_BLANK, "R", 13), 3),
            num["box"][3],
        ],
        "text": "",
    }
    d1 = f"{spec.place}, ngày"
    d2 = d1 + DATE_BLANK + "tháng"
    d3 = d2 + DATE_BLANK + f"năm {YEAR}"
    date = L.centered(0, rc, yn, d3, "I", 14)
    dx = date["box"][0]
    L.truth["date_line"] = date

    def gap(a: str, b: str) -> dict:
        return {
            "page": 0,
            "box": [round(dx + _w(a, "I", 14), 3), date["box"][1], round(dx + _w(b, "I", 14), 3), date["box"][3]],
            "text": "",
        }

    L.truth["date_day_blank"] = gap(d1, d1 + DATE_BLANK)
    L.truth["date_month_blank"] = gap(d2, d2 + DATE_BLANK)

    yl = yn
    if spec.vv_text:
        yl -= 16
        width = LEFT_COL[1] - LEFT_COL[0] - 6
        for ln in _break([(w, "R") for w in spec.vv_text.split()], width, width, 12):
            L.centered(0, lc, yl, " ".join(w for w, _ in ln), "R", 12)
            yl -= 14
        yl += 14
    L.truth["secrecy_mark"] = None
    if secrecy:
        # Circular 24/2020/TT-BCA: rectangle 20 x 8 mm, bold capitals, red.
        red = (0.85, 0.0, 0.0)
        bw, bh = 20 * mm, 8 * mm
        bx, by = lc - bw / 2, yl - 10 - bh
        L.ops.append(_Op("rect", 0, bx, by, x2=bx + bw, y2=by + bh, color=red, width=1.2))
        mark = secrecy.upper()
        L.centered(0, lc, by + bh / 2 - 4.5, mark, "B", 13)
        L.ops[-1].color = red
        L.truth["secrecy_mark"] = {"page": 0, "box": [round(bx, 3), round(by, 3), round(bx + bw, 3), round(by + bh, 3)], "text": mark}
        yl = by
    y = min(yl, yn) - 6

    # ---- title (quyết định, kế hoạch) or "Kính gửi" (công văn)
    if spec.title:
        y -= 30
        tc = (TEXT_LEFT + TEXT_RIGHT) / 2
        L.centered(0, tc, y, spec.title, "B", 14)
        y -= 18
        for ln in _break([(w, "B") for w in spec.subject.split()], TEXT_W - 60, TEXT_W - 60, 14):
            L.centered(0, tc, y, " ".join(w for w, _ in ln), "B", 14)
            y -= 17
        ry = y + 17 - 7.5
        L.line(0, tc - TEXT_W / 6, ry, tc + TEXT_W / 6, ry)
        if spec.authority_line:  # a decision names the competent authority
            y -= 20
            L.centered(0, tc, y, spec.authority_line, "B", 14)
            cursor = y - 6
        else:
            cursor = ry - 6
    else:
        y -= 28
        kx = TEXT_LEFT + 0.2 * TEXT_W
        L.text(0, kx, y, "Kính gửi:", "R", 14)
        rx = kx + _w("Kính gửi: ", "R", 14)
        for r in spec.recipients:
            L.text(0, rx, y, "- " + r, "R", 14)
            y -= BODY_LEADING
        cursor = y + BODY_LEADING - 6

    # ---- body
    page = 0
    bottom = MARGIN_BOTTOM - _metrics("R")[1] * BODY_SIZE  # lowest baseline
    first_bl = _first_baseline(BODY_SIZE)
    body_end = None
    at_top = False
    for p in body:
        indent = FIRST_INDENT if p.indent and p.align == "justify" else 0.0
        lines = _break(p.words(), TEXT_W, TEXT_W - indent, BODY_SIZE)
        for i, ln in enumerate(lines):
            step = BODY_LEADING + (p.space_before if i == 0 and not at_top else 0.0)
            bl = cursor - step
            if bl < bottom:
                page += 1
                bl = first_bl
            at_top = False
            cursor = bl
            x = TEXT_LEFT + (indent if i == 0 else 0.0)
            avail = TEXT_RIGHT - x
            widths = [_w(w, s, BODY_SIZE) for w, s in ln]
            space = _w(" ", "R", BODY_SIZE)
            last_line = i == len(lines) - 1
            if p.align == "center":
                x = (TEXT_LEFT + TEXT_RIGHT) / 2 - (sum(widths) + space * (len(ln) - 1)) / 2
            elif not last_line and len(ln) > 1:
                space = (avail - sum(widths)) / (len(ln) - 1)
            boxes = []
            for (w, s), ww in zip(ln, widths):
                boxes.append(L.text(page, x, bl, w, s, BODY_SIZE))
                x += ww + space
            body_end = _union(boxes, " ".join(w for w, _ in ln))

    L.truth["body_end"] = body_end

    # ---- closing block: Nơi nhận (left) and signature block (right)
    a14, d14 = _metrics("B")
    n_auth = len(spec.authority)
    title_dy = 17 * n_auth
    name_dy = title_dy - d14 * 14 + SIGNATURE_SPACE + a14 * 14
    nn_depth = 14 + 13 * (len(spec.noi_nhan) - 1) + 4
    depth = max(name_dy, nn_depth) + 5
    fb = cursor - BODY_LEADING - 8
    if fb - depth < bottom:
        page += 1
        fb = _first_baseline(14)
    auth_boxes = []
    yy = fb
    for t in spec.authority:
        auth_boxes.append(L.centered(page, rc, yy, t, "B", 14))
        yy -= 17
    L.truth["authority_lines"] = auth_boxes
    title = L.centered(page, rc, yy, spec.position, "B", 14)
    L.truth["title_line"] = title
    name = L.centered(page, rc, fb - name_dy, spec.signer, "B", 14)
    L.truth["name_line"] = name
    L.truth["signature_space"] = {
        "page": page,
        "box": [round(RIGHT_COL[0], 3), name["box"][3], round(RIGHT_COL[1], 3), title["box"][1]],
        "text": "",
    }
    nn = [L.text(page, TEXT_LEFT, fb, "Nơi nhận:", "BI", 12)]
    yy = fb - 14
    for item in spec.noi_nhan:
        nn.append(L.text(page, TEXT_LEFT, yy, "- " + item, "R", 11))
        yy -= 13
    L.truth["noi_nhan"] = _union(nn, "Nơi nhận:")

    L.pages = page + 1
    # ---- page numbers from page 2 (Decree 30: centred in the top margin)
    for pg in range(1, L.pages):
        L.centered(pg, (TEXT_LEFT + TEXT_RIGHT) / 2, PAGE_H - 12 * mm, str(pg + 1), "R", 13)
    L.truth["page_count"] = L.pages
    L.truth["page_size"] = [round(PAGE_W, 3), round(PAGE_H, 3)]
    return L


@lru_cache(maxsize=256)
def _plan(kind: str, pages: int, variant: str, secrecy: str | None, seed_name: str | None) -> _Layout:
    """Choose how many stream words make the layout hit ``pages`` pages.

    Page count is monotonic in the number of words, so two binary searches
    find the range [lo, hi] of word counts giving exactly ``pages`` pages;
    a normal document takes the middle (the last page has body text *and*
    the signature block), except that a one-page document keeps the whole
    seed when it fits.  ``sigblock_alone`` takes the largest count whose
    body still ends on the second-to-last page: the block cannot fit under
    it and moves alone to the top of the last page.
    """
    content = _content(kind, seed_name)
    full = _stream_words(content)

    def lay(n: int) -> _Layout:
        return _layout(kind, _body_for(content, n), secrecy)

    def first_n(pred, lo=0, hi=None) -> int:
        """Smallest n in [lo, hi] with pred(n) true (pred monotonic)."""
        hi = hi if hi is not None else full * 12 + 400
        while lo < hi:
            mid = (lo + hi) // 2
            if pred(mid):
                hi = mid
            else:
                lo = mid + 1
        return lo

    if variant == "sigblock_alone":
        if pages < 2:
            raise ValueError("sigblock_alone needs pages >= 2")
        # largest n whose body ends on page pages-2 (0-based)
        n = first_n(lambda k: lay(k).truth["body_end"]["page"] >= pages - 1) - 1
        L = lay(max(n, 0))
        if L.pages != pages or L.truth["body_end"]["page"] != pages - 2:
            raise ValueError(f"cannot lay out {kind} with the signature block alone on page {pages}")
        return L
    lo = first_n(lambda k: lay(k).pages >= pages)
    hi = first_n(lambda k: lay(k).pages >= pages + 1, lo) - 1
    if lo > hi or lay(lo).pages != pages:
        raise ValueError(f"cannot lay out {kind} on exactly {pages} page(s)")
    target = min(full, hi) if pages == 1 else (lo + hi) // 2
    # Prefer ending on a whole paragraph inside [lo, hi]: a cut sentence
    # reads oddly, even if it ends on a full stop.
    bounds, acc, i = [], 0, 0
    while content.stream and acc <= hi:
        if acc >= lo:
            bounds.append(acc)
        acc += len(content.stream[i % len(content.stream)].words())
        i += 1
    n = min(bounds, key=lambda b: abs(b - target)) if bounds else max(target, lo)
    L = lay(n)
    # The signature block must share the last page with some body text.
    if L.truth["body_end"]["page"] != L.pages - 1:
        L = lay(lo)
    return L


# --------------------------------------------------------------- drawing
class _KysoInfo(pdfdoc.PDFInfo):
    """ReportLab's Info dictionary plus the custom edXML-named keys.

    ReportLab writes a fixed set of Info keys; this subclass appends ours
    (as PDF text strings, UTF-16 when needed) so no second pass is needed.
    """

    def __init__(self, base: pdfdoc.PDFInfo, extra: dict[str, str]) -> None:
        super().__init__()
        self.__dict__.update(base.__dict__)
        self._extra = extra

    def format(self, document):
        D = {
            "Title": pdfdoc.PDFString(self.title),
            "Author": pdfdoc.PDFString(self.author),
            "Producer": pdfdoc.PDFString(self.producer),
            "Creator": pdfdoc.PDFString(self.creator),
            "Subject": pdfdoc.PDFString(self.subject),
        }
        D["ModDate"] = D["CreationDate"] = pdfdoc.PDFDate(
            ts=document._timeStamp, dateFormatter=self._dateFormatter
        )
        for k, v in self._extra.items():
            D[k] = pdfdoc.PDFString(v)
        return pdfdoc.PDFDictionary(D).format(document)


def _render(L: _Layout, spec: _Kind, secrecy: str | None, extra_info: dict[str, str] | None = None) -> bytes:
    fonts = _fonts()
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(spec.subject)
    c.setAuthor(spec.organ_name)
    c.setSubject(spec.subject)
    c.setCreator("Kyso sample generator (Decree 30/2020 layout)")
    c._doc.info = _KysoInfo(
        c._doc.info,
        {
            "KysoDocType": spec.doc_type,
            "KysoNotation": spec.notation,
            "KysoSecrecy": secrecy or "",
            "KysoSigner": spec.signer,
            "KysoSignerPosition": spec.position_label,
            **(extra_info or {}),
        },
    )
    by_page: list[list[_Op]] = [[] for _ in range(L.pages)]
    for op in L.ops:
        by_page[op.page].append(op)
    for ops in by_page:
        cur_font = None
        cur_color = None
        for op in ops:
            if op.kind == "text":
                if cur_font != (op.style, op.size):
                    c.setFont(fonts[op.style], op.size)
                    cur_font = (op.style, op.size)
                if cur_color != op.color:
                    c.setFillColorRGB(*op.color)
                    cur_color = op.color
                c.drawString(op.x, op.y, op.text)
            elif op.kind == "line":
                c.setStrokeColorRGB(*op.color)
                c.setLineWidth(op.width)
                c.line(op.x, op.y, op.x2, op.y2)
            elif op.kind == "rect":
                c.setStrokeColorRGB(*op.color)
                c.setLineWidth(op.width)
                c.rect(op.x, op.y, op.x2 - op.x, op.y2 - op.y, stroke=1, fill=0)
        c.showPage()
    c.save()
    return buf.getvalue()


def _postprocess(data: bytes, variant: str) -> bytes:
    """Geometry variants, done with pikepdf on ReportLab's output.

    The content is wrapped in a ``cm`` that maps the portrait design space
    into the stored user space, so what a viewer displays (after CropBox and
    /Rotate) is pixel-identical to the normal document.
    """
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    W, H = PAGE_W, PAGE_H

    def wrap(page, matrix: str, extra: bytes = b"") -> None:
        pg = pikepdf.Page(page)
        pg.contents_coalesce()
        body = page.Contents.read_bytes()
        page.Contents = pdf.make_stream(b"q " + matrix.encode() + b" cm\n" + body + b"\nQ\n" + extra)

    if variant in ("rotated", "rotated270"):
        page = pdf.pages[-1]
        if variant == "rotated":
            # /Rotate 90 shows user (ux, uy) at visual (uy, H - ux).
            wrap(page, f"0 1 -1 0 {H:.4f} 0")
            page.Rotate = 90
        else:
            # /Rotate 270 shows user (ux, uy) at visual (W - uy, ux).
            wrap(page, f"0 -1 1 0 0 {W:.4f}")
            page.Rotate = 270
        page.MediaBox = pikepdf.Array([0, 0, round(H, 4), round(W, 4)])
        for k in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
            if k in page:
                del page[k]
    elif variant == "cropbox":
        ox, oy = CROP_OFFSET
        cx0, cy0, cx1, cy1 = ox, oy, ox + W, oy + H
        marks = []
        for x, y, dx, dy in (
            (cx0, cy0, -1, -1), (cx1, cy0, 1, -1), (cx0, cy1, -1, 1), (cx1, cy1, 1, 1),
        ):
            # crop marks in the trimmed-away margin, as a print shop would
            marks.append(f"{x:.2f} {y + dy * 4:.2f} m {x:.2f} {y + dy * 20:.2f} l S")
            marks.append(f"{x + dx * 4:.2f} {y:.2f} m {x + dx * 20:.2f} {y:.2f} l S")
        extra = ("q 0.3 w 0 0 0 RG " + " ".join(marks) + " Q\n").encode()
        for page in pdf.pages:
            wrap(page, f"1 0 0 1 {ox} {oy}", extra)
            page.MediaBox = pikepdf.Array(list(CROP_MEDIABOX))
            page.CropBox = pikepdf.Array([round(v, 4) for v in (cx0, cy0, cx1, cy1)])
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


# ------------------------------------------------------------------- API
@dataclass(frozen=True)
class SampleDocument:
    """A generated sample and its ground truth (visual page coordinates)."""

    path: Path
    kind: str
    pages: int
    variant: str
    truth: dict = field(compare=False, hash=False)
    secrecy: str | None = None
    signer: str = ""
    notation: str = ""


def generate_sample(
    kind: str,
    out: Path,
    *,
    pages: int = 1,
    variant: str = "normal",
    secrecy: str | None = None,
    seed_name: str | None = None,
) -> SampleDocument:
    """Write one sample PDF to ``out`` and its ``<stem>.truth.json`` beside it.

    ``seed_name`` picks another seed file of ``kyso/resources/seeds`` for the
    body of a công văn (the header and signer stay those of ``kind``); the
    plan (``ke_hoach``) has its own text and refuses it.
    ``secrecy`` (e.g. "Mật") marks any variant secret; ``variant="secret"``
    implies "Mật".
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    if not 1 <= pages <= 6:
        raise ValueError("pages must be between 1 and 6")
    if variant == "secret" and not secrecy:
        secrecy = "Mật"
    secrecy = _nfc(secrecy) if secrecy else None
    spec = _KINDS[kind]
    L = _plan(kind, pages, variant if variant == "sigblock_alone" else "normal", secrecy, seed_name)
    data = _render(L, spec, secrecy)
    if variant in ("rotated", "rotated270", "cropbox"):
        data = _postprocess(data, variant)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    truth = json.loads(json.dumps(L.truth))  # deep copy, JSON-clean
    truth.update(
        kind=kind,
        variant=variant,
        secrecy=secrecy or "",
        signer=spec.signer,
        notation=spec.notation,
        rotate={"rotated": 90, "rotated270": 270}.get(variant, 0),
    )
    out.with_suffix(".truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return SampleDocument(out, kind, L.pages, variant, truth, secrecy, spec.signer, spec.notation)


_ALL = [
    ("cong_van", 1, "normal"),
    ("cong_van", 2, "normal"),
    ("cong_van", 3, "normal"),
    ("quyet_dinh", 1, "normal"),
    ("quyet_dinh", 2, "normal"),
    ("quyet_dinh", 3, "normal"),
    ("cong_van_vp", 1, "normal"),
    ("cong_van_vp", 2, "normal"),
    ("cong_van_vp", 3, "normal"),
    ("ke_hoach", 1, "normal"),
    ("ke_hoach", 2, "normal"),
    ("ke_hoach", 3, "normal"),
    ("cong_van", 2, "sigblock_alone"),
    ("quyet_dinh", 2, "sigblock_alone"),
    ("ke_hoach", 2, "sigblock_alone"),
    ("cong_van", 2, "rotated"),
    ("cong_van", 1, "rotated270"),
    ("quyet_dinh", 1, "rotated"),
    ("cong_van", 2, "cropbox"),
    ("cong_van", 1, "secret"),
]


def sample_name(kind: str, pages: int, variant: str) -> str:
    return f"{kind}-{pages}p" + ("" if variant == "normal" else f"-{variant}") + ".pdf"


def generate_all(out_dir: Path) -> list[SampleDocument]:
    """Every kind in 1, 2 and 3 pages plus each geometry/secrecy variant."""
    out_dir = Path(out_dir)
    return [
        generate_sample(k, out_dir / sample_name(k, p, v), pages=p, variant=v)
        for k, p, v in _ALL
    ]


_BATCH_MARK = "KYSO-BATCH-000000"


@lru_cache(maxsize=None)
def _batch_template(kind: str, pages: int) -> bytes:
    return _render(_plan(kind, pages, "normal", None, None), _KINDS[kind], None, {"KysoBatchId": _BATCH_MARK})


def _stamp_batch(template: bytes, index: int) -> bytes:
    """Make a template copy a distinct document without re-rendering.

    ReportLab spends ~40 ms per document subsetting four TrueType fonts; a
    200-document benchmark should measure signing, not that.  The Info
    string /KysoBatchId and the trailer /ID are replaced by values of the
    same byte length, so every offset in the xref table stays valid.
    """
    import hashlib

    mark = f"KYSO-BATCH-{index:06d}".encode()
    out = template.replace(_BATCH_MARK.encode(), mark, 1)
    m = re.search(rb"/ID \s*\[<([0-9a-f]{32})><([0-9a-f]{32})>\]", out)
    if m:
        new_id = hashlib.md5(m.group(1) + mark).hexdigest().encode()
        out = out[: m.start(1)] + new_id + out[m.end(1) : m.start(2)] + new_id + out[m.end(2) :]
    return out


def generate_batch(out_dir: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` normal documents of 1-3 pages for throughput benchmarks.

    Deterministic for a given ``seed``; the kinds are :data:`BATCH_KINDS`.  Each (kind, pages) layout is
    rendered once per process; each document is then a copy with its own
    /KysoBatchId ("KYSO-BATCH-000042") and trailer /ID, so documents are
    distinct files with identical page content, written in well under a
    millisecond each.  No truth sidecars are written (use generate_sample).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        kind = rng.choice(BATCH_KINDS)
        pages = rng.randint(1, 3)
        path = out_dir / f"batch-{i:04d}-{kind}-{pages}p.pdf"
        path.write_bytes(_stamp_batch(_batch_template(kind, pages), i))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m kyso.demo.samples OUT_DIR", file=sys.stderr)
        return 2
    for doc in generate_all(Path(argv[0])):
        print(f"{doc.path}  {doc.pages}p  {doc.variant}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


# Which sample layout stands in for a document type in the demo server.
_KIND_FOR_TYPE = {"Quyết định": "quyet_dinh", "Nghị quyết": "quyet_dinh", "Kế hoạch": "ke_hoach"}


def server_pdf_factory(title: str, kind: str) -> bytes:
    """PDF bytes for the reference server's demo seed: a Decree 30 sample
    matching the document type (``kind`` is the edXML doc type, e.g. "Công văn")."""
    import tempfile

    sample_kind = _KIND_FOR_TYPE.get(kind, "cong_van")
    with tempfile.TemporaryDirectory(prefix="kyso-seed-") as tmp:
        doc = generate_sample(sample_kind, Path(tmp) / "seed.pdf")
        return doc.path.read_bytes()
