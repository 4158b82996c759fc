"""Run in its own process, on the private D-Bus session bus the test started
(DBUS_SESSION_BUS_ADDRESS): "open containing folder" on Linux.

    python tests/gui/file_manager_check.py FILE with-file-manager|without

``with-file-manager`` puts a stand-in for the desktop's file manager on the bus
(the freedesktop.org ``org.freedesktop.FileManager1`` service, which Files,
Dolphin, Nemo and Caja offer) and records what it is asked to show; the app's
own call goes through the real bus daemon. ``without`` leaves the bus empty.
Prints one line: ``FILE-MANAGER {"shown": [...], "opened": [...]}``, where
``opened`` are the URLs the app fell back to opening itself.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))

from PySide6.QtCore import ClassInfo, QObject, QUrl, Slot
from PySide6.QtDBus import QDBusConnection
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from eventloop import wait_until

shown: list[str] = []
opened: list[str] = []


@ClassInfo({"D-Bus Interface": "org.freedesktop.FileManager1"})
class FileManager(QObject):
    @Slot("QStringList", str)
    def ShowItems(self, uris, startup_id):  # the D-Bus method's name
        shown.extend(uris)


class Opener(QObject):
    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        opened.append(url.toString())


def main() -> int:
    target, mode = Path(sys.argv[1]), sys.argv[2]
    app = QApplication([sys.argv[0]])
    opener = Opener()
    QDesktopServices.setUrlHandler("file", opener, "open_url")
    if mode == "with-file-manager":
        # its own connection, as a separate program would have
        own = QDBusConnection.connectToBus(os.environ["DBUS_SESSION_BUS_ADDRESS"], "file-manager")
        fm = FileManager()
        assert own.registerObject("/org/freedesktop/FileManager1", fm,
                                  QDBusConnection.RegisterOption.ExportAllSlots)
        assert own.registerService("org.freedesktop.FileManager1")
    from kyso.gui.desktop import open_containing_folder

    asked = open_containing_folder(target)
    wait_until(app, lambda: bool(shown or opened), 15)
    print("FILE-MANAGER " + json.dumps({"asked": asked, "shown": shown, "opened": opened}), flush=True)
    QDesktopServices.unsetUrlHandler("file")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
