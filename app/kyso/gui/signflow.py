"""From a role action to signed files: token → PIN dialog → login → sign.

The GUI thread never waits: reading the token's PIN state, logging in and
signing all run through :func:`run_in_background`; the PIN dialog is opened
non-modally-blocking (``open()``), and its answer continues the flow.

Nothing here assembles a signature: the options come from the application
layer (:mod:`kyso.services.request`, with the person's settings), the session
and certificate from :func:`kyso.services.tokens.start_session`, and the
documents go through the one batch loop, :func:`kyso.services.batch.run_batch`,
into the source's sink. This module only adds the dialogs between the steps.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from ..core.errors import KysoError, PinError
from ..core.settings import Settings
from ..services.preview import StampPlace
from ..services.request import SigningRequest
from .worker import run_in_background

if TYPE_CHECKING:
    # The signing core loads pyHanko (about a second): it is imported on first
    # use, in the background (see warm_up), never while the window starts.
    from ..core.signing import SignOptions, SignResult
    from ..core.tokens import TokenInfo
    from ..services.batch import Job, Sink
    from .pindialog import PinDialog
    from ..services.tokens import TokenStart
    from .i18n import LiveText

#: modules the signing path needs; :func:`warm_up` loads them off the GUI thread
HEAVY_MODULES = ("kyso.core.signing", "kyso.core.roles", "kyso.core.placement", "kyso.core.verify",
                 "kyso.core.tokens", "kyso.services.tokens", "kyso.services.batch", "kyso.gui.pindialog")


def warm_up() -> None:
    """Import the signing core (background thread), so that no later import
    on the GUI thread has to wait for it."""
    import importlib

    for name in HEAVY_MODULES:
        importlib.import_module(name)

log = logging.getLogger(__name__)


class StampPreview(StampPlace):
    """Where the stamp would land, with what to tell the person when the spot
    was not found (in the current language, made when shown)."""

    @property
    def message(self) -> str:
        if self.found and not self.unsure:
            return ""
        if self.found:
            return QCoreApplication.translate(
                "SigningFlow", "Vị trí tìm được chưa chắc chắn (độ tin cậy {0:.0%}). Hãy xem và kéo "
                "khung đến đúng chỗ trước khi ký.").format(self.confidence)
        msg = QCoreApplication.translate(
            "SigningFlow", "Không tìm được vị trí đặt chữ ký tự động. Hãy kéo khung đến chỗ cần ký.")
        return f"{self.reason.message} {msg}" if self.reason is not None else msg


def preview_placement(path: Path, request: SigningRequest, settings: Settings) -> StampPreview:
    """The application layer's automatic placement (background thread)."""
    from ..services.preview import preview_placement as place

    found = place(path, request, settings)
    return StampPreview(found.page, found.box, found.page_size, found.found, found.reason, found.confidence)


class PinBroker(QObject):
    """Asks the GUI for a PIN from the signing thread (keys that demand it per signature).

    The signing thread waits; the GUI thread never does.
    """

    requested = Signal()

    def __init__(self, token: TokenInfo, cert, parent_widget: QWidget | None):
        super().__init__()
        self._token, self._cert, self._parent = token, cert, parent_widget
        self._event = threading.Event()
        self._answer: list[str] = []
        self.requested.connect(self._ask)

    def _ask(self) -> None:
        from .pindialog import PinDialog

        dlg = PinDialog(self._token, self._cert, parent=self._parent)

        def finished(result: int) -> None:
            if result:
                self._answer.append(dlg.take_pin())
            self._event.set()
            dlg.deleteLater()

        dlg.finished.connect(finished)
        dlg.open()

    def __call__(self) -> str:  # signing thread
        self._event.clear()
        self._answer.clear()
        self.requested.emit()
        self._event.wait(300)
        return self._answer.pop() if self._answer else ""


