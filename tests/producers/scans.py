"""Test scans: a sample PDF printed and scanned back, as image-only PDFs.

Each page is rendered by poppler (``pdftoppm -gray``) at 200 or 300 dpi,
turned by 90/180/270 degrees as a sheet fed sideways would be, slightly
skewed, sprinkled with noise, and wrapped as an image-only PDF (img2pdf, the
page size from the dpi).  The truth is the sample's own (ReportLab layout
math), in the upright reading frame.
"""

from __future__ import annotations

import io
import random
import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def scan(src: Path, out: Path, dpi: int = 200, rotate: int = 0, skew: float = 0.0,
         noise: float = 0.002, seed: int = 1) -> Path:
    import img2pdf

    rnd = random.Random(seed)
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-png", str(src), f"{tmp}/p"], check=True)
        for png in sorted(Path(tmp).glob("p*.png")):
            img = Image.open(png).convert("L")
            if skew:
                img = img.rotate(skew, resample=Image.BILINEAR, fillcolor=255)
            if noise:
                px = img.load()
                for _ in range(int(img.width * img.height * noise)):
                    x, y = rnd.randrange(img.width), rnd.randrange(img.height)
                    px[x, y] = rnd.choice((0, 90, 200))
            if rotate:
                img = img.rotate(rotate, expand=True)   # counter-clockwise, as fed
            buf = io.BytesIO()
            img.save(buf, format="PNG", dpi=(dpi, dpi))
            pages.append(buf.getvalue())
    out.write_bytes(img2pdf.convert(pages))
    return out
