"""The desktop client driven through its real widgets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QColor, QInputMethodEvent

from .conftest import answer_pin, wait_pin_dialog
from kyso.core import messages
from kyso.core.verify import verify_file
from kyso.demo.samples import generate_batch, generate_sample
from kyso.services.sources import FolderSource
from kyso.gui.pindialog import PIN_PAD_TEXT, PinDialog


@pytest.fixture
def one_doc(tmp_path):
    folder = tmp_path / "docs"
    generate_sample("cong_van", folder / "cv.pdf")
    return folder


def _sig_rect_pixels(pdf_path: Path, image, page_index: int = 0):
    """The signature widget's rectangle in the rendered image's pixels."""
    import pikepdf

    with pikepdf.open(str(pdf_path)) as pdf:
        page = pdf.pages[page_index]
        box = [float(v) for v in (page.obj.get("/CropBox") or page.MediaBox)]
        for annot in page.obj.get("/Annots", []):
            if annot.get("/FT") == "/Sig" or (annot.get("/Parent") is not None and annot.Parent.get("/FT") == "/Sig"):
                x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                break
        else:
            raise AssertionError("no signature widget")
    scale = image.width() / (box[2] - box[0])
    left = int((min(x1, x2) - box[0]) * scale)
    right = int((max(x1, x2) - box[0]) * scale)
    top = int((box[3] - max(y1, y2)) * scale)
    bottom = int((box[3] - min(y1, y2)) * scale)
    return left, top, right, bottom


def _coloured(image, rect) -> int:
    """Pixels clearly not grey (the blue signature, the red seal) in ``rect``."""
    left, t, r, b = rect
    n = 0
    for y in range(max(0, t), min(image.height(), b), 2):
        for x in range(max(0, left), min(image.width(), r), 2):
            c = QColor(image.pixel(x, y))
            if max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 60:
                n += 1
    return n


def test_sign_as_leader_through_toolbar_then_stamp_is_rendered(qtbot, make_window, one_doc, trust_roots):
    source = FolderSource(one_doc, actions={"cv.pdf": "leader"})
    w = make_window(source)
    original = one_doc / "original.bin"
    original.write_bytes((one_doc / "cv.pdf").read_bytes())

    w.select_rows(["cv.pdf"])
    qtbot.waitUntil(lambda: w.view.current_image is not None, timeout=15000)
    blank = w.view.current_image
    assert w.role_actions["leader"].isEnabled()
    assert not w.role_actions["agency"].isEnabled()      # waits for the leader, not issuance

    w.role_actions["leader"].trigger()
    dlg = wait_pin_dialog(qtbot, w)
    assert dlg.token_label.text().startswith("KYSO-LEADER")
    assert dlg.holder_label.text()                         # the certificate holder's name
    with qtbot.waitSignal(w.signingFinished, timeout=60000) as sig:
        answer_pin(qtbot, dlg)
    results = sig.args[0]
    assert len(results) == 1 and results[0].ok, results
    # the dialog (and its field) is gone: deleteLater after take_pin cleared it

    signed = one_doc / "cv.pdf"
    assert signed.read_bytes() != original.read_bytes()
    report = verify_file(signed, trust_roots)
    assert report.valid, report.to_json()
    assert report.signatures[0].field.startswith("KysoLeader")

    # the list moved on: the document now waits for issuance
    qtbot.waitUntil(lambda: w.model.rowCount() == 1 and w.model.row(0).action == "agency", timeout=15000)

    # the window shows the signed document: the panel lists the verdict...
    qtbot.waitUntil(lambda: w.signatures.report is not None and bool(w.signatures.report.signatures), timeout=30000)
    lines = w.signatures.signature_texts()
    assert any(line.startswith("✔") and "Hợp lệ" in line for line in lines), lines
    assert any("toàn bộ văn bản" in line for line in lines), lines
    assert any("Công văn" == w.signatures.info.get("KysoDocType", "") for _ in [0])
    # ...and PDFium draws the stamp: the widget's rectangle has colour now
    page_index = w.view.page_count - 1
    w.view.go_to_page(page_index)
    qtbot.waitUntil(lambda: w.view.current_image is not None and w.view.page == page_index, timeout=15000)
    qtbot.wait(200)
    image = w.view.current_image
    assert not image.isNull() and image.width() > 200
    rect = _sig_rect_pixels(signed, image, page_index)
    assert _coloured(image, rect) > 20, rect
    if w.view.page_count == 1:
        assert _coloured(blank, rect) < 5


def test_page_render_is_not_blank_and_navigates(qtbot, make_window, tmp_path):
    generate_sample("quyet_dinh", tmp_path / "qd.pdf", pages=2)
    w = make_window(None, token=None)
    w.open_pdf(tmp_path / "qd.pdf")
    qtbot.waitUntil(lambda: w.view.current_image is not None, timeout=15000)
    img = w.view.current_image
    dark = sum(1 for y in range(0, img.height(), 4) for x in range(0, img.width(), 4)
               if QColor(img.pixel(x, y)).lightness() < 128)
    assert dark > 100                                      # text was drawn
    assert w.view.page_count == 2
    w.view.next_page()
    qtbot.waitUntil(lambda: w.view.page == 1 and w.view.current_image is not img, timeout=15000)
    zoom = w.view.zoom
    w.view.zoom_in()
    assert w.view.zoom > zoom
    qtbot.waitUntil(lambda: w.view.current_image.width() > img.width(), timeout=15000)
    qtbot.waitUntil(lambda: w.signatures.summary.text() == "Văn bản chưa có chữ ký số.", timeout=15000)
    assert w.signatures.info.get("KysoDocType") == "Quyết định"


def test_batch_of_twenty_with_one_pin_keeps_the_event_loop_running(qtbot, make_window, tmp_path, trust_roots):
    folder = tmp_path / "batch"
    paths = generate_batch(folder, 20)
    w = make_window(FolderSource(folder))          # unsigned documents wait for the leader
    qtbot.waitUntil(lambda: w.model.rowCount() == 20, timeout=15000)
    w.table.selectAll()
    assert len(w.selected_rows()) == 20
    assert w.role_actions["leader"].isEnabled()
    w.role_actions["leader"].trigger()
    dlg = wait_pin_dialog(qtbot, w)
    assert "20 văn bản" in dlg.findChildren(type(dlg.token_label))[0].text()

    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(w.batch_dialog.done_count if w.batch_dialog else -1))
    timer.start()
    answer_pin(qtbot, dlg)
    qtbot.waitUntil(lambda: w.batch_dialog is not None and w.batch_dialog.isVisible(), timeout=15000)
    bd = w.batch_dialog
    qtbot.waitUntil(lambda: bd.finished_all, timeout=80000)
    timer.stop()

    assert bd.progress_bar.value() == 20 and bd.progress_bar.maximum() == 20
    assert bd.ok_count == 20 and not bd.failures
    assert "20 văn bản đã ký, 0 lỗi" in bd.summary.text()
    # the GUI thread kept running while the token worked
    assert len([t for t in ticks if 0 <= t < 20]) > 0
    for p in paths[:3]:
        assert verify_file(p, trust_roots).valid


def test_wrong_pin_shows_vietnamese_message_and_asks_again(qtbot, make_window, one_doc):
    w = make_window(FolderSource(one_doc, actions={"cv.pdf": "leader"}))
    w.select_rows(["cv.pdf"])
    w.role_actions["leader"].trigger()
    dlg = wait_pin_dialog(qtbot, w)
    assert not dlg.error_label.isVisible()
    answer_pin(qtbot, dlg, "000000")
    again = wait_pin_dialog(qtbot, w, previous=dlg)
    assert again.error_label.isVisible()
    assert again.error_label.text() == messages.tr("token.pin_incorrect") == "Mã PIN không đúng."
    with qtbot.waitSignal(w.signingFinished, timeout=15000):
        again.reject()


def test_final_try_warned_before_the_attempt(qtbot, make_window, one_doc, monkeypatch, module_path, tmp_path):
    """A vendor limit of 3: after two wrong PINs the dialog warns before the third."""
    from kyso.core.tokens import PinFailureLedger, load_module

    mod = load_module(module_path)
    monkeypatch.setattr(mod, "info", replace(mod.info, max_pin_tries=3))
    # The module is process-wide and its ledger path was fixed at first load
    # (an earlier test's KYSO_HOME); give this test a clean count.
    monkeypatch.setattr(mod, "ledger", PinFailureLedger(tmp_path / "pin-failures.json"))
    w = make_window(FolderSource(one_doc, actions={"cv.pdf": "leader"}))
    w.select_rows(["cv.pdf"])
    w.role_actions["leader"].trigger()
    dlg = wait_pin_dialog(qtbot, w)
    assert dlg.tries_label.text() == "Còn 3 lần thử trước khi token bị khóa."
    assert not dlg.warning_label.isVisible()
    answer_pin(qtbot, dlg, "000000")
    dlg2 = wait_pin_dialog(qtbot, w, previous=dlg)
    assert "Còn 2 lần thử" in dlg2.error_label.text()
    assert not dlg2.warning_label.isVisible()
    answer_pin(qtbot, dlg2, "111111")
    dlg3 = wait_pin_dialog(qtbot, w, previous=dlg2)
    assert dlg3.token.final_try
    assert dlg3.warning_label.isVisible()
    assert dlg3.warning_label.text().startswith("Chỉ còn MỘT lần thử")
    assert dlg3.warning_label.styleSheet().startswith("color: #c62828")
    with qtbot.waitSignal(w.signingFinished, timeout=60000) as sig:
        answer_pin(qtbot, dlg3)                            # right PIN on the last try
    assert sig.args[0][0].ok


def test_pin_dialog_states_locked_and_pin_pad(qtbot, make_window):
    w = make_window(None)
    token = w.current_token()
    from kyso.core.tokens import PinStatus

    locked = PinDialog(replace(token, pin_status=PinStatus.LOCKED), token.certificates[0])
    qtbot.addWidget(locked)
    locked.show()
    assert not locked.pin_edit.isEnabled() and not locked.ok_button.isEnabled()
    assert "bị khóa" in locked.tries_label.text()

    pad = PinDialog(replace(token, pin_pad=True), token.certificates[0])
    qtbot.addWidget(pad)
    pad.show()
    assert not pad.pin_edit.isVisible()
    assert pad.pad_label.isVisible() and pad.pad_label.text() == PIN_PAD_TEXT
    assert pad.ok_button.isEnabled()


def test_pin_field_has_input_methods_disabled(qtbot, make_window):
    w = make_window(None)
    token = w.current_token()
    dlg = PinDialog(token, token.certificates[0])
    qtbot.addWidget(dlg)
    dlg.show()
    edit = dlg.pin_edit
    assert edit.echoMode() == edit.EchoMode.Password
    assert not edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    hints = edit.inputMethodHints()
    for h in (Qt.InputMethodHint.ImhHiddenText, Qt.InputMethodHint.ImhSensitiveData,
              Qt.InputMethodHint.ImhNoPredictiveText, Qt.InputMethodHint.ImhNoAutoUppercase):
        assert hints & h
    qtbot.keyClicks(edit, "12")
    # a composing IME (Telex "aa" → "â") cannot alter the PIN
    edit.inputMethodEvent(QInputMethodEvent("", []))
    ev = QInputMethodEvent()
    ev.setCommitString("â")
    from PySide6.QtWidgets import QApplication
    QApplication.sendEvent(edit, ev)
    assert edit.text() == "12"
    # a hook-style IME sending the composed letter as a key is refused, with a hint
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Acircumflex,
                                           Qt.KeyboardModifier.NoModifier, "â"))
    assert edit.text() == "" and edit.rejected_non_ascii == 1
    assert "bộ gõ tiếng Việt" in dlg.error_label.text()
    qtbot.keyClicks(edit, "123456")
    assert dlg.take_pin() == "123456" and edit.text() == ""


def test_quick_filters_and_search(qtbot, make_window, tmp_path):
    folder = tmp_path / "list"
    generate_sample("cong_van", folder / "a.pdf")
    generate_sample("quyet_dinh", folder / "b.pdf")
    generate_sample("cong_van_vp", folder / "c.pdf")
    source = FolderSource(folder, actions={"a.pdf": "leader", "b.pdf": "initial", "c.pdf": "agency"})
    w = make_window(source)
    qtbot.waitUntil(lambda: w.model.rowCount() == 3, timeout=15000)

    def visible():
        return [w.proxy.index(r, 0).data(w.proxy.sortRole() + 1) or
                w.model.row(w.proxy.mapToSource(w.proxy.index(r, 0)).row()) for r in range(w.proxy.rowCount())]

    qtbot.mouseClick(w.filter_buttons["sign"], Qt.MouseButton.LeftButton)
    rows = visible()
    assert [r.doc_id for r in rows] == ["a.pdf"] and rows[0].action == "leader"
    qtbot.mouseClick(w.filter_buttons["initial"], Qt.MouseButton.LeftButton)
    assert [r.doc_id for r in visible()] == ["b.pdf"]
    qtbot.mouseClick(w.filter_buttons["issue"], Qt.MouseButton.LeftButton)
    assert [r.doc_id for r in visible()] == ["c.pdf"]
    qtbot.mouseClick(w.filter_buttons["all"], Qt.MouseButton.LeftButton)
    assert w.proxy.rowCount() == 3

    subjects = {r.doc_id: r.subject for r in w.model.rows()}
    target = subjects["b.pdf"]
    from kyso.gui.documents import _fold
    # a word of b's subject found nowhere in the other rows (search matches every word)
    others = [_fold(" ".join((r.subject, r.number, r.sender, r.doc_type)))
              for r in w.model.rows() if r.doc_id != "b.pdf"]
    word = next(x for x in target.split() if len(x) >= 3 and all(_fold(x) not in o for o in others))
    # typed without diacritics (QTest types ASCII only), key by key
    qtbot.keyClicks(w.search, _fold(word))
    assert [r.doc_id for r in visible()] == ["b.pdf"]
    w.search.clear()
    assert w.proxy.rowCount() == 3
    # with diacritics, as an IME commits it
    w.search.setText(word)
    assert [r.doc_id for r in visible()] == ["b.pdf"]


def test_a_row_clicked_while_the_list_reloads_stays_selected(qtbot, make_window, tmp_path):
    """A sync ends with a reload in the background; the row the person clicks
    meanwhile must still be selected when the new list arrives."""
    folder = tmp_path / "two"
    generate_batch(folder, 2)
    w = make_window(FolderSource(folder))
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=15000)
    w.table.clearSelection()
    doc_id = w.model.row(1).doc_id
    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.reload_documents()                      # the list loads on a pool thread…
        w.select_rows([doc_id])                   # …while the person clicks a row
    assert [r.doc_id for r in w.selected_rows()] == [doc_id]
    assert w.role_actions["leader"].isEnabled()


def test_a_reload_during_the_stamp_preview_keeps_it_and_the_open_page(qtbot, make_window, one_doc):
    """A background sync reloads the list and selects the same document again:
    that is not a new choice. The stamp preview being prepared (or shown) stays,
    and the unchanged page is neither reopened nor verified again."""
    w = make_window(FolderSource(one_doc, actions={"cv.pdf": "leader"}))
    w.select_rows(["cv.pdf"])
    qtbot.waitUntil(lambda: w.view.page_count == 1 and w.signatures.report is not None, timeout=15000)
    verified: list = []
    w.signatures.loaded.connect(verified.append)

    w.role_actions["leader"].trigger()              # the preview is prepared in the background…
    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.reload_documents()                        # …while a sync reloads the list
    qtbot.waitUntil(lambda: w.view.stamp_preview_active and w.view.stamp_box.isVisible(), timeout=15000)
    with qtbot.waitSignal(w.documentsLoaded, timeout=15000):
        w.reload_documents()                        # and again while it is on screen
    assert w.view.stamp_preview_active and w.view.stamp_box.isVisible()
    assert [r.doc_id for r in w.selected_rows()] == ["cv.pdf"]
    qtbot.wait(300)
    assert verified == []                           # the same file: no second verification
    qtbot.mouseClick(w.view.stamp_cancel_button, Qt.MouseButton.LeftButton)


def test_a_deleted_view_leaves_no_pdfium_handle_open(qtbot, tmp_path):
    """A view deleted while its file opens, or with its file open: the handle is
    closed, not dropped for PDFium to find at exit ("still open and will be
    closed now")."""
    from kyso.gui import worker
    from kyso.gui.pdfview import PdfDocumentHandle, PdfView

    generate_sample("cong_van", tmp_path / "cv.pdf", pages=3)
    before = set(PdfDocumentHandle.still_open())
    for _ in range(3):
        view = PdfView()
        view.open(tmp_path / "cv.pdf")
        view.deleteLater()
        del view
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=20000)
    qtbot.waitUntil(lambda: set(PdfDocumentHandle.still_open()) == before, timeout=20000)

    view = PdfView()
    view.open(tmp_path / "cv.pdf")
    qtbot.waitUntil(lambda v=view: v.page_count == 3, timeout=20000)
    assert set(PdfDocumentHandle.still_open()) - before == {tmp_path / "cv.pdf"}
    view.deleteLater()                  # gone without close_document (no closeEvent)
    del view
    qtbot.waitUntil(lambda: set(PdfDocumentHandle.still_open()) == before, timeout=20000)
