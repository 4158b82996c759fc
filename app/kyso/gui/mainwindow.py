"""The main window: document list on the left, the document and its signatures on the right."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QDateEdit, QDialog,
                               QDialogButtonBox, QFileDialog, QFormLayout,
                               QHeaderView, QInputDialog, QLabel, QLineEdit, QMainWindow,
                               QMessageBox, QSplitter, QTableView, QToolBar, QToolButton,
                               QVBoxLayout, QWidget)

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.signing import Placement
    from ..core.tokens import TokenInfo
    from ..services.batch import Job
from .batch import BatchDialog
from .desktop import DesktopHabits
from .flowlayout import FlowLayout
from .i18n import LiveText, Retranslating, live, named_buttons
from ..core import settings as user_settings
from ..core.vntime import vietnam_today
from ..services.request import SigningRequest
from ..services.sources import Capability, DocumentRow, DocumentSource, SingleFile
from .documents import (ATTACHMENT, COPY, INITIAL, ISSUE, QUICK_FILTERS, ROW_ROLE, SIGN,
                        DocumentFilterProxy, DocumentTableModel, search_texts)
from .pdfview import PdfView
from .signatures import SignaturePanel
from .signflow import SigningFlow, StampPreview, preview_placement, warm_up
from .tokenwatch import TokenWatcher
from .worker import run_in_background

log = logging.getLogger(__name__)

#: toolbar actions: (role, label, shortcut)
ROLE_ACTIONS = (
    (INITIAL, "Ký nháy", "Ctrl+Shift+N"),
    (SIGN, "Ký số", "Ctrl+Shift+K"),
    (ISSUE, "Cấp số && đóng dấu", "Ctrl+Shift+D"),
    (ATTACHMENT, "Ký phụ lục", None),
    (COPY, "Sao y", None),
)
EXPIRY_WARNING_DAYS = 30
#: background sync interval bounds (seconds)
SYNC_INTERVAL_MIN, SYNC_INTERVAL_MAX = 10, 3600


class LoginDialog(Retranslating, QDialog):
    """Password for the document server (only the token is kept, in the keyring)."""

    def __init__(self, server: str, user: str, parent=None, error: LiveText | None = None):
        super().__init__(parent)
        self._error = error
        self.setMinimumWidth(420)
        form = QFormLayout(self)
        self.server_caption, self.user_caption, self.password_caption = QLabel(), QLabel(), QLabel()
        form.addRow(self.server_caption, QLabel(server))
        form.addRow(self.user_caption, QLabel(user))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.password_caption, self.password)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error_label.setVisible(bool(error))
        form.addRow(self.error_label)
        self.buttons = QDialogButtonBox()
        self.ok_button, self.cancel_button = named_buttons(self.buttons, self)
        form.addRow(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Đăng nhập máy chủ văn bản"))
        self.server_caption.setText(self.tr("Máy chủ:"))
        self.user_caption.setText(self.tr("Tên đăng nhập:"))
        self.password_caption.setText(self.tr("Mật khẩu:"))
        self.ok_button.setText(self.tr("Đăng nhập"))
        self.cancel_button.setText(self.tr("Làm việc ngoại tuyến"))
        self.error_label.setText(live(self._error))


    def take_password(self) -> str:
        pw = self.password.text()
        self.password.clear()
        return pw


def number_text(reserved: dict) -> str:
    """A register reservation's number as the server formats it ("01" below 10)."""
    return str(reserved.get("formatted") or reserved.get("number", ""))


def formatted_number(reserved: dict) -> str:
    """A register reservation as printed: "607/UBND-VP"."""
    shown = number_text(reserved)
    notation = str(reserved.get("register_id") or "").partition(":")[2]
    if "/" not in shown and notation:
        shown = f"{shown}/{notation}"
    return shown


def listed(items: list[str], most: int) -> str:
    """``items`` joined by commas; a long list keeps its first and last ones."""
    if len(items) <= most:
        return ", ".join(items)
    return ", ".join(items[:most - 2]) + ", …, " + items[-1]


