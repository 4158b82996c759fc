"""Sample signature, seal and initial images for the demo and the tests.

Decree 30/2020 (Appendix I) prescribes what a digitally signed page shows:
the leader's handwritten signature in **blue**, the agency's seal in **red**
at its real size, both PNG with a transparent background.  The demo needs
such images, but it must never hand out anything that could pass for a real
signature or seal.  So every image here is drawn from code (no scans), and
carries "MẪU" (sample): small on the signatures, large and across the seal.

Images (written to ``kyso/resources/images``)::

    sample-signature.png       600 x 250, blue pen stroke, transparent
    sample-seal.png            496 x 496 (42 mm at 300 dpi), red, transparent
    sample-initial.png         200 x 110, blue scribble + "H.", transparent
    signature-<signer>.png     one per demo signer (Phạm Văn Quân, ...)
    seal-<organ>.png           one per demo issuing organ

Everything is drawn at 4x and downsampled with a Lanczos filter, which gives
smooth anti-aliased edges with a clean alpha channel.  Output is
deterministic (fixed seeds).  ``python -m kyso.demo.images [OUT_DIR]``
regenerates the files.
"""

from __future__ import annotations

import math
import random
import sys
import unicodedata
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

_RES = Path(__file__).resolve().parent.parent / "resources"
FONT_DIR = _RES / "fonts"
IMAGE_DIR = _RES / "images"

BLUE = (22, 48, 168)  # ballpoint blue
RED = (212, 24, 32)  # seal ink
SS = 4  # supersampling factor

SIGNERS = {
    "pham-van-quan": "Phạm Văn Quân",
    "dang-van-nhan": "Đặng Văn Nhân",
    "nguyen-trong-hai": "Nguyễn Trọng Hải",
}
ORGANS = {
    "phu-ly": "ỦY BAN NHÂN DÂN THÀNH PHỐ PHỦ LÝ",
    "luc-nam": "ỦY BAN NHÂN DÂN HUYỆN LỤC NAM",
    "dong-da": "VĂN PHÒNG HĐND VÀ UBND QUẬN ĐỐNG ĐA",
}


def _font(style: str, px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / f"Tinos-{style}.ttf"), int(round(px)))


# ----------------------------------------------------------- pen strokes
def _catmull_rom(points: list[tuple[float, float]], steps: int = 24) -> list[tuple[float, float]]:
    """A smooth curve through ``points`` (centripetal-free, uniform
    Catmull-Rom, i.e. a chain of cubic Béziers with matched tangents)."""
    pts = [points[0], *points, points[-1]]
    out = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(
                    0.5 * (2 * p1[k] + (-p0[k] + p2[k]) * t + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                           + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3)
                    for k in (0, 1)
                )
            )
    out.append(points[-1])
    return out


def _stroke(draw: ImageDraw.ImageDraw, path, width: float, color, taper: float = 0.18) -> None:
    """Draw a pen stroke with pressure: thin at both ends, a slow swell in
    between, as a ballpoint leaves it."""
    n = len(path)
    for i in range(n - 1):
        t = i / max(n - 2, 1)
        ends = min(1.0, t / taper, (1 - t) / taper) if taper else 1.0
        w = width * (0.35 + 0.65 * ends) * (0.85 + 0.15 * math.sin(t * 9.0))
        (x0, y0), (x1, y1) = path[i], path[i + 1]
        draw.line([(x0, y0), (x1, y1)], fill=color, width=max(1, int(round(w))))
        r = w / 2
        draw.ellipse([x1 - r, y1 - r, x1 + r, y1 + r], fill=color)


