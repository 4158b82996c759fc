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

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from typing import TYPE_CHECKING

from ..core.errors import KysoError, PinError, PinLocked
from .worker import run_in_background

if TYPE_CHECKING:
    # The signing core loads pyHanko (about a second): it is imported on first
    # use, in the background (see warm_up), never while the window starts.
    from ..core.signing import Placement, SignOptions, SignResult
    from ..core.stamp import Box
    from ..core.tokens import TokenInfo, TokenSession
    from .i18n import LiveText

#: modules the signing path needs; :func:`warm_up` loads them off the GUI thread
HEAVY_MODULES = ("kyso.core.signing", "kyso.core.roles", "kyso.core.placement", "kyso.core.verify",
                 "kyso.core.tokens", "kyso.gui.pindialog")


def warm_up() -> None:
    """Import the signing core (background thread), so that no later import
    on the GUI thread has to wait for it."""
    import importlib

    for name in HEAVY_MODULES:
        importlib.import_module(name)

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
                     main_number: str = "", placement: Placement | None = None) -> SignOptions:
    """SignOptions for ``role`` (automatic Decree 30 placement when available;
    ``placement`` is the person's own box, from the stamp preview)."""
    from ..core import appearance as ap

    try:
        from ..core import roles
    except ImportError:
        roles = None
    from ..core.signing import SignOptions  # noqa: F401 - loaded for the fallback below
    if roles is not None:
        req = roles.RoleRequest(role=role, number=number, issue_date=issue_date,
                                attachment=ap.AttachmentStyle(main_number=main_number or "…"),
                                placement=placement)
        return roles.role_options(req)
    opts = _fallback_options(role, main_number)
    if placement is not None:
        from dataclasses import replace as _replace
        opts = _replace(opts, placement=placement, prepare=None)
    return opts


@dataclass(frozen=True)
class StampPreview:
    """Where ``role``'s stamp would land on a document (displayed coordinates, points)."""

    page: int
    box: Box
    page_size: tuple[float, float]   # the page as displayed
    found: bool = True               # False: placement could not find the spot
    reason: KysoError | None = None  # why it could not, when the core said

    @property
    def message(self) -> str:
        """What to tell the person when the spot was not found, in the current
        language (made when shown, so a change of language applies)."""
        if self.found:
            return ""
        msg = QCoreApplication.translate(
            "SigningFlow", "Không tìm được vị trí đặt chữ ký tự động. Hãy kéo khung đến chỗ cần ký.")
        return f"{self.reason.message} {msg}" if self.reason is not None else msg


def preview_placement(path: Path, role: str, main_number: str = "") -> StampPreview:
    """The automatic placement of ``role`` on ``path`` (background: reads and analyses
    the PDF; nothing is written). When the page's text does not show the spot
    (:class:`PlacementNotFound`), a sensible default on the last page, and a
    message asking the person to place it."""
    from ..core.pdfdoc import open_pdf
    from ..core.stamp import Box

    options = options_for_role(role, main_number=main_number)
    with open_pdf(path, password=options.password, for_signing=True) as doc:
        count = doc.page_count
        try:
            found = options.prepare(doc) if options.prepare is not None else options.placement
            if found is None:
                raise LookupError("no placement")
            page = found.page if found.page >= 0 else count + found.page
            return StampPreview(page, found.box, doc.geometry(page).display_size)
        except Exception as exc:  # noqa: BLE001 - PlacementNotFound and friends: place by hand
            log.info("automatic placement of %s on %s failed: %s", role, path.name, exc)
            from ..core.placement import PlacementNotFound

            w, h = _style_size(role)
            page = 0 if role in ("attachment", "copy") else count - 1
            pw, ph = doc.geometry(page).display_size
            box = Box(max(0.0, pw * 0.6 - w / 2), max(0.0, ph * 0.2), w, h)
            if not isinstance(exc, PlacementNotFound) and isinstance(exc, KysoError):
                raise                     # not a placement problem (no leader signature…)
            return StampPreview(page, box, (pw, ph), False, exc if isinstance(exc, KysoError) else None)


