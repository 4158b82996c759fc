"""The first-run assistant: document server, token, signature and seal images.

Shown when there is no settings file yet (:func:`needs_first_run`). Every page
can be skipped: an official without a server works on local files, one
without a token yet can still read and verify documents. The token search runs
in the background with a progress bar; when nothing is found the page says in
plain words how to install the CA's token software.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget, QWizard, QWizardPage)

from .i18n import Retranslating
from ..core import settings as settings_mod
from ..core.tokens import CertificateInfo, ModuleInfo, TokenInfo
from ..services.tokens import certificate_value, scan
from .settingsdialog import DEFAULT_SEAL_MM, ImagePicker
from .stamppreview import PreviewRequest, StampPreview
from .worker import run_in_background

log = logging.getLogger(__name__)

CERT_ROLE = Qt.ItemDataRole.UserRole + 1
# the token's label, for the certificate registration page
TOKEN_ROLE = Qt.ItemDataRole.UserRole + 3
# what a tree item shows, to make its text again in another language
SHOWS_ROLE = Qt.ItemDataRole.UserRole + 2


def needs_first_run() -> bool:
    """True when this user has no settings file yet (app.py checks the same
    without importing this module, to keep start-up light)."""
    return not settings_mod.settings_path().exists()


@dataclass
class ModuleResult:
    module: ModuleInfo
    tokens: list[TokenInfo]
    error: str | None = None


def search_tokens(modules: list[str] | None = None, report=None) -> list[ModuleResult]:
    """Every module (found, or the given paths) with its tokens; background work
    (the application layer's one listing)."""
    from ..core.settings import Settings

    return [ModuleResult(r.module, r.tokens, r.error)
            for r in scan(Settings(), modules=modules, report=report)]


class ServerPage(Retranslating, QWizardPage):
    def __init__(self, current: settings_mod.Settings, parent=None):
        super().__init__(parent)
        self.url_edit = QLineEdit(current.server_url or "")
        self.user_edit = QLineEdit(current.username or "")
        self.offline_check = QCheckBox()
        self.offline_check.toggled.connect(self._offline_toggled)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")
        self.url_caption, self.user_caption = QLabel(), QLabel()
        form = QFormLayout(self)
        form.addRow(self.url_caption, self.url_edit)
        form.addRow(self.user_caption, self.user_edit)
        form.addRow(self.offline_check)
        form.addRow(self.hint)
        self.url_edit.textChanged.connect(self.completeChanged)
        if current.server_url is None and current.username is None:
            self.offline_check.setChecked(False)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Máy chủ văn bản"))
        self.setSubTitle(self.tr("Kyso nhận văn bản cần ký từ máy chủ quản lý văn bản của cơ quan "
                                 "và gửi lại văn bản đã ký."))
        self.url_edit.setPlaceholderText(self.tr("ví dụ https://vanban.example.gov.vn"))
        self.user_edit.setPlaceholderText(self.tr("tên đăng nhập trên máy chủ"))
        self.offline_check.setText(self.tr("Làm việc không có máy chủ"))
        self.offline_check.setToolTip(self.tr("Ký các tệp PDF trên máy; có thể thêm máy chủ sau trong Cài đặt."))
        self.hint.setText(self.tr("Bộ phận công nghệ thông tin của cơ quan cho biết địa chỉ máy chủ."))
        self.url_caption.setText(self.tr("Địa chỉ máy chủ:"))
        self.user_caption.setText(self.tr("Tên đăng nhập:"))

    def _offline_toggled(self, offline: bool) -> None:
        self.url_edit.setEnabled(not offline)
        self.user_edit.setEnabled(not offline)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self.offline_check.isChecked():
            return True
        url = self.url_edit.text().strip().lower()
        return url.startswith(("http://", "https://")) and len(url) > len("https://")

    def server(self) -> tuple[str | None, str | None]:
        if self.offline_check.isChecked():
            return None, None
        return self.url_edit.text().strip() or None, self.user_edit.text().strip() or None


class TokenPage(Retranslating, QWizardPage):
    searched = Signal(int)   # number of usable certificates found

    def __init__(self, modules: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.modules = modules
        self.results: list[ModuleResult] = []
        self.searching = False
        self._status_text = lambda: ""      # the status line, as a function of the language
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setColumnWidth(0, 420)
        self.tree.itemSelectionChanged.connect(self.completeChanged)
        self.install_help = QLabel()
        self.install_help.setWordWrap(True)
        self.install_help.setTextFormat(Qt.TextFormat.RichText)
        self.install_help.setVisible(False)
        self.install_help.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.retry_button = QPushButton()
        self.retry_button.clicked.connect(self.search)
        self.retry_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.install_help, 1)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Token ký số"))
        self.setSubTitle(self.tr("Cắm token vào máy. Kyso tìm phần mềm của token và chứng thư số trên token."))
        self.tree.setHeaderLabels([self.tr("Token và chứng thư số"), self.tr("Hiệu lực đến")])
        self.install_help.setText(self.install_text())
        self.retry_button.setText(self.tr("Tìm lại"))
        self._show_status(self._status_text)
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            self._label_item(top)
            for j in range(top.childCount()):
                self._label_item(top.child(j))

    def _show_status(self, text) -> None:
        """``text()``: the status line (made again on a change of language)."""
        self._status_text = text
        self.status.setText(text())

    def _label_item(self, item: QTreeWidgetItem) -> None:
        shows = item.data(0, SHOWS_ROLE)
        if not shows:
            return
        if shows[0] == "token":
            item.setText(0, self.tr("%1 — %2").replace("%1", shows[1]).replace("%2", shows[2]))
        else:
            cert = shows[1]
            reason = self._reason(cert)
            item.setText(0, (cert.common_name or cert.label) + (" (" + reason + ")" if reason else ""))

    def install_text(self) -> str:
        return self.tr(
            "<p><b>Chưa tìm thấy token nào trên máy này.</b></p>"
            "<p>Để ký số, máy cần có phần mềm của token do nhà cung cấp chứng thư số (CA) cấp, "
            "ví dụ Ban Cơ yếu Chính phủ, VNPT-CA, Viettel-CA, BKAV-CA hoặc FPT-CA:</p>"
            "<ol>"
            "<li>Cắm token vào cổng USB của máy.</li>"
            "<li>Cài phần mềm đi kèm token. Phần mềm thường có sẵn trong token (mở ổ đĩa mới xuất hiện "
            "khi cắm token) hoặc tải từ trang hỗ trợ của nhà cung cấp chứng thư số.</li>"
            "<li>Rút token ra, cắm lại, rồi bấm <b>Tìm lại</b>.</li>"
            "</ol>"
            "<p>Nếu vẫn không thấy, hãy gọi bộ phận công nghệ thông tin của cơ quan hoặc tổng đài "
            "hỗ trợ của nhà cung cấp chứng thư số. Có thể bỏ qua bước này và chọn token sau trong "
            "<b>Cài đặt</b>.</p>")

    def initializePage(self) -> None:
        if not self.results and not self.searching:
            self.search()

    def search(self) -> None:
        if self.searching:
            return
        self.searching = True
        self.retry_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self._show_status(lambda: self.tr("Đang tìm token…"))
        self.tree.clear()
        self.install_help.setVisible(False)
        self.tree.setVisible(True)
        self.completeChanged.emit()
        modules = self.modules

        def work(report):
            return search_tokens(modules, report)

        run_in_background(work, self._found, self._failed, self._progressed, parent=self)

    def _progressed(self, i: int, n: int, vendor) -> None:
        if n:
            self.progress.setRange(0, n)
            self.progress.setValue(i)
        if vendor:
            self._show_status(lambda: self.tr("Đang đọc token của %1…").replace("%1", str(vendor)))

    def _failed(self, exc) -> None:
        self._found([])
        self._show_status(lambda: getattr(exc, "message", None) or str(exc))

    def _found(self, results: list[ModuleResult]) -> None:
        self.searching = False
        self.results = results
        self.progress.setVisible(False)
        self.retry_button.setEnabled(True)
        usable = 0
        first_usable = None
        for res in results:
            for token in res.tokens:
                top = QTreeWidgetItem(["", ""])
                top.setData(0, SHOWS_ROLE, ("token", token.label, res.module.vendor))
                self._label_item(top)
                top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                self.tree.addTopLevelItem(top)
                for cert in token.certificates:
                    if not cert.key_id:     # a CA certificate of the chain, not the user's
                        continue
                    item = QTreeWidgetItem([cert.common_name or cert.label, cert.not_after.strftime("%d/%m/%Y")])
                    item.setData(0, CERT_ROLE, (str(res.module.path), certificate_value(cert)))
                    item.setData(0, TOKEN_ROLE, token.label)
                    item.setToolTip(0, cert.subject)
                    item.setData(0, SHOWS_ROLE, ("cert", cert))
                    self._label_item(item)
                    if self._reason(cert):
                        item.setDisabled(True)
                    else:
                        usable += 1
                        first_usable = first_usable or item
                    top.addChild(item)
                top.setExpanded(True)
        tokens = sum(len(r.tokens) for r in results)
        if tokens == 0:
            self.tree.setVisible(False)
            self.install_help.setVisible(True)
            self._show_status(lambda: "")
        elif usable == 0:
            self._show_status(lambda: self.tr("Token không có chứng thư số nào dùng được để ký. "
                                              "Hãy liên hệ nhà cung cấp chứng thư số."))
        else:
            self._show_status(lambda: self.tr("Chọn chứng thư số dùng để ký:"))
            first_usable.setSelected(True)
            self.tree.setCurrentItem(first_usable)
        self.completeChanged.emit()
        self.searched.emit(usable)

    def _reason(self, cert: CertificateInfo) -> str:
        if not cert.key_id:
            return self.tr("không có khóa ký trên token")
        refusal = cert.refusal()       # the core's one wording, as every face says it
        return refusal.message if refusal is not None else ""

    def isComplete(self) -> bool:
        return not self.searching

    def choice(self) -> tuple[str | None, str | None]:
        """(module path, certificate) chosen; (None, None) when skipped."""
        items = self.tree.selectedItems()
        if items and items[0].data(0, CERT_ROLE):
            return tuple(items[0].data(0, CERT_ROLE))
        for res in self.results:     # one module with tokens but nothing chosen: keep the module
            if res.tokens:
                return str(res.module.path), None
        return None, None


    def chosen_token(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, TOKEN_ROLE) if items else None


class _TypedPin:
    """The PIN typed on the registration page (a PinSource for open_signer)."""

    def __init__(self, pin: str):
        self._pin = pin

    def pin(self, token, cert):
        return self._pin or None

    def per_signature_pin(self, token, cert):
        return self._pin

    def warn(self, message: str) -> None:
        log.warning("%s", message)


def register_with_server(server: str, user: str, password: str, module: str, token: str | None,
                         cert: str | None, pin: str) -> str:
    """Background work: log in, open the token through the application layer,
    prove possession of the key and register the certificate. Returns the
    sentence to show (what happened and what comes next)."""
    from ..core.settings import Settings
    from ..services.certreg import outcome_message, refusal_message, register_certificate
    from ..services.tokens import PinSource, TokenCriteria, open_signer
    from ..sync import credentials
    from ..sync.api import ServerClient
    from ..sync.errors import RuleRefused

    class Pin(_TypedPin, PinSource):
        pass

    client = ServerClient(server)
    client.login(user, password)
    credentials.save_token(server, user, client.token)
    with open_signer(TokenCriteria(module=module, token=token, cert=cert), Settings(), Pin(pin)) as opened:
        try:
            return outcome_message(register_certificate(client, opened.signer), user)
        except RuleRefused as exc:
            raise RegistrationRefused(refusal_message(exc)) from exc


class RegistrationRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegisterCertPage(Retranslating, QWizardPage):
    """Register the chosen certificate with the server account, proving that
    this token holds its key. Only when a server and a certificate were
    chosen; skippable; the work runs in the background."""

    def __init__(self, wizard: "FirstRunWizard", parent=None):
        super().__init__(parent)
        self._wizard = wizard
        self.busy = False
        self.result_text = ""
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)  # no IME in a PIN
        self.register_button = QPushButton()
        self.register_button.clicked.connect(self.register)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password_caption, self.pin_caption = QLabel(), QLabel()
        form = QFormLayout(self)
        form.addRow(self.intro)
        form.addRow(self.password_caption, self.password_edit)
        form.addRow(self.pin_caption, self.pin_edit)
        form.addRow(self.register_button)
        form.addRow(self.progress)
        form.addRow(self.status)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Đăng ký chứng thư số với máy chủ"))
        self.setSubTitle(self.tr("Máy chủ chỉ nhận văn bản ký bằng chứng thư số đã đăng ký cho tài khoản của bạn. "
                                 "Token ký một mã thử thách của máy chủ để chứng minh bạn giữ khóa."))
        self.password_caption.setText(self.tr("Mật khẩu máy chủ:"))
        self.pin_caption.setText(self.tr("Mã PIN token:"))
        self.register_button.setText(self.tr("Đăng ký chứng thư số"))
        self._show_intro()

    def _target(self):
        server, user = self._wizard.server_page.server()
        module, cert = self._wizard.token_page.choice()
        return server, user, module, cert

    def _show_intro(self) -> None:
        server, user, module, cert = self._target() if hasattr(self._wizard, "token_page") else (None,) * 4
        ready = bool(server and user and module and cert)
        for w in (self.password_edit, self.pin_edit, self.register_button):
            w.setEnabled(ready and not self.busy)
        if not ready:
            self.intro.setText(self.tr("Chưa chọn máy chủ, tên đăng nhập hoặc chứng thư số: bỏ qua bước này. "
                                       "Có thể đăng ký sau bằng lệnh kyso register-cert."))
        else:
            self.intro.setText(self.tr("Tài khoản %1 trên %2. Bấm Tiếp theo để bỏ qua; có thể đăng ký sau bằng "
                                       "lệnh kyso register-cert.").replace("%1", user).replace("%2", server))

    def initializePage(self) -> None:
        self._show_intro()

    def isComplete(self) -> bool:
        return not self.busy

    def register(self) -> None:
        if self.busy:
            return
        server, user, module, cert = self._target()
        token = self._wizard.token_page.chosen_token()
        password, pin = self.password_edit.text(), self.pin_edit.text()
        self.pin_edit.clear()
        self.busy = True
        self.progress.setVisible(True)
        self.status.setText(self.tr("Đang đăng ký…"))
        self._show_intro()
        self.completeChanged.emit()
        run_in_background(lambda: register_with_server(server, user, password, module, token, cert, pin),
                          self._done, self._failed, parent=self)

    def _finish(self, text: str) -> None:
        self.busy = False
        self.result_text = text
        self.progress.setVisible(False)
        self.status.setText(text)
        self._show_intro()
        self.completeChanged.emit()

    def _done(self, message: str) -> None:
        self._finish(message)

    def _failed(self, exc) -> None:
        self._finish(getattr(exc, "message", None) or str(exc) or type(exc).__name__)


