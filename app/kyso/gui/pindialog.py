"""The PIN dialog (after DigiDoc4's PinPopup), shaped by Vietnamese tokens.

- The field takes raw keys: input methods are off (Unikey/Telex left on would
  silently turn "aa" into "â"), input-method events are dropped, and any
  non-ASCII character that still arrives (keyboard-hook IMEs send synthetic
  keys) is refused with a hint to switch the IME off.
- It says which token and whose certificate, the tries left when known, and
  warns in red *before* the final try; a locked token blocks input.
- A reader with a PIN pad takes the PIN itself: no field, just the request.
- The PIN is never stored, logged or kept: :meth:`take_pin` hands it over
  once and clears the field, and the field is cleared whenever the dialog
  closes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from ..core import messages
from ..core.tokens import CertificateInfo, PinStatus, TokenInfo
from .i18n import LiveText, Retranslating, live, named_buttons

PIN_HINTS = (Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData
             | Qt.InputMethodHint.ImhNoPredictiveText | Qt.InputMethodHint.ImhNoAutoUppercase)

RED_STYLE = "color: #c62828; font-weight: bold;"

FINAL_TRY_WARNING = ("Chỉ còn MỘT lần thử: nếu nhập sai lần này, token sẽ bị khóa và phải "
                     "mang đến nhà cung cấp chứng thư số (CA) để mở khóa.")
PIN_PAD_TEXT = "Nhập mã PIN trên bàn phím của đầu đọc"
IME_WARNING = ("Phát hiện ký tự có dấu: bộ gõ tiếng Việt (Unikey, EVKey…) có thể đang bật. "
               "Hãy tắt bộ gõ rồi nhập lại mã PIN.")


class PinLineEdit(QLineEdit):
    """A password field that takes raw keys only (no input method, ASCII only)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no paste/IME menu
        self.setDragEnabled(False)
        self.setAcceptDrops(False)
        self.rejected_non_ascii = 0
        self._lock_input_methods()

    def _lock_input_methods(self) -> None:
        # setEchoMode/setReadOnly recompute WA_InputMethodEnabled; set it last.
        self.setInputMethodHints(PIN_HINTS)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)

    def setEchoMode(self, mode) -> None:  # Qt name
        super().setEchoMode(mode)
        if hasattr(self, "rejected_non_ascii"):
            self._lock_input_methods()

    def setReadOnly(self, ro: bool) -> None:  # Qt name
        super().setReadOnly(ro)
        self._lock_input_methods()

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        event.ignore()  # a composing IME never reaches the PIN

    def inputMethodQuery(self, query):
        if query == Qt.InputMethodQuery.ImEnabled:
            return False
        return super().inputMethodQuery(query)

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.InputMethod:
            e.ignore()
            return True
        return super().event(e)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text and text.isprintable() and not text.isascii():
            self.rejected_non_ascii += 1
            self.clear()  # what came before may already be altered by the IME
            self.nonAsciiRefused()
            event.accept()
            return
        super().keyPressEvent(event)

    def nonAsciiRefused(self) -> None:  # replaced by the dialog
        pass

    def insert(self, text: str) -> None:
        super().insert("".join(ch for ch in text if ch.isascii()))


