"""The desktop client against the REAL reference server (uvicorn on loopback,
realistic Decree 30 PDFs) and real SoftHSM2 tokens, driven through its widgets."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from kyso.core import messages
from kyso.core.verify import verify_file
from kyso.demo.samples import generate_batch, generate_sample, server_pdf_factory
from kyso.gui import worker
from kyso.services.sources import FolderSource
from kyso.services.serversource import SyncSource
from sync.conftest import PASSWORD, TOKEN_LABELS, running_server

from .conftest import answer_pin, wait_pin_dialog

ROLE_OF = {"chanhvp": "initial", "chutich": "leader", "vanthu": "agency"}


pytestmark = pytest.mark.usefixtures("memory_keyring")   # tests/gui/conftest.py


@pytest.fixture
def server(tmp_path, test_pki):
    with running_server(tmp_path / "server", test_pki, pdf_factory=server_pdf_factory) as srv:
        yield srv


@pytest.fixture
def sources(tmp_path):
    made = []

    def make(srv, user):
        src = SyncSource(srv.url, user, tmp_path / f"store-{user}", timeout=(2.0, 20.0))
        src.retry.sleep = lambda _s: None          # offline: give up at once, no back-off waits
        src.login(PASSWORD)
        made.append(src)
        return src

    yield make
    for src in made:
        src.close()


def _close(qtbot, w):
    from kyso.gui.pdfview import PdfDocumentHandle

    store = str(w.source.store.root) if w.source is not None else None
    w.close()
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=30000)
    # a sync that ends after the close reloads the list: the closed window opens nothing
    if store is not None:
        qtbot.waitUntil(lambda: not [p for p in PdfDocumentHandle.still_open() if str(p).startswith(store)],
                        timeout=10000)


def _row_waiting_for(w, role):
    return next((r for r in w.model.rows() if r.action == role), None)


def _accept_issue_dialog_when_shown(w, seen: list):
    """The issue dialog is modal (exec): answer it from a timer, remembering its number."""
    timer = QTimer(w)
    timer.setInterval(50)

    def tick():
        dlg = w.issue_dialog
        if dlg is not None and dlg.isVisible():
            seen.append((dlg.number.text(), dlg.number.isReadOnly()))
            dlg.accept()
            timer.stop()

    timer.timeout.connect(tick)
    timer.start()
    return timer


def test_three_roles_carry_a_server_document_through_the_app(qtbot, make_window, server, sources,
                                                             tmp_path, trust_roots):
    """Reviewer initials, leader signs, clerk issues with the register's number:
    three windows, one per user, each over its own store, each with its token."""
    doc_id = None
    for user, role in ROLE_OF.items():
        src = sources(server, user)
        w = make_window(None, token=None)
        w.set_source(src)
        w.choose_token(TOKEN_LABELS[user])
        qtbot.waitUntil(lambda: _row_waiting_for(w, role) is not None, timeout=20000)
        row = _row_waiting_for(w, role)
        doc_id = doc_id or row.doc_id
        assert row.doc_id == doc_id and row.subject and row.doc_type == "Kế hoạch"
        assert w.sync_status.online and "Trực tuyến" in w.sync_label.text()
        w.select_rows([doc_id])
        qtbot.waitUntil(lambda: w.role_actions[role].isEnabled(), timeout=10000)
        seen: list = []
        timer = _accept_issue_dialog_when_shown(w, seen) if role == "agency" else None
        w.role_actions[role].trigger()
        dlg = wait_pin_dialog(qtbot, w)                    # after the stamp preview
        with qtbot.waitSignal(w.signingFinished, timeout=60000) as sig:
            answer_pin(qtbot, dlg)
        assert sig.args[0][0].ok, sig.args[0][0].error
        if timer is not None:
            assert seen == [("01", True)]                  # from the plan's register, not typed
        # signed into the outbox, then sent by the sync that follows at once
        qtbot.waitUntil(lambda: w._sync_op is None and w.sync_status.waiting_upload == 0
                        and w.sync_status.online and w.sync_status.last_sync is not None, timeout=30000)
        _close(qtbot, w)

    final = tmp_path / "final.pdf"
    final.write_bytes(server.client("vanthu").content(int(doc_id)).data)
    report = verify_file(final, trust_roots)
    assert report.valid and len(report.signatures) == 3, report.to_json()
    assert [next(p for p in ("KysoInitial", "KysoLeader", "KysoAgency") if s.field.startswith(p))
            for s in report.signatures] == ["KysoInitial", "KysoLeader", "KysoAgency"]
    text = subprocess.run(["pdftotext", str(final), "-"], capture_output=True, text=True).stdout
    assert "01/KH-UBND" in text.replace(" ", "")
    meta, _ = server.client("vanthu").document(int(doc_id))
    assert meta["state"] == "issued" and meta["number"] == 1


def test_return_a_server_document_with_a_reason(qtbot, make_window, server, sources):
    """Trả lại on a server document: the source declares it can, the reason is asked
    without a nested event loop, and the server records the return."""
    src = sources(server, "chanhvp")
    w = make_window(None, token=None)
    w.set_source(src)
    w.choose_token("KYSO-REVIEWER")
    qtbot.waitUntil(lambda: _row_waiting_for(w, "initial") is not None and w.sync_status.online, timeout=20000)
    doc_id = _row_waiting_for(w, "initial").doc_id
    w.select_rows([doc_id])
    qtbot.waitUntil(w.return_action.isEnabled, timeout=10000)
    w.return_action.trigger()
    qtbot.waitUntil(lambda: w.return_dialog is not None and w.return_dialog.isVisible(), timeout=10000)
    w.return_dialog.setTextValue("Sai thể thức: thiếu nơi nhận")
    with qtbot.waitSignal(w.documentsReturned, timeout=20000) as sig:
        w.return_dialog.accept()
    assert sig.args[0] == [doc_id]
    meta, _etag = server.client("chanhvp").document(int(doc_id))
    assert meta["state"] == "returned"
    qtbot.waitUntil(lambda: _row_waiting_for(w, "initial") is None, timeout=20000)
    _close(qtbot, w)


def test_offline_signing_is_queued_then_sent_once(qtbot, make_window, server, sources):
    src = sources(server, "chanhvp")
    w = make_window(None, token=None)
    w.set_source(src)
    w.choose_token("KYSO-REVIEWER")
    qtbot.waitUntil(lambda: _row_waiting_for(w, "initial") is not None and w.sync_status.online, timeout=20000)
    doc_id = _row_waiting_for(w, "initial").doc_id

    server.stop()                                          # the network is gone
    w.select_rows([doc_id])
    qtbot.waitUntil(lambda: w.role_actions["initial"].isEnabled(), timeout=10000)
    w.role_actions["initial"].trigger()
    dlg = wait_pin_dialog(qtbot, w)
    with qtbot.waitSignal(w.signingFinished, timeout=60000) as sig:
        answer_pin(qtbot, dlg)
    assert sig.args[0][0].ok
    qtbot.waitUntil(lambda: w._sync_op is None and w.sync_status.online is False, timeout=30000)
    assert w.sync_status.waiting_upload == 1
    assert "Ngoại tuyến" in w.sync_label.text() and "chờ gửi: 1" in w.sync_label.text()
    assert "Không kết nối được máy chủ" in w.sync_label.toolTip()
    # the reason follows a language switch: the status keeps the error, not its words
    from kyso.core import messages
    from kyso.gui import i18n

    try:
        i18n.install_translator(None, "en")
        qtbot.waitUntil(lambda: "Offline" in w.sync_label.text(), timeout=5000)
        assert "Cannot reach the server" in w.sync_label.toolTip()
    finally:
        i18n.install_translator(None, "vi")
        messages.set_language("vi")
    qtbot.waitUntil(lambda: "Ngoại tuyến" in w.sync_label.text(), timeout=5000)
    assert "Không kết nối được máy chủ" in w.sync_label.toolTip()
    qtbot.waitUntil(lambda: w.model.rowCount() == 1 and w.model.row(0).status.startswith("Đã ký, chờ gửi"),
                    timeout=10000)

    server.start()
    with qtbot.waitSignal(w.syncFinished, timeout=30000):
        w.sync_action.trigger()                             # "Đồng bộ"
    qtbot.waitUntil(lambda: w._sync_op is None, timeout=30000)
    assert w.sync_status.online and w.sync_status.waiting_upload == 0
    assert "Trực tuyến" in w.sync_label.text() and "chờ gửi: 0" in w.sync_label.text()
    versions = server.client("chanhvp").versions(int(doc_id))
    assert len(versions) == 2                               # the draft and exactly one upload
    w.sync_now()                                            # syncing again sends nothing more
    qtbot.waitUntil(lambda: w._sync_op is None, timeout=30000)
    assert len(server.client("chanhvp").versions(int(doc_id))) == 2
    _close(qtbot, w)


def test_conflict_is_shown_and_resolved_with_the_server_copy(qtbot, make_window, server, sources, tmp_path,
                                                            softhsm):
    """Signed offline here while the same document moved on elsewhere: a 412 on upload.
    "Xung đột" lists it; opening it offers the server's copy or a look at mine."""
    from kyso.core import tokens
    from support.roles import options_for_role
    from kyso.sync.actions import sign_from_store
    from kyso.sync.engine import Sync
    from kyso.sync.store import Store

    src = sources(server, "chanhvp")
    w = make_window(None, token=None)
    w.set_source(src)
    w.choose_token("KYSO-REVIEWER")
    qtbot.waitUntil(lambda: _row_waiting_for(w, "initial") is not None and w.sync_status.online, timeout=20000)
    doc_id = _row_waiting_for(w, "initial").doc_id
    w.sync_timer.stop()
    server.stop()
    w.select_rows([doc_id])
    qtbot.waitUntil(lambda: w.role_actions["initial"].isEnabled(), timeout=10000)
    w.role_actions["initial"].trigger()
    with qtbot.waitSignal(w.signingFinished, timeout=60000):
        answer_pin(qtbot, wait_pin_dialog(qtbot, w))
    qtbot.waitUntil(lambda: w._sync_op is None and w.sync_status.waiting_upload == 1, timeout=30000)

    # meanwhile the same reviewer, on another computer, initials and sends first
    server.start()
    with Store(tmp_path / "other-pc") as other, tokens.open_token(softhsm.module_path, "KYSO-REVIEWER") as s:
        s.login(softhsm.user_pin)
        engine = Sync(other, server.client("chanhvp"))
        engine.sync()
        sign_from_store(other, int(doc_id), s.signer(s.certificate()), options_for_role("initial"))
        assert engine.push().sent

    offered = []
    w.conflictOffered.connect(offered.append)
    with qtbot.waitSignal(w.syncFinished, timeout=30000):
        w.sync_now()
    assert w.sync_status.conflicts == 1 and "xung đột: 1" in w.sync_label.text()
    qtbot.mouseClick(w.filter_buttons["conflicts"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.proxy.rowCount() == 1, timeout=10000)
    w.table.clearSelection()
    w.select_rows([doc_id])
    qtbot.waitUntil(lambda: bool(offered), timeout=10000)
    box = offered[0]
    labels = {b.text() for b in box.buttons()}
    assert {"Dùng bản trên máy chủ", "Giữ bản của tôi để xem"} <= labels
    with qtbot.waitSignal(w.syncFinished, timeout=30000):
        box.buttonClicked.emit(w.use_server_button)
        box.close()
    assert w.sync_status.conflicts == 0 and w.sync_status.waiting_upload == 0
    qtbot.waitUntil(lambda: w.proxy.rowCount() == 0, timeout=10000)   # nothing left in "Xung đột"
    _close(qtbot, w)


def test_token_removed_mid_batch_keeps_the_signed_and_fails_the_rest(qtbot, make_window, tmp_path,
                                                                      monkeypatch, trust_roots):
    """A USB token cannot be pulled in CI: the removal is injected where the core
    reports it, as ``TokenRemoved`` from ``TokenSigner._sign_on_token`` (the call the
    module thread makes for each signature), on the fourth document."""
    from kyso.core.errors import TokenRemoved
    from kyso.core.tokens import TokenSigner

    folder = tmp_path / "batch"
    paths = generate_batch(folder, 6)
    before = {p: p.read_bytes() for p in paths}
    real = TokenSigner._sign_on_token
    calls = []

    def pulled_on_fourth(self, *args, **kwargs):
        calls.append(1)
        if len(calls) >= 4:
            raise TokenRemoved()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TokenSigner, "_sign_on_token", pulled_on_fourth)
    w = make_window(FolderSource(folder))
    qtbot.waitUntil(lambda: w.model.rowCount() == 6, timeout=15000)
    w.table.selectAll()
    w.role_actions["leader"].trigger()
    answer_pin(qtbot, wait_pin_dialog(qtbot, w))
    qtbot.waitUntil(lambda: w.batch_dialog is not None and w.batch_dialog.finished_all, timeout=60000)
    bd = w.batch_dialog
    assert bd.ok_count == 3 and len(bd.failures) == 3
    assert bd.failures[0].error.message == messages.tr("token.removed")
    assert "rút ra" in bd.failures[0].error.message
    for f in bd.failures[1:]:
        assert f.error.message.startswith("Chưa ký vì lỗi token ở văn bản trước")
    assert "3 văn bản đã ký, 3 lỗi" in bd.summary.text()
    signed = [p for p in paths if p.read_bytes() != before[p]]
    assert len(signed) == 3                                 # the first three are kept, signed
    for p in signed:
        assert verify_file(p, trust_roots).valid
    assert all(p.read_bytes() == before[p] for p in paths if p not in signed)
    assert bd.table.item(3, 1).text().startswith("✘ Token đã bị rút ra")