class ImagesPage(Retranslating, QWizardPage):
    def __init__(self, current: settings_mod.Settings, parent=None):
        super().__init__(parent)
        self.signature_picker = ImagePicker("")
        self.seal_picker = ImagePicker("")
        self.initial_picker = ImagePicker("")
        self.signature_picker.set_path(current.signature_image)
        self.seal_picker.set_path(current.seal_image)
        self.initial_picker.set_path(current.initial_image)
        self.seal_spin = QDoubleSpinBox()
        self.seal_spin.setRange(15.0, 60.0)
        self.seal_spin.setSingleStep(0.5)
        self.seal_spin.setDecimals(1)
        self.seal_spin.setSuffix(" mm")
        self.seal_spin.setValue(current.seal_diameter_mm or DEFAULT_SEAL_MM)
        self._seal_default = current.seal_diameter_mm is None
        self.preview = StampPreview()
        self.captions = [QLabel() for _ in range(4)]
        form = QFormLayout(self)
        form.addRow(self.captions[0], self.signature_picker)
        form.addRow(self.captions[1], self.seal_picker)
        form.addRow(self.captions[2], self.seal_spin)
        form.addRow(self.captions[3], self.initial_picker)
        form.addRow(self.preview)
        for w in (self.signature_picker, self.seal_picker, self.initial_picker):
            w.changed.connect(self._update_preview)
        self.seal_spin.valueChanged.connect(self._update_preview)
        self.retranslate_ui()
        self._update_preview()

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Chữ ký và con dấu"))
        self.setSubTitle(self.tr("Ảnh PNG nền trong suốt: chữ ký màu xanh, con dấu màu đỏ. "
                                 "Có thể bỏ qua và thêm sau trong Cài đặt."))
        self.signature_picker.title = self.tr("Chọn ảnh chữ ký")
        self.seal_picker.title = self.tr("Chọn ảnh con dấu")
        self.initial_picker.title = self.tr("Chọn ảnh chữ ký nháy")
        for label, text in zip(self.captions, (self.tr("Ảnh chữ ký:"), self.tr("Ảnh con dấu:"),
                                               self.tr("Đường kính con dấu:"), self.tr("Ảnh chữ ký nháy:"))):
            label.setText(text)

    def _update_preview(self, *_args) -> None:
        self.preview.update_request(PreviewRequest(
            signature_image=self.signature_picker.path(), seal_image=self.seal_picker.path(),
            seal_diameter_mm=self.seal_spin.value(), initial_image=self.initial_picker.path()))

    def seal_mm(self) -> float | None:
        value = round(self.seal_spin.value(), 1)
        return None if self._seal_default and value == DEFAULT_SEAL_MM else value


