"""Batch signing: many documents, one PIN, a status per document.

The dialog follows a :class:`SigningFlow`: a row per document, a progress
bar, "Dừng" (stops between documents, never in the middle of one) and, at
the end, a summary with each failure's reason in Vietnamese.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QProgressBar, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from typing import TYPE_CHECKING

from .i18n import Retranslating

if TYPE_CHECKING:
    from ..core.signing import SignResult
    from .signflow import SigningFlow

ROLE_VERBS = {"initial": "Ký nháy", "leader": "Ký số", "agency": "Cấp số & đóng dấu",
              "attachment": "Ký phụ lục", "copy": "Sao y"}


class BatchDialog(Retranslating, QDialog):
    def __init__(self, flow: SigningFlow, parent: QWidget | None = None):
        super().__init__(parent)
        self.flow = flow
        n = len(flow.jobs)
        self.resize(720, 480)
        self.ok_count = 0
        self.failures: list[SignResult] = []
        self.done_count = 0
        # what the texts are made from, so a change of language can make them again
        self._phase: tuple = ("pin",)      # pin | signing | progress i n | stopping | finished results | failed msg
        self._rows: list = ["waiting"] * n  # waiting | signing | a SignResult

        self.status = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, n)
        self.progress_bar.setValue(0)

        self.table = QTableWidget(n, 2)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for i, job in enumerate(flow.jobs):
            self.table.setItem(i, 0, QTableWidgetItem(job.doc_id or job.src.name))
            self.table.setItem(i, 1, QTableWidgetItem())

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setVisible(False)

        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.request_cancel)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        flow.loggedIn.connect(self._logged_in)
        flow.progress.connect(self.on_progress)
        flow.finished.connect(self.on_finished)
        flow.failed.connect(self.on_failed)
        self.retranslate_ui()

    # -- texts --
    def retranslate_ui(self) -> None:
        """Every text in the current language, the progress so far included."""
        self.setWindowTitle(self.tr("%1 hàng loạt").replace(
            "%1", self.tr(ROLE_VERBS[self.flow.role]) if self.flow.role in ROLE_VERBS else self.flow.role))
        self.progress_bar.setFormat(self.tr("%v/%m văn bản"))
        self.table.setHorizontalHeaderLabels([self.tr("Văn bản"), self.tr("Kết quả")])
        for i in range(len(self._rows)):
            self._show_row(i)
        self.cancel_button.setText(self.tr("Dừng"))
        self.close_button.setText(self.tr("Đóng"))
        self._show_phase()


    def _show_row(self, i: int) -> None:
        state, item = self._rows[i], self.table.item(i, 1)
        if state == "waiting":
            item.setText(self.tr("Đang chờ"))
        elif state == "signing":
            item.setText(self.tr("Đang ký…"))
        elif state.ok:
            item.setText(self.tr("✔ Đã ký"))
            item.setForeground(QBrush(QColor("#1b7f2a")))
        else:
            item.setText("✘ " + (state.error.message if state.error else ""))
            item.setToolTip(item.text())
            item.setForeground(QBrush(QColor("#c62828")))

    def _show_phase(self) -> None:
        kind = self._phase[0]
        if kind == "pin":
            self.status.setText(self.tr("Đang chờ mã PIN…"))
        elif kind == "signing":
            self.status.setText(self.tr("Đang ký…"))
        elif kind == "progress":
            _k, i, n = self._phase
            self.status.setText(self.tr("Đã xử lý %1/%2 văn bản").replace("%1", str(i)).replace("%2", str(n)))
        elif kind == "stopping":
            self.status.setText(self.tr("Đang dừng sau văn bản hiện tại…"))
        elif kind == "finished":
            results = self._phase[1]
            ok = sum(1 for r in results if r.ok)
            bad = [r for r in results if not r.ok]
            text = self.tr("Hoàn tất: %1 văn bản đã ký, %2 lỗi.").replace("%1", str(ok)).replace("%2", str(len(bad)))
            if bad:
                lines = [f"• {r.source.name}: {r.error.message if r.error else ''}" for r in bad[:10]]
                if len(bad) > 10:
                    lines.append(self.tr("… và %1 văn bản khác").replace("%1", str(len(bad) - 10)))
                text += "\n" + "\n".join(lines)
                self.summary.setStyleSheet("color: #c62828;")
            else:
                self.summary.setStyleSheet("color: #1b7f2a; font-weight: bold;")
            self.summary.setText(text)
            self.status.setText(text.splitlines()[0])
        elif kind == "failed":
            self.summary.setText(self._phase[1])
            self.status.setText(self.tr("Không ký được."))

    # -- the flow --
    @property
    def finished_all(self) -> bool:
        return self.close_button.isEnabled()

    def _logged_in(self) -> None:
        self._phase = ("signing",)
        self._show_phase()
        if self._rows:
            self._rows[0] = "signing"
            self._show_row(0)

    def on_progress(self, i: int, n: int, result: SignResult) -> None:
        self.done_count = i
        self.progress_bar.setValue(i)
        self._phase = ("progress", i, n)
        self._show_phase()
        self._rows[i - 1] = result
        self._show_row(i - 1)
        if result.ok:
            self.ok_count += 1
        else:
            self.failures.append(result)
        if i < n and self._rows[i] == "waiting":
            self._rows[i] = "signing"
            self._show_row(i)
        self.table.scrollToItem(self.table.item(i - 1, 1))

    def on_finished(self, results: list[SignResult]) -> None:
        self._phase = ("finished", list(results))
        self._show_phase()
        self.summary.setVisible(True)
        self._end()

    def on_failed(self, message: str) -> None:
        self._phase = ("failed", message)
        self._show_phase()
        self.summary.setStyleSheet("color: #c62828; font-weight: bold;")
        self.summary.setVisible(True)
        self._end()

    def _end(self) -> None:
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setDefault(True)

    def request_cancel(self) -> None:
        self.flow.cancel()
        self.cancel_button.setEnabled(False)
        self._phase = ("stopping",)
        self._show_phase()

    def reject(self) -> None:  # Esc / window close: stop between documents, keep the dialog
        if not self.finished_all:
            self.request_cancel()
            return
        super().reject()
