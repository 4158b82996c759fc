"""The signatures panel: every signature's verdict and the document's metadata.

The verdicts come from :func:`kyso.core.verify.verify_file` (run in the
background). A report keeps message codes, not sentences: the reasons and the
coverage are put into words when shown (``SignatureReport.reasons()``), so a
change of language re-renders the last report without verifying again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QStyledItemDelegate, QStyleOptionViewItem, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from typing import TYPE_CHECKING

from .i18n import Retranslating
from .worker import run_in_background

if TYPE_CHECKING:   # imported when first used, in the background (pyHanko is slow to load)
    from ..core.verify import DocumentReport, SignatureReport


def format_time(when) -> str:
    """dd/mm/yyyy hh:mm:ss in Vietnam time, as officials write dates (the
    offset is said once, not as ISO's ``+07:00``)."""
    from ..core.vntime import VIETNAM_TZ

    return when.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M:%S") + " (GMT+7)"

GREEN = QColor("#1b7f2a")
RED = QColor("#c62828")
AMBER = QColor("#b26a00")
#: ETSI EN 319 102-1 verdict -> (mark, colour)
LOOK = {"passed": ("✔", GREEN), "failed": ("✘", RED), "indeterminate": ("?", AMBER)}

#: Info-dictionary keys shown first, with their Vietnamese labels.
INFO_LABELS = (
    ("Title", "Trích yếu (Title)"),
    ("Subject", "Chủ đề (Subject)"),
    ("Author", "Cơ quan ban hành (Author)"),
    ("KysoDocType", "Loại văn bản"),
    ("KysoNotation", "Ký hiệu"),
    ("KysoSecrecy", "Độ mật"),
    ("KysoSigner", "Người ký"),
    ("KysoSignerPosition", "Chức vụ người ký"),
    ("Producer", "Phần mềm tạo tệp"),
    ("Creator", "Công cụ soạn thảo"),
)


def read_info(path: Path) -> dict[str, str]:
    """The document information dictionary as text (background thread)."""
    import pikepdf

    out: dict[str, str] = {}
    try:
        with pikepdf.open(str(path)) as pdf:
            for key, value in pdf.docinfo.items():
                try:
                    out[str(key).lstrip("/")] = str(value)
                except Exception:  # noqa: BLE001 - a binary string: skip it
                    continue
    except Exception:  # noqa: BLE001 - the verdict already says what is wrong
        return {}
    return out


def modification_text(mod: str) -> str:
    return {
        "none": "Không có thay đổi sau khi ký",
        "form_filling": "Chỉ ký thêm hoặc điền số, ngày (thay đổi được phép)",
        "suspicious": "Có thay đổi đáng ngờ sau khi ký",
    }.get(mod, mod)


class WrappingDelegate(QStyledItemDelegate):
    """Row heights for wrapped text: Qt's tree asks for a size hint without the
    column's width, so a long value (a signer's full subject, a reason) was cut
    to its first line. Here the hint is computed at the column's real width."""

    def __init__(self, view: QTreeWidget):
        super().__init__(view)
        self.view = view
        view.header().sectionResized.connect(lambda *_a: view.scheduleDelayedItemsLayout())

    def sizeHint(self, option, index):
        width = self.view.columnWidth(index.column())
        if index.column() == 0:
            depth, parent = 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= self.view.indentation() * (depth + int(self.view.rootIsDecorated()))
        opt = QStyleOptionViewItem(option)
        opt.rect = QRect(0, 0, max(width, 24), 100_000)
        opt.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        return super().sizeHint(opt, index)


class SignaturePanel(Retranslating, QWidget):
    """Lists each signature (✔ passed, ✘ failed, ? indeterminate: signer, time,
    chain and trust pool, revocation, coverage, changes, reasons), frames the
    areas changed after signing on the page (``regionsChanged``) and writes the
    verification report (biên bản kiểm tra chữ ký số)."""

    loaded = Signal(object)   # DocumentReport
    #: [(page, (x0, y0, x1, y1))] shown differently now than when signed (the
    #: selected signature's, or every signature's)
    regionsChanged = Signal(list)
    reportWritten = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.report: DocumentReport | None = None
        self.info: dict[str, str] = {}
        self._generation = 0
        self.trust_roots: list = []
        # what the summary says: "idle", "checking", "failed" (with _failure) or "report"
        self._state = "idle"
        self._failure = ""
        self._path: Path | None = None
        self._roots: list = []

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        f = self.summary.font()
        f.setBold(True)
        self.summary.setFont(f)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        # Both columns share the panel's width: a long signer name (an agency's
        # full name) must not push the details out of sight; it wraps instead.
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))

        self.meta = QTreeWidget()
        self.meta.setColumnCount(2)
        self.meta.setRootIsDecorated(False)
        self.meta.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.meta.setWordWrap(True)
        self.meta.setUniformRowHeights(False)
        self.meta.setItemDelegate(WrappingDelegate(self.meta))

        self.report_button = QPushButton()
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self._ask_report)
        self.tree.currentItemChanged.connect(lambda *_: self._emit_regions())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.report_button)
        layout.addLayout(row)
        layout.addWidget(self.tree, 3)
        layout.addWidget(self.meta, 2)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Headers, and the summary and verdicts of the last report, in the current language."""
        self.tree.setHeaderLabels([self.tr("Chữ ký"), self.tr("Chi tiết")])
        self.report_button.setText(self.tr("Lập biên bản…"))
        self.report_button.setToolTip(self.tr("Ghi biên bản kiểm tra chữ ký số (PDF) của văn bản này"))
        self.tree.setAccessibleName(self.tr("Danh sách chữ ký"))
        self.meta.setHeaderLabels([self.tr("Thông tin văn bản"), self.tr("Giá trị")])
        if self._state == "report" and self.report is not None:
            if self.report.error and self._path is not None:
                # the core's sentence for an unreadable file is made with its details
                # when verifying: ask again (background) in the new language
                self.load(self._path, self._roots)
            else:
                self._render()
        else:
            self._show_summary()


    def _show_summary(self) -> None:
        if self._state == "checking":
            self.summary.setText(self.tr("Đang kiểm tra chữ ký…"))
        elif self._state == "failed":
            self.summary.setText(self.tr("Không kiểm tra được: %1").replace("%1", self._failure))
        else:
            self.summary.setText(self.tr("Chưa kiểm tra chữ ký."))
            self.summary.setStyleSheet("")

    def clear(self) -> None:
        self._generation += 1
        self.report = None
        self.info = {}
        self.report_button.setEnabled(False)
        self.tree.clear()
        self.regionsChanged.emit([])
        self.meta.clear()
        self._state = "idle"
        self._show_summary()

    def load(self, path: Path | str, trust_roots: Iterable | None = None) -> None:
        """Verify ``path`` in the background and show the verdicts."""
        self.clear()
        gen = self._generation
        path = Path(path)
        roots = list(trust_roots if trust_roots is not None else self.trust_roots)
        self._path, self._roots = path, roots
        self._state = "checking"
        self._show_summary()

        def work():
            import os

            from ..core.verify import verify_file

            return (verify_file(path, roots, password=os.environ.get("KYSO_PDF_PASSWORD")),
                    read_info(path))

        def done(result) -> None:
            if gen != self._generation:
                return
            report, info = result
            self.show_report(report, info)

        def failed(exc: BaseException) -> None:
            if gen == self._generation:
                self._state, self._failure = "failed", str(exc)
                self._show_summary()

        run_in_background(work, done, failed, parent=self)

    # -- display --
    def show_report(self, report: DocumentReport, info: dict[str, str]) -> None:
        self.report, self.info = report, info
        self._state = "report"
        self._render()
        self.loaded.emit(report)

    def _render(self) -> None:
        """The summary, the tree and the metadata of ``self.report`` (current language)."""
        report, info = self.report, self.info
        self.tree.clear()
        n = len(report.signatures)
        state = report.indication
        if report.error:
            self.summary.setText(report.error)
        elif not n:
            self.summary.setText(self.tr("Văn bản chưa có chữ ký số."))
        elif state == "passed":
            self.summary.setText(self.tr("✔ Chữ ký hợp lệ.") if n == 1 else
                                 self.tr("✔ Cả %1 chữ ký đều hợp lệ.").replace("%1", str(n)))
        elif state == "failed":
            bad = sum(1 for s in report.signatures if s.indication == "failed")
            if not bad:     # a document timestamp is what failed
                bad = sum(1 for s in report.signatures if not s.valid)
            self.summary.setText(self.tr("✘ %1/%2 chữ ký không hợp lệ.").replace("%1", str(bad)).replace("%2", str(n)))
        else:
            unsure = sum(1 for s in report.signatures if s.indication == "indeterminate")
            self.summary.setText(self.tr("? %1/%2 chữ ký chưa xác định được (xem lý do).")
                                 .replace("%1", str(unsure)).replace("%2", str(n)))
        colour = LOOK[state][1] if (n or report.error) else None
        self.summary.setStyleSheet(f"color: {colour.name()}" if colour is not None else "")
        for sig in report.signatures:
            self.tree.addTopLevelItem(self._item(sig))
        for ts in report.timestamps:
            self.tree.addTopLevelItem(self._stamp_item(ts))
        self.tree.expandAll()
        self._fill_meta(info)
        self.report_button.setEnabled(report.error is None and n > 0)
        self._emit_regions()

    def _verdict_text(self, indication: str) -> str:
        return {"passed": self.tr("Hợp lệ"), "failed": self.tr("Không hợp lệ"),
                "indeterminate": self.tr("Chưa xác định")}[indication]

    def _item(self, sig: SignatureReport) -> QTreeWidgetItem:
        mark, colour = LOOK[sig.indication]
        top = QTreeWidgetItem([f"{mark} {sig.signer or sig.field}", self._verdict_text(sig.indication)])
        top.setData(0, Qt.ItemDataRole.UserRole, [(r.page, r.rect) for r in sig.regions])
        brush = QBrush(colour)
        top.setForeground(0, brush)
        top.setForeground(1, brush)
        bold = QFont(top.font(0))
        bold.setBold(True)
        top.setFont(0, bold)
        when = format_time(sig.signing_time) if sig.signing_time else self.tr("không rõ")
        rows = [
            (self.tr("Thời điểm ký"), when),
            (self.tr("Phạm vi ký"), sig.covers()),
            (self.tr("Sau khi ký"), self.tr(modification_text(sig.modification))),
            (self.tr("Trường chữ ký"), sig.field),
            (self.tr("Chủ thể chứng thư"), sig.signer_subject),
        ]
        if sig.timestamp_time:
            rows.insert(1, (self.tr("Dấu thời gian"), format_time(sig.timestamp_time)))
        if sig.chain:
            rows.append((self.tr("Chuỗi chứng thư"), " → ".join(sig.chain)))
        rows.append((self.tr("Thu hồi"), {"good": self.tr("Chưa bị thu hồi (đã kiểm tra)"),
                                          "revoked": self.tr("Đã bị thu hồi")}.get(
            sig.revocation, self.tr("Chưa kiểm tra"))))
        reason_label = self.tr("Lý do")
        for reason in sig.reasons():
            rows.append((reason_label, reason))
        for note in sig.note_texts():
            rows.append((self.tr("Ghi chú"), note))
        for c in sig.permitted:
            rows.append((self.tr("Thay đổi được phép"), c.describe()))
        for r in sig.regions:
            where = self.tr("trang %1, vùng %2").replace("%1", str(r.page)).replace(
                "%2", " ".join(f"{v:.0f}" for v in r.rect))
            rows.append((self.tr("Vùng đè lên nội dung đã ký") if r.covers_signed_content
                         else self.tr("Vùng hiển thị thay đổi"), where))
        for label, value in rows:
            child = QTreeWidgetItem([label, value])
            child.setToolTip(1, value)
            if label == reason_label:
                child.setForeground(1, QBrush(RED if sig.indication == "failed" else AMBER))
            top.addChild(child)
        return top

    def _stamp_item(self, ts) -> QTreeWidgetItem:
        mark, colour = LOOK[ts.indication]
        top = QTreeWidgetItem([f"{mark} {self.tr('Dấu thời gian văn bản')}", self._verdict_text(ts.indication)])
        top.setForeground(0, QBrush(colour))
        top.setForeground(1, QBrush(colour))
        when = format_time(ts.time) if ts.time else self.tr("không rõ")
        for label, value in ((self.tr("Thời điểm"), when), (self.tr("Đơn vị cấp dấu thời gian"), ts.tsa)):
            top.addChild(QTreeWidgetItem([label, value]))
        for reason in ts.reasons():
            top.addChild(QTreeWidgetItem([self.tr("Lý do"), reason]))
        return top

    def _emit_regions(self) -> None:
        """The selected signature's changed areas, or every signature's."""
        if self.report is None:
            self.regionsChanged.emit([])
            return
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is not None and item.data(0, Qt.ItemDataRole.UserRole) is not None:
            self.regionsChanged.emit(list(item.data(0, Qt.ItemDataRole.UserRole)))
            return
        out = []
        for s in self.report.signatures:
            out += [(r.page, r.rect) for r in s.regions]
        self.regionsChanged.emit(out)

    # -- the verification report --
    def _ask_report(self) -> None:
        if self.report is None or self._path is None:
            return
        default = str(self._path.with_name(self._path.stem + "-bien-ban-kiem-tra.pdf"))
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Lưu biên bản kiểm tra chữ ký số"),
                                                default, self.tr("Tệp PDF (*.pdf)"))
        if target:
            self.write_report(Path(target))

    def write_report(self, target: Path) -> None:
        """Write the report of the shown verdicts to ``target`` (background)."""
        import os

        report, source = self.report, self._path

        def work():
            from ..core.report import write_report

            return str(write_report(report, source, target, password=os.environ.get("KYSO_PDF_PASSWORD")))

        def failed(exc: BaseException) -> None:
            self.summary.setText(self.tr("Không ghi được biên bản: %1").replace("%1", str(exc)))

        run_in_background(work, self.reportWritten.emit, failed, parent=self)

    def _fill_meta(self, info: dict[str, str]) -> None:
        self.meta.clear()
        shown = set()
        for key, label in INFO_LABELS:
            if key in info and info[key] != "":
                self.meta.addTopLevelItem(QTreeWidgetItem([self.tr(label), info[key]]))
                shown.add(key)
        for key in sorted(k for k in info if k not in shown):
            if info[key]:
                self.meta.addTopLevelItem(QTreeWidgetItem([key, info[key]]))

    def signature_texts(self) -> list[str]:
        """Every line shown (tests and accessibility read this)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out.append(f"{top.text(0)} — {top.text(1)}")
            for j in range(top.childCount()):
                c = top.child(j)
                out.append(f"{c.text(0)}: {c.text(1)}")
        return out