class FirstRunWizard(Retranslating, QWizard):
    """Four skippable pages; Finish saves the settings file (atomically)."""

    def __init__(self, parent: QWidget | None = None, *, modules: list[str] | None = None):
        super().__init__(parent)
        self.current = settings_mod.load()
        self.saved: settings_mod.Settings | None = None
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.server_page = ServerPage(self.current)
        self.token_page = TokenPage(modules)
        self.images_page = ImagesPage(self.current)
        self.register_page = RegisterCertPage(self)
        self.addPage(self.server_page)
        self.addPage(self.token_page)
        self.addPage(self.register_page)
        self.addPage(self.images_page)
        self.resize(760, 600)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Chào mừng đến với Kyso"))
        # Qt ships no Vietnamese catalogue for its own buttons: name them here.
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Quay lại"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Tiếp theo >"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Hoàn tất"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Hủy"))

    def values(self) -> settings_mod.Settings:
        server, user = self.server_page.server()
        module, cert = self.token_page.choice()
        p = self.images_page
        return replace(self.current, server_url=server, username=user,
                       pkcs11_module=module or self.current.pkcs11_module,
                       default_certificate=cert or (self.current.default_certificate if not module else None),
                       signature_image=p.signature_picker.path(), seal_image=p.seal_picker.path(),
                       initial_image=p.initial_picker.path(), seal_diameter_mm=p.seal_mm())

    def accept(self) -> None:
        new = self.values()
        settings_mod.save(new)
        self.saved = new
        super().accept()
