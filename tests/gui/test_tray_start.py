"""``python -m kyso.gui --tray`` (what the session's autostart entry runs): the
main window stays hidden while the web-page signing service answers; and the
settings dialog's checkbox writes the autostart entry."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import sys
import threading

import pytest
from PySide6.QtWidgets import QApplication

from kyso.bridge import tls
from kyso.core import settings as store
from kyso.demo.settings import demo_settings

ORIGIN = "https://qlvb.example.gov.vn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_version(port: int, ca, out: list) -> threading.Thread:
    from websockets.asyncio.client import connect

    async def go():
        ctx = ssl.create_default_context(cafile=str(ca))
        async with connect(f"wss://127.0.0.1:{port}/GetVersion", ssl=ctx, origin=ORIGIN) as ws:
            await ws.send("GetVersion")
            out.append(json.loads(await ws.recv()))

    t = threading.Thread(target=lambda: asyncio.run(go()), daemon=True)
    t.start()
    return t


def test_tray_start_shows_no_window_and_the_service_answers(qtbot, monkeypatch):
    from kyso import __version__
    from kyso.gui.app import launch

    files = tls.make_certificates(tls.cert_files())
    store.save(demo_settings(bridge_allowed_origins=(ORIGIN,)))
    port = _free_port()
    monkeypatch.setenv("KYSO_BRIDGE_PORT", str(port))
    monkeypatch.delenv("KYSO_BRIDGE", raising=False)
    launched = launch(["--tray"])
    try:
        assert launched.tray_only and not launched.window.isVisible()
        qtbot.waitUntil(lambda: launched.bridge_host.service is not None, timeout=20000)
        out: list = []
        _get_version(port, files.ca_cert, out)
        qtbot.waitUntil(lambda: bool(out), timeout=20000)
        assert out[0]["Status"] == 0 and out[0]["Version"] == __version__, out
        assert not launched.window.isVisible()
        assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []
        assert QApplication.quitOnLastWindowClosed() is False     # a signing window closing must not quit
    finally:
        launched.bridge_host.stop()
        QApplication.setQuitOnLastWindowClosed(True)
        launched.window.close()
        launched.window.deleteLater()


def test_tray_start_without_the_service_shows_the_window(qtbot, monkeypatch):
    from kyso.gui.app import launch

    store.save(demo_settings())
    monkeypatch.setenv("KYSO_BRIDGE", "0")
    launched = launch(["--tray"])
    try:
        assert not launched.tray_only and launched.window.isVisible()   # nothing else would be left to see
    finally:
        launched.window.close()
        launched.window.deleteLater()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the freedesktop entry")
def test_the_settings_checkbox_writes_the_autostart_entry(qtbot, tmp_path, monkeypatch):
    from kyso.gui.settingsdialog import SettingsDialog

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    entry = tmp_path / "xdg" / "autostart" / "kyso.desktop"
    store.save(demo_settings())
    for on in (True, False):
        d = SettingsDialog(modules=[])
        qtbot.addWidget(d)
        assert d.autostart_check.isChecked() is (not on)
        d.autostart_check.setChecked(on)
        d.ok_button.click()
        assert store.load().bridge_autostart is on
        assert entry.is_file() is on
        if on:
            assert "--tray" in entry.read_text("utf-8")