def _signature(name: str, size=(600, 250), mark: bool = True) -> Image.Image:
    """A plausible cursive signature derived from ``name``: a tall looped
    capital from the given name's initial, a run of cursive loops whose
    rhythm depends on the name, and a long underline flourish."""
    W, H = size[0] * SS, size[1] * SS
    img = Image.new("RGBA", (W, H), BLUE + (0,))
    alpha = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(alpha)
    rng = random.Random(unicodedata.normalize("NFC", name))
    pen = 5.2 * SS

    # 1) capital: an upstroke, a tall loop, down into the baseline
    base = H * 0.62
    x = W * 0.10
    cap = [
        (x, base + 0.05 * H),
        (x + 0.05 * W, base - 0.42 * H),
        (x + 0.12 * W, base - 0.50 * H),
        (x + 0.13 * W, base - 0.30 * H),
        (x + 0.06 * W, base + 0.02 * H),
        (x + 0.02 * W, base - 0.08 * H),
        (x + 0.10 * W, base - 0.12 * H),
        (x + 0.17 * W, base - 0.05 * H),
    ]
    _stroke(d, _catmull_rom(cap), pen, 255)

    # 2) cursive body: loops and waves of a slanted trochoid; each
    #    "letter" has its own height and loopiness, drifting slightly up
    x0 = x + 0.17 * W
    letters = 5 + len(name.split()[-1]) % 3
    span = 0.48 * W
    heights = [rng.uniform(0.6, 1.5) for _ in range(letters)]
    loopy = [rng.choice((0.25, 0.6, 1.0, 1.3)) for _ in range(letters)]
    pts = []
    steps = 18
    for i in range(letters * steps + 1):
        t = i / steps
        k = min(int(t), letters - 1)
        amp = H * 0.13 * heights[k]
        lift = amp * (1 - math.cos(2 * math.pi * t)) / 2
        px = x0 + span * t / letters - 0.03 * W * loopy[k] * math.sin(2 * math.pi * t) + 0.35 * lift
        py = base - 0.05 * H - lift - 0.06 * H * t / letters
        pts.append((px, py))
    _stroke(d, pts, pen * 0.9, 255, taper=0.05)

    # 3) flourish: from the end, swing down and sweep back under the name
    ex, ey = pts[-1]
    flo = [
        (ex, ey),
        (ex + 0.06 * W, ey + 0.10 * H),
        (ex + 0.02 * W, base + 0.20 * H),
        (x + 0.25 * W, base + 0.22 * H),
        (x + 0.02 * W, base + 0.16 * H + rng.uniform(-0.02, 0.02) * H),
    ]
    _stroke(d, _catmull_rom(flo, 40), pen * 0.85, 255)
    # a dot/tick after the flourish
    tx, ty = ex + 0.05 * W, ey - 0.12 * H
    _stroke(d, [(tx, ty), (tx + 0.015 * W, ty - 0.03 * H)], pen * 1.1, 255, taper=0.4)

    if mark:
        f = _font("Bold", 15 * SS)
        d.text((W - 8 * SS, H - 6 * SS), "MẪU", font=f, fill=150, anchor="rs")
    img.putalpha(alpha)
    return img.resize(size, Image.LANCZOS)


def _initial(letter: str = "H.", size=(200, 110)) -> Image.Image:
    """A reviewer's initial (ký nháy): a short looped scribble and a letter."""
    W, H = size[0] * SS, size[1] * SS
    img = Image.new("RGBA", (W, H), BLUE + (0,))
    alpha = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(alpha)
    f = _font("BoldItalic", 62 * SS)
    d.text((0.08 * W, 0.70 * H), letter, font=f, fill=255, anchor="ls")
    scribble = _catmull_rom([
        (0.50 * W, 0.62 * H), (0.60 * W, 0.30 * H), (0.66 * W, 0.58 * H),
        (0.72 * W, 0.28 * H), (0.80 * W, 0.60 * H), (0.92 * W, 0.35 * H),
    ])
    _stroke(d, scribble, 4.5 * SS, 255)
    _stroke(d, _catmull_rom([(0.06 * W, 0.84 * H), (0.45 * W, 0.80 * H), (0.90 * W, 0.74 * H)]), 3.5 * SS, 255)
    img.putalpha(alpha)
    return img.resize(size, Image.LANCZOS)


