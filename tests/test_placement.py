"""Automatic placement: the page's own text says where stamps and numbers go.

Each rule is checked against ground truth that does not come from the code
under test: the sample generator's layout math (ReportLab output, every
geometry variant) and a LibreOffice-exported công văn whose truth was taken
with poppler.  A wrong box here means a signature image printed over the
signer's name, or a number written over "/UBND-VP", so tolerances are tight
(2 pt) and every variant of page geometry is covered.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pikepdf
import pytest

from kyso.core import messages
from kyso.core.errors import KysoError
from kyso.core.placement import (
    PlacementNotFound,
    agency_seal_box,
    analyse,
    initial_box,
    leader_stamp_box,
    page_lines,
    require_blanks,
    require_signature_block,
    top_right_box,
)
from kyso.core.stamp import Box
from kyso.demo.samples import KINDS, generate_sample

TOL = 2.0
LO_PDF = Path(__file__).parent / "fixtures" / "libreoffice" / "cong-van-phu-ly.pdf"
VARIANTS = ("normal", "sigblock_alone", "rotated", "rotated270", "cropbox")
CASES = [
    (k, p, v)
    for k in KINDS
    for p in (1, 2, 3)
    for v in VARIANTS
    if not (v == "sigblock_alone" and p == 1)  # the generator needs 2 pages for it
]
PLACES = {"cong_van": "Phủ Lý", "quyet_dinh": "Lục Nam", "cong_van_vp": "Đống Đa", "ke_hoach": "Phủ Lý"}
TIMINGS: list[tuple[str, float]] = []


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("placement")


def _sample(sample_dir: Path, kind: str, pages: int, variant: str) -> tuple[Path, dict]:
    path = sample_dir / f"{kind}-{pages}-{variant}.pdf"
    if not path.exists():
        doc = generate_sample(kind, path, pages=pages, variant=variant)
        return doc.path, doc.truth
    return path, json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))


def _box(item: dict) -> Box:
    return Box.from_corners(*item["box"])


def _close(got: Box, want: Box, tol: float = TOL) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(got.corners(), want.corners()))


def _check_line(name: str, got, want: dict) -> None:
    assert got is not None, f"{name} not found"
    assert got.page == want["page"], f"{name}: page {got.page} vs truth {want['page']}"
    assert _close(got.box, _box(want)), f"{name}: {got.box} vs truth {want['box']}"


def _check_blank(name: str, got, want: dict, min_w: float) -> None:
    assert got is not None, f"{name} not found"
    t = _box(want)
    assert got.page == want["page"], name
    b = got.box
    assert b.w >= min_w, f"{name}: {b.w:.1f} pt wide, need {min_w}"
    # inside the truth gap horizontally (within TOL), overlapping its band
    assert b.x >= t.x - TOL and b.x2 <= t.x2 + TOL, f"{name}: {b} not inside {want['box']}"
    assert b.y < t.y2 and b.y2 > t.y, f"{name}: {b} outside the line band {want['box']}"


def _check_layout(path: Path, truth: dict, label: str) -> None:
    t0 = time.perf_counter()
    lay = analyse(path)
    TIMINGS.append((label, time.perf_counter() - t0))

    sb = lay.signature_block
    assert sb is not None, "signature block not found"
    _check_line("title_line", sb.title_line, truth["title_line"])
    _check_line("name_line", sb.name_line, truth["name_line"])
    assert sb.page == truth["title_line"]["page"]
    assert [a.text for a in sb.authority_lines] == [a["text"] for a in truth["authority_lines"]]
    for got, want in zip(sb.authority_lines, truth["authority_lines"]):
        _check_line("authority", got, want)
    sp = sb.signature_space
    assert abs(sp.y2 - sb.title_line.box.y) <= 0.01 and abs(sp.y - sb.name_line.box.y2) <= 0.01
    assert sp.x <= sb.title_line.box.x and sp.x2 >= sb.title_line.box.x2
    _check_line("body_end", lay.body_end, truth["body_end"])
    assert lay.body_end.text == truth["body_end"]["text"]
    _check_blank("number_blank", lay.number_blank, truth["number_blank"], min(28, 2.0 * lay.number_blank.font_size) if lay.number_blank else 28)
    _check_blank("date_day_blank", lay.date_day_blank, truth["date_day_blank"], min(18, 1.3 * lay.date_line.size) if lay.date_line else 18)
    _check_blank("date_month_blank", lay.date_month_blank, truth["date_month_blank"], min(18, 1.3 * lay.date_line.size) if lay.date_line else 18)
    assert lay.symbol == "/" + truth["notation"]
    assert lay.year_text == "2026"
    assert lay.place == PLACES[truth["kind"]]

    # leader image: centred between title and name (Decree 30)
    page, leader = leader_stamp_box(lay, 120, 60)
    assert page == sb.page
    mid_y = (sb.title_line.box.y + sb.name_line.box.y2) / 2
    mid_x = sb.title_line.box.x + sb.title_line.box.w / 2
    assert abs(leader.y + leader.h / 2 - mid_y) <= TOL
    assert abs(leader.x + leader.w / 2 - mid_x) <= TOL
    # the truth says the same, independently of our boxes
    t_mid_y = (truth["title_line"]["box"][1] + truth["name_line"]["box"][3]) / 2
    t_mid_x = (truth["title_line"]["box"][0] + truth["title_line"]["box"][2]) / 2
    assert abs(leader.y + leader.h / 2 - t_mid_y) <= TOL and abs(leader.x + leader.w / 2 - t_mid_x) <= TOL

    seal = agency_seal_box(leader, 100)
    overlap = max(0.0, min(seal.x2, leader.x2) - max(seal.x, leader.x))
    assert abs(overlap - leader.w / 3) <= 0.1 * leader.w / 3
    assert seal.x < leader.x  # on its left
    assert abs((seal.y + seal.h / 2) - (leader.y + leader.h / 2)) <= 0.01

    ipage, ibox = initial_box(lay, 30, 15)
    assert ipage == lay.body_end.page
    assert ibox.x >= lay.body_end.box.x2 - 0.01 or ibox.y2 <= lay.body_end.box.y + 0.01
    assert ibox.x2 <= lay.page_sizes[ipage][0]


@pytest.mark.parametrize("kind,pages,variant", CASES, ids=[f"{k}-{p}p-{v}" for k, p, v in CASES])
def test_samples_match_truth(sample_dir, kind, pages, variant):
    path, truth = _sample(sample_dir, kind, pages, variant)
    _check_layout(path, truth, f"{kind}-{pages}p-{variant}")


def test_libreoffice_export_matches_truth():
    truth = json.loads(LO_PDF.with_suffix(".truth.json").read_text(encoding="utf-8"))
    _check_layout(LO_PDF, truth, "libreoffice")


PRODUCER_DIR = Path(__file__).parent / "fixtures" / "producers"
PRODUCER_FILES = sorted(PRODUCER_DIR.glob("*.pdf"))


@pytest.mark.parametrize("path", PRODUCER_FILES, ids=[p.stem for p in PRODUCER_FILES])
def test_producer_matches_truth(path):
    """LibreOffice from .docx (tables, tab stops, PDF/A, footers, block alone,
    /Rotate, CropBox), Chromium (NFC and NFD), wkhtmltopdf: truth by poppler."""
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    _check_layout(path, truth, path.stem)


@pytest.fixture(scope="module")
def qt_pdf(sample_dir):
    """Qt's own PDF writer (QTextDocument.print_ on QPdfWriter), made now."""
    pytest.importorskip("PySide6")
    from producers import make

    path = make.qt_pdf("quyet_dinh", 1, sample_dir / "qt-quyet-dinh.pdf")
    return path, make.truth(path, "quyet_dinh", "Qt QPdfWriter")


