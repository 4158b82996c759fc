"""Every window and dialog on the screens offices have: nothing clipped, everything fits.

``python tests/gui/scaling_check.py OUT_DIR MODULE ROOT_CERT [LANG [SCREEN]]`` opens the
main window (with its notices, the stamp preview and a conflict question), the
login, issue, PIN, batch and settings dialogs and the first-run assistant's pages,
on an offscreen screen ``SCREEN`` = ``WIDTHxHEIGHT@SCALE`` (default ``1920x1080@1.5``:
a Full HD screen at 150 %, 1280×720 logical pixels; ``1366x768@1``, the commonest
laptop in ward offices; ``1280x720@1``), set here before Qt starts. For each it
checks that

- the window fits the screen (its size and its minimum size);
- the stamp preview's frame is in sight (scrolled into view), and the status
  bar's message is whole words that fit;
- no visible label, button, line edit or combo box cuts its text: a one-line
  label or a button is at least as large as its size hint, a word-wrapped label
  is as tall as its text needs at its width, a placeholder or a read-only text
  fits its field, a combo box's edit area holds the current item;

saves a screenshot of each as ``OUT_DIR/<name>-150.png`` (``-1366x768`` and the
like for the other screens; ``-en`` before it in English) and prints a JSON
report (``{"problems": [...], "shots": [...]}``) on the last line of stdout.
``tests/gui/test_scaling.py`` runs it; run it by hand to refresh docs/screenshots.

The token is a real SoftHSM2 token (the caller exports SOFTHSM2_CONF).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import eventloop     # beside this script, on sys.path when it runs
from eventloop import wait_for

BOUND = (1280, 720)          # logical pixels of the screen; set by main()


def parse_screen(spec: str) -> tuple[int, int, float]:
    size, _, scale = spec.partition("@")
    w, h = (int(v) for v in size.lower().split("x"))
    return w, h, float(scale or 1)


def configure_environment(work: Path, lang: str, screen: tuple[int, int, float] = (1920, 1080, 1.5)) -> None:
    global BOUND
    w, h, scale = screen
    BOUND = (round(w / scale), round(h / scale))
    os.environ["QT_QPA_PLATFORM"] = eventloop.offscreen_screen(work, w, h)
    os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    os.environ["KYSO_HOME"] = str(work / "home")
    os.environ["KYSO_FONT"] = "bundled"
    os.environ["KYSO_LANG"] = lang


# -- the checks ---------------------------------------------------------------------


def text_problems(top) -> list[str]:
    from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QComboBox, QLabel, QLineEdit,
                                   QStyle, QStyleOptionComboBox, QWidget)

    out = []
    for w in [top, *top.findChildren(QWidget)]:
        if not w.isVisible() or w.window() is not top:
            continue
        name = f"{type(w).__name__}({w.objectName()})"
        if isinstance(w, QLabel):
            text = w.text()
            if not text.strip() or (w.pixmap() is not None and not w.pixmap().isNull()):
                continue
            if w.wordWrap():
                need = w.heightForWidth(w.width())
                if need > w.height() + 1:
                    out.append(f"{name} {text[:60]!r}: {w.height()} px high, needs {need} at width {w.width()}")
            else:
                hint = w.minimumSizeHint()
                if hint.width() > w.width() + 1 or hint.height() > w.height() + 1:
                    out.append(f"{name} {text[:60]!r}: {w.width()}×{w.height()}, needs {hint.width()}×{hint.height()}")
        elif isinstance(w, QAbstractButton):
            if not w.text().strip():
                continue
            hint = w.sizeHint()
            if hint.width() > w.width() + 1 or hint.height() > w.height() + 1:
                out.append(f"{name} {w.text()!r}: {w.width()}×{w.height()}, needs {hint.width()}×{hint.height()}")
        elif isinstance(w, QLineEdit):
            shown = w.placeholderText() if not w.text() else (w.text() if w.isReadOnly() else "")
            if shown and w.echoMode() == QLineEdit.EchoMode.Normal:
                room = w.width() - 12 - (w.height() if w.isClearButtonEnabled() else 0)
                need = w.fontMetrics().horizontalAdvance(shown)
                if need > room:
                    out.append(f"{name} {shown[:60]!r}: {room} px for {need}")
        elif isinstance(w, QComboBox):
            text = w.currentText()
            if not text:
                continue
            opt = QStyleOptionComboBox()
            w.initStyleOption(opt)
            field = w.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                             QStyle.SubControl.SC_ComboBoxEditField, w)
            need = w.fontMetrics().horizontalAdvance(text) + (w.iconSize().width() + 4 if not w.itemIcon(w.currentIndex()).isNull() else 0)
            if need > field.width() + 1:
                out.append(f"{name} {text[:60]!r}: {field.width()} px for {need}")
        # a widget cut by the window's edge (not inside something that scrolls)
        if w is not top and not _in_scroll_area(w, top, QAbstractScrollArea):
            r = w.rect().translated(w.mapTo(top, w.rect().topLeft()))
            if not top.rect().contains(r) and isinstance(w, (QLabel, QAbstractButton, QLineEdit, QComboBox)):
                if not _hidden_by_toolbar_overflow(w):
                    out.append(f"{name}: outside the window ({r.getRect()} in {top.width()}×{top.height()})")
    return out


def _in_scroll_area(w, top, cls) -> bool:
    p = w.parentWidget()
    while p is not None and p is not top:
        if isinstance(p, cls):
            return True
        p = p.parentWidget()
    return False


def _hidden_by_toolbar_overflow(w) -> bool:
    from PySide6.QtWidgets import QToolBar
    return isinstance(w.parentWidget(), QToolBar)


def fit_problems(top) -> list[str]:
    out = []
    size, minimum = top.frameGeometry().size(), top.minimumSizeHint()
    if size.width() > BOUND[0] or size.height() > BOUND[1]:
        out.append(f"{size.width()}×{size.height()} does not fit {BOUND[0]}×{BOUND[1]}")
    if minimum.width() > BOUND[0] or minimum.height() > BOUND[1]:
        out.append(f"minimum {minimum.width()}×{minimum.height()} does not fit {BOUND[0]}×{BOUND[1]}")
    geo = top.frameGeometry()
    if geo.left() < 0 or geo.top() < 0 or geo.right() >= BOUND[0] or geo.bottom() >= BOUND[1]:
        out.append(f"placed at {geo.getRect()}, partly off the {BOUND[0]}×{BOUND[1]} screen")
    return out


# -- the walk through the windows ------------------------------------------------------


def main(out: Path, module: str, root_cert: str, lang: str = "vi", screen: str = "1920x1080@1.5") -> dict:
    work = Path(tempfile.mkdtemp(prefix="kyso-screen-"))
    try:
        return _walk(work, out, module, root_cert, lang, screen)
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)     # its tokens' copies, its documents, its home


def _walk(work: Path, out: Path, module: str, root_cert: str, lang: str, screen: str) -> dict:
    size = parse_screen(screen)
    configure_environment(work, lang, size)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from kyso.core import messages
    from kyso.core.verify import load_certificates
    from kyso.demo.samples import generate_batch, generate_sample
    from kyso.gui import worker
    from kyso.gui.app import make_application
    from kyso.services.sources import DocumentRow, FolderSource
    from kyso.gui.firstrun import FirstRunWizard
    from kyso.gui.mainwindow import IssueDialog, LoginDialog, MainWindow
    from kyso.gui.pindialog import PinDialog
    from kyso.gui.settingsdialog import SettingsDialog
    from kyso.sync.errors import AuthError

    app = make_application(["kyso-150"])
    tag = "150" if screen == "1920x1080@1.5" else screen.replace("@1", "").replace("@", "-")
    suffix = f"-{tag}" if lang == "vi" else f"-{lang}-{tag}"
    problems: list[str] = []
    shots: list[str] = []

    def wait(pred, timeout=60.0, what=""):
        wait_for(app, pred, timeout, what)

    def settle(ms=150):
        eventloop.settle(app, ms / 1000)

    def check(name: str, top, shot: bool = True) -> None:
        settle()
        found = [f"{name}: {p}" for p in fit_problems(top) + text_problems(top)]
        if isinstance(top, MainWindow) and not top.status_message_fits():
            found.append(f"{name}: the status bar cuts its message: {top.statusBar().currentMessage()!r}")
        problems.extend(found)
        if shot:
            path = out / f"{name}{suffix}.png"
            top.grab().save(str(path))
            shots.append(str(path))

    docs = work / "docs"
    generate_batch(docs, 4)
    generate_sample("cong_van", docs / "cong-van-phu-ly.pdf")
    loose = work / "loose"
    generate_sample("quyet_dinh", loose / "quyet-dinh-luc-nam.pdf")
    roots = load_certificates([root_cert])
    source = FolderSource(docs)

    w = MainWindow(source, modules=[module], trust_roots=roots)
    w.show()
    wait(lambda: w.model.rowCount() == 5 and bool(w.tokens), what="main window")
    w.choose_token("KYSO-LEADER")
    check("main-window-empty", w, shot=False)

    # a batch: the PIN dialog, then the batch dialog in progress and done
    batch_ids = sorted(r.doc_id for r in w.model.rows() if r.doc_id != "cong-van-phu-ly.pdf")
    w.select_rows(batch_ids)
    wait(lambda: w.role_actions["leader"].isEnabled(), what="leader action")
    w.role_actions["leader"].trigger()
    wait(lambda: w.flow is not None and w.flow.dialog is not None and w.flow.dialog.isVisible(), what="PIN dialog")
    dlg = w.flow.dialog
    dlg.pin_edit.setText("1234")
    check("pin-dialog", dlg)
    dlg.pin_edit.setText("123456")
    dlg.accept()
    wait(lambda: w.batch_dialog is not None and w.batch_dialog.isVisible(), what="batch dialog")
    wait(lambda: w.batch_dialog.done_count >= 1 or w.batch_dialog.finished_all, what="batch progress")
    check("batch-progress", w.batch_dialog, shot=False)
    wait(lambda: w.batch_dialog.finished_all, 120, what="batch done")
    check("batch-done", w.batch_dialog)
    w.batch_dialog.accept()

    token = w.current_token()
    final = PinDialog(replace(token, module=replace(token.module, max_pin_tries=3), our_failures=2),
                      token.certificates[0], error=messages.tr("token.pin_final_try"), count=12)
    final.show()
    check("pin-dialog-final-try", final)
    final.close()

    # the main window with a signed document, then the stamp preview of another
    wait(lambda: worker.running() == 0, what="reload")
    w.select_rows([batch_ids[0]])
    wait(lambda: w.view.current_image is not None and w.signatures.report is not None
         and bool(w.signatures.report.signatures), what="signed document shown")
    check("main-window", w)

    w.select_rows(["cong-van-phu-ly.pdf"])
    wait(lambda: w.view.current_image is not None and w.role_actions["leader"].isEnabled(), what="preview doc")
    w.role_actions["leader"].trigger()
    wait(lambda: w.view.stamp_box.isVisible(), what="stamp preview")
    settle(300)
    if not w.view.stamp_box_in_sight():
        problems.append("stamp-preview: the blue frame is not in sight (not scrolled into view)")
    check("stamp-preview", w)
    w.view.stamp_cancel_button.click()
    wait(lambda: w._preview_pending is None)

    # notices: new documents arrived, and a loose file signed next to itself
    generate_sample("cong_van_vp", docs / "cong-van-dong-da.pdf")
    w.reload_documents()
    wait(lambda: w.desktop.new_documents_bar.isVisible(), what="new documents banner")
    w.preview_stamps = False
    w.open_pdf(loose / "quyet-dinh-luc-nam.pdf")
    wait(lambda: w.role_actions["leader"].isEnabled(), what="loose leader action")
    w.role_actions["leader"].trigger()
    wait(lambda: w.flow is not None and w.flow.dialog is not None and w.flow.dialog.isVisible(), what="PIN 2")
    w.flow.dialog.pin_edit.setText("123456")
    w.flow.dialog.accept()
    wait(lambda: w.desktop.saved_file_bar.isVisible(), what="saved file bar")
    wait(lambda: worker.running() == 0 and w.view.current_image is not None, what="signed loose file shown")
    check("main-window-notices", w)

    # a conflict question (the message box the window opens for a conflicted document)
    offered = []
    w.conflictOffered.connect(offered.append)
    w._offer_conflict(DocumentRow("x", subject="Kế hoạch tổ chức Hội nghị tổng kết công tác văn thư, "
                                            "lưu trữ năm 2024 và triển khai nhiệm vụ năm 2025"))
    wait(lambda: bool(offered) and offered[0].isVisible(), what="conflict box")
    check("conflict", offered[0])
    offered[0].done(0)

    # login and issue dialogs
    login = LoginDialog("https://vanban.ubnd-dongda.hanoi.gov.vn", "nguyenvana", w,
                        error=AuthError("sync.login_failed", detail="sai tên đăng nhập hoặc mật khẩu").message)
    login.show()
    check("login-dialog", login)
    login.reject()
    for name, kwargs in (("issue-dialog", dict(count=1, reserved=[{"number": 607, "formatted": "607",
                                                                    "register_id": "2025:UBND-VP"}])),
                         ("issue-dialog-batch", dict(count=3)),
                         ("issue-dialog-offline", dict(count=1, reserve_error="Không kết nối được máy chủ "
                                                       "văn bản (https://vanban.ubnd-dongda.hanoi.gov.vn)."))):
        d = IssueDialog(kwargs.pop("count"), w, **kwargs)
        d.show()
        check(name, d)
        d.reject()

    # settings
    s = SettingsDialog(w, modules=[module])
    s.show()
    wait(lambda: s.cert_combo.isEnabled() and worker.running() == 0, what="settings certificates")
    check("settings", s)
    s.reject()
    w.close()
    wait(lambda: worker.running() == 0, what="window closed")

    # the first-run assistant, page by page
    wiz = FirstRunWizard(modules=[module])
    wiz.show()
    check("first-run-server", wiz)
    wiz.next()
    wait(lambda: not wiz.token_page.searching and worker.running() == 0, what="token search")
    check("first-run-token", wiz)
    wiz.next()
    wait(lambda: worker.running() == 0, what="certificate registration page")
    check("first-run-register", wiz)
    wiz.next()
    wait(lambda: worker.running() == 0, what="images page")
    check("first-run-images", wiz)
    wiz.reject()
    QTimer.singleShot(0, app.quit)
    app.exec()
    _ = QApplication, QDialog
    return {"problems": problems, "shots": shots}


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    report = main(target, sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "vi",
                  sys.argv[5] if len(sys.argv) > 5 else "1920x1080@1.5")
    print(json.dumps(report, ensure_ascii=False))
