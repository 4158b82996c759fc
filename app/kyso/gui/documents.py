"""The document list's table and filter models.

The documents themselves come from a source of the application layer
(:mod:`kyso.services.sources`: a folder, a single file, the server).
"""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QModelIndex, QSortFilterProxyModel,
                            Qt)
from PySide6.QtGui import QBrush, QColor

from ..core.role import Role
from ..services.sources import ACTION_LABELS, RETURNED, DocumentRow

# What a document is waiting for (the role action the current user must do).
INITIAL, SIGN, ISSUE, ATTACHMENT, COPY = Role

# -- table model ----------------------------------------------------------------


def translate_status(text: str) -> str:
    """A status or urgency this module writes, in the interface's language (at
    display time); anything else (a server's label) is shown as is."""
    if not text:
        return text
    head, sep, reason = text.partition(": ")
    if sep and head == RETURNED:
        return QCoreApplication.translate("DocumentTableModel", RETURNED) + sep + reason
    return QCoreApplication.translate("DocumentTableModel", text)


COLUMNS = ("number", "subject", "doc_type", "urgency", "sender", "received", "status", "action")
HEADERS = ("Số, ký hiệu", "Trích yếu", "Loại", "Độ khẩn", "Nơi gửi", "Ngày nhận", "Trạng thái",
           "Việc chờ tôi")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class DocumentTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[DocumentRow] = []
        self._search_text: list[str | None] = []

    def set_rows(self, rows: list[DocumentRow], search_texts: list[str] | None = None) -> None:
        """``search_texts``: :func:`search_texts` of ``rows``, made in the background
        with the list, so the first search does not fold 10,000 rows on the GUI thread."""
        self.beginResetModel()
        self._rows = list(rows)
        self._search_text = (list(search_texts) if search_texts is not None and len(search_texts) == len(rows)
                             else [None] * len(self._rows))
        self.endResetModel()

    def search_text(self, i: int) -> str:
        """Row ``i``'s searchable text, folded once (see :func:`_fold`) and kept."""
        text = self._search_text[i]
        if text is None:
            r = self._rows[i]
            text = self._search_text[i] = search_texts([r])[0]
        return text

    def rows(self) -> list[DocumentRow]:
        return list(self._rows)

    def row(self, i: int) -> DocumentRow:
        return self._rows[i]

    def update_row(self, doc_id: str, **changes) -> None:
        for i, r in enumerate(self._rows):
            if r.doc_id == doc_id:
                self._rows[i] = replace(r, **changes)
                self._search_text[i] = None
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def retranslate(self) -> None:
        """The language changed: views read the headers and the translated cells again.

        A model gets no ``LanguageChange`` of its own; its owner (the main
        window's ``retranslate_ui``) calls this."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole])

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        """Translated at call time, so a language change shows at once."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("DocumentTableModel", HEADERS[section])
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = COLUMNS[index.column()]
        if role == ROW_ROLE:
            return r
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == "received":
                return r.received.strftime("%d/%m/%Y %H:%M") if r.received else ""
            if col == "action":
                return QCoreApplication.translate("DocumentTableModel", ACTION_LABELS.get(r.action, ""))
            if col in ("status", "urgency"):
                return translate_status(getattr(r, col))
            return getattr(r, col)
        if role == Qt.ItemDataRole.UserRole:   # sort key
            if col == "received":
                return r.received.timestamp() if r.received else 0.0
            if col == "number":
                m = re.match(r"\d+", r.number or "")
                return int(m.group()) if m else -1
            return str(getattr(r, col) or "")
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.conflict:
                return QBrush(QColor("#c62828"))
            if col == "urgency" and r.urgency not in ("", "Thường"):
                return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.FontRole and col == "action" and r.action:
            from PySide6.QtGui import QFont
            f = QFont()
            f.setBold(True)
            return f
        return None


# -- filters --------------------------------------------------------------------

QUICK_FILTERS = (
    ("all", "Tất cả"),
    ("initial", "Chờ ký nháy"),
    ("sign", "Chờ ký số"),
    ("issue", "Chờ ban hành"),
    ("incoming", "Văn bản đến"),
    ("sent", "Đã gửi"),
    ("conflicts", "Xung đột"),
)


_MARKS = None


def search_texts(rows: list[DocumentRow]) -> list[str]:
    """The folded text each row is searched in (for :meth:`DocumentTableModel.set_rows`)."""
    return [_fold(" ".join((r.subject, r.number, r.sender, r.doc_type))) for r in rows]


def _fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, so "ke hoach" finds "Kế hoạch"."""
    import unicodedata

    global _MARKS
    if _MARKS is None:   # combining marks (what NFD splits off): deleted by translate()
        _MARKS = {cp: None for cp in range(0x300, 0x370)}
        _MARKS[ord("đ")] = "d"
    return unicodedata.normalize("NFD", text.lower()).translate(_MARKS)


class DocumentFilterProxy(QSortFilterProxyModel):
    """Quick filter (one of :data:`QUICK_FILTERS`) and search as you type."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._quick = "all"
        self._search = ""
        self._words: list[str] = []
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self.setDynamicSortFilter(True)

    @property
    def quick_filter(self) -> str:
        return self._quick

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):   # Qt >= 6.9
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def set_quick_filter(self, key: str) -> None:
        self._refilter(lambda: setattr(self, "_quick", key))

    def set_search(self, text: str) -> None:
        folded = _fold(text.strip())
        if folded == self._search:
            return

        def change():
            self._search = folded
            self._words = folded.split()
        self._refilter(change)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        model = self.sourceModel()
        r: DocumentRow = model._rows[source_row]
        q = self._quick
        if q == "initial" and r.action != INITIAL:
            return False
        if q == "sign" and r.action != SIGN:
            return False
        if q == "issue" and r.action != ISSUE:
            return False
        if q == "incoming" and r.direction != "incoming":
            return False
        if q == "sent" and r.direction != "sent":
            return False
        if q == "conflicts" and not r.conflict:
            return False
        if self._search:
            hay = model.search_text(source_row)
            for word in self._words:
                if word not in hay:
                    return False
        return True
