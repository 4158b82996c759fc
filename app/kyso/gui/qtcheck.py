"""Checks of the installed Qt bindings that Kyso cannot work around.

PySide6 6.12.0 on Python 3.11 hands back ``True`` from ``SignalInstance.emit``
without taking a reference to it: every emit costs ``True`` one reference, and
after enough emits CPython frees the object and the process crashes somewhere
unrelated (in CI: in a ``changeEvent`` comparing two values). ``pyproject.toml``
keeps that version out; this module lets the test suite and the application
notice if a broken binding is installed anyway.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)


EMITS = 100


def emit_references_lost(emits: int = EMITS) -> int:
    """How many references to ``True`` ``emits`` signal emissions lose: about 0
    when the binding is sound, ``emits`` when it is broken (another thread may
    move the count by a few meanwhile)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal(object)

    probe = _Probe()
    probe.ping.connect(lambda _value: None)
    before = sys.getrefcount(True)
    for _ in range(emits):
        probe.ping.emit(None)
    lost = before - sys.getrefcount(True)
    if is_broken(lost, emits):
        # give back what the probe took, so the check itself harms nothing
        import ctypes

        for _ in range(lost):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    probe.deleteLater()
    return max(lost, 0)


def is_broken(lost: int, emits: int = EMITS) -> bool:
    return lost >= emits // 2


def warn_about_broken_bindings() -> bool:
    """Log an error when the installed PySide6 is one Kyso is known to crash with;
    returns whether the bindings are sound."""
    import PySide6

    lost = emit_references_lost()
    if is_broken(lost):
        log.error("PySide6 %s loses a reference to True on every signal emit (%d in %d); "
                  "the application will crash after a while. Install a version below 6.12 "
                  "(scripts/setup.sh does).", PySide6.__version__, lost, EMITS)
        return False
    return True
