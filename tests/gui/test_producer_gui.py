"""Issue 13 through the widgets: a công văn written in a word processor (.docx
exported by LibreOffice, "Số:" in a table cell) and a scanned tờ trình each go
initial → leader → issued with number and date in the desktop app; the three
signatures stay valid in pdfsig and Kyso's verifier, and the number and date
read back inside their blanks (tests/test_producer_flows.py does the same
through the CLI)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kyso.core import settings
from kyso.core.verify import verify_file
from kyso.demo.settings import demo_settings
from kyso.services.sources import FolderSource

from .test_one_signing_path import _sign_through_widgets

PRODUCERS = Path(__file__).resolve().parents[1] / "fixtures" / "producers"


def _walk(qtbot, make_window, module_path, folder: Path, trust_roots) -> Path:
    settings.save(demo_settings(pkcs11_module=module_path))
    w = make_window(FolderSource(folder, actions={"cv.pdf": "initial"}), token="KYSO-REVIEWER")
    _sign_through_widgets(qtbot, w, "initial")
    for token, role, number in (("KYSO-LEADER", "leader", None), ("KYSO-CLERK", "agency", "417")):
        w.choose_token(token)
        qtbot.waitUntil(lambda role=role: w.model.rowCount() == 1 and w.model.row(0).action == role,
                        timeout=15000)
        _sign_through_widgets(qtbot, w, role, number)
    final = folder / "cv.pdf"
    sig = subprocess.run(["pdfsig", str(final)], capture_output=True, text=True).stdout
    assert sig.count("Signature is Valid") == 3, sig
    report = verify_file(final, trust_roots)
    assert report.valid and len(report.signatures) == 3, report.to_json()
    return final


def _number_in_blank(final: Path, truth: dict, tol: float) -> bool:
    from test_roles import _inside, _word_boxes

    words = _word_boxes(final, 0, truth["page_size"][1])
    return any(w[0] == "417" and _inside(w, truth["number_blank"]["box"], tol) for w in words)


def test_docx_cong_van_through_the_widgets(qtbot, make_window, module_path, trust_roots, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    src = PRODUCERS / "docx-lo-table.pdf"
    shutil.copyfile(src, folder / "cv.pdf")
    final = _walk(qtbot, make_window, module_path, folder, trust_roots)
    assert _number_in_blank(final, json.loads(src.with_suffix(".truth.json").read_text("utf-8")), 2.0)


def test_scanned_to_trinh_through_the_widgets(qtbot, make_window, module_path, trust_roots, tmp_path):
    from kyso.core import ocr

    if not ocr.available():
        from conftest import skip_or_fail

        skip_or_fail("tesseract (Debian tesseract-ocr, tesseract-ocr-vie) is not installed")
    from producers import make
    from producers.scans import scan

    printed = make.qt_pdf("to_trinh", 0, tmp_path / "to-trinh.pdf")
    truth = make.truth(printed, "to_trinh", "Qt QPdfWriter, scanned at 300 dpi")
    folder = tmp_path / "docs"
    folder.mkdir()
    scan(printed, folder / "cv.pdf", 300, 0, skew=0.2)
    final = _walk(qtbot, make_window, module_path, folder, trust_roots)
    assert _number_in_blank(final, truth, 4.0)


pytestmark = pytest.mark.slow
