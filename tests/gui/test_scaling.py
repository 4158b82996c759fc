"""Usable on the screens offices have: every window and dialog, in a child process
(the screen and ``QT_SCALE_FACTOR`` are read once, when Qt starts), on a 1366×768
and a 1280×720 laptop at 100 % and a 1920×1080 screen at 150 % (1280×720 logical
pixels), in both languages. See tests/gui/scaling_check.py for what is checked:
clipped text, windows off screen, the stamp frame out of sight, a status message
cut mid-word."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


SCREENS = ("1920x1080@1.5", "1366x768@1", "1280x720@1")


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_window_is_readable_and_fits_the_screen(tmp_path, softhsm, test_pki, lang, screen):
    env = dict(os.environ)
    env.update(softhsm.env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE.parents[1] / "app"), env.get("PYTHONPATH", "")) if p)
    done = subprocess.run([sys.executable, str(HERE / "scaling_check.py"), str(tmp_path / "shots"),
                           str(softhsm.module_path), str(test_pki.root_cert_path), lang, screen],
                          env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert not report["problems"], f"clipped or too large on {screen}:\n  " + "\n  ".join(report["problems"])
    names = {Path(p).name for p in report["shots"]}
    tag = "150" if screen == "1920x1080@1.5" else screen.replace("@1", "")
    suffix = f"-{tag}.png" if lang == "vi" else f"-{lang}-{tag}.png"
    for name in ("main-window", "main-window-notices", "stamp-preview", "pin-dialog", "pin-dialog-final-try",
                 "batch-done", "login-dialog", "issue-dialog", "issue-dialog-offline", "conflict", "settings",
                 "first-run-server", "first-run-token", "first-run-images"):
        assert name + suffix in names
