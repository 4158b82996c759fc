"""The desktop app as the web document systems' signing service.

While Kyso runs, :class:`BridgeHost` serves ``wss://127.0.0.1:8987`` (the
``kyso.bridge`` service, on its own thread) and shows a tray icon. Each signing
request opens a :class:`BridgeWindow` in front: the requesting web site in
plain words, what it asks (the operation as a Decree 30 step), the document
with its stamp at the automatic position (movable), the certificate; then the
PIN dialog. Cancelling answers the page with a non-zero Status. Data that
is not a document (``SignMsg``, ``Auth``) opens an :class:`OpaqueWindow`
instead: the site, what it is for, exactly what would be signed and the
warning that the signature counts as the person's own; then the PIN.

The service's worker threads ask the GUI thread through a queued signal and
wait for the answer; the GUI thread never waits for them (dialogs are opened
with ``open()``, never ``exec()``).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QMenu,
                               QStyle, QSystemTrayIcon, QVBoxLayout, QWidget)

from ..bridge import protocol as P
from ..bridge.operations import Attendant, EnvPinSource, OpaqueRequest, SignPlan
from ..bridge.transfer import BridgeError
from ..core.role import Role
from ..core.signing import Placement
from .i18n import Retranslating, named_buttons

log = logging.getLogger(__name__)

ANSWER_TIMEOUT_S = 15 * 60


def _request_header(layout: QVBoxLayout) -> tuple[QLabel, QLabel]:
    """The top of every request window: which web site asks (bold, plain text:
    an origin is never rich text) and what it asks for."""
    origin = QLabel()
    origin.setWordWrap(True)
    origin.setTextFormat(Qt.TextFormat.PlainText)
    origin.setStyleSheet("font-weight: bold;")
    layout.addWidget(origin)
    what = QLabel()
    what.setWordWrap(True)
    layout.addWidget(what)
    return origin, what


@dataclass
class _Question:
    kind: str
    payload: object
    event: threading.Event = field(default_factory=threading.Event)
    answer: object = None
    error: BaseException | None = None

    def reply(self, answer=None, error: BaseException | None = None) -> None:
        self.answer, self.error = answer, error
        self.event.set()


def _cancelled() -> BridgeError:
    return BridgeError("bridge.cancelled", P.CANCELLED)


class BridgeWindow(Retranslating, QDialog):
    """One request from a web page, shown before anything is signed."""

    def __init__(self, plan: SignPlan, token, cert, place, parent: QWidget | None = None):
        super().__init__(parent)
        self.plan = plan
        self.token, self.cert, self.place = token, cert, place
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.origin_label, self.what_label = _request_header(layout)
        form = QFormLayout()
        self.docs_caption, self.cert_caption, self.role_caption = QLabel(), QLabel(), QLabel()
        names = "\n".join(d.display_name for d in plan.documents)
        self.docs_label = QLabel(names)
        self.docs_label.setTextFormat(Qt.TextFormat.PlainText)
        self.docs_label.setWordWrap(True)
        form.addRow(self.docs_caption, self.docs_label)
        holder = cert.common_name + (f" ({cert.organisation})" if cert.organisation else "")
        self.cert_label = QLabel(f"{holder} — {token.label}")
        self.cert_label.setWordWrap(True)
        form.addRow(self.cert_caption, self.cert_label)
        self.role_box = QComboBox()
        self.role_box.setVisible(not plan.role_chosen_by_page)
        self.role_caption.setVisible(not plan.role_chosen_by_page)
        form.addRow(self.role_caption, self.role_box)
        layout.addLayout(form)
        self.view = None
        if len(plan.documents) == 1:
            from .pdfview import PdfView

            self.view = PdfView(self)
            self.view.setMinimumHeight(420)
            layout.addWidget(self.view, 1)
            self.view.open(plan.documents[0].job.original)
            if place is not None:
                self.view.show_stamp_preview(place.page, place.box, place.page_size)
        self.buttons = QDialogButtonBox()
        self.ok_button, self.cancel_button = named_buttons(self.buttons, self)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Kyso — yêu cầu ký số từ trang web"))
        self.origin_label.setText(self.tr("Trang web %1 yêu cầu ký số.").replace("%1", self.plan.call.origin))
        self.what_label.setText(self.describe())
        self.docs_caption.setText(self.tr("Văn bản:"))
        self.cert_caption.setText(self.tr("Chứng thư số:"))
        self.role_caption.setText(self.tr("Ký với vai trò:"))
        current = self.role_box.currentData()
        self.role_box.clear()
        for role, label in ((Role.LEADER, self.tr("Lãnh đạo ký số")), (Role.INITIAL, self.tr("Ký nháy")),
                            (Role.AGENCY, self.tr("Văn thư đóng dấu")), (Role.ATTACHMENT, self.tr("Ký phụ lục")),
                            (Role.COPY, self.tr("Sao y"))):
            self.role_box.addItem(label, role.value)
        index = self.role_box.findData(current or (self.plan.role.value if self.plan.role else "leader"))
        self.role_box.setCurrentIndex(max(index, 0))
        self.ok_button.setText(self.tr("Ký số"))
        self.cancel_button.setText(self.tr("Hủy"))

    def describe(self) -> str:
        op, params = self.plan.call.operation, self.plan.call.params
        if op == "SignApproved":
            return self.tr("Lãnh đạo ký phê duyệt: chữ ký đặt giữa chức vụ và họ tên người ký.")
        if op == "SignIssued":
            number = params.str("DocNumber")
            if number:
                return self.tr("Văn thư ký phát hành: cấp số %1, ngày %2, đóng dấu cơ quan.").replace(
                    "%1", number).replace("%2", self.plan.request.issue_date.strftime("%d/%m/%Y"))
            return self.tr("Văn thư ký phát hành: đóng dấu cơ quan (trang web không gửi số văn bản).")
        if op == "SignAppendix":
            return self.tr("Ký số phụ lục, tài liệu kèm theo văn bản số %1.").replace("%1", params.str("DocNumber"))
        if op == "SignCopy":
            return self.tr("Ký số bản sao điện tử (SAO Y).")
        if op == "SignIncome":
            return self.tr("Văn thư ký văn bản đến: dấu “ĐẾN” ở góc trên bên phải trang đầu.")
        if op == "Comment":
            return self.tr("Ký cho ý kiến: chữ ký cá nhân nhỏ ở cuối nội dung.")
        if op in P.BATCH:
            return self.tr("Ký %1 văn bản với một lần nhập mã PIN.").replace("%1", str(len(self.plan.documents)))
        return self.tr("Ký số văn bản; chọn vai trò bên dưới.")

    def confirmed_plan(self) -> SignPlan:
        plan = self.plan
        if not plan.role_chosen_by_page and self.role_box.currentData():
            role = Role.parse(self.role_box.currentData())
            if role != plan.role:
                plan = replace(plan, role=role, request=replace(plan.request, role=role, placement=None))
                return plan
        if self.view is not None and self.place is not None and plan.role is not None:
            spot = self.view.stamp_placement()
            if spot is not None and (spot[0], spot[1]) != (self.place.page, self.place.box):
                plan = replace(plan, request=replace(plan.request, placement=Placement(spot[0], spot[1])))
        return plan

    def done(self, result: int) -> None:
        if self.view is not None:
            self.view.close_document()
        super().done(result)


TEXT_SHOWN = 400          # characters of a signed string shown in the window


def _printable(text: str) -> bool:
    return all(ch.isprintable() or ch in "\n\r\t" for ch in text)


def _hex_groups(data: bytes) -> str:
    """``a1b2c3d4 e5f6…``: groups of four bytes, eight groups a line."""
    groups = [data[i:i + 4].hex() for i in range(0, len(data), 4)]
    return "\n".join(" ".join(groups[i:i + 8]) for i in range(0, len(groups), 8))


class OpaqueWindow(Retranslating, QDialog):
    """Data a web page wants signed that is not a document (SignMsg, Auth):
    which site asks, what for, exactly what would be signed, and the warning
    that such a signature counts as the person's own."""

    def __init__(self, request: OpaqueRequest, token, cert, parent: QWidget | None = None):
        super().__init__(parent)
        self.request = request
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.origin_label, self.what_label = _request_header(layout)
        form = QFormLayout()
        self.data_caption, self.cert_caption = QLabel(), QLabel()
        self.data_label = QLabel()
        self.data_label.setTextFormat(Qt.TextFormat.PlainText)
        self.data_label.setWordWrap(True)
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.data_label.setStyleSheet("font-family: monospace;")
        form.addRow(self.data_caption, self.data_label)
        holder = cert.common_name + (f" ({cert.organisation})" if cert.organisation else "")
        self.cert_label = QLabel(f"{holder} — {token.label}")
        self.cert_label.setWordWrap(True)
        form.addRow(self.cert_caption, self.cert_label)
        layout.addLayout(form)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #c62828; font-weight: bold;")
        layout.addWidget(self.warning_label)
        self.buttons = QDialogButtonBox()
        self.ok_button, self.cancel_button = named_buttons(self.buttons, self)
        self.cancel_button.setDefault(True)          # Enter does not sign
        self.cancel_button.setAutoDefault(True)
        self.ok_button.setAutoDefault(False)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        r = self.request
        self.setWindowTitle(self.tr("Kyso — trang web yêu cầu ký dữ liệu"))
        self.origin_label.setText(self.tr("Trang web %1 yêu cầu ký bằng chứng thư số của bạn.")
                                  .replace("%1", r.call.origin))
        if r.kind == "auth":
            what = self.tr("Đăng nhập bằng chứng thư số: trang web gửi một chuỗi kiểm tra để bạn ký, "
                           "nhằm xác nhận bạn là chủ chứng thư số.")
        elif r.kind == "hash":
            what = self.tr("Ký một giá trị băm do trang web tính sẵn. Kyso không thể biết đó là băm "
                           "của nội dung nào.")
        else:
            what = self.tr("Ký một chuỗi dữ liệu do trang web gửi.")
        self.what_label.setText(what)
        self.data_caption.setText(self.tr("Dữ liệu sẽ ký:"))
        self.data_label.setText(self.details())
        self.cert_caption.setText(self.tr("Chứng thư số:"))
        self.warning_label.setText(self.tr("Chữ ký tạo ra ở đây có giá trị như chữ ký của chính bạn và trang web "
                                           "có thể dùng nó nhân danh bạn. Chỉ ký khi bạn đang chờ đúng yêu cầu "
                                           "này từ trang web này."))
        self.ok_button.setText(self.tr("Ký số"))
        self.cancel_button.setText(self.tr("Hủy"))

    def details(self) -> str:
        """Exactly what would be signed, in words."""
        import hashlib

        r = self.request
        if r.kind == "hash":
            return self.tr("Giá trị băm %1:").replace("%1", r.algorithm.upper()) + "\n" + _hex_groups(r.digest)
        data = r.data or b""
        lines = [self.tr("%1 byte, SHA-256:").replace("%1", str(len(data))), _hex_groups(hashlib.sha256(data).digest())]
        text = r.text
        if text is not None and _printable(text):
            shown = text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"
            lines.append(self.tr("Nội dung:") + " " + shown)
        else:
            lines.append(self.tr("Nội dung không phải văn bản đọc được."))
        return "\n".join(lines)


