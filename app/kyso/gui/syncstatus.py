"""The status bar's sync indicator, in the interface's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..services.serversource import SyncStatus


def describe(status: SyncStatus) -> tuple[str, str, str]:
    """(text, tooltip, colour) of the status bar's sync indicator, in the
    interface's language (call again after a change of language)."""
    if status.online is None:
        head = QCoreApplication.translate("MainWindow", "Đồng bộ: chưa kết nối")
        colour = ""
    elif status.auth_needed:
        head = QCoreApplication.translate("MainWindow", "⚠ Cần đăng nhập lại")
        colour = "#c62828"
    elif status.online:
        head = QCoreApplication.translate("MainWindow", "● Trực tuyến")
        colour = "#1b7f2a"
    else:
        head = QCoreApplication.translate("MainWindow", "○ Ngoại tuyến")
        colour = "#b26a00"
    parts = [head]
    if status.last_sync is not None:
        parts.append(QCoreApplication.translate("MainWindow", "đồng bộ lúc %1")
                     .replace("%1", status.last_sync.strftime("%H:%M %d/%m")))
    parts.append(QCoreApplication.translate("MainWindow", "chờ gửi: %1")
                 .replace("%1", str(status.waiting_upload)))
    if status.conflicts:
        parts.append(QCoreApplication.translate("MainWindow", "xung đột: %1")
                     .replace("%1", str(status.conflicts)))
        colour = "#c62828"
    return " · ".join(parts), status.error, colour
