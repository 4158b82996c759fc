"""Kyso with the session: the freedesktop autostart entry (Linux), switched by
``kyso bridge autostart on|off`` and ``kyso config set bridge_autostart``. The
Windows (HKCU Run) and macOS (LaunchAgent) entries are written but not tested
here; the macOS plist's content is checked as data."""

from __future__ import annotations

import plistlib
import shlex
import sys

import pytest

from kyso.cli import main
from kyso.core import settings as store
from kyso.services import autostart


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return tmp_path / "home"


def _exec_argv(entry: str) -> list[str]:
    (line,) = [x for x in entry.splitlines() if x.startswith("Exec=")]
    return shlex.split(line[len("Exec="):].replace("%%", "%"))


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the freedesktop entry")
def test_on_writes_the_desktop_entry_and_off_removes_it(home, capsys):
    path = home / ".config" / "autostart" / "kyso.desktop"
    assert main(["bridge", "autostart", "on"]) == 0
    assert "khi đăng nhập" in capsys.readouterr().out
    text = path.read_text("utf-8")
    assert text.startswith("[Desktop Entry]\n") and "Type=Application\n" in text and "Name=Kyso\n" in text
    assert "X-GNOME-Autostart-enabled=true\n" in text
    argv = _exec_argv(text)
    assert argv[-4:] == [sys.executable, "-m", "kyso.gui", "--tray"], argv
    if argv[0] == "env":            # a source checkout: kyso is found through PYTHONPATH
        import kyso

        assert any(a.startswith("PYTHONPATH=") and kyso.__file__.startswith(a.split("=", 1)[1]) for a in argv)
    assert store.load().bridge_autostart is True and autostart.is_enabled()
    assert main(["bridge", "autostart", "off"]) == 0
    assert not path.exists() and store.load().bridge_autostart is False
    assert main(["bridge", "autostart", "off"]) == 0     # removing what is not there is fine
    assert main(["bridge", "autostart", "perhaps"]) != 0


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the freedesktop entry")
def test_xdg_config_home_is_respected(home, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert main(["config", "set", "bridge_autostart", "on"]) == 0
    assert (tmp_path / "xdg" / "autostart" / "kyso.desktop").is_file()
    assert not (home / ".config" / "autostart").exists()
    assert main(["config", "set", "bridge_autostart", "off"]) == 0
    assert not (tmp_path / "xdg" / "autostart" / "kyso.desktop").exists()
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/path")      # not absolute: ignored, as the spec says
    assert autostart.linux_entry_path() == home / ".config" / "autostart" / "kyso.desktop"


def test_the_macos_agent_starts_the_tray_at_login():
    data = plistlib.loads(autostart.mac_agent())
    assert data["Label"] == "vn.kyso.app" and data["RunAtLoad"] is True
    assert data["ProgramArguments"][-3:] == ["-m", "kyso.gui", "--tray"]