class GuiAttendant(QObject, Attendant):
    """The person at the desktop app, asked from the service's worker threads."""

    interactive = True
    asked = Signal(object)
    configRequested = Signal()

    def __init__(self, parent: QObject | None = None, settings_window=None):
        super().__init__(parent)
        self.asked.connect(self._on_asked, Qt.ConnectionType.QueuedConnection)
        self.windows: list[QWidget] = []
        self.settings_window = settings_window

    # -- worker side ------------------------------------------------------------------------

    def _ask(self, kind: str, payload) -> object:
        q = _Question(kind, payload)
        self.asked.emit(q)
        if not q.event.wait(ANSWER_TIMEOUT_S):
            raise _cancelled()
        if q.error is not None:
            raise q.error
        return q.answer

    def approve(self, plan: SignPlan):
        from ..core import settings as store
        from ..services.preview import preview_placement
        from ..services.tokens import all_tokens, choose_certificate, choose_token, scan

        conf = store.load()
        token = choose_token(all_tokens(scan(conf, plan.criteria.module)), plan.criteria.token)
        cert = choose_certificate(token, plan.criteria.cert, conf.default_certificate)
        place = None
        if plan.role is not None and len(plan.documents) == 1:
            try:
                place = preview_placement(plan.documents[0].job.original, plan.request, conf)
            except Exception:  # the window shows the document without a frame
                log.info("No stamp preview for the bridge request", exc_info=True)
        confirmed, pin = self._ask("approve", (plan, token, cert, place))
        return confirmed, EnvPinSource(pin, person=True)   # typed in the PIN dialog

    def approve_opaque(self, request: OpaqueRequest, criteria):
        from ..core import settings as store
        from ..services.tokens import all_tokens, choose_certificate, choose_token, scan

        conf = store.load()
        token = choose_token(all_tokens(scan(conf, criteria.module)), criteria.token)
        cert = choose_certificate(token, criteria.cert, conf.default_certificate)
        pin = self._ask("opaque", (request, token, cert))
        return EnvPinSource(pin, person=True)

    def pick_file(self, call) -> Path | None:
        picked = self._ask("pick", call)
        return Path(picked) if picked else None

    def show_config(self) -> None:
        self.configRequested.emit()

    # -- GUI side ---------------------------------------------------------------------------

    def _on_asked(self, q: _Question) -> None:
        try:
            if q.kind == "approve":
                self._approve(q)
            elif q.kind == "opaque":
                self._approve_opaque(q)
            elif q.kind == "pick":
                self._pick(q)
            else:
                q.reply(error=_cancelled())
        except Exception as exc:  # the worker must get an answer
            log.exception("Bridge window failed")
            q.reply(error=BridgeError("bridge.bad_request", P.INTERNAL, detail=type(exc).__name__))

    def _keep(self, widget: QWidget) -> None:
        self.windows.append(widget)
        widget.finished.connect(lambda *_: self.windows.remove(widget) if widget in self.windows else None)

    def _ask_pin(self, q: _Question, token, cert, count: int, answer) -> None:
        """The PIN dialog in front; ``answer(pin)`` is what the worker gets."""
        from .pindialog import PinDialog

        pins = PinDialog(token, cert, count=count)
        pins.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self._keep(pins)

        def pin_done(res: int) -> None:
            if res != QDialog.DialogCode.Accepted:
                q.reply(error=_cancelled())
            else:
                q.reply(answer(pins.take_pin()))

        pins.finished.connect(pin_done)
        self._front(pins)

    @staticmethod
    def _front(window: QDialog) -> None:
        window.open()
        window.raise_()
        window.activateWindow()

    def _approve(self, q: _Question) -> None:
        plan, token, cert, place = q.payload
        window = BridgeWindow(plan, token, cert, place)
        self._keep(window)

        def finished(result: int) -> None:
            if result != QDialog.DialogCode.Accepted:
                q.reply(error=_cancelled())
                return
            confirmed = window.confirmed_plan()
            self._ask_pin(q, token, cert, len(plan.documents), lambda pin: (confirmed, pin))

        window.finished.connect(finished)
        self._front(window)

    def _approve_opaque(self, q: _Question) -> None:
        request, token, cert = q.payload
        window = OpaqueWindow(request, token, cert)
        self._keep(window)

        def finished(result: int) -> None:
            if result != QDialog.DialogCode.Accepted:
                q.reply(error=_cancelled())
                return
            self._ask_pin(q, token, cert, 1, lambda pin: pin)

        window.finished.connect(finished)
        self._front(window)

    def _pick(self, q: _Question) -> None:
        dialog = QFileDialog(None, self.tr("Chọn tệp PDF cần ký"), str(Path.home()), self.tr("Tệp PDF (*.pdf)"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self._keep(dialog)
        dialog.finished.connect(lambda res: q.reply(dialog.selectedFiles()[0] if res and dialog.selectedFiles()
                                                    else None))
        dialog.open()


class BridgeHost(QObject):
    """Runs the service while the app runs, with a tray icon (the service needs
    ``kyso bridge install-cert`` first; ``KYSO_BRIDGE=0`` turns it off)."""

    # the tray icon was clicked or its "Mở Kyso" chosen: show the main window
    openRequested = Signal()

    def __init__(self, parent: QObject | None = None, port: int | None = None, criteria=None):
        super().__init__(parent)
        self.attendant = GuiAttendant(self)
        self.menu = None
        self.port = port if port is not None else int(os.environ.get("KYSO_BRIDGE_PORT", P.DEFAULT_PORT))
        self.criteria = criteria
        self.service = None
        self.tray: QSystemTrayIcon | None = None
        self.error: str | None = None

    def start(self) -> bool:
        from ..bridge import tls
        from ..bridge.operations import Bridge
        from ..bridge.server import BridgeService, server_ssl_context
        from ..core.errors import KysoError
        from ..services.tokens import TokenCriteria

        if os.environ.get("KYSO_BRIDGE") == "0":
            return False
        files = tls.cert_files()
        if not files.exist():
            log.info("Bridge not started: no certificate (kyso bridge install-cert)")
            return False
        bridge = Bridge(self.criteria or TokenCriteria(), self.attendant)
        try:
            self.service = BridgeService(bridge, server_ssl_context(files.cert, files.key), port=self.port).start()
        except (OSError, KysoError) as exc:
            self.error = str(exc)
            log.warning("Bridge not started on port %s: %s", self.port, exc)
            return False
        if QSystemTrayIcon.isSystemTrayAvailable():
            from PySide6.QtWidgets import QApplication

            icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DriveNetIcon)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(self.tr("Kyso — dịch vụ ký số cho trang web đang chạy (cổng %1)")
                                 .replace("%1", str(self.service.port)))
            self.menu = QMenu()
            self.menu.addAction(self.tr("Mở Kyso"), self.openRequested.emit)
            self.menu.addAction(self.tr("Thoát"), QApplication.quit)
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._tray_clicked)
            self.tray.show()
        return True

    def _tray_clicked(self, reason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.openRequested.emit()

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None
        if self.tray is not None:
            self.tray.hide()
