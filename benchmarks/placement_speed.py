"""Placement analysis speed per page, beside poppler's ``pdftotext -bbox``.

    PYTHONPATH=app .venv/bin/python benchmarks/placement_speed.py [--repeat 5] [--ocr]

For every producer fixture (tests/fixtures/producers) and the ReportLab
samples (1-3 pages), prints the best of --repeat runs of
:func:`kyso.core.placement.analyse` per text page, and of
``pdftotext -bbox`` on the same file (a baseline that only extracts words;
it includes the process start).  The goal: analysis within 50 ms a text
page.  With --ocr, also one A4 page scanned at 300 dpi: the first analysis
(render + Tesseract) and the cached one (the cache is keyed by the file's
SHA-256).  Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "app"), str(ROOT / "tests")]

from kyso.core.placement import analyse  # noqa: E402
from kyso.demo.samples import generate_sample  # noqa: E402


def best(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def pages_of(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--ocr", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ.setdefault("KYSO_HOME", str(tmp / "home"))
        files = sorted((ROOT / "tests" / "fixtures" / "producers").glob("*.pdf"))
        files.append(ROOT / "tests" / "fixtures" / "libreoffice" / "cong-van-phu-ly.pdf")
        for k in ("cong_van", "quyet_dinh"):
            for p in (1, 3):
                files.append(generate_sample(k, tmp / f"reportlab-{k}-{p}p.pdf", pages=p).path)
        print(f"{'document':34s} {'pages':>5s} {'kyso ms/page':>13s} {'pdftotext -bbox ms/page':>24s}")
        worst = 0.0
        for f in files:
            n = pages_of(f)
            analyse(f)   # warm: imports, fonts
            k = best(lambda f=f: analyse(f), a.repeat) / n * 1000
            b = best(lambda f=f: subprocess.run(["pdftotext", "-bbox", str(f), "/dev/null"], check=True),
                     a.repeat) / n * 1000
            worst = max(worst, k)
            print(f"{f.stem:34s} {n:5d} {k:13.1f} {b:24.1f}")
        print(f"slowest text page: {worst:.1f} ms (goal: 50 ms)")
        if a.ocr:
            from producers.scans import scan

            src = generate_sample("cong_van", tmp / "scan-src.pdf").path
            s = scan(src, tmp / "scan-300.pdf", 300, 0)
            t0 = time.perf_counter()
            r0 = os.times()
            analyse(s)
            r1 = os.times()
            first = time.perf_counter() - t0
            child = (r1.children_user + r1.children_system) - (r0.children_user + r0.children_system)
            cached = best(lambda: analyse(s), a.repeat)
            print(f"scan A4 300 dpi: first {first:.2f} s wall (Tesseract CPU {child:.2f} s), cached {cached * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
