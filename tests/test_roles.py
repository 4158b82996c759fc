"""Decree 30 role stamps end to end: initial → leader → agency with number and date.

Every sample variant (1-3 pages, signature block alone on the last page,
/Rotate 90 and 270, CropBox offset, a LibreOffice export) goes through the real
CLI with real SoftHSM2 tokens, then is judged by others' code: poppler's pdfsig
and pdftotext, PDFium's renderer, pyHanko's difference analysis (kyso verify).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from kyso.core.appearance import SAMPLE_INITIAL, SAMPLE_SEAL, SAMPLE_SIGNATURE, AgencySealStyle
from kyso.core.geometry import page_geometry
from kyso.demo.samples import generate_sample

from support.nss import nss_chain_check

FIXTURES = Path(__file__).parent / "fixtures"
NUMBER, DATE = "417", "2026-11-20"

VARIANTS = [
    ("cong_van", 1, "normal"),
    ("quyet_dinh", 2, "normal"),
    ("cong_van_vp", 3, "normal"),
    ("ke_hoach", 1, "normal"),
    ("cong_van", 2, "sigblock_alone"),
    ("cong_van", 1, "rotated"),
    ("quyet_dinh", 1, "rotated270"),
    ("cong_van", 2, "cropbox"),
    ("libreoffice", 1, "normal"),
]


def _sample(kind, pages, variant, folder: Path):
    if kind == "libreoffice":
        src = FIXTURES / "libreoffice" / "cong-van-phu-ly.pdf"
        truth = json.loads((FIXTURES / "libreoffice" / "cong-van-phu-ly.truth.json").read_text("utf-8"))
        dst = folder / src.name
        shutil.copy(src, dst)
        return dst, truth
    doc = generate_sample(kind, folder / f"{kind}-{pages}-{variant}.pdf", pages=pages, variant=variant)
    return doc.path, doc.truth


def _widgets(path: Path) -> dict[str, tuple[int, object]]:
    """Field name → (page index, displayed box) of every signature widget."""

    out = {}
    with open(path, "rb") as fh:
        reader = PdfFileReader(fh)
        pages = {}
        for i in range(int(reader.root["/Pages"]["/Count"])):
            ref, _ = reader.find_page_for_modification(i)
            pages[ref.idnum] = (i, page_geometry(ref.get_object()))
        for emb in reader.embedded_regular_signatures:
            w = emb.sig_field
            index, geom = pages[w.raw_get("/P").idnum]
            rect = tuple(float(v) for v in w["/Rect"])
            out[emb.field_name] = (index, geom.box_to_display(rect))
    return out


def _word_boxes(path: Path, page_index: int, page_h: float) -> list[tuple[str, float, float, float, float]]:
    """pdftotext's words on a page, as (text, x0, y0, x1, y1) displayed, lower-left origin."""
    html = subprocess.run(["pdftotext", "-bbox", "-cropbox", "-f", str(page_index + 1), "-l",
                           str(page_index + 1), str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    words = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
        words.append((m.group(5), x0, page_h - y1, x1, page_h - y0))
    return words


def _inside(word, box, tol=2.0) -> bool:
    _, x0, y0, x1, y1 = word
    bx0, by0, bx1, by1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return bx0 - tol <= cx <= bx1 + tol and by0 - tol <= cy <= by1 + tol


def _colour_share(img: Image.Image, box, page_h: float, scale: float, test) -> float:
    x0, y0, x1, y1 = box
    crop = img.convert("RGB").crop((int(x0 * scale), int((page_h - y1) * scale),
                                    int(x1 * scale), int((page_h - y0) * scale)))
    px = list(crop.getdata())
    return sum(1 for p in px if test(p)) / max(len(px), 1)


def _blue(p):
    r, g, b = p
    return b > 120 and b > r + 60 and b > g + 30


def _red(p):
    r, g, b = p
    return r > 150 and r > g + 80 and r > b + 80


def _renders(path: Path, page_index: int, dpi: int, folder: Path) -> dict[str, Image.Image]:
    stem = folder / f"poppler-{page_index}"
    subprocess.run(["pdftoppm", "-cropbox", "-r", str(dpi), "-png", "-singlefile", "-f", str(page_index + 1),
                    "-l", str(page_index + 1), str(path), str(stem)], check=True)
    pdf = pdfium.PdfDocument(str(path))
    pdf.init_forms()
    pdfium_img = pdf[page_index].render(scale=dpi / 72, may_draw_forms=True).to_pil()
    pdf.close()
    return {"poppler": Image.open(f"{stem}.png"), "pdfium": pdfium_img}


@pytest.mark.parametrize("kind,pages,variant", VARIANTS, ids=[f"{k}-{p}p-{v}" for k, p, v in VARIANTS])
def test_three_signatures_number_and_date(kind, pages, variant, run_kyso, softhsm, test_pki, tmp_path):
    src, truth = _sample(kind, pages, variant, tmp_path)
    mod = softhsm.module_path
    # the people's own images (here the specimens): without them the stamps are text stamps
    steps = [("initial", "KYSO-REVIEWER", ["--initial-image", SAMPLE_INITIAL]),
             ("leader", "KYSO-LEADER", ["--signature-image", SAMPLE_SIGNATURE]),
             ("agency", "KYSO-CLERK", ["--number", NUMBER, "--date", DATE, "--seal-image", SAMPLE_SEAL])]
    current = src
    for role, token, extra in steps:
        out = tmp_path / f"{role}.pdf"
        r = run_kyso("sign", current, "--module", mod, "--token", token, "--role", role, *extra,
                     "-o", out, pin=softhsm.user_pin)
        assert r.returncode == 0, f"{role}: {r.stderr}"
        current = out
    final = current

    # 1. poppler judges all three signatures valid; qpdf finds no damage.
    sig = subprocess.run(["pdfsig", str(final)], capture_output=True, text=True).stdout
    assert sig.count("Signature is Valid") == 3, sig
    assert subprocess.run(["qpdf", "--check", str(final)], capture_output=True).returncode == 0
    # NSS builds each signer's chain from what the signature carries, up to the test root
    for line in nss_chain_check(final, test_pki.root_cert_path, tmp_path / "nss"):
        assert line.endswith("Chain is good!"), line

    # 2. kyso verify: trusted, and nothing worse than form filling after each signature.
    r = run_kyso("verify", final, "--trust", test_pki.root_cert_path, "--json")
    assert r.returncode == 0, r.stdout
    sigs = json.loads(r.stdout)["files"][0]["signatures"]
    assert [s["signer"] for s in sigs] == ["Trần Thị Hương", "Phạm Văn Quân", "ỦY BAN NHÂN DÂN THÀNH PHỐ PHỦ LÝ"]
    assert [s["modification"] for s in sigs] == ["form_filling", "form_filling", "none"]
    assert all(s["valid"] for s in sigs)

    # 3. The number and the date read back with pdftotext at the blanks.
    page_w, page_h = truth["page_size"] if "page_size" in truth else (595.28, 841.89)
    nb = truth["number_blank"]
    words = _word_boxes(final, nb["page"], page_h)
    assert any(w[0] == NUMBER and _inside(w, nb["box"]) for w in words), [w for w in words if w[0] == NUMBER]
    assert any(w[0] == "20" and _inside(w, truth["date_day_blank"]["box"]) for w in words)
    assert any(w[0] == "11" and _inside(w, truth["date_month_blank"]["box"]) for w in words)

    # 4. Positions by numbers: the leader image centred between title and name,
    #    the seal over about a third of it, on its left.
    widgets = _widgets(final)
    (lp, leader), = [v for k, v in widgets.items() if k.startswith("KysoLeader")]
    (ap, agency), = [v for k, v in widgets.items() if k.startswith("KysoAgency")]
    title, name = truth["title_line"], truth["name_line"]
    assert lp == ap == title["page"] == name["page"]
    mid_y = (title["box"][1] + name["box"][3]) / 2
    title_cx = (title["box"][0] + title["box"][2]) / 2
    assert abs((leader.y + leader.h / 2) - mid_y) <= 2.0
    assert abs((leader.x + leader.w / 2) - title_cx) <= 2.0
    style = AgencySealStyle(seal_image=SAMPLE_SEAL)
    seal = (agency.x + style.seal_offset(), agency.y, agency.x2, agency.y2)
    overlap = (seal[2] - leader.x) / leader.w
    assert seal[0] < leader.x, "the seal sits on the left of the signature"
    assert abs(overlap - 1 / 3) <= 0.1 / 3, overlap

    # 5. Both renderers show the blue signature and the red seal there.
    dpi = 72
    for engine, img in _renders(final, lp, dpi, tmp_path).items():
        right_part = (leader.x + leader.w / 3 + 2, leader.y, leader.x2, leader.y2)  # not under the seal
        assert _colour_share(img, right_part, page_h, dpi / 72, _blue) > 0.01, engine
        assert _colour_share(img, seal, page_h, dpi / 72, _red) > 0.05, engine


def test_agency_refused_without_leader_signature(run_kyso, softhsm, tmp_path):
    src = generate_sample("cong_van", tmp_path / "cv.pdf").path
    initialled = tmp_path / "initial.pdf"
    assert run_kyso("sign", src, "--module", softhsm.module_path, "--token", "KYSO-REVIEWER",
                    "--role", "initial", "-o", initialled, pin=softhsm.user_pin).returncode == 0
    out = tmp_path / "agency.pdf"
    r = run_kyso("sign", initialled, "--module", softhsm.module_path, "--token", "KYSO-CLERK",
                 "--role", "agency", "--number", NUMBER, "--date", DATE, "-o", out, pin=softhsm.user_pin)
    assert r.returncode == 3
    assert "chưa có chữ ký số hợp lệ của người có thẩm quyền" in r.stderr
    assert not out.exists()


@pytest.mark.parametrize("role,extra,expected", [
    ("attachment", ["--main-number", "607/UBND-VP"], "607/UBND-VP"),
    ("copy", ["--copy-form", "SAO Y"], "SAO Y"),
])
def test_attachment_and_copy_stamps_top_right(role, extra, expected, run_kyso, softhsm, tmp_path):
    src = generate_sample("quyet_dinh", tmp_path / "qd.pdf", pages=2).path
    out = tmp_path / f"{role}.pdf"
    r = run_kyso("sign", src, "--module", softhsm.module_path, "--token", "KYSO-CLERK", "--role", role,
                 *extra, "-o", out, pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    (page, box), = _widgets(out).values()
    assert page == 0
    assert box.x >= 595.28 / 2 and box.y >= 841.89 / 2, "inside the top-right quarter of page 1"
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(int(box.x)), "-y",
                           str(int(841.89 - box.y2)), "-W", str(int(box.w) + 1), "-H", str(int(box.h) + 1),
                           str(out), "-"], capture_output=True, text=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == expected
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", lines[-1]), lines


def test_issuance_without_prepared_fields_is_refused_clearly(run_kyso, softhsm, tmp_path):
    """A document signed by another tool first has no number/date fields; the
    clerk is told why the number cannot be written instead of breaking it."""
    src = generate_sample("cong_van", tmp_path / "cv.pdf").path
    signed = tmp_path / "leader-plain.pdf"
    # A plain (non-role) signature in the signature space: no fields were prepared.
    assert run_kyso("sign", src, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                    "--page", "1", "--box", "330,90,520,160", "-o", signed,
                    pin=softhsm.user_pin).returncode == 0
    r = run_kyso("sign", signed, "--module", softhsm.module_path, "--token", "KYSO-CLERK",
                 "--role", "agency", "--number", NUMBER, "--date", DATE, "-o", tmp_path / "x.pdf",
                 pin=softhsm.user_pin)
    assert r.returncode == 3, r.stderr
    assert "không có ô số và ngày" in r.stderr
