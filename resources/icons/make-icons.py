#!/usr/bin/env python3
"""Render Kyso's icon (kyso.svg, beside this file) to what installers need.

    .venv/bin/python resources/icons/make-icons.py

Writes, beside this file:
  hicolor/<N>x<N>/apps/kyso.png  N = 16 24 32 48 64 128 256 512 (freedesktop theme)
  hicolor/scalable/apps/kyso.svg (the source, as the theme's scalable icon)
  kyso.ico                       16..256 in one file (Windows: exe, installer, shortcuts)
  kyso.icns                      16..512 (macOS .app)
and app/kyso/resources/images/kyso.png (256 px: the window icon where the
desktop has no themed icon, e.g. a checkout or Windows).

QtSvg (PySide6, already a GUI dependency) rasterises each size from the vector
(small sizes are drawn at their size, not scaled down from 512); Pillow writes
the PNG, ICO and ICNS files. The outputs are committed: building a package does
not need this script, only changing the icon does.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    svg = HERE / "kyso.svg"
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        print(f"cannot read {svg}", file=sys.stderr)
        return 1
    images = {n: render(renderer, n) for n in SIZES}
    for n, img in images.items():
        out = HERE / "hicolor" / f"{n}x{n}" / "apps" / "kyso.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        img.save(out, optimize=True)
    scalable = HERE / "hicolor" / "scalable" / "apps" / "kyso.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    # ICO: each size drawn at its size (Pillow would otherwise scale the largest)
    ico_sizes = [n for n in SIZES if n <= 256]
    images[256].save(HERE / "kyso.ico", format="ICO", sizes=[(n, n) for n in ico_sizes],
                     append_images=[images[n] for n in ico_sizes if n != 256])
    images[512].save(HERE / "kyso.icns", format="ICNS",
                     append_images=[images[n] for n in (16, 32, 64, 128, 256)])
    images[256].save(ROOT / "app" / "kyso" / "resources" / "images" / "kyso.png", optimize=True)
    print("icons written:", ", ".join(str(n) for n in SIZES), "+ kyso.ico, kyso.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