class SigningFlow(QObject):
    """One role action on one or many documents with one PIN.

    Signals: ``pinRequested(dialog)`` when the PIN dialog opens, ``loggedIn()``,
    ``progress(i, n, result)``, ``finished(results)``, ``failed(message)``.
    """

    pinRequested = Signal(object)
    loggedIn = Signal()
    progress = Signal(int, int, object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, token: TokenInfo, role: str, jobs: list[Job], options: SignOptions, sink: Sink,
                 settings: Settings, *, cert_selector: str | None = None,
                 parent_widget: QWidget | None = None):
        super().__init__(parent_widget)
        self.token = token
        self.role = role
        self.jobs = jobs
        self.options = options
        self.sink = sink               # where signed documents go (a file, a folder, the outbox)
        self.settings = settings       # the default certificate, the intermediate CAs
        self.cert_selector = cert_selector
        self.parent_widget = parent_widget
        self.started: TokenStart | None = None
        self.cert = None
        self.dialog: PinDialog | None = None
        self.operation = None
        self.results: list[SignResult] = []

    # -- 1. fresh PIN state, certificate --
    def start(self, error: LiveText | None = None) -> None:
        previous = self.started

        def prepare():
            from ..services.tokens import start_session

            return start_session(self.token, self.settings, self.cert_selector,
                                 session=previous.session if previous is not None else None)

        def ready(started: TokenStart) -> None:
            self.started = started
            self.token, self.cert = started.token, started.cert
            self._ask_pin(error)

        run_in_background(prepare, ready, self._fail, parent=self)

    # -- 2. the PIN dialog --
    def _ask_pin(self, error: LiveText | None) -> None:
        from .pindialog import PinDialog

        dlg = PinDialog(self.token, self.cert, error=error, count=len(self.jobs),
                        parent=self.parent_widget)
        self.dialog = dlg

        def finished(result: int) -> None:
            self.dialog = None
            if not result:
                self._close_session()
                self.failed.emit(self.tr("Đã hủy nhập mã PIN."))
                dlg.deleteLater()
                return
            pin_pad = self.token.pin_pad
            holder = [] if pin_pad else [dlg.take_pin()]
            dlg.deleteLater()
            self._login(holder, pin_pad)

        dlg.finished.connect(finished)
        dlg.open()
        self.pinRequested.emit(dlg)

    # -- 3. log in (the PIN lives only in ``holder`` until the module has it) --
    def _login(self, holder: list[str], pin_pad: bool) -> None:
        started = self.started
        # Asked only by keys that demand the PIN for every signature (CKA_ALWAYS_AUTHENTICATE).
        broker = self._broker = PinBroker(self.token, self.cert, self.parent_widget)

        def login():
            from ..services.tokens import login as token_login

            pin = holder.pop() if holder else None
            try:
                return token_login(started, pin, pin_pad=pin_pad, per_signature_pin=broker)
            finally:
                del pin

        def wrong(exc: BaseException) -> None:
            holder.clear()
            if isinstance(exc, PinError) and exc.code != "token.pin_cancelled":
                self.start(error=lambda: exc.message)   # fresh tries-left (or the locked state), ask again
            else:
                self._fail(exc)

        run_in_background(login, self._sign, wrong, parent=self)

    # -- 4. sign: the one batch loop, into the source's sink --
    def _sign(self, signer) -> None:
        self.loggedIn.emit()
        jobs, options, sink, started = self.jobs, self.options, self.sink, self.started

        def work(report, cancelled):
            from ..services.batch import run_batch

            try:
                return run_batch(signer, jobs, options, sink, progress=report, cancelled=cancelled)
            finally:
                started.close()

        def done(results) -> None:
            self.results = results
            self.finished.emit(results)

        self.operation = run_in_background(work, done, self._fail,
                                           progress=lambda i, n, r: self.progress.emit(i, n, r),
                                           parent=self)

    def cancel(self) -> None:
        if self.operation is not None:
            self.operation.cancel()

    # -- errors --
    def _close_session(self) -> None:
        started = self.started
        if started is not None:
            run_in_background(started.close)

    def _fail(self, exc: BaseException) -> None:
        self._close_session()
        msg = exc.message if isinstance(exc, KysoError) else str(exc) or type(exc).__name__
        self.failed.emit(msg)