def _style_size(role: str) -> tuple[float, float]:
    from ..core import appearance as ap

    if role == "agency":
        st = ap.AgencySealStyle()
        return st.diameter + st.seal_offset(), st.diameter
    styles = {"initial": ap.InitialStyle(), "leader": ap.LeaderStyle(),
              "attachment": ap.AttachmentStyle(main_number="…"), "copy": ap.CopyStyle()}
    return styles[role].size()


def _fallback_options(role: str, main_number: str) -> SignOptions:
    """Fixed places on the last (or first) page; used until placement is merged."""
    from ..core import appearance as ap
    from ..core.signing import Placement, SignOptions
    from ..core.stamp import Box

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
    #: this document's own options when they differ from the batch's (its
    #: number from the register, in a batch issuance)
    options: SignOptions | None = None


def sign_each(signer, jobs: list[Job], sign_one: Callable[[object, Job], Path],
              report: Callable[[int, int, SignResult], None],
              cancelled: Callable[[], bool]) -> list[SignResult]:
    """``sign_batch``'s rules over a per-document signing function: one result per
    job, stop between documents on request, and after a token failure (PIN,
    removal, lock) the rest are not tried (never retry a token failure)."""
    import time

    from ..core.errors import Cancelled, DocumentError, TokenError
    from ..core.signing import SignResult

    results: list[SignResult] = []
    stop: KysoError | None = None
    n = len(jobs)
    for i, job in enumerate(jobs, 1):
        if stop is None and cancelled():
            stop = Cancelled()
        if stop is not None:
            err = stop if isinstance(stop, Cancelled) else TokenError(
                "batch.skipped_after_token_error", detail=stop.message)
            result = SignResult(job.src, None, err)
        else:
            started = time.perf_counter()
            try:
                out = sign_one(signer, job)
                result = SignResult(job.src, Path(out), seconds=time.perf_counter() - started)
            except Exception as exc:  # noqa: BLE001 - one bad document fails alone
                if not isinstance(exc, KysoError):
                    log.exception("Signing %s failed", job.src)
                    exc = DocumentError("doc.sign_failed", path=job.src.name, detail=str(exc) or type(exc).__name__)
                result = SignResult(job.src, None, exc)
                if isinstance(exc, TokenError):
                    stop = exc
        results.append(result)
        report(i, n, result)
    return results


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

    def __init__(self, token: TokenInfo, role: str, jobs: list[Job], options: SignOptions, *,
                 cert_selector: str | None = None, store: Callable[[Job, SignResult], None] | None = None,
                 sign_one: Callable[[object, Job], Path] | None = None,
                 parent_widget: QWidget | None = None):
        super().__init__(parent_widget)
        self.token = token
        self.role = role
        self.jobs = jobs
        self.options = options
        self.cert_selector = cert_selector
        self.store = store
        #: signs one job itself and returns the signed file (the sync store signs
        #: into its outbox); None: ``sign_batch`` writes each job's ``dst``.
        self.sign_one = sign_one
        self.parent_widget = parent_widget
        self.session: TokenSession | None = None
        self.cert = None
        self.dialog: PinDialog | None = None
        self.operation = None
        self.results: list[SignResult] = []

    # -- 1. fresh PIN state, certificate --
    def start(self, error: LiveText | None = None) -> None:
        def prepare():
            from ..core.tokens import TokenSession, load_module

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
                self.start(error=lambda: exc.message)   # fresh tries-left, then ask again
            elif isinstance(exc, PinLocked):
                self.start(error=lambda: exc.message)   # the dialog shows the locked state
            else:
                self._fail(exc)

        run_in_background(login, self._sign, wrong, parent=self)

    # -- 4. sign --
    def _sign(self, signer) -> None:
        self.loggedIn.emit()
        jobs, options, store, sign_one = self.jobs, self.options, self.store, self.sign_one

        def work(report, cancelled):
            from ..core.signing import SignResult, sign_batch

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
                if sign_one is not None:
                    return sign_each(signer, jobs, sign_one, report, cancelled)
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

