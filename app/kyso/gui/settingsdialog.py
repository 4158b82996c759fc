"""The settings dialog: edits ``kyso.core.settings`` (the same file as ``kyso config``).

Everything that waits — looking for PKCS#11 modules, reading a token's
certificates, drawing the stamp preview — runs through ``run_in_background``;
the dialog stays responsive while a token is slow to answer. OK writes the file
atomically (``settings.save``); Cancel writes nothing. A new language is
installed at once (:func:`kyso.gui.i18n.install_translator`): every open window
retranslates itself, no restart needed.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from ..core import settings as settings_mod
from ..core.settings import Settings
from ..core.tokens import CertificateInfo, ModuleInfo, TokenInfo, load_module
from ..services.tokens import all_tokens, certificate_matches, certificate_value, find_token_modules, scan
from . import i18n
from .i18n import Retranslating, named_buttons
from .stamppreview import PreviewRequest, StampPreview
from .worker import run_in_background

log = logging.getLogger(__name__)

DEFAULT_SEAL_MM = 36.0
LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))   # each name in its own language
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
# how an item's text is made (a tuple, see ``SettingsDialog._item_text``), so it
# can be made again in another language
TEXT_ROLE = Qt.ItemDataRole.UserRole + 2


def detect_modules(configured: str | None = None) -> list[ModuleInfo]:
    """The modules on this computer, the configured one first (background)."""
    from ..core.settings import Settings

    return find_token_modules(Settings(pkcs11_module=configured))


def read_tokens(module_path: str) -> list[TokenInfo]:
    """Every token of one module with its certificates (background)."""
    from ..core.settings import Settings

    return all_tokens(scan(Settings(), explicit=module_path))


class ImagePicker(Retranslating, QWidget):
    """A PNG path with "Chọn tệp…" beside it."""

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title          # the file dialog's; the owner retranslates it
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self.changed)
        self.button = QPushButton()
        self.button.clicked.connect(self._browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.edit.setPlaceholderText(self.tr("Chưa chọn: chữ ký hiện dạng chữ"))
        self.button.setText(self.tr("Chọn tệp…"))


    def path(self) -> str | None:
        return self.edit.text().strip() or None

    def set_path(self, path: str | None) -> None:
        self.edit.setText(path or "")

    def _browse(self) -> None:
        start = str(Path(self.path()).parent) if self.path() else ""
        path, _ = QFileDialog.getOpenFileName(self, self.title, start, self.tr("Ảnh PNG (*.png)"))
        if path:
            self.set_path(path)


class SettingsDialog(Retranslating, QDialog):
    """Edit the user's settings. ``modules``: offer these module paths instead
    of searching the computer (tests, or an administrator's fixed list)."""

    modulesLoaded = Signal(int)
    certificatesLoaded = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, current: Settings | None = None,
                 modules: list[str] | None = None):
        super().__init__(parent)
        self.original = current if current is not None else settings_mod.load()
        self.saved: Settings | None = None
        self._cert_generation = 0
        self._wanted_cert = self.original.default_certificate
        # the texts below the certificate list and above the buttons, as functions
        # of the language (they are made again when it changes)
        self._cert_status_text = lambda: ""
        self._error_text = lambda: ""
        self.captions: dict[str, QLabel] = {}     # form labels, by key (see retranslate_ui)

        # -- server -------------------------------------------------------------
        self.server_edit = QLineEdit(self.original.server_url or "")
        self.username_edit = QLineEdit(self.original.username or "")
        self.server_box = server_box = QGroupBox()
        f = QFormLayout(server_box)
        f.addRow(self._caption("server"), self.server_edit)
        f.addRow(self._caption("username"), self.username_edit)
        hint = self._caption("server_hint")
        hint.setStyleSheet("color: #666;")
        f.addRow(hint)

        # -- token --------------------------------------------------------------
        self.module_combo = QComboBox()
        self.module_combo.setMinimumContentsLength(30)
        self.module_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._add_module_item(("searching",), None)
        self.module_combo.setEnabled(False)
        self.module_combo.currentIndexChanged.connect(self._module_chosen)
        self.browse_module_button = QPushButton()
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
        self.token_box = token_box = QGroupBox()
        f = QFormLayout(token_box)
        f.addRow(self._caption("module"), mrow)
        f.addRow(self._caption("certificate"), self.cert_combo)
        f.addRow(self.cert_status)
        self._set_cert_placeholder(lambda: self.tr("Chọn phần mềm token trước."))

        # -- other --------------------------------------------------------------
        self.tsa_edit = QLineEdit(self.original.tsa_url or "")
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(1 if (self.original.language or "vi").startswith("en") else 0)
        self.autostart_check = QCheckBox()
        self.autostart_check.setChecked(bool(self.original.bridge_autostart))
        self.other_box = other_box = QGroupBox()
        f = QFormLayout(other_box)
        f.addRow(self._caption("tsa"), self.tsa_edit)
        f.addRow(self._caption("language"), self.language_combo)
        f.addRow(self.autostart_check)

        # -- images -------------------------------------------------------------
        self.signature_picker = ImagePicker("")
        self.seal_picker = ImagePicker("")
        self.initial_picker = ImagePicker("")
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
        self.preview = StampPreview()
        self.images_box = images_box = QGroupBox()
        f = QFormLayout(images_box)
        images_hint = self._caption("images_hint")
        images_hint.setWordWrap(True)
        images_hint.setStyleSheet("color: #666;")
        f.addRow(images_hint)
        f.addRow(self._caption("signature"), self.signature_picker)
        f.addRow(self._caption("seal"), self.seal_picker)
        f.addRow(self._caption("seal_size"), self.seal_spin)
        f.addRow(self._caption("initial"), self.initial_picker)
        f.addRow(self._caption("agency"), self.agency_edit)
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
        self.buttons = QDialogButtonBox()
        self.ok_button, self.cancel_button = named_buttons(self.buttons, self)

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

        self.retranslate_ui()
        self._update_preview()
        self._find_modules(modules)

    # -- texts ----------------------------------------------------------------
    def _caption(self, key: str) -> QLabel:
        """A form label; :meth:`retranslate_ui` gives it its text."""
        label = self.captions[key] = QLabel()
        return label

    def retranslate_ui(self) -> None:
        """Every text in the current language, the lists' placeholders included."""
        self.setWindowTitle(self.tr("Cài đặt Kyso"))
        captions = {
            "server": self.tr("Địa chỉ máy chủ:"),
            "username": self.tr("Tên đăng nhập:"),
            "server_hint": self.tr("Để trống nếu làm việc không có máy chủ."),
            "module": self.tr("Phần mềm token (PKCS#11):"),
            "certificate": self.tr("Chứng thư số mặc định:"),
            "tsa": self.tr("Máy chủ dấu thời gian (TSA):"),
            "language": self.tr("Ngôn ngữ:"),
            "images_hint": self.tr("Ảnh PNG nền trong suốt: chữ ký màu xanh, con dấu màu đỏ."),
            "signature": self.tr("Ảnh chữ ký:"),
            "seal": self.tr("Ảnh con dấu:"),
            "seal_size": self.tr("Đường kính con dấu:"),
            "initial": self.tr("Ảnh chữ ký nháy:"),
            "agency": self.tr("Tên cơ quan:"),
        }
        for key, label in self.captions.items():
            label.setText(captions[key])
        self.server_box.setTitle(self.tr("Máy chủ văn bản"))
        self.token_box.setTitle(self.tr("Token ký số"))
        self.other_box.setTitle(self.tr("Khác"))
        self.images_box.setTitle(self.tr("Chữ ký và con dấu"))
        self.server_edit.setPlaceholderText(self.tr("ví dụ https://vanban.example.gov.vn"))
        self.username_edit.setPlaceholderText(self.tr("tên đăng nhập trên máy chủ"))
        self.browse_module_button.setText(self.tr("Chọn tệp…"))
        self.tsa_edit.setPlaceholderText(self.tr("để trống nếu không dùng dấu thời gian"))
        self.signature_picker.title = self.tr("Chọn ảnh chữ ký")
        self.seal_picker.title = self.tr("Chọn ảnh con dấu")
        self.initial_picker.title = self.tr("Chọn ảnh chữ ký nháy")
        self.agency_edit.setPlaceholderText(self.tr("mặc định: tên tổ chức trong chứng thư số"))
        self.autostart_check.setText(self.tr("Chạy Kyso khi đăng nhập (thu nhỏ vào khay): dịch vụ ký số "
                                             "cho trang web luôn sẵn sàng"))
        self.ok_button.setText(self.tr("Lưu"))
        self.cancel_button.setText(self.tr("Hủy"))
        for i in range(self.module_combo.count()):
            how = self.module_combo.itemData(i, TEXT_ROLE)
            if how:
                self.module_combo.setItemText(i, self._item_text(how))
        for row in range(self.cert_model.rowCount()):
            item = self.cert_model.item(row)
            how = item.data(TEXT_ROLE)
            if how:
                item.setText(self._item_text(how))
        self.cert_status.setText(self._cert_status_text())
        self.error_label.setText(self._error_text())


    def _item_text(self, how: tuple) -> str:
        """The text of a list item, from what TEXT_ROLE says it shows."""
        kind = how[0]
        if kind == "searching":
            return self.tr("Đang tìm phần mềm token…")
        if kind == "missing":
            return self.tr("%1 (không tìm thấy tệp)").replace("%1", how[1])
        if kind == "none_found":
            return self.tr("Không tìm thấy phần mềm token nào")
        if kind == "failed":
            return self.tr("Không tìm được phần mềm token")
        if kind == "first":
            return self.tr("Chứng thư số duy nhất dùng được trên token")
        if kind == "keep":
            return self.tr("Giữ nguyên: %1").replace("%1", how[1])
        if kind == "cert":
            cert, token_label = how[1], how[2]
            text = self.tr("%1 — token %2, hết hạn %3").replace("%1", cert.common_name or cert.label) \
                .replace("%2", token_label).replace("%3", cert.not_after.strftime("%d/%m/%Y"))
            return text if cert.usable else text + " (" + self.unusable_reason(cert) + ")"
        raise ValueError(kind)

    def _add_module_item(self, how: tuple, path: str | None) -> None:
        self.module_combo.addItem(self._item_text(how), path)
        self.module_combo.setItemData(self.module_combo.count() - 1, how, TEXT_ROLE)

    def _text_item(self, how: tuple) -> QStandardItem:
        item = QStandardItem(self._item_text(how))
        item.setData(how, TEXT_ROLE)
        return item

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
            self._add_module_item(("missing", configured), configured)
            paths.append(configured)
        if not paths:
            self._add_module_item(("none_found",), None)
        self.module_combo.setEnabled(bool(paths))
        if configured in paths:
            self.module_combo.setCurrentIndex(paths.index(configured))
        self.module_combo.blockSignals(False)
        self.modulesLoaded.emit(len(modules))
        self._module_chosen()

    def _modules_failed(self, exc) -> None:
        self.module_combo.clear()
        self._add_module_item(("failed",), None)
        self._set_cert_placeholder(lambda: getattr(exc, "message", None) or str(exc))
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
            self._set_cert_placeholder(lambda: self.tr("Chọn phần mềm token trước."))
            return
        self._set_cert_placeholder(lambda: self.tr("Đang đọc token…"))

        def done(tokens):
            if generation == self._cert_generation:
                self._show_certificates(tokens)

        def failed(exc):
            if generation == self._cert_generation:
                self._set_cert_placeholder(lambda: getattr(exc, "message", None) or str(exc), error=True)
                self.certificatesLoaded.emit(0)

        run_in_background(lambda: read_tokens(path), done, failed, parent=self)

    def _show_cert_status(self, text) -> None:
        """``text()``: the line under the certificate list (made again on a change of language)."""
        self._cert_status_text = text
        self.cert_status.setText(text())

    def _set_cert_placeholder(self, text, error: bool = False) -> None:
        self.cert_model.clear()
        item = self._text_item(("first",))
        item.setData(None, PATH_ROLE)
        self.cert_model.appendRow(item)
        if self._wanted_cert:
            kept = self._text_item(("keep", self._wanted_cert))
            kept.setData(self._wanted_cert, PATH_ROLE)
            self.cert_model.appendRow(kept)
            self.cert_combo.setCurrentIndex(1)
        self._show_cert_status(text)
        self.cert_status.setStyleSheet("color: #c62828;" if error else "color: #666;")

    def unusable_reason(self, cert: CertificateInfo) -> str:
        """Why ``cert`` cannot sign, in the core's one wording (every face says the same)."""
        refusal = cert.refusal()
        return refusal.message if refusal is not None else ""

    def _show_certificates(self, tokens: list[TokenInfo]) -> None:
        self.cert_model.clear()
        first = self._text_item(("first",))
        first.setData(None, PATH_ROLE)
        self.cert_model.appendRow(first)
        chosen = 0
        count = 0
        for token in tokens:
            for cert in token.certificates:
                if not cert.key_id:     # a CA certificate of the chain: no key to sign with
                    continue
                item = self._text_item(("cert", cert, token.label))
                item.setData(certificate_value(cert), PATH_ROLE)
                item.setToolTip(cert.subject)
                if not cert.usable:
                    item.setEnabled(False)
                self.cert_model.appendRow(item)
                count += 1
                if item.isEnabled() and certificate_matches(cert, self._wanted_cert):
                    chosen = self.cert_model.rowCount() - 1
        self.cert_combo.setCurrentIndex(chosen)
        if not tokens:
            self._show_cert_status(lambda: self.tr("Không có token nào đang cắm vào máy với phần mềm này."))
        elif count == 0:
            self._show_cert_status(lambda: self.tr("Token không có chứng thư số nào."))
        else:
            self._show_cert_status(lambda: self.tr("Chứng thư số mờ là chứng thư không dùng được để ký."))
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
            language=self.language_combo.currentData(), bridge_autostart=self.autostart_check.isChecked())

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

    def _show_error(self, text) -> None:
        self._error_text = text
        self.error_label.setText(text())
        self.error_label.setVisible(True)

    def accept(self) -> None:
        new = self.values()
        if self.problems(new):
            self._show_error(lambda: "\n".join(self.problems(new)))
            return
        try:
            if new.bridge_autostart != bool(self.original.bridge_autostart):
                from ..services import autostart      # the session's start-up entry follows

                autostart.set_enabled(new.bridge_autostart)
            settings_mod.save(new)
        except OSError as exc:
            self._show_error(lambda exc=exc: self.tr("Không lưu được cài đặt: %1").replace("%1", str(exc)))
            return
        self.saved = new
        super().accept()
        if i18n.normalise(new.language) != i18n.normalise(self.original.language):
            # the running application switches now: Qt sends LanguageChange to
            # every window, and each retranslates itself (retranslate_ui)
            i18n.install_translator(QCoreApplication.instance(), new.language)