# ------------------------------------------------------------------ seal
def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.382
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def _seal(text: str, diameter_px: int = 496) -> Image.Image:
    """A round seal: double outer ring, the organ's name set clockwise
    along the circle (centred on the top), a thin inner circle, a five-
    pointed star in the centre, and a large "MẪU" across it.

    496 px is 42 mm at 300 dpi, a usual diameter for a People's Committee
    seal; Decree 30 wants the seal image at its real size.
    """
    text = unicodedata.normalize("NFC", text)
    D = diameter_px * SS
    c = D / 2
    alpha = Image.new("L", (D, D), 0)
    d = ImageDraw.Draw(alpha)

    def ring(r: float, w: float) -> None:
        d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=int(round(w)))

    ring(c - 2 * SS, 9 * SS)  # outer, thick
    ring(c - 15 * SS, 2.5 * SS)  # outer, thin
    r_in = c * 0.60
    ring(r_in, 2.5 * SS)  # inner circle bounding the text band

    # text along the circle, clockwise, centred on the top
    font = _font("Bold", 40 * SS)
    r_text = (c - 15 * SS + r_in) / 2
    widths = [font.getlength(ch) for ch in text]
    spacing = 6 * SS
    total = sum(widths) + spacing * (len(text) - 1)
    sweep = min(total / r_text, math.radians(300))
    scale = sweep / (total / r_text)
    theta = -sweep / 2
    for ch, w in zip(text, widths):
        step = (w + spacing) * scale / r_text
        mid = theta + (w * scale / r_text) / 2
        if ch != " ":
            tile = Image.new("L", (int(font.size * 2), int(font.size * 2)), 0)
            ImageDraw.Draw(tile).text((tile.width / 2, tile.height / 2), ch, font=font, fill=255, anchor="mm")
            tile = tile.rotate(-math.degrees(mid), resample=Image.BICUBIC)
            px = c + r_text * math.sin(mid)
            py = c - r_text * math.cos(mid)
            alpha.paste(255, (int(px - tile.width / 2), int(py - tile.height / 2)), tile)
        theta += step
    # small stars close the band at the bottom, between the text's ends
    d.polygon(_star(c, c + r_text, 13 * SS), fill=255)

    # centre star
    d.polygon(_star(c, c - 0.02 * D, 0.20 * D), fill=255)

    # "MẪU" across the seal, on a knocked-out band so it reads clearly
    f = _font("Bold", 100 * SS)
    band_h = 0.25 * D
    by = c + 0.13 * D
    d.rectangle([c - r_in + 6 * SS, by - band_h / 2, c + r_in - 6 * SS, by + band_h / 2], fill=0)
    d.rectangle([c - r_in + 6 * SS, by - band_h / 2, c + r_in - 6 * SS, by + band_h / 2], outline=255, width=4 * SS)
    d.text((c, by + 0.025 * D), "MẪU", font=f, fill=255, anchor="mm")

    # ink is never perfectly even: a faint deterministic mottling
    rng = random.Random(text)
    speck = Image.new("L", (D // 16, D // 16), 255)
    speck.putdata([255 - int(55 * rng.random() ** 3) for _ in range(speck.width * speck.height)])
    speck = speck.resize((D, D), Image.BICUBIC)
    alpha = ImageChops.multiply(alpha, speck)

    img = Image.new("RGBA", (D, D), RED + (0,))
    img.putalpha(alpha)
    return img.resize((diameter_px, diameter_px), Image.LANCZOS)


# ------------------------------------------------------------------- API
def generate_images(out_dir: Path = IMAGE_DIR) -> list[Path]:
    """Write every sample image to ``out_dir`` and return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, Image.Image]] = [
        ("sample-signature.png", _signature("Kyso Mẫu Ký")),
        ("sample-seal.png", _seal(ORGANS["phu-ly"])),
        ("sample-initial.png", _initial("H.")),
    ]
    jobs += [(f"signature-{slug}.png", _signature(name)) for slug, name in SIGNERS.items()]
    jobs += [(f"seal-{slug}.png", _seal(text)) for slug, text in ORGANS.items()]
    paths = []
    for fname, img in jobs:
        p = out_dir / fname
        img.save(p, optimize=True, dpi=(300, 300))
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for p in generate_images(Path(argv[0]) if argv else IMAGE_DIR):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
