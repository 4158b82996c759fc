"""Screenshots of the settings dialog, the first-run assistant, the English
main window, and a main window switched from Vietnamese to English while it
runs: ``python tests/gui/i18n_screenshots.py docs/screenshots``.

Offscreen (QT_QPA_PLATFORM=offscreen), no token: the settings dialog and the
assistant show the "no token software found" state a fresh computer shows.
Not a test (no test_ prefix): a tool to look at the GUI.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="kyso-i18n-shots-"))
    os.environ["KYSO_HOME"] = str(work / "home")
    os.environ["KYSO_FONT"] = "bundled"
    os.environ["KYSO_PKCS11_SEARCH_PATH"] = str(work / "no-modules")
    (work / "no-modules").mkdir()
    os.environ.pop("KYSO_PKCS11_MODULE", None)
    out.mkdir(parents=True, exist_ok=True)

    from kyso.core.fonts import RESOURCES
    from kyso.core.settings import Settings
    from kyso.gui import i18n, worker
    from kyso.gui.app import make_application
    from kyso.gui.firstrun import FirstRunWizard
    from kyso.gui.mainwindow import MainWindow
    from kyso.gui.settingsdialog import SettingsDialog

    app = make_application(["kyso-shots"])
    images = RESOURCES / "images"

    def settle(cond=lambda: True, timeout=20.0):
        end = time.time() + timeout
        while time.time() < end and not (worker.running() == 0 and cond()):
            app.processEvents()
            time.sleep(0.02)
        for _ in range(10):
            app.processEvents()

    current = Settings(server_url="https://vanban.phuly.example.gov.vn", username="pvquan",
                       signature_image=str(images / "signature-pham-van-quan.png"),
                       seal_image=str(images / "seal-phu-ly.png"), seal_diameter_mm=36.0,
                       agency_name="UBND THÀNH PHỐ PHỦ LÝ")
    d = SettingsDialog(current=current)
    d.show()
    settle(lambda: d.preview.rendered > 0 and not d.preview._busy)
    d.grab().save(str(out / "settings.png"))
    d.close()

    w = FirstRunWizard()
    w.show()
    w.server_page.offline_check.setChecked(True)
    w.next()
    settle(lambda: not w.token_page.searching)
    w.grab().save(str(out / "first-run.png"))
    w.close()

    # built in Vietnamese with a document open, then switched to English live
    from kyso.demo.samples import generate_sample
    from kyso.services.sources import FolderSource

    folder = work / "docs"
    generate_sample("cong_van", folder / "cong-van.pdf")
    generate_sample("quyet_dinh", folder / "quyet-dinh.pdf")
    i18n.install_translator(app, "vi")
    live = MainWindow(FolderSource(folder, actions={"cong-van.pdf": "leader", "quyet-dinh.pdf": "initial"}),
                      modules=[], watch_tokens=False)
    live.show()
    live.set_tokens([])
    settle(lambda: live.model.rowCount() == 2)
    live.select_rows(["cong-van.pdf"])
    settle(lambda: live.view.current_image is not None and live.signatures.report is not None)
    i18n.install_translator(app, "en")
    settle()
    live.grab().save(str(out / "live-language-switch-en.png"))
    live.close()

    i18n.install_translator(app, "en")
    m = MainWindow(None, modules=[], watch_tokens=False)
    m.show()
    m.set_tokens([])
    settle()
    m.grab().save(str(out / "main-window-en.png"))
    m.close()
    i18n.remove_translators(app)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
