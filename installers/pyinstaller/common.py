"""What every platform's PyInstaller spec puts in the bundle (imported by the
specs in installers/linux, installers/windows and installers/macos).

The build venv has Kyso installed as a wheel (``pip install --no-build-isolation
.[gui]``), so ``kyso/resources`` there already holds the compiled ``.qm``.
"""

from __future__ import annotations

from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ENTRY = str(HERE / "entry.py")

# The demo's window needs the reference document server (kyso_server, the
# [server] extra): not part of an official's install. `kyso demo --cli` works.
EXCLUDES = [
    "kyso_server", "kyso.demo.gui",
    "tkinter", "_tkinter", "pytest", "_pytest", "IPython", "matplotlib",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.Qt3DCore", "PySide6.QtWebEngineCore",
]


def hiddenimports() -> list[str]:
    mods = []
    # kyso's lazy imports (__import__("kyso.demo.run"), services chosen at run time)
    mods += [m for m in collect_submodules("kyso") if not m.startswith("kyso.demo.gui")]
    # python-pkcs11's Cython core imports its Python helpers from C
    mods += collect_submodules("pkcs11")
    mods += collect_submodules("pyhanko.sign")
    mods += collect_submodules("pyhanko_certvalidator")
    return sorted(set(mods))


def datas() -> list[tuple[str, str]]:
    out = []
    # fonts, images, seeds and the compiled translations; the .ts source is not needed
    out += collect_data_files("kyso", excludes=["**/*.ts", "**/__pycache__/**"])
    out += collect_data_files("pyhanko")
    out += collect_data_files("reportlab")
    out += collect_data_files("certomancer")
    for dist in ("pyhanko", "pyhanko-certvalidator", "python-pkcs11", "pypdfium2", "uharfbuzz",
                 "certomancer", "kyso"):
        try:
            out += copy_metadata(dist)
        except Exception:  # noqa: BLE001 - a distribution without metadata is fine
            pass
    return out
