"""From a role action to signed files: token → PIN dialog → login → sign.

The GUI thread never waits: reading the token's PIN state, logging in and
signing all run through :func:`run_in_background`; the PIN dialog is opened
non-modally-blocking (``open()``), and its answer continues the flow.

Role stamps come from :func:`kyso.core.roles.role_options`. While the
placement module is not merged, ``roles`` cannot be imported; a simple
fallback then puts each role's stamp at a fixed spot of the last page (no
number/date filling) so the rest of the GUI works.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..core.errors import KysoError, PinError, PinLocked
from ..core.signing import Placement, SignOptions, SignResult, sign_batch
from ..core.stamp import Box
from ..core.tokens import TokenInfo, TokenSession, load_module
from .pindialog import PinDialog
from .worker import run_in_background

log = logging.getLogger(__name__)

ROLE_FILE_SUFFIX = {"initial": "ky-nhay", "leader": "ky-so", "agency": "ban-hanh",
                    "attachment": "phu-luc", "copy": "sao-y"}


def roles_available() -> bool:
    try:
        from ..core import roles  # noqa: F401
    except ImportError:
        return False
    return True


def options_for_role(role: str, number: str | None = None, issue_date: date | None = None,
                     main_number: str = "") -> SignOptions:
    """SignOptions for ``role`` (automatic Decree 30 placement when available)."""
    from ..core import appearance as ap

    try:
        from ..core import roles
    except ImportError:
        roles = None
    if roles is not None:
        req = roles.RoleRequest(role=role, number=number, issue_date=issue_date,
                                attachment=ap.AttachmentStyle(main_number=main_number))
        return roles.role_options(req)
    return _fallback_options(role, main_number)


def _fallback_options(role: str, main_number: str) -> SignOptions:
    """Fixed places on the last (or first) page; used until placement is merged."""
    from ..core import appearance as ap

    styles = {"initial": ap.InitialStyle(), "leader": ap.LeaderStyle(),
              "agency": ap.AgencySealStyle(),
              "attachment": ap.AttachmentStyle(main_number=main_number or "…"),
              "copy": ap.CopyStyle()}
    prefix = {"initial": "KysoInitial", "leader": "KysoLeader", "agency": "KysoAgency",
              "attachment": "KysoAttachment", "copy": "KysoCopy"}[role]
    style = styles[role]

    def size() -> tuple[float, float]:
        if role == "agency":
            return style.text_width_mm * ap.MM + style.diameter, style.diameter
        return style.size()

    def prepare(doc) -> Placement:
        w, h = size()
        page = 0 if role in ("attachment", "copy") else doc.page_count - 1
        pw, ph = doc.geometry(page).display_size
        if role == "leader":
            box = Box(pw * 0.62, ph * 0.13, w, h)
        elif role == "agency":
            box = Box(pw * 0.62 - style.text_width_mm * ap.MM - style.diameter * 0.35,
                      ph * 0.13 - style.diameter * 0.2, w, h)
        elif role == "initial":
            box = Box(pw * 0.62 + 4, ph * 0.06, w, h)
        else:
            box = Box(pw - w - 40, ph - h - 30, w, h)
        x = max(0.0, min(box.x, pw - w))
        y = max(0.0, min(box.y, ph - h))
        return Placement(page, Box(x, y, w, h))

    return SignOptions(appearance=style.layout, field_prefix=prefix, prepare=prepare)


def output_next_to(src: Path, role: str) -> Path:
    """``van-ban.pdf`` → ``van-ban.ky-so.pdf`` (never overwriting)."""
    base = src.with_name(f"{src.stem}.{ROLE_FILE_SUFFIX.get(role, role)}.pdf")
    out, n = base, 2
    while out.exists():
        out = base.with_name(f"{base.stem}-{n}.pdf")
        n += 1
    return out


@dataclass
class Job:
    src: Path
    dst: Path
    doc_id: str | None = None


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

    def __init__(self, token: TokenInfo, role: str, jobs: list[Job], options: SignOptions, *,
                 cert_selector: str | None = None, store: Callable[[Job, SignResult], None] | None = None,
                 parent_widget: QWidget | None = None):
        super().__init__(parent_widget)
        self.token = token
        self.role = role
        self.jobs = jobs
        self.options = options
        self.cert_selector = cert_selector
        self.store = store
        self.parent_widget = parent_widget
        self.session: TokenSession | None = None
        self.cert = None
        self.dialog: PinDialog | None = None
        self.operation = None
        self.results: list[SignResult] = []

    # -- 1. fresh PIN state, certificate --
    def start(self, error: str | None = None) -> None:
        def prepare():
            if self.session is None:
                self.session = TokenSession(load_module(self.token.module), self.token)
            info = self.session.current_info()
            self.session.info = info
            cert = self.cert or self.session.certificate(self.cert_selector)
            return info, cert

        def ready(result) -> None:
            info, cert = result
            self.token, self.cert = info, cert
            self._ask_pin(error)

        run_in_background(prepare, ready, self._fail, parent=self)

    # -- 2. the PIN dialog --
    def _ask_pin(self, error: str | None) -> None:
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
        session = self.session
        # Asked only by keys that demand the PIN for every signature (CKA_ALWAYS_AUTHENTICATE).
        broker = self._broker = PinBroker(self.token, self.cert, self.parent_widget)

        def login():
            pin = holder.pop() if holder else None
            try:
                if pin_pad:
                    session.login(None, pin_pad=True)
                else:
                    session.login(pin)
            finally:
                del pin
            return session.signer(self.cert, pin_provider=broker)

        def wrong(exc: BaseException) -> None:
            holder.clear()
            if isinstance(exc, PinError) and not isinstance(exc, PinLocked) and exc.code != "token.pin_cancelled":
                self.start(error=exc.message)   # fresh tries-left, then ask again
            elif isinstance(exc, PinLocked):
                self.start(error=exc.message)   # the dialog shows the locked state
            else:
                self._fail(exc)

        run_in_background(login, self._sign, wrong, parent=self)

    # -- 4. sign --
    def _sign(self, signer) -> None:
        self.loggedIn.emit()
        jobs, options, store = self.jobs, self.options, self.store

        def work(report, cancelled):
            def progress(i, n, result):
                if result.ok and store is not None:
                    try:
                        store(jobs[i - 1], result)
                    except Exception as exc:  # noqa: BLE001 - reported per document
                        log.exception("Storing %s failed", result.output)
                        from ..core.errors import DocumentError
                        result = SignResult(result.source, None, DocumentError(
                            "doc.sign_failed", path=result.source.name, detail=str(exc)))
                report(i, n, result)
            try:
                return sign_batch(signer, [(j.src, j.dst) for j in jobs], options,
                                  progress=progress, cancelled=cancelled)
            finally:
                self.session.close()

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
        session = self.session
        if session is not None:
            run_in_background(session.close)

    def _fail(self, exc: BaseException) -> None:
        self._close_session()
        msg = exc.message if isinstance(exc, KysoError) else str(exc) or type(exc).__name__
        self.failed.emit(msg)