def _drag(widget, start, delta):
    """Press, move and release the left button on ``widget`` (local coordinates)."""
    def send(kind, pos, buttons):
        local = QPointF(pos)
        ev = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(local.toPoint())),
                         Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton,
                         buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, ev)

    send(QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    for k in range(1, 6):
        send(QEvent.Type.MouseMove, start + delta * (k / 5), Qt.MouseButton.LeftButton)
    send(QEvent.Type.MouseButtonRelease, start + delta, Qt.MouseButton.NoButton)


def _sig_rect(pdf_path):
    import pikepdf

    with pikepdf.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/FT") == "/Sig":
                    return [float(v) for v in annot.Rect]
    raise AssertionError("no signature widget")


def test_dragging_the_stamp_preview_moves_the_signature(qtbot, make_window, tmp_path, trust_roots):
    folder = tmp_path / "one"
    generate_sample("cong_van", folder / "cv.pdf")
    w = make_window(FolderSource(folder, actions={"cv.pdf": "leader"}))
    w.select_rows(["cv.pdf"])
    qtbot.waitUntil(lambda: w.view.current_image is not None, timeout=15000)
    shown = []
    w.previewShown.connect(shown.append)
    w.role_actions["leader"].trigger()
    qtbot.waitUntil(lambda: w.view.stamp_box.isVisible(), timeout=15000)
    auto = shown[0]
    assert auto.found and w.view.stamp_placement() == (auto.page, auto.box)
    assert not w.role_actions["leader"].isEnabled()        # one action at a time

    box = w.view.stamp_box
    g0 = box.geometry()
    _drag(box, QPointF(g0.width() / 2, g0.height() / 2), QPointF(-80, -50))     # move left and up
    assert box.geometry().topLeft() != g0.topLeft()
    _drag(box, QPointF(box.width() - 3, box.height() - 3), QPointF(20, 10))    # a bit larger
    page, moved = w.view.stamp_placement()
    assert page == auto.page
    assert moved.x < auto.box.x - 20 and moved.y > auto.box.y + 10
    assert moved.w > auto.box.w

    qtbot.mouseClick(w.view.stamp_confirm_button, Qt.MouseButton.LeftButton)
    dlg = wait_pin_dialog(qtbot, w)
    with qtbot.waitSignal(w.signingFinished, timeout=60000) as sig:
        answer_pin(qtbot, dlg)
    assert sig.args[0][0].ok
    x1, y1, x2, y2 = _sig_rect(folder / "cv.pdf")          # this sample: displayed == user space
    assert abs(x1 - moved.x) < 1.0 and abs(y1 - moved.y) < 1.0
    assert abs((x2 - x1) - moved.w) < 1.0 and abs((y2 - y1) - moved.h) < 1.0
    assert abs(x1 - auto.box.x) > 20                       # not where placement would have put it
    assert verify_file(folder / "cv.pdf", trust_roots).valid
    # the chosen box is kept for this document and role
    assert w.remembered_placement("cv.pdf", "leader").box == moved


def _submitted_document(server, subject: str) -> int:
    """A second công văn, drafted, uploaded and submitted through the server's API."""
    import uuid

    import requests
    from server.helpers import UBND_DOC

    def headers(user: str, **extra) -> dict:
        return {"Authorization": f"Bearer {server.client(user).token}", **extra}

    api = f"{server.url}/api/v1"
    units = requests.get(f"{api}/units", headers=headers("chuyenvien"), timeout=20).json()
    body = {**UBND_DOC, "subject": subject,
            "drafting_unit_id": next(u["id"] for u in units if u["code"] == "phuly-tp")}
    r = requests.post(f"{api}/documents", json=body, headers=headers("chuyenvien"), timeout=20)
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    r = requests.post(f"{api}/documents/{doc_id}/versions", data=server_pdf_factory(subject, "Công văn"),
                      headers=headers("chuyenvien", **{"Idempotency-Key": uuid.uuid4().hex,
                                                       "Content-Type": "application/pdf"}), timeout=20)
    assert r.status_code == 201, r.text
    r = requests.post(f"{api}/documents/{doc_id}/submit", headers=headers("truongphong"), timeout=20)
    assert r.status_code == 200, r.text
    return doc_id


def test_batch_issuance_gives_each_document_its_own_register_number(qtbot, make_window, server, sources,
                                                                     softhsm, tmp_path, trust_roots):
    """The clerk selects three documents the leader signed and issues them at once:
    each gets the next number of its own register, in the list's order (the plan
    01/KH-UBND; the two công văn 607/UBND-VP and 608/UBND-VP), printed in its PDF."""
    from kyso.core import tokens
    from support.roles import options_for_role

    for subject in ("V/v tăng cường sử dụng chữ ký số trong gửi, nhận văn bản điện tử",
                    "V/v rà soát văn bản giấy chưa ký số năm 2026"):
        _submitted_document(server, subject)
    # the reviewer and the leader, through the sync client with their SoftHSM2 tokens
    for user, role in (("chanhvp", "initial"), ("chutich", "leader")):
        src = sources(server, user)
        src.sync()
        waiting = [r.doc_id for r in src.list_documents() if r.action == role]
        assert len(waiting) == 3, (user, src.list_documents())
        session = tokens.open_token(softhsm.module_path, TOKEN_LABELS[user])
        try:
            session.login(softhsm.user_pin)
            signer = session.signer(session.certificate())
            for doc_id in waiting:
                src.sign_job(signer, doc_id, options_for_role(role))
        finally:
            session.close()
        assert src.sync().waiting_upload == 0

    src = sources(server, "vanthu")
    w = make_window(None, token=None)
    w.set_source(src)
    w.choose_token(TOKEN_LABELS["vanthu"])
    qtbot.waitUntil(lambda: len([r for r in w.model.rows() if r.action == "agency"]) == 3, timeout=20000)
    w.select_rows([r.doc_id for r in w.model.rows() if r.action == "agency"])
    rows = w.selected_rows()                                # the list's order decides the numbers
    cong_van = iter(("607", "608"))
    expected = ["01/KH-UBND" if r.doc_type == "Kế hoạch" else f"{next(cong_van)}/UBND-VP" for r in rows]
    qtbot.waitUntil(lambda: w.role_actions["agency"].isEnabled(), timeout=10000)
    w.role_actions["agency"].trigger()
    qtbot.waitUntil(lambda: w.issue_dialog is not None, timeout=20000)
    dlg = w.issue_dialog
    assert dlg.number.isReadOnly() and dlg.number.text() == ", ".join(e.split("/")[0] for e in expected)
    assert dlg.note.text() == ("Số lấy từ sổ đăng ký cho 3 văn bản, theo thứ tự trong danh sách: "
                               + ", ".join(expected) + ".")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    answer_pin(qtbot, wait_pin_dialog(qtbot, w))
    qtbot.waitUntil(lambda: w.batch_dialog is not None and w.batch_dialog.finished_all, timeout=60000)
    assert w.batch_dialog.ok_count == 3 and not w.batch_dialog.failures
    qtbot.waitUntil(lambda: w._sync_op is None and w.sync_status.waiting_upload == 0
                    and w.sync_status.last_sync is not None, timeout=30000)

    for row, printed in zip(rows, expected):
        meta, _ = server.client("vanthu").document(int(row.doc_id))
        assert meta["state"] == "issued" and meta["number"] == int(printed.split("/")[0]), meta
        final = tmp_path / f"{row.doc_id}.pdf"
        final.write_bytes(server.client("vanthu").content(int(row.doc_id)).data)
        report = verify_file(final, trust_roots)
        assert report.valid and len(report.signatures) == 3, report.to_json()
        text = subprocess.run(["pdftotext", str(final), "-"], capture_output=True, text=True).stdout
        assert printed in text.replace(" ", ""), text[:400]
    _close(qtbot, w)