def test_qt_pdf_writer_matches_truth(qt_pdf):
    path, truth = qt_pdf
    _check_layout(path, truth, "qt")


def test_columns_on_one_row_stay_apart(sample_dir):
    """"Số: /UBND-VP" and the date sit on one baseline in two columns."""
    path, truth = _sample(sample_dir, "cong_van", 1, "normal")
    lines = page_lines(path, 0)
    num = [ln for ln in lines if ln.text.startswith("Số:")]
    date = [ln for ln in lines if "ngày" in ln.text and ln.text.startswith("Phủ Lý")]
    assert len(num) == 1 and len(date) == 1
    assert num[0].text.endswith("/UBND-VP") and date[0].text.endswith("năm 2026")
    assert num[0].box.x2 < date[0].box.x
    assert _close(num[0].box, _box(truth["number_line"]))
    assert _close(date[0].box, _box(truth["date_line"]))


def test_rotated_page_lines_are_displayed_coordinates(sample_dir):
    """A /Rotate 90 page reads like the upright page, in displayed points."""
    path, truth = _sample(sample_dir, "cong_van", 1, "rotated")
    plain, _ = _sample(sample_dir, "cong_van", 1, "normal")
    a = [(ln.text, ln.box) for ln in page_lines(path, 0)]
    b = [(ln.text, ln.box) for ln in page_lines(plain, 0)]
    assert [t for t, _ in a] == [t for t, _ in b]
    assert all(_close(x, y, 0.05) for (_, x), (_, y) in zip(a, b))


