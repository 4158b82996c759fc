"""Sample Decree 30 documents: text, geometry truth, validity, rendering.

The ground-truth boxes are computed from the generator's layout math; here
they are checked against what an independent reader (poppler's pdftotext)
sees on the *displayed* page, which is what matters for rotated and cropped
pages: a box that is right in user space but wrong on screen would put a
signature in the wrong place.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest

from kyso.demo import samples
from kyso.demo.samples import KINDS, generate_all, generate_batch, generate_sample

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("qpdf") and shutil.which("pdftoppm")),
    reason="needs poppler-utils and qpdf",
)

TOL = 2.0
SIGNERS = {"cong_van": "Phạm Văn Quân", "quyet_dinh": "Đặng Văn Nhân", "cong_van_vp": "Nguyễn Trọng Hải",
           "ke_hoach": "Phạm Văn Quân"}
ORGANS = {
    "cong_van": ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ PHỦ LÝ", "Phủ Lý", "UBND-VP"),
    "quyet_dinh": ("ỦY BAN NHÂN DÂN", "HUYỆN LỤC NAM", "Lục Nam", "QĐ-UBND"),
    "cong_van_vp": ("UBND QUẬN ĐỐNG ĐA", "VĂN PHÒNG HĐND VÀ UBND", "Đống Đa", "VP"),
    "ke_hoach": ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ PHỦ LÝ", "Phủ Lý", "KH-UBND"),
}
DOC_TYPES = {"cong_van": "Công văn", "quyet_dinh": "Quyết định", "cong_van_vp": "Công văn", "ke_hoach": "Kế hoạch"}
PLAN_SUBJECT = "Triển khai công tác phổ biến, giáo dục pháp luật năm 2026"
PLAN_HEADINGS = ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    return generate_all(tmp_path_factory.mktemp("samples"))


def text_of(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page + 1), "-l", str(page + 1)]
    out = subprocess.run(args + [str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", nfc(out.decode("utf-8")))


def words_of(path: Path) -> list[tuple[float, float, list[tuple[str, float, float, float, float]]]]:
    """Per page: (width, height, words) in *visual* top-left coordinates.

    poppler 22 reports word boxes in the displayed orientation (after
    /Rotate) but relative to the MediaBox, not the CropBox, and its page
    width/height attributes are the unrotated MediaBox.  Map to the visual
    page (CropBox, rotated), top-left origin, using the PDF's own boxes.
    """
    xml = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    root = ET.fromstring(xml)
    pages = []
    for pg in root.iter("{http://www.w3.org/1999/xhtml}page"):
        ws = [
            (nfc(w.text or ""), *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in pg.iter("{http://www.w3.org/1999/xhtml}word")
        ]
        pages.append(ws)
    out = []
    with pikepdf.open(path) as pdf:
        for ws, page in zip(pages, pdf.pages):
            mb = [float(v) for v in page.MediaBox]
            cb = [float(v) for v in page.get("/CropBox", page.MediaBox)]
            rot = int(page.get("/Rotate", 0)) % 360
            if rot:
                assert cb == mb, "rotated pages with a CropBox are not mapped here"
                w, h = (mb[3] - mb[1], mb[2] - mb[0]) if rot in (90, 270) else (mb[2] - mb[0], mb[3] - mb[1])
                dx = dy = 0.0
            else:
                w, h = cb[2] - cb[0], cb[3] - cb[1]
                dx, dy = cb[0] - mb[0], mb[3] - cb[3]  # crop offset, top-left origin
            ws = [(t, x0 - dx, y0 - dy, x1 - dx, y1 - dy) for t, x0, y0, x1, y1 in ws]
            out.append((w, h, ws))
    return out


def to_topleft(box, page_h):
    x0, y0, x1, y1 = box
    return x0, page_h - y1, x1, page_h - y0


def close(a, b, tol=TOL) -> bool:
    return all(abs(p - q) <= tol for p, q in zip(a, b))


def find_run(words, text: str, near_y: float):
    """Consecutive words spelling ``text``, on the line closest to near_y."""
    toks = text.split()
    best = None
    for i in range(len(words) - len(toks) + 1):
        run = words[i : i + len(toks)]
        if [w[0] for w in run] != toks:
            continue
        if max(w[2] for w in run) - min(w[2] for w in run) > 3:
            continue
        box = (min(w[1] for w in run), min(w[2] for w in run), max(w[3] for w in run), max(w[4] for w in run))
        if best is None or abs(box[1] - near_y) < abs(best[1] - near_y):
            best = box
    return best


def check_text_box(pages, item) -> None:
    w, h, words = pages[item["page"]]
    exp = to_topleft(item["box"], h)
    got = find_run(words, nfc(item["text"]), exp[1])
    assert got is not None, f"{item['text']!r} not found on page {item['page']}"
    assert close(got, exp), f"{item['text']!r}: pdftotext {got} vs truth {exp}"


def check_gap(pages, item, before: str, after_prefix: str) -> None:
    w, h, words = pages[item["page"]]
    exp = to_topleft(item["box"], h)
    for a, b in zip(words, words[1:]):
        if a[0] == before and b[0].startswith(after_prefix) and abs(a[2] - exp[1]) < 3:
            got = (a[3], a[2], b[1], a[4])
            assert close(got, exp), f"gap {before}|{after_prefix}: {got} vs {exp}"
            return
    raise AssertionError(f"gap after {before!r} not found")


def test_all_variants_generated(docs):
    names = {(d.kind, d.pages, d.variant) for d in docs}
    for kind in KINDS:
        for n in (1, 2, 3):
            assert (kind, n, "normal") in names
    assert {d.variant for d in docs} == set(samples.VARIANTS)
    for d in docs:
        assert d.path.exists()
        assert json.loads(d.path.with_suffix(".truth.json").read_text("utf-8")) == d.truth


def test_page_counts_and_qpdf_check(docs):
    for d in docs:
        with pikepdf.open(d.path) as pdf:
            assert len(pdf.pages) == d.pages == d.truth["page_count"], d.path.name
        r = subprocess.run(["qpdf", "--check", str(d.path)], capture_output=True, text=True)
        assert r.returncode == 0, (d.path.name, r.stdout, r.stderr)
        assert "No syntax or stream encoding errors" in r.stdout


def test_vietnamese_text_reads_back_exactly(docs):
    for d in docs:
        upper, organ, place, notation = ORGANS[d.kind]
        first = text_of(d.path, 0)
        for s in (upper, organ, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
            assert s in first, (d.path.name, s)
        assert re.search(rf"Số: /{re.escape(notation)}\b", first), d.path.name
        assert f"{place}, ngày tháng năm 2026" in first, d.path.name
        last = text_of(d.path, d.pages - 1)
        assert SIGNERS[d.kind] in last, d.path.name
        assert "Nơi nhận:" in last
        if d.kind in ("cong_van", "ke_hoach"):
            assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in last
        if d.kind == "quyet_dinh":
            assert "QUYẾT ĐỊNH" in first and "Điều 3." in text_of(d.path)
        if d.kind == "ke_hoach":
            assert f"KẾ HOẠCH {PLAN_SUBJECT}" in first, d.path.name
            assert "Kính gửi" not in text_of(d.path) and "V/v" not in first, d.path.name


def test_truth_matches_pdftotext_boxes(docs):
    for d in docs:
        t = d.truth
        pages = words_of(d.path)
        assert len(pages) == d.pages
        for w, h, _ in pages:  # every sample displays as A4 portrait
            assert abs(w - t["page_size"][0]) < 0.5 and abs(h - t["page_size"][1]) < 0.5
        for item in [*t["authority_lines"], t["title_line"], t["name_line"], t["body_end"],
                     t["number_line"], t["date_line"]]:
            check_text_box(pages, item)
        check_gap(pages, t["number_blank"], "Số:", "/")
        check_gap(pages, t["date_day_blank"], "ngày", "tháng")
        check_gap(pages, t["date_month_blank"], "tháng", "năm")
        # Nơi nhận: heading at the box's top-left corner, list inside the box
        nn = t["noi_nhan"]
        w, h, words = pages[nn["page"]]
        box = to_topleft(nn["box"], h)
        head = find_run(words, "Nơi nhận:", box[1])
        assert head and close(head[:2], box[:2])
        inside = [x for x in words if box[0] - 1 <= x[1] and x[3] <= box[2] + 1 and box[1] - 1 <= x[2] and x[4] <= box[3] + 1]
        assert any(x[0] == "Lưu:" for x in inside)
        # signature space: between the title and the name, 30-35 mm high
        sp = t["signature_space"]["box"]
        assert 30 <= (sp[3] - sp[1]) / 72 * 25.4 <= 35
        assert t["title_line"]["page"] == t["name_line"]["page"] == d.pages - 1


def test_signature_block_alone(docs):
    for d in (x for x in docs if x.variant == "sigblock_alone"):
        t = d.truth
        assert t["body_end"]["page"] == d.pages - 2
        last = text_of(d.path, d.pages - 1)
        # nothing but page number, Nơi nhận and the signature block
        assert last.strip().startswith(f"{d.pages} ")
        assert t["authority_lines"][0]["box"][3] > t["page_size"][1] - 30 * 72 / 25.4


def test_geometry_variants(docs):
    for d in docs:
        with pikepdf.open(d.path) as pdf:
            last = pdf.pages[-1]
            if d.variant in ("rotated", "rotated270"):
                assert int(last.Rotate) == (90 if d.variant == "rotated" else 270)
                mb = [float(v) for v in last.MediaBox]
                assert mb[2] > mb[3]  # stored landscape, displayed portrait
            elif d.variant == "cropbox":
                for p in pdf.pages:
                    assert [float(v) for v in p.MediaBox] == [0, 0, 700, 950]
                    assert close([float(v) for v in p.CropBox], [40, 30, 635.28, 871.89], 0.01)
            else:
                assert int(last.get("/Rotate", 0)) == 0


def test_metadata_and_secrecy(docs):
    for d in docs:
        with pikepdf.open(d.path) as pdf:
            info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        assert info["/KysoSigner"] == SIGNERS[d.kind]
        assert info["/KysoNotation"] == ORGANS[d.kind][3]
        assert info["/KysoDocType"] == DOC_TYPES[d.kind]
        assert info["/Title"] and info["/Author"] and "ReportLab" in info["/Producer"]
        assert info["/KysoSignerPosition"]
        if d.variant == "secret":
            assert info["/KysoSecrecy"] == "Mật"
            assert "MẬT" in text_of(d.path, 0)
            assert d.truth["secrecy_mark"]["page"] == 0
        else:
            assert info["/KysoSecrecy"] == ""
            assert d.truth["secrecy_mark"] is None


def test_renders_with_poppler_and_pdfium(docs, tmp_path):
    import pypdfium2 as pdfium

    for d in docs:
        r = subprocess.run(
            ["pdftoppm", "-r", "20", "-png", str(d.path), str(tmp_path / d.path.stem)],
            capture_output=True, text=True,
        )
        assert r.returncode == 0 and not r.stderr.strip(), (d.path.name, r.stderr)
        pdf = pdfium.PdfDocument(str(d.path))
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                w, h = page.get_size()  # pdfium: displayed size (CropBox, /Rotate)
                assert abs(w - 595.28) < 0.5 and abs(h - 841.89) < 0.5, d.path.name
                img = page.render(scale=0.25).to_pil()
                assert img.getextrema() != ((255, 255),) * 3
        finally:
            pdf.close()


def test_rotated_page_looks_like_normal(docs, tmp_path):
    """The displayed rotated page is the same picture as the unrotated one."""
    from PIL import Image, ImageChops

    by = {(d.kind, d.pages, d.variant): d for d in docs}
    for variant in ("rotated", "rotated270", "cropbox"):
        rot = next(d for d in docs if d.variant == variant)
        plain = generate_sample(rot.kind, tmp_path / f"plain-{variant}.pdf", pages=rot.pages)
        ims = []
        for d in (rot, plain):
            stem = tmp_path / f"cmp-{variant}-{d.path.stem}"
            subprocess.run(["pdftoppm", "-cropbox", "-r", "30", "-gray", "-f", str(d.pages), "-l", str(d.pages),
                            "-singlefile", str(d.path), str(stem)], check=True)
            ims.append(Image.open(f"{stem}.pgm"))
        assert ims[0].size == ims[1].size
        diff = ImageChops.difference(ims[0], ims[1])
        assert sum(1 for v in diff.get_flattened_data() if v > 64) < 0.002 * ims[0].size[0] * ims[0].size[1], variant
    assert by


def test_plan_title_block_and_sections(docs):
    """Kế hoạch: "KẾ HOẠCH" and the subject centred under the header with the
    short rule, no authority line (decisions only), the three sections in
    order, each heading once, at least one item under "II. NỘI DUNG"."""
    plans = [d for d in docs if d.kind == "ke_hoach"]
    assert {(d.pages, d.variant) for d in plans} >= {(1, "normal"), (2, "normal"), (3, "normal")}
    centre = (samples.TEXT_LEFT + samples.TEXT_RIGHT) / 2
    for d in plans:
        w, h, words = words_of(d.path)[0]
        date_y = to_topleft(d.truth["date_line"]["box"], h)[3]
        title = find_run(words, "KẾ HOẠCH", date_y + 30)
        assert title is not None and title[1] > date_y, d.path.name
        assert abs((title[0] + title[2]) / 2 - centre) <= TOL, d.path.name
        # the subject: the lines right under the title, each centred, in bold
        below = sorted((x for x in words if x[2] > title[3]), key=lambda x: (round(x[2]), x[1]))
        subject_words = PLAN_SUBJECT.split()
        got = below[: len(subject_words)]
        assert [x[0] for x in got] == subject_words, d.path.name
        for y in {round(x[2]) for x in got}:
            row = [x for x in got if round(x[2]) == y]
            assert abs((min(x[1] for x in row) + max(x[3] for x in row)) / 2 - centre) <= TOL, d.path.name
        # the next line is the opening paragraph, not an authority line
        nxt = below[len(subject_words)]
        assert nxt[0] == "Thực" and nxt[2] - max(x[4] for x in got) > 10, (d.path.name, nxt)
        text = text_of(d.path)
        pos = [text.find(s) for s in PLAN_HEADINGS]
        assert all(p >= 0 for p in pos) and pos == sorted(pos), (d.path.name, pos)
        assert all(text.count(s) == 1 for s in PLAN_HEADINGS), d.path.name
        assert re.search(r"II\. NỘI DUNG 1\. \S", text), d.path.name
        assert "Ủy ban nhân dân thành phố ban hành Kế hoạch" in text
        assert text.rstrip().rfind("Trên đây là Kế hoạch") > pos[-1]
        assert "thực hiện./." in text
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("doc_type,present,absent", [
    ("Kế hoạch", ("KẾ HOẠCH", "phổ biến, giáo dục pháp luật", "Số: /KH-UBND"), ("Kính gửi", "V/v")),
    ("Công văn", ("Kính gửi:", "V/v", "Số: /UBND-VP"), ("KẾ HOẠCH",)),
    ("Quyết định", ("QUYẾT ĐỊNH", "Điều 1."), ("Kính gửi",)),
])
def test_server_pdf_factory_matches_the_document_type(tmp_path, doc_type, present, absent):
    """The demo server's seed PDF says what its inbox row says."""
    path = tmp_path / "seed.pdf"
    path.write_bytes(samples.server_pdf_factory("tiêu đề", doc_type))
    text = text_of(path)
    for s in present:
        assert s in text, (doc_type, s)
    for s in absent:
        assert s not in text, (doc_type, s)
    with pikepdf.open(path) as pdf:
        assert str(pdf.docinfo["/KysoDocType"]) == doc_type


