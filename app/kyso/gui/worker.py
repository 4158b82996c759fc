"""The one background helper of the GUI (after Anki's ``aqt/operations``).

``run_in_background(fn, success=..., failure=..., progress=...)`` runs ``fn`` on
a thread of the global :class:`QThreadPool` and calls ``success(result)`` or
``failure(exc)`` back **on the GUI thread** through queued signals. ``fn`` may
accept a ``report`` keyword (a ``progress(i, n, item)`` emitter) and a
``cancelled`` keyword (a callable telling it to stop between items).

The rule: ``fn`` never touches a widget. Everything that waits — a token, the
disk, the network — goes through here; the GUI thread only gets the answer.
Token calls themselves still run on the core's per-module thread; the pool
thread here only waits for them.
"""

from __future__ import annotations

import inspect
import logging
import threading
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

#: Operations still running; kept here so Python does not collect them early.
_running: set["Operation"] = set()


class Operation(QObject):
    """One piece of background work and its callbacks (lives on the GUI thread)."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, object)
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], success: Callable[[Any], None] | None = None,
                 failure: Callable[[BaseException], None] | None = None,
                 progress: Callable[[int, int, Any], None] | None = None,
                 context: QObject | None = None):
        # Owned by the application object, never by Python: the pool thread keeps
        # a Python reference to this object until its runnable is deleted, and
        # if that were the last one Python would delete this GUI-thread QObject
        # from the pool thread, possibly while the GUI thread is still inside
        # its slot (a crash seen in CI). ``_finish`` deletes it on the GUI thread
        # with ``deleteLater``. A widget parent is not used either: its deletion
        # would delete this object under the pool thread's feet. ``context``
        # only decides whether callbacks still run.
        super().__init__(QCoreApplication.instance())
        self._fn = fn
        self._context = context
        self._success = success
        self._failure = failure
        self._progress = progress
        self._cancel = threading.Event()
        self.done = False
        # Emitted from the pool thread; received by slots of this object, which
        # lives on the GUI thread, so Qt queues them onto the GUI event loop.
        self.succeeded.connect(self._on_success)
        self.failed.connect(self._on_failure)
        self.progressed.connect(self._on_progress)

    # -- control (GUI thread) --
    def cancel(self) -> None:
        """Ask the work to stop at the next item boundary."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    # -- body (pool thread) --
    def _call(self) -> None:
        kwargs = {}
        try:
            params = inspect.signature(self._fn).parameters
        except (TypeError, ValueError):
            params = {}
        if "report" in params:
            kwargs["report"] = lambda i, n, item=None: self._emit(self.progressed, i, n, item)
        if "cancelled" in params:
            kwargs["cancelled"] = self._cancel.is_set
        try:
            result = self._fn(**kwargs)
        except BaseException as exc:  # handed to the GUI thread
            if not getattr(exc, "code", None):
                log.exception("Background work failed")
            self._emit(self.failed, exc)
        else:
            self._emit(self.succeeded, result)

    def _emit(self, signal, *args) -> None:
        """Emit from the pool thread, unless the application is already being torn
        down and Qt has deleted this object (work finishing after the window closed)."""
        try:
            if shiboken6.isValid(self):
                signal.emit(*args)
        except RuntimeError:
            log.debug("Result of background work dropped: the application is closing")

    # -- callbacks (GUI thread) --
    def _alive(self) -> bool:
        return self._context is None or shiboken6.isValid(self._context)

    @Slot(object)
    def _on_success(self, result) -> None:
        try:
            if self._success is not None and self._alive():
                self._success(result)
        finally:
            self._finish()

    @Slot(object)
    def _on_failure(self, exc) -> None:
        try:
            if self._failure is not None and self._alive():
                self._failure(exc)
            else:
                log.error("Background work failed: %s", exc)
        finally:
            self._finish()

    @Slot(int, int, object)
    def _on_progress(self, i: int, n: int, item) -> None:
        if self._progress is not None and not self.done and self._alive():
            self._progress(i, n, item)

    def _finish(self) -> None:
        self.done = True
        self.finished.emit()
        _running.discard(self)
        self.deleteLater()


class _Runnable(QRunnable):
    def __init__(self, op: Operation):
        super().__init__()
        self._op = op
        self.setAutoDelete(True)

    def run(self) -> None:  # pool thread
        self._op._call()


def pool() -> QThreadPool:
    return QThreadPool.globalInstance()


def run_in_background(fn: Callable[..., Any], success: Callable[[Any], None] | None = None,
                      failure: Callable[[BaseException], None] | None = None,
                      progress: Callable[[int, int, Any], None] | None = None,
                      parent: QObject | None = None) -> Operation:
    """Run ``fn`` off the GUI thread; callbacks come back on the GUI thread."""
    op = Operation(fn, success, failure, progress, context=parent)
    _running.add(op)
    pool().start(_Runnable(op))
    return op


def running() -> int:
    """How many operations have not called back yet (tests wait on this)."""
    return len(_running)


def describe_running() -> list[str]:
    return [getattr(op._fn, "__qualname__", repr(op._fn)) for op in _running]
