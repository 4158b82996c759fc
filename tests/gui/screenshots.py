"""Screenshots of the GUI with real SoftHSM2 tokens: ``python tests/gui/screenshots.py OUT_DIR``.

Run under Xvfb for the real window system (``xvfb-run -a`` with
QT_QPA_PLATFORM=xcb), or offscreen; QT_SCALE_FACTOR=1.5 shows 150 % scaling.
Not a test (no test_ prefix): a tool to look at the GUI.
"""

from __future__ import annotations

import os
import sys

from kyso.core.messages import tr
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import eventloop     # beside this script, on sys.path when it runs
from eventloop import wait_for


def main(out: Path, suffix: str = "") -> None:
    work = Path(tempfile.mkdtemp(prefix="kyso-shots-"))
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":   # not under Xvfb (xcb)
        os.environ["QT_QPA_PLATFORM"] = eventloop.offscreen_full_hd(work)
    os.environ["KYSO_HOME"] = str(work / "home")
    os.environ["KYSO_FONT"] = "bundled"
    from kyso.demo.pki import build_test_pki
    from kyso.demo.softhsm import create_softhsm_tokens

    pki = build_test_pki(work / "pki", "http://127.0.0.1:9")
    setup = create_softhsm_tokens(work / "softhsm", {"KYSO-LEADER": [pki.identities["leader"]]},
                                  "123456", "12345678", ca_certs=[pki.intermediate_cert_der])
    os.environ.update(setup.env)


    from kyso.core.signing import sign_document
    from kyso.core.tokens import open_token
    from kyso.core.verify import load_certificates
    from kyso.demo.samples import generate_batch, generate_sample
    from kyso.gui.app import make_application
    from kyso.services.sources import FolderSource
    from kyso.gui.mainwindow import MainWindow
    from kyso.gui.pindialog import PinDialog
    from support.roles import options_for_role

    app = make_application(["kyso-screenshots"])

    def wait(pred, timeout=30.0):
        wait_for(app, pred, timeout)

    docs = work / "docs"
    generate_sample("cong_van", docs / "cong-van-phu-ly.pdf")
    generate_sample("quyet_dinh", docs / "quyet-dinh-luc-nam.pdf")
    generate_sample("cong_van_vp", docs / "cong-van-dong-da.pdf")
    generate_sample("cong_van", docs / "draft.pdf")
    # one document already signed by the leader (so a stamp is on show)
    with open_token(setup.module_path, "KYSO-LEADER") as session:
        session.login("123456")
        signer = session.signer(session.certificate())
        tmp = docs / "signed.tmp"
        sign_document(signer, docs / "cong-van-phu-ly.pdf", tmp, options_for_role("leader"))
        os.replace(tmp, docs / "cong-van-phu-ly.pdf")
    (docs / "draft.pdf").unlink()
    source = FolderSource(docs, actions={"quyet-dinh-luc-nam.pdf": "initial",
                                         "cong-van-dong-da.pdf": "leader"})
    roots = load_certificates([pki.root_cert_path])
    w = MainWindow(source, modules=[str(setup.module_path)], trust_roots=roots)
    w.resize(1500, 900)
    w.show()
    wait(lambda: w.model.rowCount() == 3 and bool(w.tokens))
    w.select_rows(["cong-van-phu-ly.pdf"])
    wait(lambda: w.view.current_image is not None and w.signatures.report is not None)
    w.view.go_to_page(w.view.page_count - 1)
    wait(lambda: w.view.page == w.view.page_count - 1 and w.view.current_image is not None)
    w.view.fit_width()
    wait(lambda: w.view.current_image is not None)
    time.sleep(0.3)
    app.processEvents()
    # scroll to the signature block (lower half of the page)
    bar = w.view.scroll.verticalScrollBar()
    bar.setValue(int(bar.maximum() * 0.55))
    app.processEvents()
    w.grab().save(str(out / f"main-window{suffix}.png"))

    # the PIN dialog, as the toolbar opens it
    w.select_rows(["cong-van-dong-da.pdf"])
    wait(lambda: w.role_actions["leader"].isEnabled())
    w.role_actions["leader"].trigger()

    def pin_dialog_shown() -> bool:      # one document: its stamp preview first, accepted as placed
        if w.view.stamp_preview_active and w.view.stamp_box.isVisible():
            w.view.stamp_confirm_button.click()
            return False
        return w.flow is not None and w.flow.dialog is not None and w.flow.dialog.isVisible()

    wait(pin_dialog_shown)
    dlg = w.flow.dialog
    dlg.pin_edit.setText("1234")
    app.processEvents()
    dlg.grab().save(str(out / f"pin-dialog{suffix}.png"))
    dlg.reject()
    wait(lambda: w.flow is None)

    token = w.current_token()
    final = PinDialog(replace(token, module=replace(token.module, max_pin_tries=3), our_failures=2),
                      token.certificates[0], error=tr("token.pin_final_try"))
    final.show()
    app.processEvents()
    final.grab().save(str(out / f"pin-dialog-final-try{suffix}.png"))
    final.close()

    # a batch in progress
    batch = work / "batch"
    generate_batch(batch, 40)
    w.set_source(FolderSource(batch))
    wait(lambda: w.model.rowCount() == 40)
    w.table.selectAll()
    wait(lambda: w.role_actions["leader"].isEnabled())
    w.role_actions["leader"].trigger()
    wait(lambda: w.flow is not None and w.flow.dialog is not None and w.flow.dialog.isVisible())
    w.flow.dialog.pin_edit.setText("123456")
    w.flow.dialog.accept()
    wait(lambda: w.batch_dialog is not None and w.batch_dialog.done_count >= 9, 60)
    w.batch_dialog.grab().save(str(out / f"batch-progress{suffix}.png"))
    wait(lambda: w.batch_dialog.finished_all, 120)
    w.batch_dialog.grab().save(str(out / f"batch-done{suffix}.png"))
    w.grab().save(str(out / f"main-window-batch{suffix}.png"))
    w.close()
    wait(lambda: __import__("kyso.gui.worker", fromlist=["running"]).running() == 0, 30)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    target.mkdir(parents=True, exist_ok=True)
    main(target, sys.argv[2] if len(sys.argv) > 2 else "")
