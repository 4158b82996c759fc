"""The log file both front ends write: rotating, UTF-8, in :func:`paths.log_dir`.

Nothing secret is ever logged: PINs and passwords never reach a logger (they
live only in the dialog or prompt that reads them and the call that uses them).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from . import paths

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES, BACKUPS = 2_000_000, 3

_installed: list[logging.Handler] = []


def setup_logging(filename: str = "kyso.log", console_level: int = logging.CRITICAL) -> Path | None:
    """INFO and above to ``<log dir>/filename`` (rotated), ``console_level`` to stderr.

    Returns the log file, or None when the folder cannot be written (the
    program still runs; it just keeps no file log).
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    # fontTools reports each table it prunes while subsetting the stamp's font:
    # some twenty INFO lines per signature, of no use to anyone reading the log.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    while _installed:                       # a second call replaces, never stacks, our handlers
        old = _installed.pop()
        root.removeHandler(old)
        old.close()
    path: Path | None = None
    try:
        folder = paths.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / filename
        fh = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                  encoding="utf-8", errors="backslashreplace")
        fh.setLevel(logging.INFO)
        fh.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(fh)
        _installed.append(fh)
    except OSError:
        path = None
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(console_level)
    err.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(err)
    _installed.append(err)
    return path
