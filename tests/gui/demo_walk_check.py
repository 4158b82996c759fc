"""Walk the whole path inside the GUI demo (``kyso.demo.gui.build_gui_demo``)
through its widgets, in a process of its own (SoftHSM2 reads its configuration
once per process; see demo_gui_check.py).

As chanhvp: click the submitted plan in the list, "Ký nháy", confirm the stamp
preview, type the PIN, wait until the initialled document is synced up. Switch
(the role switcher, by keyboard) to chutich: the plan waits for "Ký số"; sign
the same way. Switch to vanthu: "Cấp số & đóng dấu", the issue dialog shows
the number reserved from the register, "Đồng ý", PIN, synced. Then the server's
final PDF is checked with ``kyso.core.verify.verify_file`` (the demo root
trusted), poppler's ``pdfsig`` and ``qpdf --check``. Prints one JSON line
(``DEMO-WALK {...}``) with what it saw; tests/gui/test_demo_gui.py asserts it.

    python tests/gui/demo_walk_check.py WORK_DIR [--shots DIR]

With ``--shots DIR`` it also saves one PNG per step as DIR/demo-step-N-....png
(the whole window, 1440x880; a dialog is drawn over it where it opened, with
its title: neither offscreen nor a bare Xvfb has a window manager to frame it).
docs/screenshots/demo-step-*.png were made under Xvfb with:

    KYSO_FONT=bundled QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python tests/gui/demo_walk_check.py /tmp/kyso-walk --shots docs/screenshots
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from pathlib import Path


from eventloop import settle, wait_until     # the script's folder is on sys.path


class Step(Exception):
    """A step of the walk did not happen: the JSON line says which."""


def _small_png(path: Path) -> None:
    """256 colours, no dithering: a window shot stays sharp at a third of the size."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main(argv: list[str]) -> int:
    work = Path(argv[0])
    shots = Path(argv[argv.index("--shots") + 1]) if "--shots" in argv else None
    t0 = time.monotonic()
    # like ``kyso demo`` (kyso.cli.setup_logging): warnings are not for the terminal; pyHanko warns
    # with a traceback when the pre-signing check meets earlier signatures without trust roots
    logging.basicConfig(level=logging.ERROR)

    from kyso.demo.gui import PASSWORD, PIN, ROLES, build_gui_demo

    demo = build_gui_demo(work)

    from PySide6.QtCore import QPoint, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPen
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLabel, QToolBar

    from kyso.core.verify import load_certificates, verify_file
    from kyso.gui.documents import INITIAL, ISSUE, SIGN
    from kyso.sync.api import ServerClient

    app = QApplication.instance()
    w = demo.window
    seen: dict = {"build_s": round(time.monotonic() - t0, 1), "steps": [], "shots": []}
    step_no = [0]

    def check(name: str, ok, **details) -> None:
        seen["steps"].append({"step": name, "ok": bool(ok), **details})
        if not ok:
            raise Step(name)

    def shot(slug: str, dialog=None) -> None:
        step_no[0] += 1
        if shots is None:
            return
        settle(app, 0.5)
        image = w.grab()
        if dialog is not None:
            _draw_dialog(image, dialog)
        shots.mkdir(parents=True, exist_ok=True)
        path = shots / f"demo-step-{step_no[0]}-{slug}.png"
        image.save(str(path))
        _small_png(path)
        seen["shots"].append(path.name)

    def _draw_dialog(image, dialog) -> None:
        """The dialog where it opened over the window (global geometry), with a
        title bar and a shadow: offscreen and a bare Xvfb have no window manager."""
        dlg = dialog.grab()
        dpr = image.devicePixelRatio() or 1.0
        pos = dialog.geometry().topLeft() - w.geometry().topLeft()
        title_h = 26
        x = min(max(pos.x(), 8), int(image.width() / dpr) - dlg.width() - 8)
        y = min(max(pos.y(), title_h + 8), int(image.height() / dpr) - dlg.height() - 8)
        p = QPainter(image)
        p.fillRect(QRect(0, 0, int(image.width() / dpr), int(image.height() / dpr)), QColor(0, 0, 0, 60))
        for k in range(6, 0, -1):       # a soft shadow
            p.fillRect(QRect(x - k + 4, y - title_h - k + 6, dlg.width() + 2 * k, dlg.height() + title_h + 2 * k),
                       QColor(0, 0, 0, 14))
        p.fillRect(QRect(x, y - title_h, dlg.width(), title_h), QColor("#3c4a5c"))
        f = QFont(p.font())
        f.setBold(True)
        p.setFont(f)
        p.setPen(QColor("white"))
        p.drawText(QRect(x + 10, y - title_h, dlg.width() - 20, title_h),
                   int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), dialog.windowTitle())
        p.drawPixmap(QPoint(x, y), dlg)
        p.setPen(QPen(QColor("#3c4a5c"), 1))
        p.drawRect(QRect(x, y - title_h, dlg.width() - 1, dlg.height() + title_h - 1))
        p.end()

    def click(widget, pos=None) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         pos if pos is not None else widget.rect().center())

    def toolbar_button(action):
        return w.findChild(QToolBar, "roles").widgetForAction(action)

    def row_waiting(role):
        return next((r for r in w.model.rows() if r.action == role), None)

    def click_row(doc_id) -> None:
        """Click the document's line in the list (the trích yếu column)."""
        i = next(k for k, r in enumerate(w.model.rows()) if r.doc_id == doc_id)
        index = w.proxy.mapFromSource(w.model.index(i, 1))
        w.table.scrollTo(index)
        click(w.table.viewport(), w.table.visualRect(index).center())

    def switch_to(user: str) -> None:
        """The role switcher, by keyboard, as a person would: focus it and press Down."""
        target = demo.users.index(user)
        demo.switcher.setFocus()
        while demo.switcher.currentIndex() < target:
            QTest.keyClick(demo.switcher, Qt.Key.Key_Down)
        label = ROLES[target][2]
        ok = wait_until(app, lambda: w.source is demo.sources[user] and w.current_token() is not None
                        and w.current_token().label == label and w.sync_status is not None
                        and w.sync_status.last_sync is not None and w._sync_op is None, 40)
        check(f"{user}: switched, token {label}, synced", ok)

    def rendered() -> bool:
        v = w.view
        img = v.current_image
        if img is None or v.page_count == 0:
            return False
        dpr = v.devicePixelRatioF() or 1.0
        return abs(img.width() / dpr - v._doc.page_sizes[v.page][0] * v.zoom) < 3

    def fit() -> None:
        """"↔" (fit the width): the whole page."""
        if not w.view.fit_button.isChecked():
            click(w.view.fit_button)
        wait_until(app, rendered, 10)

    def zoom_on(*boxes, down_to: float | None = None) -> None:
        """"+" up to 100 %, then scroll the stamps (displayed points) to the middle of the
        height, the page to the middle of the width. Again if the page was reopened meanwhile
        (the list reloads after a sync). ``down_to``: also keep the page from this many points
        below its top edge in sight (the number and date lines of the header)."""
        v = w.view
        for _ in range(5):
            while v.zoom < 1.0 - 1e-3:
                click(v.zoom_in_button)
            wait_until(app, rendered, 10)
            app.processEvents()
            pix = v.page_label.pixmap()
            if pix is None or pix.isNull() or not boxes:
                return
            dpr = pix.devicePixelRatio() or 1.0
            pw, ph = v._doc.page_sizes[v.page]
            size = pix.size() / dpr
            rect = QRect((v.page_label.width() - size.width()) // 2, (v.page_label.height() - size.height()) // 2,
                         size.width(), size.height())
            scale = size.width() / pw
            xs = [b.x for b in boxes] + [b.x + b.w for b in boxes]
            ys = [b.y for b in boxes] + [b.y + b.h for b in boxes]
            if down_to is not None:
                ys.append(ph - down_to)
            cy = rect.top() + (ph - (min(ys) + max(ys)) / 2) * scale
            vp = v.scroll.viewport()
            v.scroll.ensureVisible(rect.center().x(), int(cy), vp.width() // 2, vp.height() // 2)
            # then the least horizontal move that shows every stamp whole
            sx = rect.left() + (min(xs) + max(xs)) / 2 * scale
            v.scroll.ensureVisible(int(sx), int(cy), int((max(xs) - min(xs)) / 2 * scale) + 16,
                                   vp.height() // 2)
            where = (v.scroll.horizontalScrollBar().value(), v.scroll.verticalScrollBar().value(),
                     id(v.current_image))
            settle(app, 0.8)
            if where == (v.scroll.horizontalScrollBar().value(), v.scroll.verticalScrollBar().value(),
                         id(v.current_image)):
                return

    def placed(*roles):
        return [p.box for p in (w.remembered_placement(doc_id, r) for r in roles) if p is not None]

    def shown_signatures(n: int) -> bool:
        rep = w.signatures.report
        return w.view.current_image is not None and rep is not None and len(rep.signatures) == n

    def server_state(doc_id) -> dict:
        client = ServerClient(demo.server.url)
        client.login("vanthu", PASSWORD)
        meta, _ = client.document(int(doc_id))
        return {"state": meta.get("state"), "number": meta.get("number"),
                "versions": len(client.versions(int(doc_id)))}

    def sign_as(user: str, role: str, doc_id, slugs: dict) -> dict:
        """Click the role's button, confirm the stamp, (issue dialog), PIN, then synced up."""
        t = time.monotonic()
        ok = wait_until(app, lambda: w.role_actions[role].isEnabled(), 15)
        check(f"{user}: '{w.role_actions[role].text()}' enabled", ok)
        click(toolbar_button(w.role_actions[role]))
        ok = wait_until(app, lambda: w.view.stamp_box.isVisible() and w.view.stamp_preview_active, 20)
        check(f"{user}: stamp preview shown", ok)
        if "preview" in slugs:
            zoom_on(w.view.stamp_placement()[1])
            check(f"{user}: stamp preview in sight", w.view.stamp_box.isVisible()
                  and w.view.stamp_box.visibleRegion().boundingRect().size() == w.view.stamp_box.size())
            shot(slugs["preview"])
        click(w.view.stamp_confirm_button)
        reserved = None
        if role == ISSUE:
            ok = wait_until(app, lambda: w.issue_dialog is not None and w.issue_dialog.isVisible(), 20)
            check(f"{user}: issue dialog shown", ok)
            dlg = w.issue_dialog
            reserved = {"number": dlg.number.text(), "read_only": dlg.number.isReadOnly(),
                        "note": next((lab.text() for lab in dlg.findChildren(QLabel)
                                      if "sổ đăng ký" in lab.text()), "")}
            check(f"{user}: number reserved from the register", reserved["number"].isdigit()
                  and reserved["read_only"] and "Số lấy từ sổ đăng ký" in reserved["note"], **reserved)
            shot(slugs["issue"], dlg)
            click(dlg.ok_button)
        ok = wait_until(app, lambda: w.flow is not None and w.flow.dialog is not None
                        and w.flow.dialog.isVisible(), 30)
        check(f"{user}: PIN dialog shown", ok)
        dlg = w.flow.dialog
        QTest.keyClicks(dlg.pin_edit, PIN)
        check(f"{user}: PIN typed", len(dlg.pin_edit.text()) == len(PIN))
        if "pin" in slugs:
            shot(slugs["pin"], dlg)
        results: list = []
        w.signingFinished.connect(results.append)
        click(dlg.ok_button)
        ok = wait_until(app, lambda: bool(results), 60)
        w.signingFinished.disconnect(results.append)
        signed = ok and bool(results[0]) and results[0][0].ok
        check(f"{user}: signed", signed,
              error=None if signed or not ok or not results[0] else str(results[0][0].error))
        ok = wait_until(app, lambda: w.flow is None and w._sync_op is None and w.sync_status.online
                        and w.sync_status.waiting_upload == 0, 30)
        check(f"{user}: synced up", ok)
        return {"s": round(time.monotonic() - t, 1), "reserved": reserved, "server": server_state(doc_id)}

    try:
        w.resize(1440, 880)
        # room for the page and for the signers' names (the splitter, as one would drag it)
        w.view.parentWidget().setSizes([520, 330])
        # 1. the reviewer's inbox: the submitted plan waits for the initial
        ok = wait_until(app, lambda: w.current_token() is not None and w.current_token().label == ROLES[0][2]
                        and row_waiting(INITIAL) is not None and w._sync_op is None, 40)
        check("chanhvp: the plan waits for 'Ký nháy'", ok)
        row = row_waiting(INITIAL)
        doc_id = row.doc_id
        seen["document"] = {"id": doc_id, "subject": row.subject, "type": row.doc_type,
                            "server_before": server_state(doc_id)}
        click_row(doc_id)
        ok = wait_until(app, lambda: w.current_doc is not None and w.current_doc.doc_id == doc_id
                        and shown_signatures(0), 20)
        check("chanhvp: plan opened", ok)
        shot("reviewer-inbox")

        # 2-4. ký nháy
        seen["initial"] = sign_as("chanhvp", INITIAL, doc_id, {"preview": "initial-stamp-preview",
                                                                 "pin": "pin-dialog"})
        ok = wait_until(app, lambda: shown_signatures(1), 30)
        rep = w.signatures.report
        check("chanhvp: the initial is shown, valid", ok and rep.valid)
        zoom_on(*placed(INITIAL))
        shot("initialled")

        # 5-6. ký số
        switch_to("chutich")
        ok = wait_until(app, lambda: row_waiting(SIGN) is not None and row_waiting(SIGN).doc_id == doc_id, 20)
        check("chutich: the plan waits for 'Ký số'", ok)
        click(w.filter_buttons["sign"])                   # "Chờ ký số": the plan is there
        ok = wait_until(app, lambda: w.proxy.rowCount() == 1, 10)
        check("chutich: 'Chờ ký số' lists the plan", ok, rows=w.proxy.rowCount())
        click_row(doc_id)
        ok = wait_until(app, lambda: w.current_doc is not None and w.current_doc.doc_id == doc_id
                        and shown_signatures(1), 20)
        check("chutich: plan opened with the initial", ok and w.signatures.report.valid)
        fit()
        shot("leader-inbox")
        seen["leader"] = sign_as("chutich", SIGN, doc_id, {})
        click(w.filter_buttons["all"])                    # "Tất cả", the plan selected again
        click_row(doc_id)
        ok = wait_until(app, lambda: shown_signatures(2) and bool(w.selected_rows()), 30)
        check("chutich: two valid signatures shown", ok and w.signatures.report.valid)
        zoom_on(*placed(INITIAL, SIGN))
        shot("leader-signed")

        # 7-8. cấp số & đóng dấu
        switch_to("vanthu")
        ok = wait_until(app, lambda: row_waiting(ISSUE) is not None and row_waiting(ISSUE).doc_id == doc_id, 20)
        check("vanthu: the plan waits for 'Cấp số & đóng dấu'", ok)
        # right after the switch, the plan the leader just signed is still the one selected
        ok = wait_until(app, lambda: [r.doc_id for r in w.selected_rows()] == [doc_id]
                        and w.role_actions[ISSUE].isEnabled(), 20)
        check("vanthu: the plan is still selected, 'Cấp số & đóng dấu' enabled", ok)
        from kyso.core import settings as user_settings

        check("vanthu: Cài đặt shows the active role's user", user_settings.load().username == "vanthu")
        click_row(doc_id)
        ok = wait_until(app, lambda: w.current_doc is not None and w.current_doc.doc_id == doc_id
                        and shown_signatures(2), 20)
        check("vanthu: plan opened with two signatures", ok)
        fit()
        seen["issue"] = sign_as("vanthu", ISSUE, doc_id, {"issue": "clerk-issue-dialog"})
        ok = wait_until(app, lambda: shown_signatures(3), 30)
        check("vanthu: three valid signatures shown", ok and w.signatures.report.valid,
              verdicts=[w.signatures.tree.topLevelItem(i).text(0)
                        for i in range(w.signatures.tree.topLevelItemCount())])
        zoom_on(*placed(INITIAL, SIGN, ISSUE), down_to=95)     # and "Số: 01/KH-UBND", the date
        shot("issued")

        # the server's final PDF, by three verifiers
        client = ServerClient(demo.server.url)
        client.login("vanthu", PASSWORD)
        final = work / "final.pdf"
        final.write_bytes(client.content(int(doc_id)).data)
        roots = load_certificates([work / "pki" / "ca" / "root.pem"])
        report = verify_file(final, roots)
        seen["verify"] = {"valid": report.valid, "count": len(report.signatures),
                          "fields": [s.field for s in report.signatures]}
        pdfsig = subprocess.run(["pdfsig", str(final)], capture_output=True, text=True)
        seen["pdfsig"] = {"rc": pdfsig.returncode,
                          "signatures": pdfsig.stdout.count("Signature Validation:"),
                          "valid": pdfsig.stdout.count("Signature is Valid")}
        qpdf = subprocess.run(["qpdf", "--check", str(final)], capture_output=True, text=True)
        seen["qpdf"] = {"rc": qpdf.returncode, "clean": "No syntax or stream encoding errors found" in qpdf.stdout}
        text = subprocess.run(["pdftotext", str(final), "-"], capture_output=True, text=True).stdout
        seen["number_in_text"] = f"{seen['issue']['reserved']['number']}/KH-UBND" in text.replace(" ", "")
        seen["done"] = True
    except Step:
        seen["done"] = False
    finally:
        demo.close()
        from kyso.gui import worker
        wait_until(app, lambda: worker.running() == 0, 30)
    seen["total_s"] = round(time.monotonic() - t0, 1)
    print("DEMO-WALK " + json.dumps(seen, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
