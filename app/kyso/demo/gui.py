"""``kyso demo`` with a display: the real desktop app, three roles, one switch.

Everything lives in a private folder: the test PKI, three SoftHSM2 tokens
(KYSO-DEMO-REVIEWER/LEADER/CLERK, PIN 123456) with their own SoftHSM2
configuration, ``KYSO_HOME`` (settings, trust roots, the three users' stores),
and the reference document server's database. The server runs on a free
loopback port in a background thread with the demo seed and realistic Decree 30
PDFs; the signers' certificates are registered for chanhvp, chutich and vanthu.

The window gets a toolbar row of its own: a role switcher and a short hint.
Switching gives the window that user's :class:`~kyso.services.serversource.SyncSource`
(already logged in with the demo password) and selects that user's token.

Never a real token: the only PKCS#11 module watched is SoftHSM2 with the
demo's configuration. Server tokens stay in this process's memory (the
demo does not write to the system keyring).
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import keyring
from kyso_server.embedded import EmbeddedServer

from kyso.sync.credentials import MemoryKeyring

PIN = "123456"
PASSWORD = "demo"
# The demo's texts are Vietnamese sources, translated under the "GuiDemo"
# context of kyso_en.ts (_noop_for_lupdate lists them for pyside6-lupdate).
BANNER = "Chế độ thử nghiệm — PIN: 123456. Chọn vai trò ở trên: ký nháy → ký số → cấp số."

#: (server user, what the switcher shows, token label, test PKI identity)
ROLES = (
    ("chanhvp", "Lãnh đạo Văn phòng (ký nháy) — chanhvp", "KYSO-DEMO-REVIEWER", "reviewer"),
    ("chutich", "Phó Chủ tịch (ký số) — chutich", "KYSO-DEMO-LEADER", "leader"),
    ("vanthu", "Văn thư (cấp số, đóng dấu) — vanthu", "KYSO-DEMO-CLERK", "agency"),
)

log = logging.getLogger(__name__)


def display_available(env=os.environ) -> bool:
    """A GUI can open: an X11 or Wayland display, or a Qt platform chosen explicitly."""
    return any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


class DemoServer(EmbeddedServer):
    """The reference server in the demo folder, in a thread on loopback."""

    def register(self, user: str, cert_der: bytes) -> None:
        from kyso.sync.api import ServerClient

        client = ServerClient(self.url)
        client.login(user, PASSWORD)
        client.register_certificate(cert_der)


@dataclass
class GuiDemo:
    """The built demo: the window, its role switcher, the server and the users' sources."""

    work: Path
    server: DemoServer
    window: object                      # kyso.gui.mainwindow.MainWindow
    switcher: object                    # QComboBox
    banner: object                      # QLabel
    module_path: Path
    sources: dict = field(default_factory=dict)   # user -> SyncSource
    wanted_token: str | None = None

    @property
    def users(self) -> list[str]:
        return [r[0] for r in ROLES]

    def switch(self, user: str) -> None:
        """Act as ``user``: their documents and their token."""
        i = self.users.index(user)
        if self.switcher.currentIndex() != i:
            self.switcher.setCurrentIndex(i)      # comes back here through the signal
            return
        _, _, label, _ = ROLES[i]
        self.wanted_token = label
        from kyso.core import settings

        settings.update(username=user)        # Cài đặt shows who is acting now
        w = self.window
        if w.source is not self.sources[user]:
            w.set_source(self.sources[user])
        self._choose_wanted_token()
        w.statusBar().showMessage(_tr("Đang làm việc với vai trò: %1").replace("%1", _tr(ROLES[i][1])), 6000)

    def _choose_wanted_token(self, *_args) -> None:
        if self.wanted_token is None:
            return
        try:
            self.window.choose_token(self.wanted_token)
        except LookupError:
            pass          # the token watcher has not listed it yet: chosen when it does

    def close(self) -> None:
        try:
            self.window.close()
        finally:
            for src in self.sources.values():
                try:
                    src.close()
                except Exception:  # closing anyway
                    log.exception("closing the store of %s", src.username)
            self.server.stop()


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("GuiDemo", text)


def _noop_for_lupdate() -> None:   # never called: lists the demo's texts for pyside6-lupdate
    from PySide6.QtCore import QT_TRANSLATE_NOOP

    QT_TRANSLATE_NOOP("GuiDemo", "Chế độ thử nghiệm — PIN: 123456. Chọn vai trò ở trên: ký nháy → ký số → cấp số.")
    QT_TRANSLATE_NOOP("GuiDemo", "Lãnh đạo Văn phòng (ký nháy) — chanhvp")
    QT_TRANSLATE_NOOP("GuiDemo", "Phó Chủ tịch (ký số) — chutich")
    QT_TRANSLATE_NOOP("GuiDemo", "Văn thư (cấp số, đóng dấu) — vanthu")
    QT_TRANSLATE_NOOP("GuiDemo", "Chế độ thử nghiệm")
    QT_TRANSLATE_NOOP("GuiDemo", " Vai trò: ")
    QT_TRANSLATE_NOOP("GuiDemo", "Đang làm việc với vai trò: %1")
    QT_TRANSLATE_NOOP("GuiDemo", "Kyso — chế độ thử nghiệm")


