"""Drive the GUI demo (``kyso.demo.gui.build_gui_demo``) in a process of its own.

SoftHSM2 reads its configuration once per process (at C_Initialize), so the
demo's own tokens cannot be seen from the pytest process, which already
initialised the test suite's SoftHSM2: tests/gui/test_demo_gui.py runs this
file in a fresh interpreter. It prints one JSON line with what it saw.

    python tests/gui/demo_gui_check.py WORK_DIR [--screenshot PNG]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


from eventloop import wait_until     # beside this script, on sys.path when it runs


def main(argv: list[str]) -> int:
    work = Path(argv[0])
    shot = Path(argv[argv.index("--screenshot") + 1]) if "--screenshot" in argv else None

    from kyso.demo.gui import BANNER, ROLES, build_gui_demo

    demo = build_gui_demo(work)
    from PySide6.QtWidgets import QApplication

    from kyso.gui.documents import INITIAL

    app = QApplication.instance()
    w = demo.window
    seen: dict = {"banner": demo.banner.text() == BANNER and demo.banner.isVisible(),
                  "items": [demo.switcher.itemText(i) for i in range(demo.switcher.count())],
                  "users": {}}
    try:
        for i, (user, _, label, _) in enumerate(ROLES):
            demo.switcher.setCurrentIndex(i)
            ok_tok = wait_until(app, lambda: w.current_token() is not None and w.current_token().label == label)
            ok_sync = wait_until(app, lambda: w.source is demo.sources[user] and w.sync_status is not None
                                 and w.sync_status.last_sync is not None and w._sync_op is None)
            # the list as the store has it after the sync (reloads in the background)
            loads = []
            w.documentsLoaded.connect(loads.append)
            w.reload_documents()
            wait_until(app, lambda: bool(loads), 20)
            w.documentsLoaded.disconnect(loads.append)
            rows = w.model.rows()
            seen["users"][user] = {
                "source_user": w.source.username,
                "token": w.current_token().label if w.current_token() else None,
                "token_ok": ok_tok, "synced": ok_sync,
                "online": bool(w.sync_status and w.sync_status.online),
                "rows": [(r.subject, r.action) for r in rows],
                "waiting_initial": sum(1 for r in rows if r.action == INITIAL),
            }
            if user == ROLES[0][0] and shot is not None:
                # the reviewer's inbox with the waiting document open
                row = next((r for r in rows if r.action == INITIAL), None)
                if row is not None:
                    w.select_rows([row.doc_id])
                    wait_until(app, lambda: w.view.page_count > 0, 10)
                    wait_until(app, lambda: False, 3)     # let the page and the verdicts draw
                    if not w.selected_rows():              # a late reload may have reset the list
                        w.select_rows([row.doc_id])
                        wait_until(app, lambda: False, 1)
                    seen["initial_enabled"] = w.role_actions[INITIAL].isEnabled()
                shot.parent.mkdir(parents=True, exist_ok=True)
                w.grab().save(str(shot))
        # the demo's own row follows a language switch like the rest of the window
        from PySide6.QtWidgets import QLabel, QToolBar

        from kyso.gui.i18n import install_translator

        bar = w.findChild(QToolBar, "demo")

        def bar_texts() -> list[str]:
            return ([bar.windowTitle(), demo.banner.text()]
                    + [lab.text() for lab in bar.findChildren(QLabel)]
                    + [demo.switcher.itemText(i) for i in range(demo.switcher.count())])

        install_translator(app, "en")
        app.processEvents()
        seen["english"] = bar_texts()
        install_translator(app, "vi")
        app.processEvents()
        seen["vietnamese_again"] = bar_texts()
        demo.switcher.setCurrentIndex(0)
        seen["back_to_reviewer"] = wait_until(
            app, lambda: w.source is demo.sources["chanhvp"] and w.current_token().label == "KYSO-DEMO-REVIEWER")
    finally:
        demo.close()
        from kyso.gui import worker
        wait_until(app, lambda: worker.running() == 0, 30)
    print("DEMO-RESULT " + json.dumps(seen, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
