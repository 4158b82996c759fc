"""``python -m kyso.gui [FILE.pdf | FOLDER] [--tray]``: start the desktop client
(``--tray``: minimised to the tray, the web-page signing service running)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

# The UI font must carry Vietnamese diacritics; these do (bundled Tinos is the
# document font; for the UI a sans face reads better).
UI_FONTS = ("Noto Sans", "Segoe UI", "DejaVu Sans", "Liberation Sans", "Arial")
#: the window icon (rendered from resources/icons/kyso.svg by make-icons.py)
APP_ICON = Path(__file__).resolve().parents[1] / "resources" / "images" / "kyso.png"


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
    # The installed desktop entry (resources/desktop/vn.kyso.Kyso.desktop): on
    # Wayland it names the window's app-id, so the dock shows the entry's icon.
    QGuiApplication.setDesktopFileName("vn.kyso.Kyso")
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(APP_ICON)))          # read when first painted
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


def _to_front(window) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()


@dataclass
class Launched:
    """The desktop app once started (``main`` runs its event loop; tests look at it)."""

    app: object
    window: object                  # MainWindow
    source: object = None
    bridge_host: object = None      # BridgeHost when the signing service is set to start
    tray_only: bool = False         # started with --tray and the window left hidden


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(prog="kyso-gui", description="Kyso — ký số văn bản")
    parser.add_argument("target", nargs="?", help="tệp PDF hoặc thư mục văn bản")
    parser.add_argument("--module", action="append", help="đường dẫn mô-đun PKCS#11")
    parser.add_argument("--server", help="địa chỉ máy chủ văn bản (đồng bộ)")
    parser.add_argument("--user", help="tên đăng nhập máy chủ văn bản")
    parser.add_argument("--store", help="thư mục kho văn bản trên máy (mặc định: theo người dùng)")
    parser.add_argument("--sync-interval", type=float, default=120,
                        help="giây giữa hai lần tự đồng bộ (10–3600, mặc định 120)")
    parser.add_argument("--tray", "--minimized", dest="tray", action="store_true",
                        help="chạy thu nhỏ vào khay: không mở cửa sổ, dịch vụ ký số cho trang web chạy "
                             "(khi đăng nhập) / start minimised to the tray")
    args = parser.parse_args(argv)
    if bool(args.server) != bool(args.user):
        parser.error("--server và --user phải đi cùng nhau")
    return args


def launch(argv: list[str]) -> Launched:
    """Build the app from ``argv`` (the window shown, or with ``--tray`` only the
    service and its tray icon) without running the event loop."""
    args = parse_args(argv)
    app = make_application([sys.argv[0]])
    from ..core import settings

    # The assistant (and the token layer it needs) loads only on a first run:
    # start-up must not pay for pyHanko and PKCS#11 before the window shows.
    # KYSO_EXIT_WHEN_SHOWN=1 (installers/linux/test-deb's smoke test) skips it too.
    if (not settings.settings_path().exists() and not os.environ.get("KYSO_STARTUP_PROBE")
            and not os.environ.get("KYSO_EXIT_WHEN_SHOWN") and not args.tray):
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
    # the web document systems' signing service, while the app runs (after
    # `kyso bridge install-cert`; KYSO_BRIDGE=0 turns it off). Checking for the
    # certificate loads nothing heavy; the service itself starts after the window.
    from ..bridge.tls import cert_files

    bridge_host = None
    if os.environ.get("KYSO_BRIDGE") != "0" and cert_files().exist():
        from PySide6.QtCore import QTimer

        from .bridgewindow import BridgeHost

        bridge_host = BridgeHost(window)
        bridge_host.attendant.configRequested.connect(window.open_settings)
        bridge_host.openRequested.connect(lambda: _to_front(window))
        app.aboutToQuit.connect(bridge_host.stop)
        QTimer.singleShot(0, bridge_host.start)
    # --tray (the session's start-up): the window stays hidden while the
    # service runs; closing a signing window or the main window must not end
    # the app then (the tray's "Thoát" does). Without the service, nothing
    # would be left to show: the window opens after all.
    tray_only = bool(args.tray and bridge_host is not None)
    if tray_only:
        app.setQuitOnLastWindowClosed(False)
    else:
        window.show()
    if args.server and not source.has_login() and not tray_only:
        window.ask_login()
    return Launched(app, window, source, bridge_host, tray_only)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parse_args(argv)            # --help and usage errors before anything starts
    from ..core.logs import setup_logging

    setup_logging("kyso-app.log", logging.WARNING)
    launched = launch(argv)
    app, source = launched.app, launched.source
    # startup probe for benchmarks/gui_startup.py: time when the window is shown
    # and the event loop has gone idle (a zero-timer runs after pending events)
    probe = os.environ.get("KYSO_STARTUP_PROBE")
    # KYSO_EXIT_WHEN_SHOWN=1 (installers/linux/test-deb's smoke test): print one
    # line once the main window is shown and the event loop is idle, and quit with 0.
    exit_when_shown = os.environ.get("KYSO_EXIT_WHEN_SHOWN") == "1"
    window = launched.window
    if probe or exit_when_shown:
        from PySide6.QtCore import QTimer
        import time as _time

        def _idle():
            if probe:
                Path(probe).write_text(repr(_time.time()))
            if exit_when_shown:
                print(f"kyso-gui: window shown: {window.windowTitle()} "
                      f"({'visible' if window.isVisible() else 'NOT visible'})", flush=True)
            app.quit()

        QTimer.singleShot(0, _idle)
    try:
        return app.exec()
    finally:
        if hasattr(source, "close"):
            source.close()
