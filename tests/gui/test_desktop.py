"""Desktop habits (kyso.gui.desktop): new-document notices, the remembered window
layout, "open containing folder" and shortcuts in tooltips, through real widgets.

Each test has its own KYSO_HOME (tests/conftest.py), so ``window.ini`` is a real
file in a temporary folder."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, QPoint, QRect, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication

from kyso.demo.samples import generate_sample, server_pdf_factory
from kyso.gui import desktop, worker
from kyso.services.sources import FolderSource
from kyso.gui.mainwindow import MainWindow
from sync.conftest import PASSWORD, running_server

from .conftest import answer_pin, wait_pin_dialog


def plain_window(qtbot, source=None):
    """A main window without tokens (nothing here signs)."""
    w = MainWindow(source, modules=[], watch_tokens=False)
    qtbot.addWidget(w)
    w.show()
    return w


def close(qtbot, w):
    w.close()
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=30000)


class UrlCatcher(QObject):
    """Receives the URLs QDesktopServices.openUrl would hand to the system."""

    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened_urls():
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open_url")
    yield catcher.urls
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def folder(tmp_path):
    f = tmp_path / "docs"
    generate_sample("cong_van", f / "cv.pdf")
    generate_sample("quyet_dinh", f / "qd.pdf")
    return f


# -- 1. new documents -------------------------------------------------------------------


def test_new_documents_in_a_folder_are_announced_and_selected_on_click(qtbot, folder):
    source = FolderSource(folder, actions={"qd.pdf": None})
    w = plain_window(qtbot, source)
    seen = []
    w.desktop.notifier.newDocumentsArrived.connect(seen.append)
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=15000)
    bar = w.desktop.new_documents_bar
    assert not seen and not bar.isVisible()                # the first load is not news

    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.reload_documents()                                # nothing new: still quiet
    assert not seen

    generate_sample("cong_van_vp", folder / "moi-1.pdf")
    generate_sample("cong_van", folder / "moi-2.pdf")
    w.set_quick_filter("sent")                              # the new ones are hidden by the filter
    with qtbot.waitSignal(w.desktop.notifier.newDocumentsArrived, timeout=15000) as sig:
        w.refresh_action.trigger()
    rows = sig.args[0]
    assert sorted(r.doc_id for r in rows) == ["moi-1.pdf", "moi-2.pdf"]
    assert all(r.action == "leader" for r in rows)
    assert bar.isVisible()
    assert bar.label.text().startswith("Có 2 văn bản mới cần xử lý: “")
    assert "và 1 văn bản khác" in bar.label.text()
    assert w.statusBar().currentMessage() != bar.label.text()   # said once, in the bar

    qtbot.mouseClick(bar.buttons[0], Qt.MouseButton.LeftButton)   # "Xem văn bản mới"
    assert not bar.isVisible()
    assert w.proxy.quick_filter == "all" and w.filter_buttons["all"].isChecked()
    assert sorted(r.doc_id for r in w.selected_rows()) == ["moi-1.pdf", "moi-2.pdf"]

    # the same documents are not news twice; a new folder starts again from its first load
    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.reload_documents()
    assert len(seen) == 1
    other = folder.parent / "other"
    generate_sample("cong_van", other / "x.pdf")
    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.set_source(FolderSource(other))
    assert len(seen) == 1
    close(qtbot, w)


def test_one_new_document_names_its_subject_and_a_document_leaving_is_not_news(qtbot, folder):
    w = plain_window(qtbot, FolderSource(folder))
    seen = []
    w.desktop.notifier.newDocumentsArrived.connect(seen.append)
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=15000)
    (folder / "qd.pdf").unlink()
    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.reload_documents()
    assert not seen
    generate_sample("quyet_dinh", folder / "qd2.pdf")
    with qtbot.waitSignal(w.desktop.notifier.newDocumentsArrived, timeout=15000) as sig:
        w.reload_documents()
    row = sig.args[0][0]
    bar = w.desktop.new_documents_bar
    assert bar.label.text() == f"Có 1 văn bản mới cần xử lý: “{row.subject}”"
    # still waiting at the next reload: the notice stays; handled (here: gone), it goes
    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.reload_documents()
    assert bar.isVisible()
    (folder / "qd2.pdf").unlink()
    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.reload_documents()
    assert not bar.isVisible() and len(seen) == 1
    close(qtbot, w)




def test_a_document_arriving_by_sync_is_announced(qtbot, tmp_path, test_pki, softhsm, memory_keyring):
    """The reviewer initials on another computer; the leader's window, syncing, is told."""
    from kyso.core import tokens
    from support.roles import options_for_role
    from kyso.services.serversource import SyncSource
    from kyso.sync.actions import sign_from_store
    from kyso.sync.engine import Sync
    from kyso.sync.store import Store

    with running_server(tmp_path / "server", test_pki, pdf_factory=server_pdf_factory) as server:
        src = SyncSource(server.url, "chutich", tmp_path / "store-chutich", timeout=(2.0, 20.0))
        src.login(PASSWORD)
        try:
            w = plain_window(qtbot)
            seen = []
            w.desktop.notifier.newDocumentsArrived.connect(seen.append)
            w.set_source(src)
            qtbot.waitUntil(lambda: w.sync_status is not None and w.sync_status.online
                            and w._sync_op is None, timeout=20000)
            qtbot.waitUntil(lambda: worker.running() == 0, timeout=20000)
            before = len(seen)
            assert not any(r.action == "leader" for r in w.model.rows())

            with Store(tmp_path / "reviewer-pc") as other, \
                    tokens.open_token(softhsm.module_path, "KYSO-REVIEWER") as s:
                s.login(softhsm.user_pin)
                engine = Sync(other, server.client("chanhvp"))
                engine.sync()
                doc = next(d for d in other.documents() if d.action == "initial")
                sign_from_store(other, doc.id, s.signer(s.certificate()), options_for_role("initial"))
                assert engine.push().sent

            with qtbot.waitSignal(w.desktop.notifier.newDocumentsArrived, timeout=30000) as sig:
                w.sync_action.trigger()                    # "Đồng bộ" (F9)
            assert [r.doc_id for r in sig.args[0]] == [str(doc.id)]
            assert sig.args[0][0].action == "leader"
            assert len(seen) == before + 1
            qtbot.mouseClick(w.desktop.new_documents_bar.buttons[0], Qt.MouseButton.LeftButton)
            assert [r.doc_id for r in w.selected_rows()] == [str(doc.id)]
            close(qtbot, w)
        finally:
            src.close()


