"""Screenshots of the client on the real reference server: ``python tests/gui/screenshots_sync.py OUT_DIR``.

Starts the reference server (loopback, realistic Decree 30 PDFs) and SoftHSM2
tokens in a throwaway folder, carries the demo document through the three
roles in the app, and saves: the clerk's inbox from the server, the issued
document with its three stamps, and the stamp preview. Not a test.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import eventloop     # beside this script, on sys.path when it runs
from eventloop import wait_for


def main(out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="kyso-shots-sync-"))
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":   # not under Xvfb (xcb)
        os.environ["QT_QPA_PLATFORM"] = eventloop.offscreen_full_hd(work)
    os.environ["KYSO_HOME"] = str(work / "home")
    os.environ["KYSO_FONT"] = "bundled"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/ (sync.conftest)
    import keyring

    from kyso.demo.pki import build_test_pki
    from kyso.demo.samples import server_pdf_factory
    from kyso.demo.softhsm import create_softhsm_tokens
    from sync.conftest import PASSWORD, SIGNER_IDENTITIES, TOKEN_LABELS, LiveServer, MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    pki = build_test_pki(work / "pki", "http://127.0.0.1:9")
    setup = create_softhsm_tokens(
        work / "softhsm", {TOKEN_LABELS[u]: [pki.identities[i]] for u, i in SIGNER_IDENTITIES.items()},
        "123456", "12345678", ca_certs=[pki.intermediate_cert_der])
    os.environ.update(setup.env)

    from kyso.core.verify import load_certificates
    from kyso.gui import worker
    from kyso.gui.app import make_application
    from kyso.gui.mainwindow import MainWindow
    from kyso.services.serversource import SyncSource

    app = make_application(["kyso-screenshots"])

    def wait(pred, timeout=60.0):
        wait_for(app, pred, timeout)

    def settle(seconds=0.4):
        eventloop.settle(app, seconds)

    srv = LiveServer(work / "server", pdf_factory=server_pdf_factory, trust_roots=[pki.root_cert_der],
                     intermediates=[pki.intermediate_cert_der])
    srv.start()
    for user, ident in SIGNER_IDENTITIES.items():
        srv.client(user).register_certificate(pki.identities[ident].cert_der)
    roots = load_certificates([pki.root_cert_path])
    roles = {"chanhvp": "initial", "chutich": "leader", "vanthu": "agency"}
    try:
        for user, role in roles.items():
            src = SyncSource(srv.url, user, work / f"store-{user}")
            src.login(PASSWORD)
            w = MainWindow(src, modules=[str(setup.module_path)], trust_roots=roots)
            w.resize(1500, 900)
            w.show()
            wait(lambda: bool(w.tokens) and any(r.action == role for r in w.model.rows())
                 and w._sync_op is None)
            w.choose_token(TOKEN_LABELS[user])
            row = next(r for r in w.model.rows() if r.action == role)
            w.select_rows([row.doc_id])
            wait(lambda: w.view.current_image is not None and w.role_actions[role].isEnabled())
            if role == "agency":
                settle()
                w.grab().save(str(out / "inbox-from-server.png"))
            w.role_actions[role].trigger()
            wait(lambda: w.view.stamp_box.isVisible())
            settle()
            if role == "leader":
                bar = w.view.scroll.verticalScrollBar()
                bar.setValue(int(bar.maximum() * 0.6))
                settle()
                w.grab().save(str(out / "stamp-preview.png"))
            w.view.stamp_confirm_button.click()
            if role == "agency":
                wait(lambda: w.issue_dialog is not None and w.issue_dialog.isVisible())
                settle()
                w.issue_dialog.grab().save(str(out / "issue-dialog-number-from-register.png"))
                w.issue_dialog.accept()
            wait(lambda: w.flow is not None and w.flow.dialog is not None and w.flow.dialog.isVisible())
            w.flow.dialog.pin_edit.setText("123456")
            w.flow.dialog.accept()
            wait(lambda: w.flow is None and w._sync_op is None and w.sync_status is not None
                 and w.sync_status.waiting_upload == 0)
            if role == "agency":
                w.select_rows([row.doc_id])
                wait(lambda: w.view.current_image is not None and w.signatures.report is not None
                     and len(w.signatures.report.signatures) == 3, 90)
                w.view.go_to_page(w.view.page_count - 1)
                wait(lambda: w.view.page == w.view.page_count - 1 and w.view.current_image is not None)
                settle(0.8)
                bar = w.view.scroll.verticalScrollBar()
                bar.setValue(int(bar.maximum() * 0.62))
                settle()
                w.grab().save(str(out / "issued-three-stamps.png"))
            w.close()
            wait(lambda: worker.running() == 0)
            src.close()
    finally:
        srv.stop()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    target.mkdir(parents=True, exist_ok=True)
    main(target)
