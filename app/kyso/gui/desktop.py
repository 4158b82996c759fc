"""Desktop habits of the main window: what a person expects of any office program.

- **New documents**: after each reload of the list, documents that newly wait
  for this person are announced (a message from the system tray when the window
  is in the background, and a banner above the list that selects them on click).
- **Window layout**: size, position, toolbars, splitters, the list's column
  widths and sort order and the last quick filter are kept in
  ``<config>/window.ini`` (:func:`kyso.core.paths.config_dir`, so ``KYSO_HOME``
  moves it), written on close and read on open.
- **Open containing folder**: after a loose PDF is signed (the copy is saved
  next to it), a bar offers to show the folder or open the signed file; the
  same action exists for the current file in the toolbar.
- **Shortcuts in tooltips**: an action's tooltip names its shortcut.

:class:`DesktopHabits` puts these on a :class:`~kyso.gui.mainwindow.MainWindow`;
the window calls a handful of hooks (``documents_loaded``, ``signing_started``,
``loose_file_signed``, ``save_layout``, ``update_actions``).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from PySide6.QtCore import QObject, QProcess, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QSplitter, QStyle, QSystemTrayIcon, QToolBar, QToolButton, QVBoxLayout,
                               QWidget)

from ..core import paths
from ..core import settings as user_settings
from ..core.role import Role
from ..services.request import missing_images
from ..services.sources import Capability
from .i18n import LiveText, Retranslating, live

if TYPE_CHECKING:
    from ..services.sources import DocumentRow
    from .mainwindow import MainWindow

log = logging.getLogger(__name__)

# the layout file inside :func:`kyso.core.paths.config_dir`
LAYOUT_FILE = "window.ini"
LAYOUT_VERSION = 1
# a document this person just signed is not announced as new for this long
SIGNED_QUIET_S = 15 * 60
# subjects longer than this are cut in the banner (the list has the whole text)
SUBJECT_CHARS = 140


# -- shortcuts ------------------------------------------------------------------


def with_shortcut(text: str, action: QAction) -> str:
    """``text`` followed by the action's shortcut as the platform writes it: "Ký số (Ctrl+Shift+K)"."""
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    text = text.removesuffix("…").removesuffix("...")   # "Mở tệp PDF…" is a menu text; a tooltip has no ellipsis
    if not keys or f"({keys})" in text:
        return text
    return f"{text} ({keys})"


# -- opening files with the system ---------------------------------------------


def open_containing_folder(path: Path | str) -> bool:
    """Show the folder holding ``path`` in the file manager with the file selected
    (Windows Explorer, macOS Finder, and on Linux any file manager that offers
    freedesktop.org's ``FileManager1`` over D-Bus: Files, Dolphin, Nemo, Caja…);
    otherwise just the folder. Never waits for the file manager."""
    path = Path(path)
    if sys.platform == "win32" and path.exists():
        return QProcess.startDetached("explorer.exe", [f"/select,{path}"])[0]
    if sys.platform == "darwin" and path.exists():
        return QProcess.startDetached("open", ["-R", str(path)])[0]
    folder = QUrl.fromLocalFile(str(path.parent))
    if path.exists() and _show_item_over_dbus(path, lambda: QDesktopServices.openUrl(folder)):
        return True
    return QDesktopServices.openUrl(folder)


#: the freedesktop.org file-manager interface (ShowItems selects files in their folder)
FILE_MANAGER = ("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1")
_pending_calls: set = set()    # watchers of ShowItems calls not answered yet


def _show_item_over_dbus(path: Path, otherwise: Callable[[], object]) -> bool:
    """Ask the session's file manager to show ``path`` selected. Returns False at
    once when there is no session bus; when the call fails later (no such file
    manager), ``otherwise()`` runs then. The call is asynchronous: the GUI thread
    never waits on D-Bus (a file manager started on demand can take seconds)."""
    try:
        from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusPendingCallWatcher
    except ImportError:                     # a Qt built without D-Bus
        return False
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    msg = QDBusMessage.createMethodCall(*FILE_MANAGER, "ShowItems")
    msg.setArguments([[QUrl.fromLocalFile(str(path)).toString()], ""])
    watcher = QDBusPendingCallWatcher(bus.asyncCall(msg, 10_000))
    _pending_calls.add(watcher)

    def answered(w) -> None:
        _pending_calls.discard(watcher)
        if w.isError():
            log.info("No file manager offers ShowItems (%s); opening the folder", w.error().name())
            otherwise()
        watcher.deleteLater()

    watcher.finished.connect(answered)
    return True


