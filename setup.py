"""Build step of Kyso's package: compile the Qt catalogues (.ts -> .qm).

Everything else is declared in pyproject.toml. A wheel (``pip install .``,
``python -m build``, the installers' PyInstaller venv) carries
``kyso/resources/translations/kyso_<lang>.qm`` compiled here, so an installed
Kyso never compiles anything on the user's machine.

The compiler is Qt's ``lrelease``, found in this order:
  1. ``$KYSO_LRELEASE`` (a path);
  2. ``pyside6-lrelease`` beside the Python that builds (a venv with PySide6);
  3. the ``lrelease`` binary inside an importable PySide6 package;
  4. ``pyside6-lrelease`` or ``lrelease`` on PATH (Debian: qt6-l10n-tools).
pip builds in an isolated environment without PySide6; build in a venv that has
PySide6-Essentials with ``pip install --no-build-isolation .`` (as
installers/linux/build-deb does), or set KYSO_LRELEASE. Without any, the build
stops with that advice instead of making a package that would be English-less.

An editable install (``pip install -e .``, scripts/setup.sh) skips this: the
checkout's .qm is built next to its .ts by scripts/setup.sh.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TRANSLATIONS = Path("kyso") / "resources" / "translations"


def find_lrelease() -> str | None:
    explicit = os.environ.get("KYSO_LRELEASE")
    if explicit:
        return explicit
    here = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        if (here / name).is_file():
            return str(here / name)
    try:
        import PySide6

        folder = Path(PySide6.__file__).parent
        for name in ("lrelease", "lrelease.exe", "Qt/libexec/lrelease"):
            if (folder / name).is_file():
                return str(folder / name)
    except ImportError:
        pass
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")


class BuildPyWithCatalogues(build_py):
    """``build_py``, then each ``.ts`` of the built package compiled to its ``.qm``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        folder = Path(self.build_lib) / TRANSLATIONS
        sources = sorted(folder.glob("*.ts"))
        if not sources:
            return
        tool = find_lrelease()
        if tool is None:
            raise SystemExit(
                "kyso build: Qt's lrelease is needed to compile the translations "
                f"({', '.join(p.name for p in sources)}) and was not found.\n"
                "  Build in a venv with PySide6-Essentials installed:\n"
                "    pip install PySide6-Essentials && pip install --no-build-isolation .\n"
                "  or point KYSO_LRELEASE at an lrelease binary (Debian: qt6-l10n-tools).")
        for ts in sources:
            qm = ts.with_suffix(".qm")
            done = subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)],
                                  capture_output=True, text=True)
            if done.returncode != 0 or not qm.is_file() or qm.stat().st_size == 0:
                raise SystemExit(f"kyso build: {tool} failed on {ts.name}:\n{done.stdout}{done.stderr}")
            print(f"kyso build: compiled {ts.name} -> {qm.name} ({qm.stat().st_size} bytes)")


setup(cmdclass={"build_py": BuildPyWithCatalogues})