# -- 3. a loose file signed: open the containing folder; it is not news ---------------------


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="there the file manager is started "
                    "with the file selected, not through QDesktopServices")
def test_loose_file_signed_offers_its_folder_and_is_not_announced(qtbot, make_window, folder, opened_urls):
    w = make_window(FolderSource(folder, actions={"qd.pdf": None}))
    seen = []
    w.desktop.notifier.newDocumentsArrived.connect(seen.append)
    assert w.desktop.show_in_folder_action.shortcut().toString() == "Ctrl+Shift+O"
    assert not w.desktop.show_in_folder_action.isEnabled()       # nothing open yet
    w.open_pdf(folder / "qd.pdf")                               # opened as a file, not from the list
    assert w.desktop.show_in_folder_action.isEnabled()
    qtbot.waitUntil(lambda: w.role_actions["leader"].isEnabled(), timeout=10000)
    assert w.role_actions["leader"].toolTip() == "Ký số (Ctrl+Shift+K)"
    assert w.role_actions["initial"].toolTip() == "Ký nháy (Ctrl+Shift+N)"
    w.role_actions["leader"].trigger()
    with qtbot.waitSignal(w.signingFinished, timeout=60000) as sig:
        answer_pin(qtbot, wait_pin_dialog(qtbot, w))
    result = sig.args[0][0]
    assert result.ok and result.output.parent == folder
    # the signed copy appears in the listed folder, waiting for issuance: signed by me, not news
    qtbot.waitUntil(lambda: any(r.doc_id == result.output.name for r in w.model.rows()), timeout=15000)
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=15000)
    assert next(r for r in w.model.rows() if r.doc_id == result.output.name).action == "agency"
    assert not seen and not w.desktop.new_documents_bar.isVisible()

    bar = w.desktop.saved_file_bar
    assert bar.isVisible()
    assert result.output.name in bar.label.text() and str(folder) in bar.label.text()
    assert [b.text() for b in bar.buttons] == ["Mở thư mục chứa tệp", "Mở tệp đã ký"]
    qtbot.mouseClick(bar.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.buttons[1], Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened_urls] == [str(folder), str(result.output)]

    w.desktop.show_in_folder_action.trigger()                  # the toolbar action, current file
    assert opened_urls[-1] == QUrl.fromLocalFile(str(folder))
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()


# -- 2. the window layout -----------------------------------------------------------------


