"""Notices tokens plugged in and pulled out, without a restart.

Every ~2 s the modules are listed in the background (at most one poll in
flight; a module that hangs simply delays the next poll). Stops with its
parent window.

SoftHSM2 caveat: a process that has already initialised SoftHSM2 does not see
tokens created later (it would need ``C_Finalize``/``C_Initialize``, i.e.
``lib.reinitialize()``). Real USB tokens appear and disappear as slots do, so
this is only a limitation of the software token, and we do not fight it here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from typing import TYPE_CHECKING

from ..core.errors import KysoError

if TYPE_CHECKING:   # the token layer loads pyHanko: imported by the first poll, off the GUI thread
    from ..core.tokens import TokenInfo
from .worker import run_in_background

log = logging.getLogger(__name__)


def _key(t: TokenInfo) -> tuple:
    return (str(t.module.path), t.slot_id, t.serial, t.label, t.pin_status.value,
            tuple(c.sha256 for c in t.certificates))


def poll_tokens(modules: Iterable[str | Path] | None = None) -> list[TokenInfo]:
    """Every token present (background thread): the application layer's one
    listing (the configured module honoured); modules that fail are skipped."""
    from ..core import settings
    from ..services.tokens import all_tokens, scan

    try:
        return all_tokens(scan(settings.load(), modules=list(modules) if modules is not None else None))
    except KysoError as exc:     # a named module that cannot be loaded: no tokens this time
        log.info("Token modules skipped: %s", exc.code)
        return []


class TokenWatcher(QObject):
    tokensChanged = Signal(list)   # list[TokenInfo]

    def __init__(self, modules: Iterable[str | Path] | None = None, interval_ms: int = 2000,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.modules = list(modules) if modules is not None else None
        self.tokens: list[TokenInfo] = []
        self.polls = 0
        self._in_flight = False
        self._last: tuple | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.poll()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        if self._in_flight:
            return
        self._in_flight = True
        modules = self.modules

        def done(tokens: list[TokenInfo]) -> None:
            self._in_flight = False
            self.polls += 1
            key = tuple(sorted(_key(t) for t in tokens))
            if key != self._last:
                self._last = key
                self.tokens = tokens
                self.tokensChanged.emit(tokens)

        def failed(exc: BaseException) -> None:
            self._in_flight = False
            log.warning("Token poll failed: %s", exc)

        run_in_background(lambda: poll_tokens(modules), done, failed, parent=self)