def test_plan_lays_out_on_one_to_three_pages(tmp_path):
    for n in (1, 2, 3):
        d = generate_sample("ke_hoach", tmp_path / f"kh-{n}.pdf", pages=n)
        assert d.pages == n and d.truth["body_end"]["page"] == n - 1
    d = generate_sample("ke_hoach", tmp_path / "kh-alone.pdf", pages=2, variant="sigblock_alone")
    assert d.pages == 2 and d.truth["body_end"]["page"] == 0 and d.truth["title_line"]["page"] == 1
    with pytest.raises(ValueError):
        generate_sample("ke_hoach", tmp_path / "x.pdf", seed_name="bim-son-2019-phat-hanh-van-ban-dien-tu.txt")


def test_batch_keeps_its_benchmark_mix(tmp_path):
    """The README's throughput figures were measured on these three kinds."""
    paths = generate_batch(tmp_path / "mix", 40, seed=0)
    kinds = {re.match(r"batch-\d+-(.+)-\dp$", p.stem).group(1) for p in paths}
    assert kinds == {"cong_van", "quyet_dinh", "cong_van_vp"}


def test_generation_is_deterministic(tmp_path):
    a = generate_sample("cong_van", tmp_path / "a.pdf", pages=2)
    b = generate_sample("cong_van", tmp_path / "b.pdf", pages=2)
    assert a.path.read_bytes() == b.path.read_bytes()


