"""The settings dialog and the first-run assistant, through real widgets.

Each test has its own KYSO_HOME (tests/conftest.py), so ``settings.json`` is a
real file in a temporary folder.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from kyso.core import settings
from kyso.core.fonts import RESOURCES
from kyso.gui import worker

IMAGES = RESOURCES / "images"


def idle(qtbot):
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=20000)


def make_dialog(qtbot, **kwargs):
    from kyso.gui.settingsdialog import SettingsDialog

    d = SettingsDialog(**kwargs)
    qtbot.addWidget(d)
    d.show()
    return d


def test_settings_dialog_saves_what_was_entered(qtbot, module_path):
    settings.settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings.settings_path().write_text(json.dumps({"future_key": 7}), "utf-8")
    d = make_dialog(qtbot, modules=[module_path])
    with qtbot.waitSignal(d.certificatesLoaded, timeout=20000):
        pass
    # unusable certificates are listed, disabled, with the reason
    items = [d.cert_model.item(r) for r in range(d.cert_model.rowCount())]
    disabled = [i.text() for i in items if not i.isEnabled()]
    assert any("đã hết hạn ngày" in t for t in disabled), disabled
    assert any("không dùng để ký số" in t for t in disabled), disabled
    usable = [i for i in items[1:] if i.isEnabled()]
    assert usable
    chosen = usable[0].data(Qt.ItemDataRole.UserRole + 1)
    d.choose_certificate(chosen)

    qtbot.keyClicks(d.server_edit, "https://vanban.example.gov.vn")
    qtbot.keyClicks(d.username_edit, "nvan")
    d.signature_picker.set_path(str(IMAGES / "signature-nguyen-trong-hai.png"))
    d.seal_picker.set_path(str(IMAGES / "seal-dong-da.png"))
    d.initial_picker.set_path(str(IMAGES / "sample-initial.png"))
    d.seal_spin.setValue(40.0)
    d.agency_edit.setText("UBND quận Đống Đa")   # QTest cannot type non-ASCII keys
    qtbot.keyClicks(d.tsa_edit, "http://tsa.example.vn")
    d.language_combo.setCurrentIndex(d.language_combo.findData("en"))
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.result() == d.DialogCode.Accepted
    idle(qtbot)

    raw = json.loads(settings.settings_path().read_text("utf-8"))
    assert raw["future_key"] == 7            # keys of a newer version survive
    s = settings.load()
    assert s.server_url == "https://vanban.example.gov.vn"
    assert s.username == "nvan"
    assert s.pkcs11_module == module_path
    assert s.default_certificate == chosen
    assert s.signature_image == str(IMAGES / "signature-nguyen-trong-hai.png")
    assert s.seal_image == str(IMAGES / "seal-dong-da.png")
    assert s.initial_image == str(IMAGES / "sample-initial.png")
    assert s.seal_diameter_mm == 40.0
    assert s.agency_name == "UBND quận Đống Đa"
    assert s.tsa_url == "http://tsa.example.vn"
    assert s.language == "en"


def test_cancel_leaves_the_settings_file_unchanged(qtbot):
    settings.save(settings.Settings(server_url="https://a.example.vn", seal_diameter_mm=34.0))
    before = settings.settings_path().read_bytes()
    mtime = settings.settings_path().stat().st_mtime_ns
    d = make_dialog(qtbot, modules=[])
    assert d.server_edit.text() == "https://a.example.vn"
    assert d.seal_spin.value() == 34.0
    d.server_edit.setText("https://b.example.vn")
    d.seal_spin.setValue(50.0)
    d.language_combo.setCurrentIndex(1)
    qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)
    assert d.result() == d.DialogCode.Rejected
    idle(qtbot)
    assert settings.settings_path().read_bytes() == before
    assert settings.settings_path().stat().st_mtime_ns == mtime


def test_bad_entries_are_refused_without_saving(qtbot):
    d = make_dialog(qtbot, modules=[])
    d.server_edit.setText("vanban.example.gov.vn")
    d.seal_picker.set_path("/nowhere/seal.png")
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.isVisible()
    assert "http://" in d.error_label.text() and "/nowhere/seal.png" in d.error_label.text()
    assert not settings.settings_path().exists()
    idle(qtbot)


def test_preview_draws_the_seal_at_its_real_size(qtbot):
    d = make_dialog(qtbot, modules=[])
    d.signature_picker.set_path(str(IMAGES / "sample-signature.png"))
    d.seal_picker.set_path(str(IMAGES / "sample-seal.png"))
    qtbot.waitUntil(lambda: d.preview.rendered >= 1 and not d.preview._busy, timeout=20000)
    small = d.preview.main_image.height()
    count = d.preview.rendered
    d.seal_spin.setValue(50.0)
    qtbot.waitUntil(lambda: d.preview.rendered > count and not d.preview._busy, timeout=20000)
    big = d.preview.main_image.height()
    # the stamp is as tall as the seal: 36 mm → 50 mm
    assert big / small == pytest.approx((50 + 2 * 6 / 72 * 25.4) / (36 + 2 * 6 / 72 * 25.4), rel=0.05)
    # and it really drew the chosen images: something red (the seal) and something blue (the signature)
    img = d.preview.main_image
    colours = {(img.pixelColor(x, y).red() > 150 and img.pixelColor(x, y).green() < 90,
                img.pixelColor(x, y).blue() > 120 and img.pixelColor(x, y).red() < 90)
               for x in range(0, img.width(), 2) for y in range(0, img.height(), 2)}
    assert (True, False) in colours and (False, True) in colours
    idle(qtbot)


# -- first run ------------------------------------------------------------------


def make_wizard(qtbot, **kwargs):
    from kyso.gui.firstrun import FirstRunWizard

    w = FirstRunWizard(**kwargs)
    qtbot.addWidget(w)
    w.show()
    return w


def test_needs_first_run_until_settings_exist():
    from kyso.gui.firstrun import needs_first_run

    assert needs_first_run()
    settings.save(settings.Settings())
    assert not needs_first_run()


def test_first_run_without_token_explains_how_to_install_it(qtbot, tmp_path, monkeypatch):
    empty = tmp_path / "no-modules"
    empty.mkdir()
    monkeypatch.setenv("KYSO_PKCS11_SEARCH_PATH", str(empty))
    w = make_wizard(qtbot)
    assert not w.button(w.WizardButton.NextButton).isEnabled()   # a URL, or "no server"
    w.server_page.offline_check.setChecked(True)
    w.next()
    page = w.token_page
    qtbot.waitUntil(lambda: not page.searching, timeout=20000)
    assert page.install_help.isVisible() and not page.tree.isVisible()
    text = page.install_help.text()
    assert "Chưa tìm thấy token" in text and "Cài phần mềm đi kèm token" in text and "Tìm lại" in text
    assert page.retry_button.isEnabled()
    w.next()
    w.images_page.signature_picker.set_path(str(IMAGES / "sample-signature.png"))
    w.accept()
    idle(qtbot)
    s = settings.load()
    assert s.server_url is None and s.pkcs11_module is None
    assert s.signature_image == str(IMAGES / "sample-signature.png")


def test_first_run_finds_the_token_and_saves_the_certificate(qtbot, module_path):
    w = make_wizard(qtbot, modules=[module_path])
    qtbot.keyClicks(w.server_page.url_edit, "https://vanban.example.gov.vn")
    assert w.button(w.WizardButton.NextButton).isEnabled()
    w.next()
    page = w.token_page
    qtbot.waitUntil(lambda: not page.searching and bool(page.results), timeout=20000)
    assert page.tree.isVisible() and not page.install_help.isVisible()
    assert page.tree.topLevelItemCount() >= 1
    module, cert = page.choice()
    assert module == module_path and cert
    w.next()
    w.accept()
    idle(qtbot)
    s = settings.load()
    assert s.server_url == "https://vanban.example.gov.vn"
    assert (s.pkcs11_module, s.default_certificate) == (module_path, cert)
