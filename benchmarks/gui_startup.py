"""GUI speed: cold start to an interactive window, and filtering a 10,000-row inbox.

    PYTHONPATH=app QT_QPA_PLATFORM=offscreen python benchmarks/gui_startup.py [--runs 5]

1. Cold start: a child process is started (``python -m kyso.gui`` with
   ``KYSO_STARTUP_PROBE=FILE``); the app shows its main window, and a zero-timer
   (which runs once the event loop has handled what was pending, i.e. when it
   is idle) writes ``time.time()`` to FILE and quits. Start-to-idle is that
   time minus the moment just before the child was spawned. Beside it, a bare
   PySide6 ``QMainWindow`` started the same way in the same run. Median of N
   runs each, alternated so that disk caches treat both alike. Target: Kyso
   under 2x the bare window.
2. Filtering: 10,000 :class:`DocumentRow`s in the window's model/proxy pair;
   the time for ``set_search`` (what typing in the search box calls) to refilter,
   for a few search strings, median of several runs. Target: under 100 ms.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = r"""
import os, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv)
w = QMainWindow()
w.setCentralWidget(QLabel("bare"))
w.resize(1360, 860)
w.show()
def idle():
    Path(os.environ["KYSO_STARTUP_PROBE"]).write_text(repr(time.time()))
    app.quit()
QTimer.singleShot(0, idle)
app.exec()
"""


def _env(probe: Path, home: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "app") + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["KYSO_STARTUP_PROBE"] = str(probe)
    env["KYSO_HOME"] = str(home)
    # no token modules to scan: the watcher's first poll runs in the background
    # anyway, this only keeps the measurement about the window
    env.setdefault("KYSO_PKCS11_MODULE", "")
    return env


def _one(cmd: list[str], work: Path) -> float:
    probe = work / "probe.txt"
    probe.unlink(missing_ok=True)
    start = time.time()
    subprocess.run(cmd, env=_env(probe, work / "home"), check=True, timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return float(probe.read_text()) - start


def compile_bytecode() -> None:
    """Kyso's modules get their bytecode first, as scripts/setup.sh and a package
    install give them: without it (PYTHONDONTWRITEBYTECODE set, as on this
    project's machine) each start compiles them again, which the bare window,
    having no modules of its own, never pays."""
    import compileall

    compileall.compile_dir(str(ROOT / "app"), quiet=1, workers=0)


def startup(runs: int) -> tuple[list[float], list[float]]:
    compile_bytecode()
    kyso, bare = [], []
    with tempfile.TemporaryDirectory(prefix="kyso-bench-") as tmp:
        work = Path(tmp)
        folder = work / "docs"
        folder.mkdir()
        kyso_cmd = [sys.executable, "-m", "kyso.gui", str(folder)]
        bare_cmd = [sys.executable, "-c", BARE]
        _one(kyso_cmd, work), _one(bare_cmd, work)          # warm the disk cache once
        for _ in range(runs):
            kyso.append(_one(kyso_cmd, work))
            bare.append(_one(bare_cmd, work))
    return kyso, bare


def filtering(n: int = 10_000, runs: int = 7) -> dict[str, float]:
    import random
    from datetime import datetime, timedelta

    sys.path.insert(0, str(ROOT / "app"))
    from PySide6.QtWidgets import QApplication

    from kyso.gui.documents import (INITIAL, ISSUE, SIGN, DocumentFilterProxy, DocumentRow,
                                    DocumentTableModel, search_texts)

    app = QApplication.instance() or QApplication(["bench"])
    rng = random.Random(7)
    kinds = ["Công văn", "Quyết định", "Kế hoạch", "Tờ trình", "Thông báo", "Báo cáo"]
    topics = ["phổ biến, giáo dục pháp luật", "phòng, chống thiên tai", "chuyển đổi số",
              "quản lý đất đai", "xây dựng nông thôn mới", "cải cách hành chính",
              "tuyển dụng công chức", "phòng cháy, chữa cháy", "y tế học đường", "thu ngân sách"]
    senders = ["UBND thành phố Phủ Lý", "Sở Tư pháp", "Sở Nội vụ", "UBND phường Lê Hồng Phong",
               "Văn phòng UBND tỉnh", "Sở Tài chính"]
    now = datetime(2026, 11, 1)
    rows = [DocumentRow(
        doc_id=str(i), number=f"{i}/UBND-VP", subject=f"{rng.choice(kinds)} về {rng.choice(topics)} năm 2026",
        doc_type=rng.choice(kinds), urgency=rng.choice(["Thường", "Thường", "Khẩn"]),
        sender=rng.choice(senders), received=now - timedelta(minutes=i), status="Chờ xử lý",
        action=rng.choice([INITIAL, SIGN, ISSUE, None])) for i in range(n)]
    model = DocumentTableModel()
    t = time.perf_counter()
    texts = search_texts(rows)          # the window does this in the background, with the list
    folding = time.perf_counter() - t
    model.set_rows(rows, texts)
    proxy = DocumentFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(5)
    out = {}
    t = time.perf_counter()
    proxy.set_search("ke hoach")
    proxy.rowCount()
    out["first search"] = time.perf_counter() - t
    out["(folding 10,000 rows, background)"] = folding
    proxy.set_search("")
    for text in ("k", "ke hoach", "chuyển đổi số", "phu ly 2026", "không có gì"):
        times = []
        for _ in range(runs):
            proxy.set_search("")
            app.processEvents()
            t = time.perf_counter()
            proxy.set_search(text)
            proxy.rowCount()
            times.append(time.perf_counter() - t)
        out[f"{text!r} ({proxy.rowCount()} rows)"] = statistics.median(times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    kyso, bare = startup(args.runs)
    mk, mb = statistics.median(kyso), statistics.median(bare)
    print(f"cold start to an idle, shown window (median of {args.runs}):")
    print(f"  Kyso main window : {mk * 1000:7.0f} ms   runs: {', '.join(f'{x * 1000:.0f}' for x in kyso)}")
    print(f"  bare QMainWindow : {mb * 1000:7.0f} ms   runs: {', '.join(f'{x * 1000:.0f}' for x in bare)}")
    print(f"  ratio            : {mk / mb:7.2f}x   (target < 2x)")
    print("filtering 10,000 documents (proxy refilter on a search string, median of 7):")
    for name, secs in filtering().items():
        print(f"  {name:40s} {secs * 1000:7.1f} ms   (target < 100 ms)")


if __name__ == "__main__":
    main()
