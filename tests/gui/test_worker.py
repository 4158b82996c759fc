"""The GUI's background helper: results come back on the GUI thread, and each
operation's QObject is deleted there too.

A Python-owned QObject is deleted by whichever thread drops its last Python
reference; the pool thread holds one until its runnable is deleted, so the
operation must not be Python-owned (it would be deleted from the pool thread,
possibly while the GUI thread is still inside its slot).
"""

import threading

from PySide6.QtCore import Qt

from kyso.gui import worker


def test_results_and_the_operations_deletion_happen_on_the_gui_thread(qtbot):
    gui = threading.get_ident()
    ran_in, called_in, deleted_in = [], [], []

    def work():
        ran_in.append(threading.get_ident())
        return 42

    results = []
    ops = []
    for _ in range(50):
        op = worker.run_in_background(work, lambda r: (called_in.append(threading.get_ident()),
                                                       results.append(r)))
        op.destroyed.connect(lambda *_: deleted_in.append(threading.get_ident()),
                             Qt.ConnectionType.DirectConnection)
        ops.append(op)
    del op, ops
    qtbot.waitUntil(lambda: len(deleted_in) == 50, timeout=20000)
    assert results == [42] * 50
    assert gui not in ran_in
    assert set(called_in) == {gui}
    assert set(deleted_in) == {gui}
    assert worker.running() == 0


def test_a_failure_comes_back_as_the_exception(qtbot):
    failures = []

    def work():
        raise ValueError("hỏng")

    worker.run_in_background(work, failure=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=20000)
    assert isinstance(failures[0], ValueError) and str(failures[0]) == "hỏng"
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=20000)
