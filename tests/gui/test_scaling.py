"""Readable at 150 % display scaling: every window and dialog, in a child process
(``QT_SCALE_FACTOR`` is read once, when Qt starts), on a 1920×1080 screen — 1280×720
logical pixels. See tests/gui/scaling_check.py for what is checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_window_is_readable_and_fits_at_150_percent(tmp_path, softhsm, test_pki, lang):
    env = dict(os.environ)
    env.update(softhsm.env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE.parents[1] / "app"), env.get("PYTHONPATH", "")) if p)
    done = subprocess.run([sys.executable, str(HERE / "scaling_check.py"), str(tmp_path / "shots"),
                           str(softhsm.module_path), str(test_pki.root_cert_path), lang],
                          env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert not report["problems"], "clipped or too large at 150 %:\n  " + "\n  ".join(report["problems"])
    names = {Path(p).name for p in report["shots"]}
    suffix = "-150.png" if lang == "vi" else f"-{lang}-150.png"
    for name in ("main-window", "main-window-notices", "stamp-preview", "pin-dialog", "pin-dialog-final-try",
                 "batch-done", "login-dialog", "issue-dialog", "issue-dialog-offline", "conflict", "settings",
                 "first-run-server", "first-run-token", "first-run-images"):
        assert name + suffix in names