def open_file(path: Path | str) -> bool:
    """Open ``path`` with the program the system uses for PDFs."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# -- the information bar ----------------------------------------------------------


class InfoBar(Retranslating, QFrame):
    """A non-modal message above the document list, with buttons and a close button.

    The message and the button labels may be given as callables returning the
    text: the bar calls them again when the language changes, so a bar shown
    before a switch reads in the new language."""

    closed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"QFrame#{name} {{ background: #e8f1fb; border: 1px solid #9cbfe6; "
                           "border-radius: 4px; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setStyleSheet("color: #1b2a3a;")   # readable on the light bar in a dark theme too
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.buttons_row = QHBoxLayout()
        self.buttons_row.setSpacing(6)
        self.close_button = QToolButton()
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)        # message, its buttons, ✕: one line while there is room
        row.setContentsMargins(8, 4, 4, 4)
        row.setSpacing(6)
        row.addWidget(self.label, 1)
        row.addLayout(self.buttons_row)
        row.addWidget(self.close_button)
        self.buttons: list[QPushButton] = []
        self._text: LiveText = ""
        self._labels: list[LiveText] = []
        self.hide()

    def show_message(self, text: LiveText, actions: Iterable[tuple[LiveText, Callable[[], None]]] = ()) -> None:
        for b in self.buttons:
            self.buttons_row.removeWidget(b)
            b.deleteLater()
        self.buttons = []
        self._text = text
        self._labels = []
        for label, slot in actions:
            b = QPushButton()
            b.clicked.connect(slot)
            self.buttons_row.insertWidget(len(self.buttons), b)
            self.buttons.append(b)
            self._labels.append(label)
        self.retranslate_ui()
        self.show()

    def retranslate_ui(self) -> None:
        self.label.setText(live(self._text))
        for b, label in zip(self.buttons, self._labels):
            b.setText(live(label))

    def dismiss(self) -> None:
        self.hide()
        self.closed.emit()


# -- new documents ------------------------------------------------------------------


class NewDocumentNotifier(QObject):
    """Compares each loaded list with the one before: documents that newly wait for
    this person (an action is set, and they did not wait before) are announced.

    The first list of a source is only remembered. Documents this person has just
    signed (by id, or by the path the signed copy was written to) stay quiet for
    :data:`SIGNED_QUIET_S`."""

    newDocumentsArrived = Signal(list)    # list[DocumentRow]

    def __init__(self, window: MainWindow, banner: InfoBar):
        super().__init__(window)
        self.window = window
        self.banner = banner
        self.tray: QSystemTrayIcon | None = None
        self.new_ids: list[str] = []
        self._source = None
        self._waiting: set[str] | None = None
        self._quiet_ids: dict[str, float] = {}
        self._quiet_paths: dict[Path, float] = {}

    def reset(self) -> None:
        """Forget the previous list: the next one is a first load."""
        self._source = None
        self._waiting = None
        self.banner.hide()

    def signing_started(self, doc_ids: Iterable[str | None], outputs: Iterable[Path]) -> None:
        until = time.monotonic() + SIGNED_QUIET_S
        for d in doc_ids:
            if d is not None:
                self._quiet_ids[str(d)] = until
        for p in outputs:
            self._quiet_paths[_resolved(p)] = until

    def _quiet(self, source, row: DocumentRow, now: float) -> bool:
        if self._quiet_ids.get(row.doc_id, 0) > now:
            return True
        if not self._quiet_paths:
            return False
        try:
            path = source.pdf_path(row.doc_id)
        except Exception:  # noqa: BLE001 - not downloaded yet: not one of ours
            return False
        return self._quiet_paths.get(_resolved(path), 0) > now

    def documents_loaded(self, source, rows: list[DocumentRow]) -> list[DocumentRow]:
        """The list of ``source`` was (re)loaded; returns the rows announced as new."""
        now = time.monotonic()
        self._quiet_ids = {k: t for k, t in self._quiet_ids.items() if t > now}
        self._quiet_paths = {k: t for k, t in self._quiet_paths.items() if t > now}
        waiting = {r.doc_id for r in rows if r.action}
        if source is not self._source or self._waiting is None:
            self._source, self._waiting = source, waiting
            return []
        new = [r for r in rows if r.action and r.doc_id not in self._waiting and not self._quiet(source, r, now)]
        self._waiting = waiting
        if self.banner.isVisible() and not new and not waiting & set(self.new_ids):
            self.banner.hide()      # what it announced has been handled (or left): old news
        if new:
            self._announce(new)
        return new

    # -- telling the person ------------------------------------------------------------
    def message(self, rows: list[DocumentRow]) -> str:
        n = len(rows)
        head = self.tr("Có %n văn bản mới cần xử lý", "", n)
        subject = rows[0].subject or rows[0].number or rows[0].doc_id
        if len(subject) > SUBJECT_CHARS:
            subject = subject[:SUBJECT_CHARS - 1].rstrip() + "…"
        text = f"{head}: “{subject}”"
        if n > 1:
            text += " " + self.tr("và %n văn bản khác", "", n - 1)
        return text

    def _announce(self, rows: list[DocumentRow]) -> None:
        self.new_ids = [r.doc_id for r in rows]
        text = self.message(rows)
        self.banner.show_message(lambda: self.message(rows),
                                 [(lambda: self.tr("Xem văn bản mới"), self.select_new)])
        win = self.window
        # The bar says it in the window; a window in the background also gets a
        # tray notice, or, without a tray, its taskbar entry asks for attention.
        # (Not the status bar as well: it repeated the bar, cut by the token widgets.)
        if not win.isActiveWindow():
            if QSystemTrayIcon.isSystemTrayAvailable():
                tray = self._tray()
                tray.showMessage(self.tr("Kyso — văn bản mới"), text, QSystemTrayIcon.MessageIcon.Information,
                                 15000)
            else:
                QApplication.alert(win, 0)
        self.newDocumentsArrived.emit(rows)

    def _tray(self) -> QSystemTrayIcon:
        if self.tray is None:
            icon = self.window.windowIcon()
            if icon.isNull():
                icon = self.window.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(self.tr("Kyso — Ký số văn bản"))
            self.tray.messageClicked.connect(self.select_new)
            self.tray.activated.connect(lambda _reason: self._bring_forward())
        self.tray.show()
        return self.tray

    def _bring_forward(self) -> None:
        win = self.window
        if win.isMinimized():
            win.showNormal()
        win.raise_()
        win.activateWindow()

    def select_new(self) -> None:
        """Show the announced documents: every filter off, the new ones selected."""
        win = self.window
        self.banner.hide()
        self._bring_forward()
        ids = set(self.new_ids)
        present = {r.doc_id for r in win.model.rows()}
        if not ids & present:
            return
        if win.proxy.quick_filter != "all":
            win.set_quick_filter("all")
        if win.search.text():
            win.search.clear()
        win.select_rows(ids)
        chosen = win.table.selectionModel().selectedRows()
        if chosen:
            win.table.scrollTo(min(chosen, key=lambda i: i.row()))

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()


def _resolved(path: Path | str) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(path)


# -- window layout -------------------------------------------------------------------


def layout_path() -> Path:
    return paths.config_dir() / LAYOUT_FILE


class WindowLayout:
    """Saves and restores the main window's layout (see module doc)."""

    def __init__(self, window: MainWindow):
        self.window = window
        # the column widths were fitted to a list, or came from the file (then kept)
        self.columns_sized = False

    def _settings(self) -> QSettings:
        return QSettings(str(layout_path()), QSettings.Format.IniFormat)

    def _splitters(self) -> list[QSplitter]:
        win = self.window
        found = [win.splitter] + [s for s in win.splitter.findChildren(QSplitter) if s is not win.splitter]
        return found

    def save(self) -> None:
        win = self.window
        try:
            layout_path().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("window layout not saved: %s", exc)
            return
        s = self._settings()
        s.setValue("version", LAYOUT_VERSION)
        s.setValue("window/geometry", win.saveGeometry())
        s.setValue("window/state", win.saveState(LAYOUT_VERSION))
        for i, sp in enumerate(self._splitters()):
            s.setValue(f"splitters/{i}", [int(x) for x in sp.sizes()])
        hh = win.table.horizontalHeader()
        if self.columns_sized:     # never fitted to a list: keep the widths saved before
            s.setValue("list/widths", [int(hh.sectionSize(c)) for c in range(hh.count())])
        s.setValue("list/sort_column", int(hh.sortIndicatorSection()))
        s.setValue("list/sort_order", int(hh.sortIndicatorOrder().value))
        s.setValue("list/quick_filter", win.proxy.quick_filter)
        s.sync()
        if s.status() != QSettings.Status.NoError:
            log.warning("window layout not saved to %s (%s)", layout_path(), s.status())

    def restore(self) -> bool:
        """Apply the saved layout; anything missing or unreadable keeps the default."""
        if not layout_path().is_file():
            self.fit_first_open()
            return False
        win = self.window
        s = self._settings()
        if s.status() != QSettings.Status.NoError or _int(s.value("version")) != LAYOUT_VERSION:
            return False
        geometry = s.value("window/geometry")
        if geometry is not None and not _try(lambda: win.restoreGeometry(geometry)):
            log.info("window geometry in %s not usable", layout_path())
        self.keep_on_screen()
        state = s.value("window/state")
        if state is not None:
            _try(lambda: win.restoreState(state, LAYOUT_VERSION))
        for i, sp in enumerate(self._splitters()):
            sizes = _ints(s.value(f"splitters/{i}"))
            if len(sizes) == sp.count() and sum(sizes) > 0 and all(x >= 0 for x in sizes):
                sp.setSizes(sizes)
        hh = win.table.horizontalHeader()
        widths = _ints(s.value("list/widths"))
        if len(widths) == hh.count():
            for c, width in enumerate(widths):
                hh.resizeSection(c, max(20, min(width, 2000)))
            self.columns_sized = True
        column = _int(s.value("list/sort_column"))
        order = _int(s.value("list/sort_order"))
        if column is not None and 0 <= column < hh.count() and order in (0, 1):
            win.table.sortByColumn(column, Qt.SortOrder(order))
        key = s.value("list/quick_filter")
        if isinstance(key, str) and key in win.filter_buttons:
            win.set_quick_filter(key)
        return True

    def fit_first_open(self) -> None:
        """No saved layout: a default size larger than the screen (a laptop at 150 %)
        opens maximized, and its normal size fits the screen too."""
        win = self.window
        screen = win.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        if win.width() <= area.width() and win.height() <= area.height():
            return
        win.resize(min(win.width(), area.width() * 9 // 10), min(win.height(), area.height() * 9 // 10))
        win.move(area.center() - win.rect().center())
        win.setWindowState(win.windowState() | Qt.WindowState.WindowMaximized)

    def keep_on_screen(self) -> None:
        """A window saved on a screen that is gone comes back on the primary one,
        no larger than it."""
        win = self.window
        frame = win.frameGeometry()
        screens = QGuiApplication.screens()
        if not screens:
            return
        if any(sc.availableGeometry().intersected(frame).width() >= 100 and
               sc.availableGeometry().intersected(frame).height() >= 50 for sc in screens):
            return
        area = QGuiApplication.primaryScreen().availableGeometry()
        if win.isMaximized() or win.isFullScreen():
            win.showNormal()
        win.resize(min(win.width(), area.width()), min(win.height(), area.height()))
        win.move(area.center() - win.rect().center())


def _try(fn) -> bool:
    try:
        return bool(fn())
    except Exception:  # noqa: BLE001 - a foreign or damaged file is ignored
        return False


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ints(value) -> list[int]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        value = [value]
    out = []
    for v in value:
        i = _int(v)
        if i is None:
            return []
        out.append(i)
    return out


# -- everything on one window ------------------------------------------------------


class DesktopHabits(QObject):
    """The habits above, put on one main window (see module doc)."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        # the bars go above the list and the document: wrap the central widget
        central = window.takeCentralWidget()
        host = QWidget()
        host.setObjectName("desktopHost")
        box = QVBoxLayout(host)
        box.setContentsMargins(4, 4, 4, 0)
        box.setSpacing(4)
        self.new_documents_bar = InfoBar("newDocumentsBar")
        self.saved_file_bar = InfoBar("savedFileBar")
        self.stamp_images_bar = InfoBar("stampImagesBar")
        self.stamp_images_told = False
        box.addWidget(self.stamp_images_bar)
        box.addWidget(self.new_documents_bar)
        box.addWidget(self.saved_file_bar)
        box.addWidget(central, 1)
        window.setCentralWidget(host)

        self.notifier = NewDocumentNotifier(window, self.new_documents_bar)
        self.layout = WindowLayout(window)
        self.saved_file: Path | None = None

        self.show_in_folder_action = QAction(window)
        self.show_in_folder_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.show_in_folder_action.triggered.connect(self.show_current_in_folder)
        toolbar = window.findChild(QToolBar, "roles")
        if toolbar is not None:
            actions = toolbar.actions()
            at = actions.index(window.open_folder_action) + 1 if window.open_folder_action in actions else 0
            toolbar.insertAction(actions[at] if at < len(actions) else None, self.show_in_folder_action)
        else:
            window.addAction(self.show_in_folder_action)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.show_in_folder_action.setText(self.tr("Mở thư mục chứa tệp"))
        self.show_in_folder_action.setToolTip(with_shortcut(
            self.tr("Mở thư mục chứa văn bản đang xem"), self.show_in_folder_action))
        for bar in (self.new_documents_bar, self.saved_file_bar, self.stamp_images_bar):
            bar.close_button.setToolTip(self.tr("Đóng"))
        window = self.window
        # from the action's text (already in the new language), not from its old tooltip;
        # the sync action's tooltip is the window's own and names its key already
        for act in (window.open_action, window.refresh_action, window.settings_action):
            act.setToolTip(with_shortcut(act.text(), act))

    # -- hooks the window calls --
    def update_actions(self) -> None:
        win = self.window
        path = win.current_path
        in_store = win.current_doc is not None and win.can(Capability.STORED_RESULTS)   # the store's blobs
        self.show_in_folder_action.setEnabled(path is not None and not in_store)
        if win.tokens:     # without a token the tooltip says to plug one in
            for act in win.role_actions.values():
                act.setToolTip(with_shortcut(act.text(), act))

    def documents_loaded(self, source, rows: list[DocumentRow]) -> None:
        """After each load: fit the columns once (later the person's widths stay),
        then announce what is new."""
        table = self.window.table
        if rows and not self.layout.columns_sized:
            table.resizeColumnsToContents()
            # the subject (trích yếu) is long: a readable width, the rest in its tooltip
            table.setColumnWidth(1, min(table.columnWidth(1), 300))
            self.layout.columns_sized = True
        self.notifier.documents_loaded(source, rows)

    def check_stamp_images(self) -> None:
        """Say once, plainly, that no signature or seal image is configured (the
        stamps are then text stamps, never a specimen), with a way to Cài đặt;
        the bar goes as soon as both images are set."""
        missing = missing_images(user_settings.load())
        if not missing:
            self.stamp_images_bar.dismiss()
            return
        if self.stamp_images_told:
            return
        self.stamp_images_told = True
        both = len(missing) > 1
        leader = Role.LEADER in missing

        def text() -> str:
            if both:
                return self.tr("Chưa cài đặt ảnh chữ ký và ảnh con dấu: chữ ký số sẽ hiện dạng chữ "
                               "(họ tên, chức vụ, thời gian ký), không có hình ảnh.")
            if leader:
                return self.tr("Chưa cài đặt ảnh chữ ký: chữ ký số của lãnh đạo sẽ hiện dạng chữ "
                               "(họ tên, chức vụ, thời gian ký).")
            return self.tr("Chưa cài đặt ảnh con dấu: chữ ký số của cơ quan sẽ hiện dạng chữ "
                           "(tên cơ quan, thời gian ký).")

        self.stamp_images_bar.show_message(text, [(lambda: self.tr("Cài đặt…"), self.window.open_settings)])

    def signing_started(self, jobs) -> None:
        self.notifier.signing_started([j.doc_id for j in jobs], [j.dst for j in jobs if j.dst is not None])

    def loose_file_signed(self, output: Path | str) -> None:
        """A file opened outside the list was signed; its copy is ``output``, next to it."""
        self.saved_file = Path(output)
        out = self.saved_file
        self.saved_file_bar.show_message(
            lambda: self.tr("Đã lưu bản đã ký “%1” trong thư mục %2").replace("%1", out.name)
                                                                     .replace("%2", str(out.parent)),
            [(lambda: self.tr("Mở thư mục chứa tệp"), lambda: open_containing_folder(out)),
             (lambda: self.tr("Mở tệp đã ký"), lambda: open_file(out))])

    def show_current_in_folder(self) -> None:
        if self.window.current_path is not None:
            open_containing_folder(self.window.current_path)

    def save_layout(self) -> None:
        self.layout.save()
        self.notifier.close()