def _add_demo_controls(demo: GuiDemo) -> None:
    """A toolbar row of the demo's own above the window's actions: the switcher and the hint."""
    from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QToolBar

    from kyso.gui.i18n import Retranslating

    class DemoBar(Retranslating, QToolBar):
        """Its texts follow a language change like the rest of the window."""

        def retranslate_ui(self) -> None:
            self.setWindowTitle(_tr("Chế độ thử nghiệm"))
            role_label.setText(_tr(" Vai trò: "))
            for i, (_, text, _, _) in enumerate(ROLES):
                combo.setItemText(i, _tr(text))
            banner.setText(_tr(BANNER))


    w = demo.window
    bar = DemoBar(w)
    bar.setObjectName("demo")
    bar.setMovable(False)
    role_label = QLabel()
    bar.addWidget(role_label)
    combo = QComboBox()
    for _ in ROLES:
        combo.addItem("")
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    bar.addWidget(combo)
    banner = QLabel()
    banner.setObjectName("demoBanner")
    banner.setStyleSheet("QLabel#demoBanner { background: #fff3cd; color: #6b4e00; border: 1px solid #e0c36a;"
                         " border-radius: 3px; padding: 3px 8px; margin-left: 10px; font-weight: bold; }")
    banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    bar.addWidget(banner)
    bar.retranslate_ui()
    actions_bar = w.findChild(QToolBar, "roles")
    if actions_bar is not None:
        w.insertToolBar(actions_bar, bar)
        w.insertToolBarBreak(actions_bar)
    else:
        w.addToolBar(bar)
    demo.switcher, demo.banner = combo, banner
    combo.currentIndexChanged.connect(lambda i: demo.switch(ROLES[i][0]))


def build_gui_demo(work: Path, *, sync_interval_s: float = 30) -> GuiDemo:
    """Build everything in ``work`` and return the demo with its window shown
    as the first role (the event loop is the caller's)."""
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    # Before anything loads SoftHSM2 or reads settings: the demo's own of both.
    os.environ["SOFTHSM2_CONF"] = str(work / "softhsm" / "softhsm2.conf")
    os.environ["KYSO_HOME"] = str(work / "home")

    from kyso.core import paths, settings

    from .pki import build_test_pki
    from .samples import server_pdf_factory
    from .softhsm import create_softhsm_tokens

    pki = build_test_pki(work / "pki")
    hsm = create_softhsm_tokens(
        work / "softhsm", {label: [pki.identities[ident]] for _, _, label, ident in ROLES},
        user_pin=PIN, so_pin="12345678", ca_certs=[pki.intermediate_cert_der])
    os.environ.update(hsm.env)

    trust = paths.config_dir() / "trust"
    trust.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pki.root_cert_path, trust / ("kyso-demo-root" + Path(pki.root_cert_path).suffix))

    server = DemoServer(work / "server", pdf_factory=server_pdf_factory, trust_roots=[pki.root_cert_der],
                        intermediates=[pki.intermediate_cert_der])
    server.start()
    try:
        for user, _, _, ident in ROLES:
            server.register(user, pki.identities[ident].cert_der)
        # settings on disk: the first-run assistant stays away
        from .settings import demo_settings

        settings.save(demo_settings(server_url=server.url, username=ROLES[0][0],
                                    pkcs11_module=str(hsm.module_path)))

        # The demo's throwaway server tokens never reach the person's real keyring.
        keyring.set_keyring(MemoryKeyring())
        from kyso.services.serversource import SyncSource

        sources = {}
        for user, _, _, _ in ROLES:
            src = SyncSource(server.url, user, paths.data_dir() / f"store-{user}", timeout=(2.0, 20.0))
            src.login(PASSWORD)
            sources[user] = src

        from kyso.gui.app import make_application, trust_roots_from_config
        from kyso.gui.mainwindow import MainWindow

        make_application()
        window = MainWindow(None, modules=[str(hsm.module_path)], trust_roots=trust_roots_from_config(),
                            sync_interval_s=sync_interval_s)
        window.setWindowTitle(_tr("Kyso — chế độ thử nghiệm"))
        demo = GuiDemo(work, server, window, None, None, hsm.module_path, sources)
        _add_demo_controls(demo)
        if window.watcher is not None:
            # after the window's own slot: the token list is current when this runs
            window.watcher.tokensChanged.connect(demo._choose_wanted_token)
        demo.switch(ROLES[0][0])
        window.show()
        return demo
    except BaseException:
        server.stop()
        raise


READY = "Kyso đang chạy. Đóng cửa sổ (hoặc nhấn Ctrl+C ở đây) để kết thúc và dọn các tệp demo."


def _quit_on_signals(app) -> dict:
    """Ctrl+C in the terminal (SIGINT) or a SIGTERM closes the app as the window's
    close button does, so the cleanup below still runs. Python only sees a signal
    when it runs, hence the idle timer. The quit goes through a zero-timer: a
    signal that comes before the event loop has started would otherwise be lost
    (``quit()`` does nothing then) and the demo would never end. Returns the
    handlers it replaced."""
    import signal

    from PySide6.QtCore import QTimer

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda *_a: QTimer.singleShot(0, app.quit))
    tick = QTimer(app)
    tick.timeout.connect(lambda: None)
    tick.start(250)
    return previous


def run_gui_demo(work: Path, keep: bool) -> int:
    """Open the app on the demo; on exit (the window closed, Ctrl+C, SIGTERM) stop
    the server and remove ``work`` unless ``keep``."""
    import signal

    demo = None
    previous: dict = {}
    try:
        print("Đang chuẩn bị chế độ thử nghiệm (PKI, token mềm, máy chủ văn bản)…", flush=True)
        demo = build_gui_demo(work)
        from PySide6.QtWidgets import QApplication

        from PySide6.QtCore import QTimer

        app = QApplication.instance()
        previous = _quit_on_signals(app)
        QTimer.singleShot(0, lambda: print(READY, flush=True))   # said once the event loop runs
        return app.exec()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if demo is not None:
            demo.close()
        if keep:
            print(f"Các tệp demo được giữ lại ở {work}.", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
