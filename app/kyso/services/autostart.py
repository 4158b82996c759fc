"""Start the desktop app with the person's session, minimised to the tray, so
the web-page signing service is always there (the ``bridge_autostart`` setting).

- Linux and other freedesktop systems: ``$XDG_CONFIG_HOME/autostart/kyso.desktop``
  (default ``~/.config/autostart``), the XDG Autostart specification. Tested.
- Windows: the value ``Kyso`` under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``
  (``winreg``). Written, untested here.
- macOS: ``~/Library/LaunchAgents/vn.kyso.app.plist`` with ``RunAtLoad``
  (loaded at the next login). Written, untested here.

The command is this Python interpreter with ``-m kyso.gui --tray``; when Kyso
is not installed into that interpreter (run from a source checkout), the
folder it is imported from is put on ``PYTHONPATH`` for the session's start.
"""

from __future__ import annotations

import logging
import os
import plistlib
import sys
from pathlib import Path

from ..core.fileio import write_bytes_atomic

log = logging.getLogger(__name__)

APP_ID = "kyso"
MAC_LABEL = "vn.kyso.app"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Kyso"


def command() -> list[str]:
    """The argv that starts the desktop app in the tray."""
    if getattr(sys, "frozen", False):   # the installers' bundle: its kyso-gui program (installers/)
        gui = Path(sys.executable).with_name("kyso-gui.exe" if sys.platform == "win32" else "kyso-gui")
        return [str(gui), "--tray"]
    exe = sys.executable
    if sys.platform == "win32":
        gui = Path(exe).with_name("pythonw.exe")      # no console window
        exe = str(gui) if gui.exists() else exe
    return [exe, "-m", "kyso.gui", "--tray"]


def _source_dir() -> str | None:
    """The folder holding the ``kyso`` package when it is not installed (a checkout)."""
    import kyso

    if getattr(sys, "frozen", False):
        return None
    folder = Path(kyso.__file__).resolve().parent.parent
    return None if "site-packages" in folder.parts or "dist-packages" in folder.parts else str(folder)


def _environment() -> dict[str, str]:
    env = {}
    src = _source_dir()
    if src:
        env["PYTHONPATH"] = src
    if os.environ.get("KYSO_HOME"):
        env["KYSO_HOME"] = os.environ["KYSO_HOME"]
    return env


# -- freedesktop -----------------------------------------------------------------------------

def linux_entry_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "autostart" / f"{APP_ID}.desktop"


def _desktop_quote(arg: str) -> str:
    """An argument of a desktop entry's Exec key (the spec's quoting rules)."""
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`%='):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped}"'.replace("%", "%%")


def desktop_entry() -> str:
    argv = command()
    env = _environment()
    if env:
        argv = ["env", *(f"{k}={v}" for k, v in env.items()), *argv]
    exec_line = " ".join(_desktop_quote(a) for a in argv)
    return ("[Desktop Entry]\n"
            "Type=Application\n"
            "Name=Kyso\n"
            "Comment=Ký số văn bản; dịch vụ ký số cho trang web (Kyso signing service for web pages)\n"
            f"Exec={exec_line}\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n"
            "X-KDE-autostart-after=panel\n")


# -- macOS -----------------------------------------------------------------------------------

def mac_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{MAC_LABEL}.plist"


def mac_agent() -> bytes:
    data = {"Label": MAC_LABEL, "ProgramArguments": command(), "RunAtLoad": True, "ProcessType": "Interactive"}
    env = _environment()
    if env:
        data["EnvironmentVariables"] = env
    return plistlib.dumps(data)


# -- Windows ---------------------------------------------------------------------------------

def _windows_set(on: bool) -> str:     # pragma: no cover - written, untested here
    import subprocess
    import winreg

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        if on:
            value = subprocess.list2cmdline(command())
            winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, value)
        else:
            try:
                winreg.DeleteValue(key, RUN_VALUE)
            except FileNotFoundError:
                pass
    return "HKCU\\" + RUN_KEY + "\\" + RUN_VALUE


# -- the one switch --------------------------------------------------------------------------

def where() -> str:
    """Where the start-up entry lives on this system (for messages)."""
    if sys.platform == "win32":
        return "HKCU\\" + RUN_KEY + "\\" + RUN_VALUE
    if sys.platform == "darwin":
        return str(mac_agent_path())
    return str(linux_entry_path())


def is_enabled() -> bool:
    if sys.platform == "win32":     # pragma: no cover - untested here
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, RUN_VALUE)
            return True
        except OSError:
            return False
    path = mac_agent_path() if sys.platform == "darwin" else linux_entry_path()
    return path.is_file()


def set_enabled(on: bool) -> str:
    """Write (``on``) or remove the start-up entry; returns where it is. Raises
    ``OSError`` when it cannot be written."""
    if sys.platform == "win32":     # pragma: no cover - untested here
        return _windows_set(on)
    if sys.platform == "darwin":    # pragma: no cover - untested here
        path, data = mac_agent_path(), mac_agent()
    else:
        path, data = linux_entry_path(), desktop_entry().encode("utf-8")
    if on:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, data)
        log.info("Autostart entry written: %s", path)
    else:
        try:
            path.unlink()
            log.info("Autostart entry removed: %s", path)
        except FileNotFoundError:
            pass
    return str(path)


def apply(on: bool) -> str:
    """Save the setting and make the system agree with it."""
    from ..core import settings

    place = set_enabled(on)
    settings.update(bridge_autostart=on)
    return place


__all__ = ["apply", "command", "desktop_entry", "is_enabled", "linux_entry_path", "mac_agent", "set_enabled",
           "where"]
