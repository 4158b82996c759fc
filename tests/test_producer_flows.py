"""Issue 13 end to end: documents offices really make go initial → leader →
issued with number and date through the CLI, and every signature stays valid
(pdfsig, kyso verify); the number and date read back with pdftotext.

* a công văn written as .docx (python-docx) and exported by LibreOffice
  (committed: tests/fixtures/producers/docx-lo-table.pdf), "Số:" in a table cell;
* a tờ trình printed by Qt's PDF writer, then printed and scanned back at
  300 dpi as an image-only PDF (read by Tesseract).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kyso.core.appearance import SAMPLE_INITIAL, SAMPLE_SEAL, SAMPLE_SIGNATURE

from test_roles import _inside, _renders, _word_boxes

NUMBER, DATE = "417", "2026-11-20"
PRODUCERS = Path(__file__).parent / "fixtures" / "producers"


def _flow(src: Path, truth: dict, run_kyso, softhsm, test_pki, tmp_path, tol: float = 2.0):
    steps = [("initial", "KYSO-REVIEWER", ["--initial-image", SAMPLE_INITIAL]),
             ("leader", "KYSO-LEADER", ["--signature-image", SAMPLE_SIGNATURE]),
             ("agency", "KYSO-CLERK", ["--number", NUMBER, "--date", DATE, "--seal-image", SAMPLE_SEAL])]
    current = src
    for role, token, extra in steps:
        out = tmp_path / f"{role}.pdf"
        r = run_kyso("sign", current, "--module", softhsm.module_path, "--token", token, "--role", role,
                     *extra, "-o", out, "--json", pin=softhsm.user_pin)
        assert r.returncode == 0, f"{role}: {r.stderr}"
        res = json.loads(r.stdout)["results"][0]
        assert res["ok"] and res["confidence"] is not None, res
        current = out
    sig = subprocess.run(["pdfsig", str(current)], capture_output=True, text=True).stdout
    assert sig.count("Signature is Valid") == 3, sig
    r = run_kyso("verify", current, "--trust", test_pki.root_cert_path, "--json")
    assert r.returncode == 0, r.stdout
    sigs = json.loads(r.stdout)["files"][0]["signatures"]
    assert [s["modification"] for s in sigs] == ["form_filling", "form_filling", "none"]
    assert all(s["valid"] for s in sigs)
    page_h = truth["page_size"][1]
    words = _word_boxes(current, 0, page_h)
    assert any(w[0] == NUMBER and _inside(w, truth["number_blank"]["box"], tol) for w in words), \
        [w for w in words if w[0] == NUMBER]
    assert any(w[0] == "20" and _inside(w, truth["date_day_blank"]["box"], tol) for w in words)
    assert any(w[0] == "11" and _inside(w, truth["date_month_blank"]["box"], tol) for w in words)
    return current


def test_docx_cong_van_through_the_cli(run_kyso, softhsm, test_pki, tmp_path):
    src = PRODUCERS / "docx-lo-table.pdf"
    truth = json.loads(src.with_suffix(".truth.json").read_text("utf-8"))
    final = _flow(src, truth, run_kyso, softhsm, test_pki, tmp_path)
    for engine, img in _renders(final, 0, 100, tmp_path).items():
        img.save(tmp_path / f"docx-issued-{engine}.png")


def test_scanned_to_trinh_through_the_cli(run_kyso, softhsm, test_pki, tmp_path):
    from kyso.core import ocr

    if not ocr.available():
        pytest.skip("tesseract not installed")
    pytest.importorskip("PySide6")
    from producers import make
    from producers.scans import scan

    printed = make.qt_pdf("to_trinh", 0, tmp_path / "to-trinh.pdf")
    truth = make.truth(printed, "to_trinh", "Qt QPdfWriter, scanned at 300 dpi")
    src = scan(printed, tmp_path / "to-trinh-scan.pdf", 300, 0, skew=0.2)
    final = _flow(src, truth, run_kyso, softhsm, test_pki, tmp_path, tol=4.0)
    for engine, img in _renders(final, 0, 100, tmp_path).items():
        img.save(tmp_path / f"scan-issued-{engine}.png")


def test_batch_leaves_an_unsure_placement_unsigned(run_kyso, softhsm, tmp_path):
    """Two documents in one command: the text document is initialled, the scan
    (OCR: low confidence) is not signed and says why, instead of a guess."""
    import shutil

    from kyso.core import ocr
    from kyso.demo.samples import generate_sample
    from producers.scans import scan

    if not ocr.available():
        pytest.skip("tesseract not installed")
    text = tmp_path / "docx-lo-table.pdf"
    shutil.copy(PRODUCERS / "docx-lo-table.pdf", text)
    src = generate_sample("cong_van", tmp_path / "cv.pdf").path
    scanned = scan(src, tmp_path / "cv-scan.pdf", 200, 0)
    r = run_kyso("sign", text, scanned, "--module", softhsm.module_path, "--token", "KYSO-REVIEWER",
                 "--role", "initial", "--out-dir", tmp_path / "out", "--json", pin=softhsm.user_pin)
    assert r.returncode == 3, r.stderr
    res = {Path(x["file"]).name: x for x in json.loads(r.stdout)["results"]}
    assert res["docx-lo-table.pdf"]["ok"] and res["docx-lo-table.pdf"]["confidence"] >= 0.75
    bad = res["cv-scan.pdf"]
    assert not bad["ok"] and bad["error_code"] == "placement.unsure" and bad["output"] is None
    assert "ký riêng văn bản này" in bad["error"] or "Sign this one alone" in bad["error"]
    # alone, the same scan is signed at the OCR's place (the GUI previews it first)
    r = run_kyso("sign", scanned, "--module", softhsm.module_path, "--token", "KYSO-REVIEWER",
                 "--role", "initial", "-o", tmp_path / "alone.pdf", "--json", pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    assert 0 < json.loads(r.stdout)["results"][0]["confidence"] < 0.75


def test_gui_preview_of_a_scan_says_it_is_unsure(tmp_path):
    """The desktop app's preview (signflow.preview_placement): a scan's place
    is found but unsure, and the frame's message says so in both languages."""
    pytest.importorskip("PySide6")
    from kyso.core import ocr
    from kyso.core.settings import Settings
    from kyso.demo.samples import generate_sample
    from kyso.gui.signflow import preview_placement
    from kyso.services.request import SigningRequest
    from producers.scans import scan

    if not ocr.available():
        pytest.skip("tesseract not installed")
    src = generate_sample("cong_van", tmp_path / "cv.pdf").path
    pv = preview_placement(scan(src, tmp_path / "scan.pdf", 200, 0), SigningRequest(role="leader"), Settings())
    assert pv.found and pv.unsure and 0 < pv.confidence < 0.75
    assert "chưa chắc chắn" in pv.message
    text = preview_placement(src, SigningRequest(role="leader"), Settings())
    assert text.found and not text.unsure and text.message == ""