def test_other_seed_body(tmp_path):
    d = generate_sample("cong_van", tmp_path / "bs.pdf", pages=1, seed_name="bim-son-2019-phat-hanh-van-ban-dien-tu.txt")
    assert "Quyết định số 28/2018/QĐ-TTg" in text_of(d.path)


def test_batch_is_fast(tmp_path):
    generate_batch(tmp_path / "warm", 30, seed=1)  # renders the (kind, pages) templates
    t0 = time.perf_counter()
    paths = generate_batch(tmp_path / "batch", 30, seed=1)
    per_doc = (time.perf_counter() - t0) / 30
    assert len(paths) == 30 and all(p.stat().st_size > 1000 for p in paths)
    assert per_doc < 0.01, f"{per_doc * 1000:.1f} ms per document"
    ids = set()
    for p in paths[:5] + paths[-5:]:
        r = subprocess.run(["qpdf", "--check", str(p)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout
        with pikepdf.open(p) as pdf:
            ids.add((str(pdf.docinfo["/KysoBatchId"]), bytes(pdf.trailer.ID[0])))
            assert len(pdf.pages) == int(p.stem.split("-")[-1][0])
    assert len(ids) == 10


LO_FIXTURE = Path(__file__).parent / "fixtures" / "libreoffice" / "cong-van-phu-ly.pdf"


def test_libreoffice_fixture_reads_back():
    """A second producer (LibreOffice Writer): text and truth still line up."""
    first = text_of(LO_FIXTURE, 0)
    for s in ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ PHỦ LÝ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
              "Độc lập - Tự do - Hạnh phúc", "Phủ Lý, ngày tháng năm 2026", "Phạm Văn Quân"):
        assert s in first, s
    assert re.search(r"Số: /UBND-VP\b", first)
    assert subprocess.run(["qpdf", "--check", str(LO_FIXTURE)], capture_output=True).returncode == 0
    t = json.loads(LO_FIXTURE.with_suffix(".truth.json").read_text("utf-8"))
    pages = words_of(LO_FIXTURE)
    for item in [*t["authority_lines"], t["title_line"], t["name_line"], t["body_end"]]:
        check_text_box(pages, item)
    check_gap(pages, t["number_blank"], "Số:", "/")
    check_gap(pages, t["date_day_blank"], "ngày", "tháng")
    sp = t["signature_space"]["box"]
    assert 25 <= (sp[3] - sp[1]) / 72 * 25.4 <= 40
