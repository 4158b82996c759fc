"""The settings dialog: edits ``kyso.core.settings`` (the same file as ``kyso config``).

Everything that waits — looking for PKCS#11 modules, reading a token's
certificates, drawing the stamp preview — runs through ``run_in_background``;
the dialog stays responsive while a token is slow to answer. OK writes the file
atomically (``settings.save``); Cancel writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from ..core import settings as settings_mod
from ..core.settings import Settings
from ..core.tokens import CertificateInfo, ModuleInfo, TokenInfo, Usability, find_modules, load_module
from .stamppreview import PreviewRequest, StampPreview
from .worker import run_in_background

log = logging.getLogger(__name__)

DEFAULT_SEAL_MM = 36.0
LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))   # each name in its own language
PATH_ROLE = Qt.ItemDataRole.UserRole + 1


def detect_modules(configured: str | None = None) -> list[ModuleInfo]:
    """The modules on this computer, the configured one first (background)."""
    try:
        return find_modules(configured=configured)
    except Exception:  # noqa: BLE001 - a configured path that is gone: still list the others
        log.warning("Configured PKCS#11 module %s is not usable", configured, exc_info=True)
        return find_modules()


def read_tokens(module_path: str) -> list[TokenInfo]:
    """Every token of one module with its certificates (background)."""
    return load_module(module_path).tokens()


def certificate_value(cert: CertificateInfo) -> str:
    """What ``default_certificate`` stores: CKA_ID (hex), else the label."""
    return cert.key_id or cert.label


def cert_matches(cert: CertificateInfo, value: str | None) -> bool:
    return bool(value) and value in (cert.key_id, cert.label)


class ImagePicker(QWidget):
    """A PNG path with "Chọn tệp…" beside it."""

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(self.tr("Ảnh mẫu của Kyso"))
        self.edit.textChanged.connect(self.changed)
        self.button = QPushButton(self.tr("Chọn tệp…"))
        self.button.clicked.connect(self._browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)

    def path(self) -> str | None:
        return self.edit.text().strip() or None

    def set_path(self, path: str | None) -> None:
        self.edit.setText(path or "")

    def _browse(self) -> None:
        start = str(Path(self.path()).parent) if self.path() else ""
        path, _ = QFileDialog.getOpenFileName(self, self.title, start, self.tr("Ảnh PNG (*.png)"))
        if path:
            self.set_path(path)


class SettingsDialog(QDialog):
    """Edit the user's settings. ``modules``: offer these module paths instead
    of searching the computer (tests, or an administrator's fixed list)."""

    modulesLoaded = Signal(int)
    certificatesLoaded = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, current: Settings | None = None,
                 modules: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cài đặt Kyso"))
        self.original = current if current is not None else settings_mod.load()
        self.saved: Settings | None = None
        self._cert_generation = 0
        self._wanted_cert = self.original.default_certificate

        # -- server -------------------------------------------------------------
        self.server_edit = QLineEdit(self.original.server_url or "")
        self.server_edit.setPlaceholderText(self.tr("ví dụ https://vanban.example.gov.vn"))
        self.username_edit = QLineEdit(self.original.username or "")
        self.username_edit.setPlaceholderText(self.tr("tên đăng nhập trên máy chủ"))
        server_box = QGroupBox(self.tr("Máy chủ văn bản"))
        f = QFormLayout(server_box)
        f.addRow(self.tr("Địa chỉ máy chủ:"), self.server_edit)
        f.addRow(self.tr("Tên đăng nhập:"), self.username_edit)
        hint = QLabel(self.tr("Để trống nếu làm việc không có máy chủ."))
        hint.setStyleSheet("color: #666;")
        f.addRow(hint)

        # -- token --------------------------------------------------------------
        self.module_combo = QComboBox()
        self.module_combo.setMinimumContentsLength(30)
        self.module_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.module_combo.addItem(self.tr("Đang tìm phần mềm token…"), None)
        self.module_combo.setEnabled(False)
        self.module_combo.currentIndexChanged.connect(self._module_chosen)
        self.browse_module_button = QPushButton(self.tr("Chọn tệp…"))
        self.browse_module_button.clicked.connect(self._browse_module)
        mrow = QHBoxLayout()
        mrow.addWidget(self.module_combo, 1)
        mrow.addWidget(self.browse_module_button)
        self.cert_model = QStandardItemModel(self)
        self.cert_combo = QComboBox()
        self.cert_combo.setModel(self.cert_model)
        self.cert_combo.setMinimumContentsLength(30)
        self.cert_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.cert_status = QLabel()
        self.cert_status.setWordWrap(True)
        self.cert_status.setStyleSheet("color: #666;")
        token_box = QGroupBox(self.tr("Token ký số"))
        f = QFormLayout(token_box)
        f.addRow(self.tr("Phần mềm token (PKCS#11):"), mrow)
        f.addRow(self.tr("Chứng thư số mặc định:"), self.cert_combo)
        f.addRow(self.cert_status)
        self._set_cert_placeholder(self.tr("Chọn phần mềm token trước."))

        # -- other --------------------------------------------------------------
        self.tsa_edit = QLineEdit(self.original.tsa_url or "")
        self.tsa_edit.setPlaceholderText(self.tr("để trống nếu không dùng dấu thời gian"))
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(1 if (self.original.language or "vi").startswith("en") else 0)
        self.language_note = QLabel(self.tr("Ngôn ngữ mới có hiệu lực khi mở lại Kyso."))
        self.language_note.setStyleSheet("color: #666;")
        other_box = QGroupBox(self.tr("Khác"))
        f = QFormLayout(other_box)
        f.addRow(self.tr("Máy chủ dấu thời gian (TSA):"), self.tsa_edit)
        f.addRow(self.tr("Ngôn ngữ:"), self.language_combo)
        f.addRow(self.language_note)

        # -- images -------------------------------------------------------------
        self.signature_picker = ImagePicker(self.tr("Chọn ảnh chữ ký"))
        self.seal_picker = ImagePicker(self.tr("Chọn ảnh con dấu"))
        self.initial_picker = ImagePicker(self.tr("Chọn ảnh chữ ký nháy"))
        self.signature_picker.set_path(self.original.signature_image)
        self.seal_picker.set_path(self.original.seal_image)
        self.initial_picker.set_path(self.original.initial_image)
        self.seal_spin = QDoubleSpinBox()
        self.seal_spin.setRange(15.0, 60.0)
        self.seal_spin.setSingleStep(0.5)
        self.seal_spin.setDecimals(1)
        self.seal_spin.setSuffix(" mm")
        self.seal_spin.setValue(self.original.seal_diameter_mm or DEFAULT_SEAL_MM)
        self.agency_edit = QLineEdit(self.original.agency_name or "")
        self.agency_edit.setPlaceholderText(self.tr("mặc định: tên tổ chức trong chứng thư số"))
        self.preview = StampPreview()
        images_box = QGroupBox(self.tr("Chữ ký và con dấu"))
        f = QFormLayout(images_box)
        images_hint = QLabel(self.tr("Ảnh PNG nền trong suốt: chữ ký màu xanh, con dấu màu đỏ."))
        images_hint.setWordWrap(True)
        images_hint.setStyleSheet("color: #666;")
        f.addRow(images_hint)
        f.addRow(self.tr("Ảnh chữ ký:"), self.signature_picker)
        f.addRow(self.tr("Ảnh con dấu:"), self.seal_picker)
        f.addRow(self.tr("Đường kính con dấu:"), self.seal_spin)
        f.addRow(self.tr("Ảnh chữ ký nháy:"), self.initial_picker)
        f.addRow(self.tr("Tên cơ quan:"), self.agency_edit)
        f.addRow(self.preview)
        for w in (self.signature_picker, self.seal_picker, self.initial_picker):
            w.changed.connect(self._update_preview)
        self.seal_spin.valueChanged.connect(self._update_preview)
        self.agency_edit.textChanged.connect(self._update_preview)

        # -- buttons ------------------------------------------------------------
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Lưu"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("Hủy"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(server_box)
        left.addWidget(token_box)
        left.addWidget(other_box)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 4)
        columns.addWidget(images_box, 5)
        outer = QVBoxLayout(self)
        outer.addLayout(columns, 1)
        outer.addWidget(self.error_label)
        outer.addWidget(self.buttons)
        self.resize(1180, 620)

        self._update_preview()
        self._find_modules(modules)

    # -- modules and certificates -------------------------------------------------
    def _find_modules(self, explicit: list[str] | None) -> None:
        configured = self.original.pkcs11_module
        if explicit is not None:
            def work():
                return [load_module(p).info for p in explicit]
        else:
            def work():
                return detect_modules(configured)
        run_in_background(work, self._modules_found, self._modules_failed, parent=self)

    def _modules_found(self, modules: list[ModuleInfo]) -> None:
        configured = self.original.pkcs11_module
        self.module_combo.blockSignals(True)
        self.module_combo.clear()
        paths = [str(m.path) for m in modules]
        for m in modules:
            self.module_combo.addItem(f"{m.vendor} — {m.path}", str(m.path))
        if configured and configured not in paths:
            self.module_combo.addItem(self.tr("%1 (không tìm thấy tệp)").replace("%1", configured), configured)
            paths.append(configured)
        if not paths:
            self.module_combo.addItem(self.tr("Không tìm thấy phần mềm token nào"), None)
        self.module_combo.setEnabled(bool(paths))
        if configured in paths:
            self.module_combo.setCurrentIndex(paths.index(configured))
        self.module_combo.blockSignals(False)
        self.modulesLoaded.emit(len(modules))
        self._module_chosen()

    def _modules_failed(self, exc) -> None:
        self.module_combo.clear()
        self.module_combo.addItem(self.tr("Không tìm được phần mềm token"), None)
        self._set_cert_placeholder(getattr(exc, "message", None) or str(exc))
        self.modulesLoaded.emit(0)

    def _browse_module(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Chọn phần mềm token (PKCS#11)"), "",
                                              self.tr("Thư viện PKCS#11 (*.so *.dll *.dylib);;Mọi tệp (*)"))
        if path:
            self.choose_module(path)

    def choose_module(self, path: str) -> None:
        """Select (adding when new) the module at ``path``; its tokens load in the background."""
        i = self.module_combo.findData(path)
        if i < 0:
            if self.module_combo.count() == 1 and self.module_combo.itemData(0) is None:
                self.module_combo.clear()
            self.module_combo.addItem(path, path)
            i = self.module_combo.count() - 1
        self.module_combo.setEnabled(True)
        self.module_combo.setCurrentIndex(i)
        self._module_chosen()

    def module_path(self) -> str | None:
        return self.module_combo.currentData()

    def _module_chosen(self, *_args) -> None:
        path = self.module_path()
        self._cert_generation += 1
        generation = self._cert_generation
        if not path:
            self._set_cert_placeholder(self.tr("Chọn phần mềm token trước."))
            return
        self._set_cert_placeholder(self.tr("Đang đọc token…"))

        def done(tokens):
            if generation == self._cert_generation:
                self._show_certificates(tokens)

        def failed(exc):
            if generation == self._cert_generation:
                self._set_cert_placeholder(getattr(exc, "message", None) or str(exc), error=True)
                self.certificatesLoaded.emit(0)

        run_in_background(lambda: read_tokens(path), done, failed, parent=self)

    def _set_cert_placeholder(self, text: str, error: bool = False) -> None:
        self.cert_model.clear()
        item = QStandardItem(self.tr("Chứng thư số đầu tiên dùng được"))
        item.setData(None, PATH_ROLE)
        self.cert_model.appendRow(item)
        if self._wanted_cert:
            kept = QStandardItem(self.tr("Giữ nguyên: %1").replace("%1", self._wanted_cert))
            kept.setData(self._wanted_cert, PATH_ROLE)
            self.cert_model.appendRow(kept)
            self.cert_combo.setCurrentIndex(1)
        self.cert_status.setText(text)
        self.cert_status.setStyleSheet("color: #c62828;" if error else "color: #666;")

    def unusable_reason(self, cert: CertificateInfo) -> str:
        use = cert.usability()
        if use is Usability.EXPIRED:
            return self.tr("đã hết hạn ngày %1").replace("%1", cert.not_after.strftime("%d/%m/%Y"))
        if use is Usability.NOT_YET_VALID:
            return self.tr("chưa có hiệu lực đến ngày %1").replace("%1", cert.not_before.strftime("%d/%m/%Y"))
        if use is Usability.NOT_FOR_SIGNING:
            return self.tr("không dùng để ký số")
        return ""

    def _show_certificates(self, tokens: list[TokenInfo]) -> None:
        self.cert_model.clear()
        first = QStandardItem(self.tr("Chứng thư số đầu tiên dùng được"))
        first.setData(None, PATH_ROLE)
        self.cert_model.appendRow(first)
        chosen = 0
        count = 0
        for token in tokens:
            for cert in token.certificates:
                if not cert.key_id:     # a CA certificate of the chain: no key to sign with
                    continue
                text = self.tr("%1 — token %2, hết hạn %3").replace("%1", cert.common_name or cert.label) \
                    .replace("%2", token.label).replace("%3", cert.not_after.strftime("%d/%m/%Y"))
                item = QStandardItem(text)
                item.setData(certificate_value(cert), PATH_ROLE)
                item.setToolTip(cert.subject)
                if not cert.usable:
                    item.setEnabled(False)
                    item.setText(text + " (" + self.unusable_reason(cert) + ")")
                self.cert_model.appendRow(item)
                count += 1
                if item.isEnabled() and cert_matches(cert, self._wanted_cert):
                    chosen = self.cert_model.rowCount() - 1
        self.cert_combo.setCurrentIndex(chosen)
        if not tokens:
            self.cert_status.setText(self.tr("Không có token nào đang cắm vào máy với phần mềm này."))
        elif count == 0:
            self.cert_status.setText(self.tr("Token không có chứng thư số nào."))
        else:
            self.cert_status.setText(self.tr("Chứng thư số mờ là chứng thư không dùng được để ký."))
        self.cert_status.setStyleSheet("color: #666;")
        self.certificatesLoaded.emit(count)

    def choose_certificate(self, value: str) -> None:
        for row in range(self.cert_model.rowCount()):
            item = self.cert_model.item(row)
            if item.data(PATH_ROLE) == value and item.isEnabled():
                self.cert_combo.setCurrentIndex(row)
                return
        raise LookupError(value)

    def certificate(self) -> str | None:
        item = self.cert_model.item(self.cert_combo.currentIndex())
        return item.data(PATH_ROLE) if item is not None else None

    # -- preview ------------------------------------------------------------
    def _seal_mm(self) -> float | None:
        value = round(self.seal_spin.value(), 1)
        if self.original.seal_diameter_mm is None and value == DEFAULT_SEAL_MM:
            return None
        return value

    def _update_preview(self, *_args) -> None:
        self.preview.update_request(PreviewRequest(
            signature_image=self.signature_picker.path(), seal_image=self.seal_picker.path(),
            seal_diameter_mm=self.seal_spin.value(), initial_image=self.initial_picker.path(),
            agency_name=self.agency_edit.text().strip() or None))

    # -- result -------------------------------------------------------------
    def values(self) -> Settings:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return replace(
            self.original,
            server_url=text(self.server_edit), username=text(self.username_edit),
            pkcs11_module=self.module_path(), default_certificate=self.certificate(),
            signature_image=self.signature_picker.path(), seal_image=self.seal_picker.path(),
            seal_diameter_mm=self._seal_mm(), initial_image=self.initial_picker.path(),
            agency_name=text(self.agency_edit), tsa_url=text(self.tsa_edit),
            language=self.language_combo.currentData())

    def problems(self, s: Settings) -> list[str]:
        out = []
        for url, label in ((s.server_url, self.tr("Địa chỉ máy chủ")), (s.tsa_url, self.tr("Máy chủ dấu thời gian"))):
            if url and not url.lower().startswith(("http://", "https://")):
                out.append(self.tr("%1 phải bắt đầu bằng http:// hoặc https://").replace("%1", label))
        for path, label in ((s.signature_image, self.tr("Ảnh chữ ký")), (s.seal_image, self.tr("Ảnh con dấu")),
                            (s.initial_image, self.tr("Ảnh chữ ký nháy"))):
            if path and not Path(path).is_file():
                out.append(self.tr("%1: không có tệp “%2”").replace("%1", label).replace("%2", path))
        return out

    def accept(self) -> None:
        new = self.values()
        problems = self.problems(new)
        if problems:
            self.error_label.setText("\n".join(problems))
            self.error_label.setVisible(True)
            return
        try:
            settings_mod.save(new)
        except OSError as exc:
            self.error_label.setText(self.tr("Không lưu được cài đặt: %1").replace("%1", str(exc)))
            self.error_label.setVisible(True)
            return
        self.saved = new
        super().accept()