def test_blank_page_has_no_block(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595.28, 841.89))
    path = tmp_path / "blank.pdf"
    pdf.save(path)
    lay = analyse(path)
    assert lay.signature_block is None and lay.number_blank is None and lay.body_end is None
    with pytest.raises(PlacementNotFound) as exc:
        require_signature_block(lay)
    assert isinstance(exc.value, KysoError) and exc.value.exit_code == 3
    assert exc.value.message_in(messages.VI) == (
        "Không tìm thấy vị trí khối chữ ký trên văn bản. "
        "Hãy chọn trang và vị trí bằng tay (--page, --box)."
    )
    assert exc.value.message_in(messages.EN)
    with pytest.raises(PlacementNotFound):
        require_blanks(lay)
    with pytest.raises(PlacementNotFound):
        leader_stamp_box(lay, 100, 50)
    with pytest.raises(PlacementNotFound):
        initial_box(lay, 30, 15)


def test_filled_number_is_not_a_blank(tmp_path):
    """Once "Số: 123/UBND-VP" is filled there is no blank to write in."""
    from reportlab.pdfgen import canvas

    from kyso.demo.samples import _fonts

    fonts = _fonts()
    path = tmp_path / "filled.pdf"
    c = canvas.Canvas(str(path), pagesize=(595.28, 841.89))
    c.setFont(fonts["R"], 13)
    c.drawString(100, 730, "Số: 123/UBND-VP")
    c.setFont(fonts["I"], 14)
    c.drawString(320, 730, "Phủ Lý, ngày 05 tháng 03 năm 2026")
    c.save()
    lay = analyse(path)
    assert lay.number_blank is None and lay.date_day_blank is None and lay.date_month_blank is None
    assert lay.symbol == "/UBND-VP" and lay.place == "Phủ Lý" and lay.year_text == "2026"
    with pytest.raises(PlacementNotFound):
        require_blanks(lay)


def test_top_right_box_is_in_top_right_quarter():
    w, h = 595.28, 841.89
    b = top_right_box((w, h), 180, 40)
    assert b.x >= w / 2 and b.y >= h / 2 and b.x2 <= w and b.y2 <= h
    assert b.x2 > w - 60 and b.y2 > h - 60
    with pytest.raises(ValueError):
        top_right_box((w, h), 400, 40)


def test_analyse_time_report():
    """Print the time per analyse() (runs after the parametrised cases)."""
    if not TIMINGS:
        pytest.skip("no analyse() timings collected")
    ms = sorted(t * 1000 for _, t in TIMINGS)
    print(f"\nanalyse(): {len(ms)} documents, median {ms[len(ms) // 2]:.1f} ms, max {ms[-1]:.1f} ms")
    for label, t in TIMINGS:
        print(f"  {label:40s} {t * 1000:6.1f} ms")
    assert ms[len(ms) // 2] < 100


def test_inherited_rotate_and_mediabox():
    """/Rotate, /MediaBox and /CropBox set on the page tree still count.

    (qpdf pushes inherited keys down to the pages when it writes a file, so
    the page dictionary is built in memory here.)"""
    from kyso.core.placement import _geometry

    parent = pikepdf.Dictionary(
        Type=pikepdf.Name.Pages, Rotate=90,
        MediaBox=pikepdf.Array([0, 0, 700, 950]), CropBox=pikepdf.Array([40, 30, 635.28, 871.89]),
    )
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, Parent=parent)
    g = _geometry(page)
    assert g.rotation == 90 and g.crop == (40.0, 30.0, 635.28, 871.89)
    w, h = g.display_size
    assert abs(w - 841.89) < 0.01 and abs(h - 595.28) < 0.01


# ------------------------------------------------------------------ scans
SCAN_TOL = 4.0   # OCR boxes are ink, not the font's ascent to descent
SCANS = [(200, 0), (300, 0), (200, 90), (300, 180), (200, 270)]