def test_window_layout_is_restored_after_closing(qtbot, folder):
    w = plain_window(qtbot, FolderSource(folder))
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=15000)
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=15000)
    w.setGeometry(QRect(40, 50, 720, 560))                # within the offscreen screen (800×800)
    qtbot.waitUntil(lambda: w.width() == 720, timeout=5000)
    w.splitter.setSizes([300, 400])
    inner = w.splitter.widget(1)
    inner.setSizes([250, 150])
    w.table.setColumnWidth(1, 211)
    w.table.setColumnWidth(4, 77)
    w.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    qtbot.mouseClick(w.filter_buttons["sign"], Qt.MouseButton.LeftButton)
    saved = dict(geometry=w.geometry(), outer=w.splitter.sizes(), inner=inner.sizes(),
                 widths=[w.table.columnWidth(c) for c in range(8)])
    close(qtbot, w)
    assert desktop.layout_path().is_file()

    w2 = plain_window(qtbot, FolderSource(folder))
    qtbot.waitUntil(lambda: w2.model.rowCount() == 2, timeout=15000)
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=15000)
    assert w2.geometry() == saved["geometry"]
    assert w2.splitter.sizes() == saved["outer"]
    assert w2.splitter.widget(1).sizes() == saved["inner"]
    # the loaded list keeps the widths a person chose (not fitted to the contents again)
    assert [w2.table.columnWidth(c) for c in range(8)] == saved["widths"]
    hh = w2.table.horizontalHeader()
    assert (hh.sortIndicatorSection(), hh.sortIndicatorOrder()) == (1, Qt.SortOrder.AscendingOrder)
    assert w2.proxy.quick_filter == "sign" and w2.filter_buttons["sign"].isChecked()
    close(qtbot, w2)


def test_a_window_saved_off_screen_or_a_damaged_file_opens_visibly(qtbot):
    w = plain_window(qtbot)
    w.setGeometry(QRect(40, 50, 900, 600))
    qtbot.waitUntil(lambda: w.width() == 900, timeout=5000)
    w.move(QPoint(9000, 7000))                             # a second screen since unplugged
    assert w.pos() == QPoint(9000, 7000)
    close(qtbot, w)

    w2 = plain_window(qtbot)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert screen.intersects(w2.frameGeometry())
    assert screen.contains(w2.frameGeometry().center())
    close(qtbot, w2)

    path = desktop.layout_path()
    path.write_bytes(b"\x00\xff[window]\ngeometry=@ByteArray(garbage)\nstate=12\n[splitters]\n0=a, b\n"
                     b"[list]\nwidths=1\nsort_column=99\nquick_filter=nope\nversion=1\n")
    w3 = plain_window(qtbot)
    assert screen.intersects(w3.frameGeometry())
    assert w3.proxy.quick_filter == "all"
    close(qtbot, w3)
    path.write_text("[General]\nversion=1\n[window]\ngeometry=@ByteArray(garbage)\n"
                    "[splitters]\n0=-5, 10\n[list]\nsort_order=7\nquick_filter=nope\n", "utf-8")
    w4 = plain_window(qtbot)
    assert screen.intersects(w4.frameGeometry()) and all(s >= 0 for s in w4.splitter.sizes())
    close(qtbot, w4)


# -- 5. shortcuts in tooltips ----------------------------------------------------------------


def test_tooltips_name_the_shortcuts(qtbot):
    w = plain_window(qtbot)
    assert w.open_action.toolTip() == "Mở tệp PDF (Ctrl+O)"
    assert w.sync_action.toolTip().count("(F9)") == 1
    assert w.desktop.show_in_folder_action.toolTip().endswith("(Ctrl+Shift+O)")
    assert w.settings_action.toolTip().endswith("(Ctrl+,)")
    close(qtbot, w)


FILE_MANAGER_CHECK = __import__("pathlib").Path(__file__).with_name("file_manager_check.py")


@pytest.fixture
def session_bus(tmp_path):
    """A private D-Bus session bus (the real dbus-daemon), stopped afterwards."""
    import shutil
    import subprocess

    if sys.platform != "linux" or shutil.which("dbus-daemon") is None:
        pytest.skip("the freedesktop.org file-manager call is Linux's; dbus-daemon is needed")
    proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, text=True)
    try:
        address = proc.stdout.readline().strip()
        assert address.startswith("unix:"), address
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _file_manager_check(session_bus, target, mode) -> dict:
    import json
    import os
    import subprocess

    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=session_bus, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, str(FILE_MANAGER_CHECK), str(target), mode], env=env,
                          capture_output=True, text=True, timeout=120)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("FILE-MANAGER ")), None)
    assert proc.returncode == 0 and line, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(line.removeprefix("FILE-MANAGER "))


def test_containing_folder_selects_the_file_in_the_file_manager(session_bus, folder):
    """Linux: the desktop's file manager (FileManager1 on the session bus) is asked
    to show the signed file selected, not just its folder."""
    target = folder / "qd.pdf"
    seen = _file_manager_check(session_bus, target, "with-file-manager")
    assert seen["asked"] and seen["shown"] == [QUrl.fromLocalFile(str(target)).toString()], seen
    assert seen["opened"] == []


def test_containing_folder_opens_the_folder_without_such_a_file_manager(session_bus, folder):
    target = folder / "qd.pdf"
    seen = _file_manager_check(session_bus, target, "without")
    assert seen["shown"] == [] and seen["opened"] == [QUrl.fromLocalFile(str(folder)).toString()], seen