class IssueDialog(Retranslating, QDialog):
    """Number and date for issuance (cấp số, ngày ban hành)."""

    def __init__(self, count: int, parent=None, reserved: list[dict] | None = None,
                 reserve_error: LiveText | None = None):
        """``reserved``: the register's number of each of the ``count`` documents,
        in the list's order (None: the person types one, or none to only seal)."""
        super().__init__(parent)
        self.count = count
        self.reserved = reserved if reserved and len(reserved) == count else None
        self.reserve_error = reserve_error
        form = QFormLayout(self)
        self.number = QLineEdit()
        today = vietnam_today()          # Vietnam's date, whatever the machine's time zone
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.number_caption, self.date_caption = QLabel(), QLabel()
        form.addRow(self.number_caption, self.number)
        form.addRow(self.date_caption, self.date)
        self.note = QLabel()
        if count > 1 and self.reserved is None:
            self.number.setEnabled(False)
        self.note.setWordWrap(True)
        if self.reserved is not None:
            # the register's numbers (sổ đăng ký), reserved on the server for these documents,
            # written as the server formats them ("01" below 10), as the note and the PDFs show them
            self.number.setText(listed([number_text(r) for r in self.reserved], 4))
            self.number.setReadOnly(True)
        elif reserve_error:
            self.note.setStyleSheet("color: #b26a00;")
        form.addRow(self.note)
        self.buttons = QDialogButtonBox()
        self.ok_button, self.cancel_button = named_buttons(self.buttons, self)
        form.addRow(self.buttons)
        self.setMinimumWidth(420)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Cấp số và ngày ban hành"))
        self.number.setPlaceholderText(self.tr("ví dụ 607"))
        self.number_caption.setText(self.tr("Số văn bản:"))
        self.date_caption.setText(self.tr("Ngày ban hành:"))
        reserved = self.reserved
        if reserved is not None and self.count > 1:
            self.note.setText(self.tr("Số lấy từ sổ đăng ký cho %1 văn bản, theo thứ tự trong danh sách: %2.")
                              .replace("%1", str(self.count))
                              .replace("%2", listed([formatted_number(r) for r in reserved], 6)))
        elif reserved is not None:
            self.note.setText(self.tr("Số lấy từ sổ đăng ký: %1").replace("%1", formatted_number(reserved[0])))
        elif self.reserve_error:
            self.note.setText(self.tr("Không lấy được số từ sổ đăng ký: %1\n"
                                      "Có thể để trống số (chỉ đóng dấu) hoặc thử lại khi có mạng.")
                              .replace("%1", live(self.reserve_error)))
        else:
            self.note.setText(self.tr("Để trống số nếu chỉ đóng dấu.") if self.count == 1 else
                              self.tr("Đóng dấu %1 văn bản: mỗi văn bản cần số riêng, nên ở đây chỉ đóng dấu; "
                                      "hãy cấp số từng văn bản một.").replace("%1", str(self.count)))
        self.ok_button.setText(self.tr("Đồng ý"))
        self.cancel_button.setText(self.tr("Hủy"))