@pytest.fixture(scope="module")
def scan_source(sample_dir):
    return _sample(sample_dir, "cong_van", 1, "normal")


def _near(got: Box, want: Box, tol: float) -> bool:
    return abs((got.x + got.w / 2) - (want.x + want.w / 2)) <= tol and abs((got.y + got.h / 2) - (want.y + want.h / 2)) <= tol


@pytest.mark.parametrize("dpi,rotate", SCANS, ids=[f"{d}dpi-rot{r}" for d, r in SCANS])
def test_scan_matches_truth(scan_source, sample_dir, dpi, rotate):
    """An image-only PDF (no text layer): Tesseract reads it; turned scans are
    set upright by OSD; a 0.3 degree skew and noise on every one."""
    from kyso.core import ocr
    from kyso.core.placement import display_box
    from producers.scans import scan

    if not ocr.available():
        pytest.skip("tesseract not installed")
    src, truth = scan_source
    path = scan(src, sample_dir / f"scan-{dpi}-{rotate}.pdf", dpi, rotate, skew=0.3)
    t0 = time.perf_counter()
    lay = analyse(path)
    TIMINGS.append((f"scan-{dpi}dpi-rot{rotate} (OCR)", time.perf_counter() - t0))
    assert lay.ocr_pages == (0,) and lay.frames == (rotate,)   # fed turned counter-clockwise
    assert 0 < lay.confidence < 0.75, "an OCR placement is always shown before signing"
    sb = lay.signature_block
    assert sb is not None and sb.title_line.text.startswith("PHÓ CHỦ T")
    for name, got in (("title_line", sb.title_line.box), ("name_line", sb.name_line.box)):
        assert _near(got, _box(truth[name]), SCAN_TOL), (name, got, truth[name])
    t_mid = ((truth["title_line"]["box"][0] + truth["title_line"]["box"][2]) / 2,
             (truth["title_line"]["box"][1] + truth["name_line"]["box"][3]) / 2)
    _, leader = leader_stamp_box(lay, 120, 60)
    want = display_box(lay, 0, Box(t_mid[0] - 60, t_mid[1] - 30, 120, 60))
    assert _near(leader, want, SCAN_TOL), (leader, want)
    for name in ("number_blank", "date_day_blank", "date_month_blank"):
        got, t = getattr(lay, name), _box(truth[name])
        assert got is not None, name
        assert got.box.x >= t.x - SCAN_TOL and got.box.x2 <= t.x2 + SCAN_TOL, (name, got.box, t)
        assert got.box.y < t.y2 and got.box.y2 > t.y, (name, got.box, t)
    assert lay.symbol == "/UBND-VP" and lay.place == "Phủ Lý"
    assert _near(lay.body_end.box, _box(truth["body_end"]), SCAN_TOL)
    ipage, ibox = initial_box(lay, 30, 15)
    assert ipage == 0
    # done once per document: the second analysis reads the cache (SHA-256 key)
    first = TIMINGS[-1][1]
    t1 = time.perf_counter()
    again = analyse(path)
    cached = time.perf_counter() - t1
    assert again.signature_block == lay.signature_block and cached < 0.5 * first
    assert any(ocr.cache_dir().glob("*.json"))
    print(f"\nOCR {dpi} dpi, turned {rotate}: {first:.2f} s first, {cached * 1000:.0f} ms cached")


def test_secret_scan_is_refused(sample_dir):
    """The red "MẬT" stamp in a scan is read by OCR: still secret."""
    from kyso.core import ocr
    from kyso.core.pdfdoc import open_pdf
    from kyso.demo.samples import generate_sample
    from producers.scans import scan

    if not ocr.available():
        pytest.skip("tesseract not installed")
    src = generate_sample("cong_van", sample_dir / "secret.pdf", variant="secret").path
    path = scan(src, sample_dir / "scan-secret.pdf", 200, 0)
    pikepdf.open(path).close()
    with open_pdf(path) as doc:
        assert doc.secrecy() == "Mật"


def test_blank_scan_asks_for_the_place(tmp_path):
    from PIL import Image

    from kyso.core import ocr

    if not ocr.available():
        pytest.skip("tesseract not installed")
    path = tmp_path / "blank-scan.pdf"
    Image.new("L", (1654, 2339), 255).save(path, "PDF", resolution=200)
    lay = analyse(path)
    assert lay.signature_block is None and lay.confidence == 0.0
    with pytest.raises(PlacementNotFound):
        require_signature_block(lay)
