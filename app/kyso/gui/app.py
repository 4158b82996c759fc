"""``python -m kyso.gui [FILE.pdf | FOLDER]``: start the desktop client."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

# The UI font must carry Vietnamese diacritics; these do (bundled Tinos is the
# document font; for the UI a sans face reads better).
UI_FONTS = ("Noto Sans", "Segoe UI", "DejaVu Sans", "Liberation Sans", "Arial")


def trust_roots_from_config() -> list:
    """No extra roots: the core adds the administrator's ``<config>/trust`` folder
    itself, as the pool "admin" (which the setting ``disabled_trust_pools`` can
    switch off), beside the shipped Vietnamese pools."""
    return []


def make_application(argv: list[str] | None = None):
    from PySide6.QtCore import QCoreApplication, QLocale, Qt
    from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        return app
    # High-DPI: Qt 6 scales by default; keep fractional factors (150%) exact.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName("Kyso")
    QCoreApplication.setApplicationName("Kyso")
    app = QApplication(argv if argv is not None else sys.argv)
    # No applicationDisplayName: the window titles already begin with "Kyso — ",
    # and Qt would append " — Kyso" to each of them on X11.
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    families = set(QFontDatabase.families())
    for family in UI_FONTS:
        if family in families:
            font = QFont(family)
            font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
            app.setFont(font)
            break
    # UI strings are Vietnamese in the source; English comes from the compiled
    # catalogue (resources/translations), chosen by KYSO_LANG or the settings.
    from ..core import settings
    from .i18n import install_translator

    install_translator(app, os.environ.get("KYSO_LANG") or settings.load().language)
    from .qtcheck import warn_about_broken_bindings

    warn_about_broken_bindings()
    return app


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="kyso-gui", description="Kyso — ký số văn bản")
    parser.add_argument("target", nargs="?", help="tệp PDF hoặc thư mục văn bản")
    parser.add_argument("--module", action="append", help="đường dẫn mô-đun PKCS#11")
    parser.add_argument("--server", help="địa chỉ máy chủ văn bản (đồng bộ)")
    parser.add_argument("--user", help="tên đăng nhập máy chủ văn bản")
    parser.add_argument("--store", help="thư mục kho văn bản trên máy (mặc định: theo người dùng)")
    parser.add_argument("--sync-interval", type=float, default=120,
                        help="giây giữa hai lần tự đồng bộ (10–3600, mặc định 120)")
    args = parser.parse_args(argv)
    if bool(args.server) != bool(args.user):
        parser.error("--server và --user phải đi cùng nhau")
    from ..core.logs import setup_logging

    setup_logging("kyso-app.log", logging.WARNING)

    app = make_application([sys.argv[0]])
    from ..core import settings

    # The assistant (and the token layer it needs) loads only on a first run:
    # start-up must not pay for pyHanko and PKCS#11 before the window shows.
    if not settings.settings_path().exists() and not os.environ.get("KYSO_STARTUP_PROBE"):
        from .firstrun import FirstRunWizard

        FirstRunWizard().exec()
    from ..services.sources import FolderSource
    from .mainwindow import MainWindow

    source = None
    target = Path(args.target) if args.target else None
    if args.server:
        from ..services.serversource import SyncSource

        source = SyncSource(args.server, args.user, args.store)
    elif target is not None and target.is_dir():
        source = FolderSource(target)
    window = MainWindow(source, modules=args.module, trust_roots=trust_roots_from_config(),
                        sync_interval_s=args.sync_interval)
    if target is not None and target.is_file():
        window.open_pdf(target)
    window.show()
    if args.server and not source.has_login():
        window.ask_login()
    # startup probe for benchmarks/gui_startup.py: time when the window is shown
    # and the event loop has gone idle (a zero-timer runs after pending events)
    probe = os.environ.get("KYSO_STARTUP_PROBE")
    if probe:
        from PySide6.QtCore import QTimer
        import time as _time

        def _idle():
            Path(probe).write_text(repr(_time.time()))
            app.quit()

        QTimer.singleShot(0, _idle)
    try:
        return app.exec()
    finally:
        if hasattr(source, "close"):
            source.close()
