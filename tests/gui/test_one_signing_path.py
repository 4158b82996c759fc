"""One signing path for every face: what a person configures in Cài đặt is what
every signature carries, in the desktop app and in ``kyso sign`` alike.

The images are made here, each with a colour and a shape of its own, so the
check is on the pixel data embedded in the signed PDF, not on file names; and
no byte of a bundled specimen ("MẪU") may reach a document.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt

from kyso.core import appearance as ap
from kyso.core import settings
from kyso.core.stamp import encode_image
from kyso.core.verify import verify_file
from kyso.demo.samples import generate_sample
from kyso.gui import worker
from kyso.services.sources import FolderSource

from .conftest import answer_pin, confirm_stamp_preview, wait_pin_dialog

MM = 72.0 / 25.4
NUMBER = "417"


def _signature_png(path: Path) -> Path:
    """A violet zigzag: no specimen looks like it."""
    img = Image.new("RGBA", (420, 150), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.line([(10, 120), (80, 20), (150, 130), (230, 25), (300, 125), (400, 30)], fill=(96, 32, 200, 255), width=9)
    img.save(path)
    return path


def _seal_png(path: Path) -> Path:
    """A dark-orange diamond with a hole."""
    img = Image.new("RGBA", (360, 360), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.polygon([(180, 6), (354, 180), (180, 354), (6, 180)], fill=(214, 72, 0, 255))
    d.ellipse((140, 140, 220, 220), fill=(0, 0, 0, 0))
    img.save(path)
    return path


def _rgb(path: Path) -> bytes:
    with Image.open(path) as img:
        return img.convert("RGB").tobytes()


def _images(pdf_path: Path) -> list[tuple[int, int, bytes]]:
    """(width, height, decoded samples) of every image XObject in the file."""
    out = []
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" \
                    and obj.get("/ColorSpace") == "/DeviceRGB":
                out.append((int(obj.Width), int(obj.Height), obj.read_bytes()))
    return out


def _widgets(pdf_path: Path) -> dict[str, tuple[float, float]]:
    """Signature field name → (width, height) of its widget, in points."""
    out = {}
    with pikepdf.open(pdf_path) as pdf:
        for f in pdf.Root.AcroForm.Fields:
            if f.get("/FT") == "/Sig":
                x1, y1, x2, y2 = (float(v) for v in f.Rect)
                out[str(f.T)] = (abs(x2 - x1), abs(y2 - y1))
    return out


def _no_specimen(pdf_path: Path) -> None:
    data = pdf_path.read_bytes()
    specimens = {_rgb(p) for p in ap.SAMPLE_IMAGES}
    for _w, _h, pixels in _images(pdf_path):
        assert pixels not in specimens, f"a specimen image is in {pdf_path.name}"
    for p in ap.SAMPLE_IMAGES:
        assert encode_image(p).rgb not in data, f"{p.name}'s encoded bytes are in {pdf_path.name}"


def _idle(qtbot):
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=20000)


def _configure_through_the_dialog(qtbot, window, module_path, signature: Path, seal: Path, default_key: str):
    from kyso.gui.settingsdialog import SettingsDialog

    d = SettingsDialog(window, modules=[module_path])
    qtbot.addWidget(d)
    d.show()
    with qtbot.waitSignal(d.certificatesLoaded, timeout=20000):
        pass
    d.choose_certificate(default_key)
    d.signature_picker.set_path(str(signature))
    d.seal_picker.set_path(str(seal))
    d.seal_spin.setValue(42.0)
    d.agency_edit.setText("ỦY BAN NHÂN DÂN PHƯỜNG MẪU THỬ")   # QTest cannot type non-ASCII keys
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.result() == d.DialogCode.Accepted
    _idle(qtbot)


def _sign_through_widgets(qtbot, w, role: str, number: str | None = None):
    w.select_rows(["cv.pdf"])
    qtbot.waitUntil(lambda: w.role_actions[role].isEnabled(), timeout=15000)
    w.role_actions[role].trigger()
    if number is not None:     # the place first (the stamp preview), then the number
        confirm_stamp_preview(qtbot, w)
        qtbot.waitUntil(lambda: w.issue_dialog is not None and w.issue_dialog.isVisible(), timeout=15000)
        w.issue_dialog.number.setText(number)
        qtbot.mouseClick(w.issue_dialog.ok_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(w.signingFinished, timeout=60000) as sig:
        answer_pin(qtbot, wait_pin_dialog(qtbot, w))
    assert sig.args[0] and all(r.ok for r in sig.args[0]), sig.args[0]


def _check_stamps(path: Path, signature: Path, seal: Path, default_sha256: str, trust_roots):
    images = _images(path)
    by_pixels = {pixels for _w, _h, pixels in images}
    assert _rgb(signature) in by_pixels, "the configured signature image is embedded"
    assert _rgb(seal) in by_pixels, "the configured seal image is embedded"
    _no_specimen(path)
    widgets = _widgets(path)
    (agency_w, agency_h), = [v for k, v in widgets.items() if k.startswith("KysoAgency")]
    assert agency_h == pytest.approx(42.0 * MM, abs=0.5), "the seal has the configured size"
    report = verify_file(path, trust_roots)
    assert report.valid, report.to_json()
    leader, agency = report.signatures
    assert leader.signer_cert_sha256 == default_sha256, "the leader signed with the default certificate"
    return widgets


def test_configured_images_seal_size_and_default_certificate_reach_gui_and_cli(
        qtbot, make_window, module_path, test_pki, trust_roots, run_kyso, softhsm, tmp_path):
    signature = _signature_png(tmp_path / "chu-ky-cua-toi.png")
    seal = _seal_png(tmp_path / "con-dau-cua-toi.png")
    default = test_pki.identities["expiring_soon"]     # one of several usable keys on KYSO-MISC
    import hashlib

    default_sha256 = hashlib.sha256(default.cert_der).hexdigest()
    folder = tmp_path / "docs"
    generate_sample("cong_van", folder / "cv.pdf")
    cli_doc = tmp_path / "cli.pdf"
    cli_doc.write_bytes((folder / "cv.pdf").read_bytes())

    w = make_window(FolderSource(folder, actions={"cv.pdf": "leader"}), token="KYSO-MISC")
    _configure_through_the_dialog(qtbot, w, module_path, signature, seal, default.key_id)
    s = settings.load()
    assert s.default_certificate == default.key_id and s.seal_diameter_mm == 42.0

    # the leader (KYSO-MISC holds several usable keys: the default one signs) …
    _sign_through_widgets(qtbot, w, "leader")
    # … then the clerk, with a number; KYSO-CLERK does not hold the default: its own key signs
    w.choose_token("KYSO-CLERK")
    qtbot.waitUntil(lambda: w.model.rowCount() == 1 and w.model.row(0).action == "agency", timeout=15000)
    _sign_through_widgets(qtbot, w, "agency", NUMBER)
    gui_widgets = _check_stamps(folder / "cv.pdf", signature, seal, default_sha256, trust_roots)

    # the same settings through `kyso sign` (a child process, the same KYSO_HOME)
    leader_out, agency_out = tmp_path / "cli-leader.pdf", tmp_path / "cli-agency.pdf"
    r = run_kyso("sign", cli_doc, "--module", module_path, "--token", "KYSO-MISC", "--role", "leader",
                 "-o", leader_out, pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    r = run_kyso("sign", leader_out, "--module", module_path, "--token", "KYSO-CLERK", "--role", "agency",
                 "--number", NUMBER, "--date", "2026-12-01", "-o", agency_out, pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    cli_widgets = _check_stamps(agency_out, signature, seal, default_sha256, trust_roots)
    # the same stamps: the same boxes, to the point (the GUI's place was confirmed as proposed)
    for prefix in ("KysoLeader", "KysoAgency"):
        (g,) = [v for k, v in gui_widgets.items() if k.startswith(prefix)]
        (c,) = [v for k, v in cli_widgets.items() if k.startswith(prefix)]
        assert g == pytest.approx(c, abs=0.01), prefix


def test_without_images_gui_and_cli_sign_text_stamps_and_say_so(qtbot, make_window, module_path,
                                                                   run_kyso, softhsm, tmp_path):
    folder = tmp_path / "docs"
    generate_sample("cong_van", folder / "cv.pdf")
    cli_doc = tmp_path / "cli.pdf"
    cli_doc.write_bytes((folder / "cv.pdf").read_bytes())
    settings.save(settings.Settings(pkcs11_module=module_path))

    w = make_window(FolderSource(folder, actions={"cv.pdf": "leader"}))
    # said once, plainly, with the way to Cài đặt
    bar = w.desktop.stamp_images_bar
    qtbot.waitUntil(bar.isVisible, timeout=10000)
    assert "Chưa cài đặt ảnh chữ ký và ảnh con dấu" in bar.label.text()
    assert [b.text() for b in bar.buttons] == ["Cài đặt…"]
    bar.dismiss()
    w.desktop.check_stamp_images()
    assert not bar.isVisible(), "said once: not again in the same session"

    _sign_through_widgets(qtbot, w, "leader")
    w.choose_token("KYSO-CLERK")
    qtbot.waitUntil(lambda: w.model.rowCount() == 1 and w.model.row(0).action == "agency", timeout=15000)
    _sign_through_widgets(qtbot, w, "agency", NUMBER)
    r = run_kyso("sign", cli_doc, "--module", module_path, "--token", "KYSO-LEADER", "--role", "leader",
                 "-o", tmp_path / "cli-leader.pdf", pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr

    for signed in (folder / "cv.pdf", tmp_path / "cli-leader.pdf"):
        assert _images(signed) == [], f"{signed.name}: a text stamp carries no image"
        _no_specimen(signed)
        text = __import__("subprocess").run(["pdftotext", str(signed), "-"], capture_output=True,
                                            text=True).stdout
        assert "Thời gian ký:" in text and "Phạm Văn Quân" in text, text[-400:]
