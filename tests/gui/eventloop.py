"""Driving Qt's event loop from the standalone GUI scripts of this folder (the
demo checks, the screenshot and scaling scripts), which run without pytest-qt.
Run as ``python tests/gui/<script>.py``, each finds this module beside it."""

from __future__ import annotations

import json
import time
from pathlib import Path

#: a Full HD screen, as an office PC has; Qt's own offscreen screen is 800×800,
#: where the main window opens maximized (it does not fit) and toolbars overflow
FULL_HD = {"screens": [{"name": "FullHD", "x": 0, "y": 0, "width": 1920, "height": 1080,
                        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def offscreen_full_hd(folder: Path | str) -> str:
    """A ``QT_QPA_PLATFORM`` value for an offscreen Full HD screen (its
    configuration written into ``folder``); set it before Qt starts."""
    return offscreen_screen(folder, 1920, 1080)


def offscreen_screen(folder: Path | str, width: int, height: int) -> str:
    """A ``QT_QPA_PLATFORM`` value for an offscreen screen of ``width``×``height``
    pixels (its configuration written into ``folder``); set it before Qt starts."""
    conf = Path(folder) / "screen.json"
    screen = dict(FULL_HD["screens"][0], name=f"{width}x{height}", width=width, height=height)
    conf.write_text(json.dumps({"screens": [screen]}))
    return f"offscreen:configfile={conf}"


def wait_until(app, cond, timeout: float = 30.0) -> bool:
    """Process events until ``cond()`` is true or ``timeout`` seconds pass; the last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if cond():
            return True
        time.sleep(0.01)
    return bool(cond())


def wait_for(app, cond, timeout: float = 60.0, what: str = "") -> None:
    """:func:`wait_until`, raising ``TimeoutError(what)`` when it does not come."""
    if not wait_until(app, cond, timeout):
        raise TimeoutError(what or cond)


def settle(app, seconds: float) -> None:
    """Let the window draw and the queued events run for ``seconds``."""
    wait_until(app, lambda: False, seconds)