class MainWindow(Retranslating, QMainWindow):
    signingFinished = Signal(object)   # list[SignResult]
    documentsLoaded = Signal(int)
    syncFinished = Signal(object)      # SyncStatus
    previewShown = Signal(object)      # StampPreview
    conflictOffered = Signal(object)   # the QMessageBox
    documentsReturned = Signal(object)  # list of doc ids

    def __init__(self, source: DocumentSource | None = None, *, modules: Iterable | None = None,
                 trust_roots: Iterable | None = None, watch_tokens: bool = True,
                 poll_ms: int = 2000, sync_interval_s: float = 120, parent: QWidget | None = None):
        super().__init__(parent)
        self._closed = False        # closeEvent came: nothing new is opened any more
        self.source = source
        #: show the stamp on the page before signing one document
        self.preview_stamps = True
        self.stamp_places: dict[str, dict[str, Placement]] = {}
        self.stamp_preview: StampPreview | None = None
        self._preview_pending = None
        self.issue_dialog = None
        self.return_dialog: QInputDialog | None = None
        self._flow_source = None           # where the documents being signed come from
        self._carried_selection: set[str] = set()   # kept selected across a change of source
        self.conflict_box: QMessageBox | None = None
        self.login_dialog: LoginDialog | None = None
        self.sync_status = None
        self._sync_op = None
        self.trust_roots = list(trust_roots or [])
        self.tokens: list[TokenInfo] = []
        self.current_path: Path | None = None
        self._opened_state: tuple | None = None    # (path, mtime, size) when it was opened
        self.current_doc: DocumentRow | None = None
        self.flow: SigningFlow | None = None
        self.batch_dialog: BatchDialog | None = None
        self.last_results = []
        # set_tokens() has run: the token label says what was found
        self._tokens_known = False
        # the status bar's message as a function of the language, and what it showed
        self._status_text = None
        self._status_shown = ""
        self._status_displayed = ""
        self._status_until = 0.0
        self.setAcceptDrops(True)
        self.resize(1360, 860)

        # left: quick filters, search, list
        self.model = DocumentTableModel(self)
        self.proxy = DocumentFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self._selection_changed())

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)

        filters = FlowLayout(spacing=2)   # wraps when the list is narrow
        self.filter_buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        for key, _label in QUICK_FILTERS:
            b = QToolButton()
            b.setCheckable(True)
            b.setAutoRaise(True)
            b.clicked.connect(lambda _c=False, k=key: self.set_quick_filter(k))
            group.addButton(b)
            filters.addWidget(b)
            self.filter_buttons[key] = b
        self.filter_buttons["all"].setChecked(True)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 4, 4, 4)
        lv.addLayout(filters)
        lv.addWidget(self.search)
        lv.addWidget(self.table, 1)

        # right: document + signatures
        self.view = PdfView()
        self.signatures = SignaturePanel()
        self.signatures.trust_roots = self.trust_roots
        self.signatures.regionsChanged.connect(self.view.set_change_regions)
        right = QSplitter(Qt.Orientation.Horizontal)
        right.addWidget(self.view)
        right.addWidget(self.signatures)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        right.setSizes([640, 400])

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([460, 1040])
        self.setCentralWidget(self.splitter)

        # toolbar
        tb = self.toolbar = QToolBar()
        tb.setObjectName("roles")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(tb)
        self.open_action = QAction(self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._open_dialog)
        tb.addAction(self.open_action)
        self.open_folder_action = QAction(self)
        self.open_folder_action.triggered.connect(self._open_folder_dialog)
        tb.addAction(self.open_folder_action)
        tb.addSeparator()
        self.role_actions: dict[str, QAction] = {}
        for role, _label, shortcut in ROLE_ACTIONS:
            act = QAction(self)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda _c=False, r=role: self.sign_selected(r))
            tb.addAction(act)
            self.role_actions[role] = act
        self.return_action = QAction(self)
        self.return_action.triggered.connect(self.return_selected)
        tb.addAction(self.return_action)
        tb.addSeparator()
        self.refresh_action = QAction(self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.reload_documents)
        tb.addAction(self.refresh_action)
        self.sync_action = QAction(self)
        self.sync_action.setShortcut(QKeySequence("F9"))
        self.sync_action.triggered.connect(self.sync_now)
        tb.addAction(self.sync_action)
        self.settings_action = QAction(self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))  # the platform default is empty on Linux
        self.settings_action.triggered.connect(self.open_settings)
        tb.addAction(self.settings_action)

        # status bar
        self.token_label = QLabel()
        self.token_combo = QComboBox()
        self.token_combo.setMinimumContentsLength(24)
        self.token_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.token_combo.setVisible(False)
        self.token_combo.currentIndexChanged.connect(self._token_chosen)
        self.cert_label = QLabel()
        self.sync_label = QLabel()
        sb = self.statusBar()
        sb.addPermanentWidget(self.token_label)
        sb.addPermanentWidget(self.token_combo)
        sb.addPermanentWidget(self.cert_label)
        sb.addPermanentWidget(self.sync_label)

        self.watcher = TokenWatcher(modules, poll_ms, self) if watch_tokens else None
        if self.watcher is not None:
            self.watcher.tokensChanged.connect(self.set_tokens)

        self.view.stampConfirmed.connect(self._stamp_confirmed)
        self.view.stampCancelled.connect(self._stamp_cancelled)

        # periodic background sync (bounded interval; stops with the window)
        self.sync_timer = QTimer(self)
        self.sync_timer.setInterval(int(max(SYNC_INTERVAL_MIN, min(sync_interval_s, SYNC_INTERVAL_MAX)) * 1000))
        self.sync_timer.timeout.connect(self.sync_now)

        # new-document notices, saved layout, "open containing folder" (desktop.py)
        self.desktop = DesktopHabits(self)
        self.retranslate_ui()
        self.desktop.layout.restore()
        if source is not None:
            self.reload_documents()
        self._setup_sync()
        # Loading the token layer and the signing core (pyHanko, ~1 s of imports)
        # starts once the event loop runs, so the window shows first; both load
        # on pool threads, never on the GUI thread.
        QTimer.singleShot(0, self._start_background)

    # -- language --
    def retranslate_ui(self) -> None:
        """Every text from the current language: the static ones, and the ones
        computed from state (token, sync, title, status bar) recomputed."""
        self._update_title()
        self.search.setPlaceholderText(self.tr("Tìm theo trích yếu, số, nơi gửi…"))
        labels = dict(QUICK_FILTERS)
        for key, button in self.filter_buttons.items():
            button.setText(self.tr(labels[key]))
        self.toolbar.setWindowTitle(self.tr("Thao tác"))
        self.open_action.setText(self.tr("Mở tệp PDF…"))
        self.open_folder_action.setText(self.tr("Mở thư mục…"))
        for role, label, _shortcut in ROLE_ACTIONS:
            self.role_actions[role].setText(self.tr(label))
        self.return_action.setText(self.tr("Trả lại"))
        self.refresh_action.setText(self.tr("Làm mới"))
        self.sync_action.setText(self.tr("Đồng bộ"))
        self.sync_action.setToolTip(self.tr("Gửi văn bản đã ký và nhận văn bản mới (F9)"))
        self.settings_action.setText(self.tr("Cài đặt…"))
        self.desktop.retranslate_ui()
        self.model.retranslate()
        self._fit_headers()
        if self._tokens_known:
            self._token_chosen()            # the token and certificate labels, then the actions
        else:
            self.token_label.setText(self.tr("Đang tìm token…"))
            self._update_actions()
        self._show_sync_label()
        self._refresh_status()

    def _refresh_status(self) -> None:
        """The status message again (another language, another width), if still shown."""
        if self._status_text is not None and self.statusBar().currentMessage() == self._status_displayed:
            left = 0 if not self._status_until else max(1, int((self._status_until - time.monotonic()) * 1000))
            self.show_status(self._status_text, left)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._refresh_status()


    def _fit_headers(self) -> None:
        """Widen a column whose header (now in another language) no longer fits;
        widths the person chose are kept otherwise, and the subject stays capped."""
        if not self.model.rowCount():
            return
        hh = self.table.horizontalHeader()
        for c in range(self.model.columnCount()):
            if c != 1:
                self.table.setColumnWidth(c, max(self.table.columnWidth(c), hh.sectionSizeHint(c)))

    def _update_title(self) -> None:
        """The document's number and subject (trích yếu) for a document of the
        list, never a store file name; the file's own name for a loose file."""
        doc = self.current_doc
        if doc is not None and (doc.number or doc.subject):
            shown = " — ".join(part for part in (doc.number, doc.subject) if part)
            self.setWindowTitle(self.tr("Kyso — %1").replace("%1", shown))
        elif self.current_path is not None and doc is None:
            self.setWindowTitle(self.tr("Kyso — %1").replace("%1", self.current_path.name))
        else:
            self.setWindowTitle(self.tr("Kyso — Ký số văn bản"))

    def show_status(self, text, timeout: int = 0) -> None:
        """A status-bar message; ``text()`` makes it again when the language changes."""
        self._status_text = text
        self._status_shown = text()
        self._status_until = time.monotonic() + timeout / 1000 if timeout else 0.0
        self._status_displayed = self._fit_status(self._status_shown)
        self.statusBar().showMessage(self._status_displayed, timeout)

    def _fit_status(self, text: str) -> str:
        """``text`` as it fits beside the status bar's permanent widgets: whole words
        and "…", never cut mid-word; the whole message is the bar's tooltip."""
        sb = self.statusBar()
        room = self._status_room()
        metrics = sb.fontMetrics()
        sb.setToolTip(text if metrics.horizontalAdvance(text) > room else "")
        if room <= 0 or metrics.horizontalAdvance(text) <= room:
            return text
        words = text.split()
        while len(words) > 1 and metrics.horizontalAdvance(" ".join(words) + " …") > room:
            words.pop()
        return " ".join(words) + " …"

    def _status_room(self) -> int:
        right = sum(w.width() + 8 for w in (self.token_label, self.token_combo, self.cert_label, self.sync_label)
                    if w.isVisible())
        return self.statusBar().width() - right - 24

    def status_message_fits(self) -> bool:
        """The status bar's message fits its room, in whole words (tests, the screen check)."""
        shown = self.statusBar().currentMessage()
        if not shown:
            return True
        whole = shown == self._status_shown or (shown.endswith(" …") and self._status_shown.startswith(shown[:-2]))
        return whole and self.statusBar().fontMetrics().horizontalAdvance(shown) <= max(self._status_room(), 0) + 1

    def _start_background(self) -> None:
        if self.watcher is not None:
            self.watcher.start()
        run_in_background(warm_up, lambda _r: None, parent=self)
        self.desktop.check_stamp_images()

    # -- sync --
    @property
    def syncing_enabled(self) -> bool:
        return self.can(Capability.SYNC)

    def can(self, capability: Capability) -> bool:
        """The current document source declares ``capability``."""
        return self.source is not None and capability in self.source.capabilities

    def _setup_sync(self) -> None:
        self.sync_action.setVisible(self.syncing_enabled)
        if not self.syncing_enabled:
            self.sync_timer.stop()
            self._show_sync_label()
            return
        self.set_sync_status(self.source.status)
        self.sync_timer.start()
        self.sync_now()

    def open_settings(self) -> None:
        from .settingsdialog import SettingsDialog

        dlg = SettingsDialog(self)
        dlg.finished.connect(lambda _r: self.desktop.check_stamp_images())
        dlg.open()

    def sync_now(self) -> None:
        """Push then pull in the background (one at a time); the indicator follows."""
        if not self.syncing_enabled or self._sync_op is not None:
            return
        source = self.source
        self.sync_action.setEnabled(False)
        self._sync_op = True        # the indicator says "syncing" from now on
        self._show_sync_label()

        def done(status) -> None:
            self._sync_op = None
            self.sync_action.setEnabled(True)
            if source is not self.source:
                self.sync_now()      # the source changed meanwhile: its first sync was skipped
                return
            self.set_sync_status(status)
            self.reload_documents()
            self.syncFinished.emit(status)
            if status.auth_needed:
                self.ask_login(lambda: status.error)

        def failed(exc) -> None:
            self._sync_op = None
            self.sync_action.setEnabled(True)
            log.warning("sync failed: %s", exc)
            self.show_status(lambda: getattr(exc, "message", None) or str(exc), 10000)
            if source is self.source:
                self.set_sync_status(source.status)
                self.syncFinished.emit(source.status)
            else:
                self.sync_now()

        self._sync_op = run_in_background(source.sync, done, failed, parent=self)

    def set_sync_status(self, status) -> None:
        self.sync_status = status
        self._show_sync_label()

    def _show_sync_label(self) -> None:
        """The sync indicator from the state (source, last status, a sync running)."""
        if not self.syncing_enabled:
            self.sync_label.setText(self.tr("Đồng bộ: chưa kết nối"))
            self.sync_label.setToolTip(self.tr("Mở bằng --server và --user để đồng bộ với máy chủ văn bản."))
            self.sync_label.setStyleSheet("")
            return
        if self.sync_status is not None:
            from .syncstatus import describe

            text, tip, colour = describe(self.sync_status)
            self.sync_label.setToolTip(tip or self.tr("Máy chủ: %1").replace("%1", getattr(self.source, "server_url", "")))
            self.sync_label.setStyleSheet(f"color: {colour};" if colour else "")
        else:
            text = self.tr("Đồng bộ: chưa kết nối")
        if self._sync_op is not None:
            text = text.split(" · ")[0] + self.tr(" · đang đồng bộ…")
        self.sync_label.setText(text)

    def ask_login(self, error: LiveText | None = None) -> None:
        """The password dialog (non-blocking); a good login syncs at once."""
        if not self.syncing_enabled or self.login_dialog is not None:
            return
        source = self.source
        dlg = LoginDialog(source.server_url, source.username, self, error)
        self.login_dialog = dlg

        def finished(result: int) -> None:
            self.login_dialog = None
            password = dlg.take_password()
            dlg.deleteLater()
            if not result:
                return

            def ok(_saved) -> None:
                self.show_status(lambda: self.tr("Đã đăng nhập %1").replace("%1", source.username), 5000)
                self.sync_now()

            def bad(exc) -> None:
                self.ask_login(lambda: getattr(exc, "message", None) or str(exc))

            run_in_background(lambda: source.login(password), ok, bad, parent=self)

        dlg.finished.connect(finished)
        dlg.open()

    # -- conflicts --
    def _offer_conflict(self, row: DocumentRow) -> None:
        """A signed PDF cannot be re-based onto someone else's version: the person
        either takes the server's version, or looks at their own signed copy."""
        if self.conflict_box is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Xung đột phiên bản"), self.tr(
            "Văn bản “%1” đã được xử lý trên máy chủ trong khi anh/chị ký bản trên máy này.\n\n"
            "Bản đã ký số không thể ghép vào phiên bản mới của máy chủ (chữ ký sẽ mất hiệu lực). "
            "Hãy chọn:").replace("%1", row.subject or row.doc_id), QMessageBox.StandardButton.NoButton, self)
        self.use_server_button = box.addButton(self.tr("Dùng bản trên máy chủ"), QMessageBox.ButtonRole.AcceptRole)
        self.keep_mine_button = box.addButton(self.tr("Giữ bản của tôi để xem"), QMessageBox.ButtonRole.ActionRole)
        later = box.addButton(self.tr("Để sau"), QMessageBox.ButtonRole.RejectRole)
        box.setInformativeText(self.tr("“Dùng bản trên máy chủ”: bỏ bản ký trên máy (vẫn lưu trong thư mục "
                                       "xung đột), tải lại bản mới; nếu văn bản còn chờ anh/chị, hãy ký lại.\n"
                                       "“Giữ bản của tôi để xem”: mở bản anh/chị đã ký; bản này không được gửi."))
        box.setDefaultButton(later)
        source = self.source

        def clicked(button) -> None:
            self.conflict_box = None
            if button is self.use_server_button:
                def done(status) -> None:
                    self.set_sync_status(status)
                    self.reload_documents()
                    self.show_status(lambda: self.tr("Đã dùng bản trên máy chủ."), 8000)
                    self.syncFinished.emit(status)
                run_in_background(lambda: source.use_server_version(row.doc_id), done, self._show_error,
                                  parent=self)
            elif button is self.keep_mine_button:
                def opened(copies) -> None:
                    mine = copies[0]
                    if mine is not None:
                        self.open_pdf(mine, keep_doc=True)
                        self.show_status(lambda: self.tr("Đang xem bản anh/chị đã ký (không gửi lên máy chủ)."),
                                          10000)
                run_in_background(lambda: source.conflict_copies(row.doc_id), opened, self._show_error, parent=self)

        box.buttonClicked.connect(clicked)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.conflict_box = box
        box.open()
        self.conflictOffered.emit(box)

    # -- documents --
    def set_source(self, source: DocumentSource) -> None:
        # the document on screen stays selected in the new list as soon as it is
        # there (the demo's role switch: the leader signed, now the clerk issues it)
        self._carried_selection = {r.doc_id for r in self.selected_rows()}
        if not self._carried_selection and self.current_doc is not None:
            self._carried_selection = {self.current_doc.doc_id}
        self.source = source
        self.desktop.notifier.reset()
        self.reload_documents()
        self._setup_sync()

    def reload_documents(self) -> None:
        if self.source is None:
            return
        source = self.source

        def load():
            rows = source.list_documents()
            return rows, search_texts(rows)

        def done(loaded) -> None:
            rows, texts = loaded
            # the selection as it is now: a row clicked while the list loaded stays selected
            selected = {r.doc_id for r in self.selected_rows()} | self._carried_selection
            self.model.set_rows(rows, texts)
            self._reselect(selected)
            if self._carried_selection & {r.doc_id for r in rows}:
                self._carried_selection = set()
            self._update_actions()
            self.desktop.documents_loaded(source, rows)
            self.documentsLoaded.emit(len(rows))

        run_in_background(load, done, self._show_error, parent=self)

    def _reselect(self, ids: set[str]) -> None:
        if not ids:
            return
        sel = self.table.selectionModel()
        for r in range(self.proxy.rowCount()):
            row = self.proxy.index(r, 0).data(ROW_ROLE)
            if row.doc_id in ids:
                sel.select(self.proxy.index(r, 0), sel.SelectionFlag.Select | sel.SelectionFlag.Rows)

    def set_quick_filter(self, key: str) -> None:
        self.filter_buttons[key].setChecked(True)
        self.proxy.set_quick_filter(key)

    def selected_rows(self) -> list[DocumentRow]:
        rows = self.table.selectionModel().selectedRows()
        return [i.data(ROW_ROLE) for i in sorted(rows, key=lambda i: i.row())]

    def select_rows(self, doc_ids: Iterable[str]) -> None:
        """Select documents by id (tests and automation)."""
        self.table.clearSelection()
        self._reselect(set(doc_ids))

    def _selection_changed(self, *_args) -> None:
        rows = self.selected_rows()
        if len(rows) == 1 and self.source is not None:
            row, before = rows[0], self.current_doc
            # A reload (each background sync) selects the same document again: that
            # is not a new choice. It keeps a stamp preview being prepared, and the
            # page is opened and verified again only if the file itself changed.
            same = before is not None and before.doc_id == row.doc_id
            self.current_doc = row
            if not same:
                self._preview_pending = None
            try:
                path = self.source.pdf_path(row.doc_id)
            except Exception as exc:  # noqa: BLE001 - not downloaded yet
                self.view.close_document()
                self.view.show_message(lambda exc=exc: getattr(exc, "message", None) or str(exc))
                path = None
            if path is not None and not (same and self._showing(path)):
                self.open_pdf(path, keep_doc=True)
            self._update_title()
            if row.conflict and self.can(Capability.CONFLICTS) and not (same and before.conflict):
                self._offer_conflict(row)
        self._update_actions()

    def _file_state(self, path: Path) -> tuple | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return (path, st.st_mtime_ns, st.st_size)

    def _showing(self, path: Path | str) -> bool:
        """``path`` is the file on screen, unchanged since it was opened."""
        path = Path(path)
        return path == self.current_path and self._opened_state == self._file_state(path)

    def open_pdf(self, path: Path | str, keep_doc: bool = False) -> None:
        """Show ``path`` and verify its signatures (both in the background)."""
        if self._closed:            # a sync that ends after the window closed reloads the list
            return
        if not keep_doc:
            self.current_doc = None
            self.table.clearSelection()
        self.current_path = Path(path)
        self._opened_state = self._file_state(self.current_path)
        self.view.open(self.current_path)
        self.signatures.load(self.current_path, self.trust_roots)
        self._update_title()
        self._update_actions()

    def _open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Mở văn bản PDF"), "", self.tr("Tệp PDF (*.pdf)"))
        if path:
            self.open_pdf(path)

    def _open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Chọn thư mục văn bản"))
        if folder:
            from ..services.sources import FolderSource
            self.set_source(FolderSource(folder))

    def dragEnterEvent(self, event) -> None:
        if any(u.toLocalFile().lower().endswith(".pdf") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            local = url.toLocalFile()
            if local.lower().endswith(".pdf"):
                self.open_pdf(local)
                event.acceptProposedAction()
                return

    # -- actions --
    def _targets(self) -> list[DocumentRow] | None:
        """Documents the role actions apply to: the selection, or None for a loose file."""
        if self.current_doc is None and self.current_path is not None and not self.selected_rows():
            return None
        return self.selected_rows()

    def _update_actions(self) -> None:
        targets = self._targets()
        busy = self.flow is not None or self._preview_pending is not None
        have_token = bool(self.tokens)
        for role, act in self.role_actions.items():
            if targets is None:           # an opened file: any role, a copy next to it
                ok = self.current_path is not None
            else:
                ok = bool(targets) and all(r.action == role for r in targets)
            act.setEnabled(ok and not busy and have_token)
            act.setToolTip(self.tr(act.text()) if have_token else self.tr("Hãy cắm token để ký."))
        self.return_action.setEnabled(bool(targets) and all(r.action for r in targets) and not busy
                                      and self.can(Capability.RETURN))
        self.desktop.update_actions()

    def sign_selected(self, role: str, placement: Placement | None = None) -> None:
        token = self.current_token()
        if token is None:
            self._show_error(self.tr("Chưa có token nào được cắm."))
            return
        targets = self._targets()
        source = self._flow_source = self._signing_source()
        try:
            if targets is None:
                jobs = [source.job(None, role)]
            else:
                jobs = [source.job(r.doc_id, role) for r in targets]
        except Exception as exc:  # noqa: BLE001 - e.g. not downloaded yet
            self._show_error(exc)
            return
        if not jobs:
            return
        if len(jobs) == 1 and self.preview_stamps and placement is None:
            self._start_stamp_preview(role, jobs)
            return
        self._continue_signing(role, jobs, placement)

    def _signing_source(self):
        """Where the documents being signed come from: the list's source, or the
        file opened on its own."""
        if self._targets() is None:
            return SingleFile(self.current_path)
        return self.source

    # -- stamp preview (one document) --
    def _place_key(self, job: Job) -> str:
        return job.doc_id if job.doc_id is not None else str(job.src)

    def remembered_placement(self, doc_key: str, role: str) -> Placement | None:
        return self.stamp_places.get(doc_key, {}).get(role)

    def _start_stamp_preview(self, role: str, jobs: list[Job]) -> None:
        job = jobs[0]
        self._preview_pending = (role, jobs)
        self._update_actions()
        self.show_status(lambda: self.tr("Đang tìm vị trí đặt chữ ký…"))

        def shown(pv: StampPreview) -> None:
            if self._preview_pending != (role, jobs):
                return
            self.stamp_preview = pv
            mine = self.remembered_placement(self._place_key(job), role)
            page, box = (mine.page, mine.box) if mine is not None else (pv.page, pv.box)
            self.statusBar().clearMessage()
            self.view.show_stamp_preview(page, box, pv.page_size, lambda: pv.message,
                                         auto=pv.box if pv.found else None)
            self.previewShown.emit(pv)

        def failed(exc) -> None:
            self._preview_pending = None
            self.statusBar().clearMessage()
            self._update_actions()
            self._show_error(exc)

        settings = user_settings.load()
        run_in_background(lambda: preview_placement(job.src, SigningRequest(role=role), settings),
                          shown, failed, parent=self)

    def _stamp_confirmed(self, page: int, box) -> None:
        pending, self._preview_pending = self._preview_pending, None
        if pending is None:
            return
        role, jobs = pending
        from ..core.signing import Placement   # loaded: the preview came from the core

        chosen = Placement(page, box)
        self.stamp_places.setdefault(self._place_key(jobs[0]), {})[role] = chosen
        self._update_actions()
        self._continue_signing(role, jobs, chosen)

    def _stamp_cancelled(self) -> None:
        self._preview_pending = None
        self._update_actions()

    # -- the role's details, then the signing flow --
    def _continue_signing(self, role: str, jobs: list[Job], placement: Placement | None) -> None:
        if role == ISSUE and all(j.doc_id is not None for j in jobs) \
                and self.can(Capability.RESERVE_NUMBER):
            # Each document gets its own number from the register, in the list's
            # order; a reservation is kept per document, so asking again (after
            # a cancel or a failure) gives the same numbers back.
            source, doc_ids = self.source, [j.doc_id for j in jobs]
            self.show_status(lambda: self.tr("Đang lấy số từ sổ đăng ký…"))

            def got(answers: list[dict]) -> None:
                self.statusBar().clearMessage()
                self._ask_issue(role, jobs, placement, answers, None)

            def offline(exc) -> None:
                self.statusBar().clearMessage()
                self._ask_issue(role, jobs, placement, None, lambda: getattr(exc, "message", None) or str(exc))

            run_in_background(lambda: [source.reserve_number(d) for d in doc_ids], got, offline, parent=self)
            return
        self._ask_issue(role, jobs, placement, None, None)

    def _ask_issue(self, role: str, jobs: list[Job], placement, reserved: list[dict] | None,
                   reserve_error: LiveText | None) -> None:
        if role == ISSUE:
            dlg = IssueDialog(len(jobs), self, reserved=reserved, reserve_error=reserve_error)
            self.issue_dialog = dlg

            def answered(result: int) -> None:
                self.issue_dialog = None
                dlg.deleteLater()
                if not result:
                    return
                issue_date = dlg.date.date().toPython()
                if dlg.reserved is not None:     # each document with its register's number
                    try:
                        numbered = [replace(job, options=self._options(SigningRequest(
                            role=role, number=number_text(r), issue_date=issue_date, placement=placement)))
                                    for job, r in zip(jobs, dlg.reserved)]
                    except Exception as exc:  # noqa: BLE001 - a usage error in Vietnamese
                        self._show_error(exc)
                        return
                    self._options_and_flow(role, numbered, placement, None, None)
                else:
                    number = dlg.number.text().strip() or None
                    self._options_and_flow(role, jobs, placement, number, issue_date if number else None)

            dlg.finished.connect(answered)
            dlg.open()                       # not exec(): no nested event loop
            return
        self._options_and_flow(role, jobs, placement, None, None)

    def _options_and_flow(self, role: str, jobs: list[Job], placement, number, issue_date) -> None:
        main_number = ""
        if role == ATTACHMENT:
            main_number, ok = QInputDialog.getText(self, self.tr("Ký phụ lục"),
                                                   self.tr("Số, ký hiệu của văn bản chính:"))
            if not ok:
                return
        try:
            options = self._options(SigningRequest(role=role, number=number, issue_date=issue_date,
                                                   main_number=main_number, placement=placement))
        except Exception as exc:  # noqa: BLE001 - a usage error in Vietnamese
            self._show_error(exc)
            return
        token = self.current_token()
        if token is None:
            self._show_error(self.tr("Chưa có token nào được cắm."))
            return
        self.start_flow(token, role, jobs, options)

    @staticmethod
    def _options(request: SigningRequest):
        """The core's options for ``request`` with the person's settings (application layer)."""
        from ..services.request import sign_options

        return sign_options(request, user_settings.load())

    def start_flow(self, token: TokenInfo, role: str, jobs: list[Job], options) -> SigningFlow:
        # the source decides where signed documents go: beside a loose file, back
        # into a folder's document, or the sync store's outbox (durable before upload)
        source = self._flow_source or self._signing_source()
        sink = source.sink(role)
        flow = SigningFlow(token, role, jobs, options, sink, user_settings.load(), parent_widget=self)
        self.flow = flow
        flow.finished.connect(self._flow_finished)
        self.desktop.signing_started(jobs)
        flow.failed.connect(self._flow_failed)
        if len(jobs) > 1:
            self.batch_dialog = BatchDialog(flow, self)
            flow.loggedIn.connect(self.batch_dialog.open)
        else:
            flow.loggedIn.connect(lambda: self.show_status(lambda: self.tr("Đang ký…")))
        self._update_actions()
        flow.start()
        return flow

    def _flow_finished(self, results) -> None:
        self.flow = None
        self.last_results = results
        self._update_actions()
        ok = [r for r in results if r.ok]
        if len(results) == 1:
            r = results[0]
            if r.ok:
                shown = (self.source.pdf_path(self.current_doc.doc_id)
                         if self.current_doc is not None and self.source is not None else r.output)
                name = (self.current_doc.subject if self.current_doc is not None and self.current_doc.subject
                        else Path(shown).name)
                self.show_status(lambda: self.tr("Đã ký: %1").replace("%1", name), 10000)
                if self.current_doc is None:
                    self.desktop.loose_file_signed(r.output)   # a copy next to the opened file
                self.open_pdf(shown, keep_doc=self.current_doc is not None)
            else:
                self._show_error(r.error.message if r.error else "")
        else:
            self.show_status(lambda: self.tr("Đã ký %1/%2 văn bản.").replace("%1", str(len(ok)))
                              .replace("%2", str(len(results))), 10000)
        self.reload_documents()
        if any(r.ok for r in results) and self.syncing_enabled:
            self.sync_now()          # send at once; offline, it waits in the outbox
        self.signingFinished.emit(results)

    def _flow_failed(self, message: str) -> None:
        self.flow = None
        self._update_actions()
        if self.batch_dialog is None or not self.batch_dialog.isVisible():
            self.show_status(lambda: message, 10000)
        self.signingFinished.emit([])

    def return_selected(self) -> None:
        """Trả lại: the selected documents go back with a reason (asked without a
        nested event loop; the source does it in the background)."""
        rows = self.selected_rows()
        if not rows or not self.can(Capability.RETURN):
            return
        dlg = QInputDialog(self)
        dlg.setWindowTitle(self.tr("Trả lại văn bản"))
        dlg.setLabelText(self.tr("Lý do trả lại:"))
        dlg.setOkButtonText(self.tr("Trả lại"))
        dlg.setCancelButtonText(self.tr("Hủy"))
        self.return_dialog = dlg
        source = self.source

        def answered(result: int) -> None:
            self.return_dialog = None
            reason = dlg.textValue().strip()
            dlg.deleteLater()
            if not result:
                return

            def work():
                for r in rows:
                    source.return_document(r.doc_id, reason)

            def done(_r) -> None:
                self.show_status(lambda: self.tr("Đã trả lại %1 văn bản.").replace("%1", str(len(rows))), 8000)
                self.reload_documents()
                self.documentsReturned.emit([r.doc_id for r in rows])

            run_in_background(work, done, self._show_error, parent=self)

        dlg.finished.connect(answered)
        dlg.open()

    # -- tokens --
    def set_tokens(self, tokens: list[TokenInfo]) -> None:
        self._tokens_known = True
        previous = self.current_token()
        self.tokens = [t for t in tokens if any(c.key_id for c in t.certificates)] or list(tokens)
        self.token_combo.blockSignals(True)
        self.token_combo.clear()
        for t in self.tokens:
            self.token_combo.addItem(f"{t.label} — {t.module.vendor}")
        if previous is not None:
            for i, t in enumerate(self.tokens):
                if t.serial == previous.serial and t.label == previous.label:
                    self.token_combo.setCurrentIndex(i)
        self.token_combo.blockSignals(False)
        self.token_combo.setVisible(len(self.tokens) > 1)
        self._token_chosen()

    def choose_token(self, label: str) -> None:
        for i, t in enumerate(self.tokens):
            if t.label == label:
                self.token_combo.setCurrentIndex(i)
                self._token_chosen()
                return
        raise LookupError(label)

    def current_token(self) -> TokenInfo | None:
        if not self.tokens:
            return None
        i = self.token_combo.currentIndex()
        return self.tokens[i] if 0 <= i < len(self.tokens) else self.tokens[0]

    def _token_chosen(self, *_args) -> None:
        token = self.current_token()
        if token is None:
            self.token_label.setText(self.tr("⚠ Chưa cắm token"))
            self.token_label.setStyleSheet("color: #c62828;")
            self.cert_label.setText("")
        else:
            self.token_label.setText(self.tr("Token: %1").replace("%1", token.label))
            self.token_label.setStyleSheet("")
            from ..core.errors import KysoError
            from ..services.tokens import choose_certificate

            try:    # the certificate that will sign: the person's default when this token holds it
                cert = choose_certificate(token, None, user_settings.load().default_certificate)
            except KysoError as exc:
                cert = None
                self.cert_label.setText(self.tr("Không có chứng thư số dùng để ký"))
                self.cert_label.setToolTip(exc.message)
                self.cert_label.setStyleSheet("color: #c62828;")
            if cert is not None:
                days = cert.days_left()
                text = f"{cert.common_name}"
                if days <= EXPIRY_WARNING_DAYS:
                    text += self.tr(" — ⚠ chứng thư số hết hạn sau %1 ngày").replace("%1", str(days))
                    self.cert_label.setStyleSheet("color: #c62828; font-weight: bold;")
                else:
                    self.cert_label.setStyleSheet("")
                self.cert_label.setText(text)
                self.cert_label.setToolTip(self.tr("Hiệu lực đến %1").replace("%1", cert.not_after.strftime("%d/%m/%Y")))
        self._update_actions()

    # -- misc --
    def _show_error(self, exc) -> None:
        msg = getattr(exc, "message", None) or str(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Kyso"), msg, QMessageBox.StandardButton.Ok, self)
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("Đóng"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error = msg

    def closeEvent(self, event) -> None:
        self._closed = True
        self.desktop.save_layout()
        self.sync_timer.stop()
        if self.watcher is not None:
            self.watcher.stop()
        if self.flow is not None:
            self.flow.cancel()
        self.view.close_document()          # PDFium's handle is released, not left to exit
        super().closeEvent(event)
