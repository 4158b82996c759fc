"""GUI tests: real widgets (pytest-qt), real SoftHSM2 tokens, real sample PDFs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No session bus in the GUI tests: "open containing folder" must not reach the
# desktop's real file manager (tests/gui/file_manager_check.py brings its own bus).
os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/kyso-tests-have-no-session-bus"

import pytest

PIN = "123456"


@pytest.fixture(scope="session")
def qapp_args():
    return ["kyso-gui-tests"]


@pytest.fixture(autouse=True)
def vietnamese_afterwards():
    """Every test ends in Vietnamese, the language the others assume: saving
    English in the settings dialog switches the running application."""
    from kyso.core import messages
    from kyso.gui import i18n

    previous = messages._language
    yield
    if i18n._installed or messages._language != previous:
        from PySide6.QtCore import QCoreApplication, QLocale

        i18n.remove_translators()
        messages._language = previous
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        if QCoreApplication.instance() is not None:
            QCoreApplication.processEvents()    # deliver LanguageChange to what is still open


@pytest.fixture
def memory_keyring():
    """The document server's login tokens in memory for one test: never the
    person's real OS keyring (tests that sync use it; ``usefixtures``)."""
    import keyring

    from kyso.sync.credentials import MemoryKeyring

    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


@pytest.fixture
def trust_roots(test_pki):
    from kyso.core.verify import load_certificates

    return load_certificates([test_pki.root_cert_path])


@pytest.fixture
def module_path(softhsm):
    return str(softhsm.module_path)


@pytest.fixture
def make_window(qtbot, module_path, trust_roots):
    """A main window over a source, watching only the SoftHSM2 module."""
    from PySide6.QtCore import Qt

    from kyso.gui.mainwindow import MainWindow

    windows = []

    def make(source=None, token="KYSO-LEADER", poll_ms=500):
        w = MainWindow(source, modules=[module_path], trust_roots=trust_roots, poll_ms=poll_ms)
        qtbot.addWidget(w)
        # the size these tests were written for; the offscreen screen (800×800) is smaller
        # than that, so a first open would be maximized to it (kyso.gui.desktop.WindowLayout)
        w.setWindowState(Qt.WindowState.WindowNoState)
        w.resize(1360, 860)
        w.show()
        qtbot.waitUntil(lambda: bool(w.tokens), timeout=15000)
        if source is not None:
            qtbot.waitUntil(lambda: w.model.rowCount() > 0, timeout=15000)
        if token:
            w.choose_token(token)
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.close()
    from kyso.gui import worker
    from pytestqt.exceptions import TimeoutError as QtTimeout

    try:
        qtbot.waitUntil(lambda: worker.running() == 0, timeout=30000)
    except QtTimeout:
        raise AssertionError(f"still running: {worker.describe_running()}") from None


def confirm_stamp_preview(qtbot, window):
    """Wait for the stamp preview of a single document and click "Ký tại vị trí này"."""
    from PySide6.QtCore import Qt

    qtbot.waitUntil(lambda: window.view.stamp_box.isVisible(), timeout=15000)
    qtbot.mouseClick(window.view.stamp_confirm_button, Qt.MouseButton.LeftButton)


def wait_pin_dialog(qtbot, window, previous=None):
    """The PIN dialog the window's signing flow opened (a new one if ``previous``).

    A single document first shows its stamp preview: it is accepted as placed."""
    from PySide6.QtCore import Qt

    def ready():
        if window.view.stamp_preview_active and window.view.stamp_box.isVisible():
            qtbot.mouseClick(window.view.stamp_confirm_button, Qt.MouseButton.LeftButton)
            return False
        flow = window.flow
        return flow is not None and flow.dialog is not None and flow.dialog is not previous \
            and flow.dialog.isVisible()
    qtbot.waitUntil(ready, timeout=15000)
    return window.flow.dialog


def answer_pin(qtbot, dialog, pin=PIN):
    from PySide6.QtCore import Qt

    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