class PinDialog(Retranslating, QDialog):
    """Ask for the PIN of ``token`` to sign with ``certificate``.

    ``error`` is the previous attempt's message (wrong PIN...), shown in red: a
    :data:`~kyso.gui.i18n.LiveText`, so it follows a language switch.
    ``count`` > 1 says one PIN signs the whole batch.
    """

    def __init__(self, token: TokenInfo, certificate: CertificateInfo | None = None, *,
                 error: LiveText | None = None, count: int = 1, parent: QWidget | None = None):
        super().__init__(parent)
        self.token = token
        self.certificate = certificate
        self.count = count
        self._ime_warned = False
        self._error = error
        self.setModal(True)
        self.setMinimumWidth(460)

        layout = QVBoxLayout(self)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        layout.addWidget(self.intro_label)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.token_label = QLabel(f"{token.label} — {token.module.vendor}")
        self.token_caption, self.holder_caption, self.expiry_caption = QLabel(), QLabel(), QLabel()
        form.addRow(self.token_caption, self.token_label)
        holder = "—"
        if certificate is not None:
            holder = certificate.common_name
            if certificate.organisation:
                holder += f" ({certificate.organisation})"
        self.holder_label = QLabel(holder)
        self.holder_label.setWordWrap(True)
        form.addRow(self.holder_caption, self.holder_label)
        if certificate is not None:
            form.addRow(self.expiry_caption, QLabel(certificate.not_after.strftime("%d/%m/%Y")))
        layout.addLayout(form)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(RED_STYLE)
        self.error_label.setVisible(bool(error))
        layout.addWidget(self.error_label)

        self.tries_label = QLabel()
        self.tries_label.setWordWrap(True)
        layout.addWidget(self.tries_label)

        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(RED_STYLE)
        self.warning_label.setVisible(False)
        layout.addWidget(self.warning_label)

        self.pin_edit = PinLineEdit()
        if token.max_pin_len:
            self.pin_edit.setMaxLength(token.max_pin_len)
        self.pin_edit.nonAsciiRefused = self._ime_warning
        layout.addWidget(self.pin_edit)

        self.pad_label = QLabel()
        self.pad_label.setWordWrap(True)
        self.pad_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.pad_label)

        self.buttons = QDialogButtonBox()
        self.ok_button, self.cancel_button = named_buttons(self.buttons, self)
        layout.addWidget(self.buttons)

        self.pin_edit.textChanged.connect(self._update_ok)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Every text in the current language; the token's state is shown again."""
        self.setWindowTitle(self.tr("Nhập mã PIN"))
        self.intro_label.setText(self.tr("Mở khóa token để ký số.") if self.count <= 1 else
                                 self.tr("Một lần nhập mã PIN để ký %1 văn bản.").replace("%1", str(self.count)))
        self.token_caption.setText(self.tr("Token:"))
        self.holder_caption.setText(self.tr("Chủ chứng thư số:"))
        self.expiry_caption.setText(self.tr("Hiệu lực đến:"))
        self.pin_edit.setAccessibleName(self.tr("Mã PIN"))
        self.pin_edit.setPlaceholderText(self.tr("Mã PIN"))
        self.pad_label.setText(self.tr(PIN_PAD_TEXT))
        self.ok_button.setText(self.tr("Ký"))
        self.cancel_button.setText(self.tr("Hủy"))
        self.error_label.setText(live(self._error))
        if self._ime_warned:
            self._ime_warning()
        self._apply_state()            # tries left, the final-try warning, "Tiếp tục" on a PIN pad


    # -- state --
    @property
    def locked(self) -> bool:
        return self.token.pin_status is PinStatus.LOCKED or self.token.tries_left == 0

    @property
    def pin_pad(self) -> bool:
        return self.token.pin_pad

    def _apply_state(self) -> None:
        tries = self.token.tries_left
        if self.locked:
            self.tries_label.setText(messages.tr("token.pin_locked"))
            self.tries_label.setStyleSheet(RED_STYLE)
            self.pin_edit.setEnabled(False)
            self.pin_edit.setVisible(not self.pin_pad)
            self.pad_label.setVisible(False)
            self.ok_button.setEnabled(False)
            return
        if tries is not None:
            self.tries_label.setText(self.tr("Còn %1 lần thử trước khi token bị khóa.").replace("%1", str(tries)))
        elif self.token.pin_status is PinStatus.COUNT_LOW:
            self.tries_label.setText(self.tr("Token báo đã có lần nhập sai mã PIN; hãy nhập cẩn thận."))
        self.tries_label.setVisible(bool(self.tries_label.text()))
        if self.token.final_try:
            self.warning_label.setText(self.tr(FINAL_TRY_WARNING))
            self.warning_label.setVisible(True)
        self.pin_edit.setVisible(not self.pin_pad)
        self.pad_label.setVisible(self.pin_pad)
        if self.pin_pad:
            self.ok_button.setText(self.tr("Tiếp tục"))
        self._update_ok()

    def _update_ok(self) -> None:
        if self.locked:
            self.ok_button.setEnabled(False)
            return
        if self.pin_pad:
            self.ok_button.setEnabled(True)
            return
        need = max(1, self.token.min_pin_len or 1)
        self.ok_button.setEnabled(len(self.pin_edit.text()) >= need)

    def _ime_warning(self) -> None:
        self._ime_warned = True
        self.error_label.setText(self.tr(IME_WARNING))
        self.error_label.setVisible(True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.pin_edit.isVisible() and self.pin_edit.isEnabled():
            self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the PIN --
    def take_pin(self) -> str:
        """The PIN typed, handed over once; the field is cleared at once."""
        pin = self.pin_edit.text()
        self.pin_edit.clear()
        return pin

    def done(self, result: int) -> None:
        try:
            super().done(result)   # ``finished``/``accepted`` handlers run here
        finally:
            self.pin_edit.clear()

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        super().accept()
