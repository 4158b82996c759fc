"""Installers: the desktop entry, metainfo and icons they ship, the frozen
entry's dispatch, and (only when asked) the .deb on a clean Debian root.

    KYSO_TEST_DEB=1 .venv/bin/python -m pytest tests/test_installers.py -m slow

runs installers/linux/test-deb (root, debootstrap, network to the Debian
mirror; several minutes). Without KYSO_TEST_DEB it is skipped, so scripts/test
never needs debootstrap.
"""

from __future__ import annotations

import configparser
import os
import runpy
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RES = ROOT / "resources"


def _desktop() -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str
    cp.read(RES / "desktop" / "vn.kyso.Kyso.desktop", encoding="utf-8")
    return cp["Desktop Entry"]


def test_desktop_entry_opens_pdfs_with_kyso_gui():
    d = _desktop()
    assert d["Exec"] == "kyso-gui %f"
    assert "application/pdf" in d["MimeType"].split(";")
    assert d["Icon"] == "kyso" and d["Type"] == "Application"
    assert "Ký số" in d["Name"] and d["Name[en]"].startswith("Kyso")
    assert d["Comment"] and d["Comment[en]"]


def test_metainfo_names_the_desktop_entry():
    root = ET.parse(RES / "desktop" / "vn.kyso.Kyso.metainfo.xml").getroot()
    assert root.findtext("id") == "vn.kyso.Kyso"
    assert root.findtext("launchable") == "vn.kyso.Kyso.desktop"
    assert {e.text for e in root.iter("binary")} == {"kyso", "kyso-gui"}


def test_icons_at_every_size():
    from PIL import Image

    for n in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(RES / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "kyso.png") as im:
            assert im.size == (n, n) and im.mode == "RGBA"
    with Image.open(RES / "icons" / "kyso.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    assert (ROOT / "app" / "kyso" / "resources" / "images" / "kyso.png").is_file()


def test_gui_script_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["gui-scripts"]["kyso-gui"] == "kyso.gui.app:main"
    from kyso.gui import app

    assert callable(app.main)


@pytest.mark.parametrize("argv0, expected", [
    ("/usr/bin/kyso-gui", "gui"), ("kyso", "cli"), (r"C:\Kyso\kyso-gui.exe", "gui"),
    ("/opt/kyso/kyso", "cli"),
])
def test_frozen_entry_picks_by_name(argv0, expected, monkeypatch):
    calls = []
    import kyso.cli
    import kyso.gui.app

    monkeypatch.setattr(kyso.gui.app, "main", lambda: calls.append("gui") or 0)
    monkeypatch.setattr(kyso.cli, "main", lambda argv=None: calls.append("cli") or 0)
    monkeypatch.setattr(sys, "argv", [argv0.replace("\\", "/")])
    monkeypatch.setattr(sys, "executable", "/opt/kyso/kyso")
    entry = runpy.run_path(str(ROOT / "installers" / "pyinstaller" / "entry.py"))
    assert entry["main"]() == 0
    assert calls == [expected]


def test_frozen_autostart_starts_the_bundles_kyso_gui(monkeypatch):
    """In the installers' bundle the session's entry runs kyso-gui --tray, not python -m."""
    from kyso.services import autostart

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/kyso/kyso")
    monkeypatch.delenv("KYSO_HOME", raising=False)     # a person's session has none
    assert autostart.command() == ["/opt/kyso/kyso-gui", "--tray"]
    assert "PYTHONPATH" not in autostart.desktop_entry()
    assert "Exec=/opt/kyso/kyso-gui --tray" in autostart.desktop_entry()


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("KYSO_TEST_DEB") != "1",
                    reason="the .deb test on a clean Debian root runs only with KYSO_TEST_DEB=1")
def test_deb_on_a_clean_debian_root():
    assert os.geteuid() == 0, "installers/linux/test-deb needs root"
    done = subprocess.run([str(ROOT / "installers" / "linux" / "test-deb")], cwd=ROOT, timeout=3600)
    assert done.returncode == 0
