"""Verifying many files: a receiving clerk's folder, ``kyso verify *.pdf``.

Verification is CPU work in pure Python (pyHanko's parser and validator) and
PDFium; one process uses one core. With several files, they are shared among
worker processes, one a core: the reports come back in the files' order, each
exactly what :func:`kyso.core.verify.verify_file` says in this process.

A worker that dies on a file (a native crash in a PDF library) costs only that
file: what was not finished is verified again, one file a worker, and the file
that kills its worker gets a report saying it could not be read. No PIN, no
token: verification needs neither.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

#: Fewer files than this are verified in this process (starting workers costs more).
MIN_FILES_FOR_WORKERS = 4


def default_workers(n_files: int) -> int:
    """Workers for ``n_files``: ``KYSO_VERIFY_JOBS`` if set, else one a core."""
    env = os.environ.get("KYSO_VERIFY_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        wanted = int(env)
    else:
        wanted = os.cpu_count() or 1
    return max(1, min(wanted, n_files))


def verify_files(paths: Sequence[Path], roots: Iterable = (), *, online: bool = False,
                 password: str | None = None, jobs: int | None = None) -> list:
    """A :class:`~kyso.core.verify.DocumentReport` for each of ``paths``, in order.

    ``roots``: extra trust anchors (asn1crypto certificates), as for
    ``verify_file``. ``jobs``: worker processes (None: :func:`default_workers`;
    1: all in this process)."""
    from ..core.verify import verify_file

    paths = [Path(p) for p in paths]
    roots = list(roots)
    jobs = default_workers(len(paths)) if jobs is None else max(1, min(jobs, len(paths)))
    if jobs <= 1 or len(paths) < MIN_FILES_FOR_WORKERS:
        return [verify_file(p, roots, fetch_revocation=online, password=password) for p in paths]
    return _in_workers(paths, [r.dump() for r in roots], online, password, jobs)


# -- in the workers --------------------------------------------------------------------------

_WORKER: dict = {}


def _start_worker(roots_der: list[bytes], online: bool, password: str | None, language: str) -> None:
    from asn1crypto import x509

    from ..core import messages

    messages.set_language(language)
    _WORKER.update(roots=[x509.Certificate.load(d) for d in roots_der], online=online,
                   password=password)


def _verify_one(path: str):
    from ..core.verify import verify_file

    return verify_file(Path(path), _WORKER["roots"], fetch_revocation=_WORKER["online"],
                       password=_WORKER["password"])


def _context():
    """``fork`` on Linux when this process runs one thread (fast: nothing is
    imported again); ``spawn`` elsewhere (macOS and Windows cannot fork safely)."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _pool(jobs: int, init: tuple):
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_start_worker, initargs=init)


def _in_workers(paths: list[Path], roots_der: list[bytes], online: bool, password: str | None,
                jobs: int) -> list:
    from concurrent.futures.process import BrokenProcessPool

    from ..core import messages

    init = (roots_der, online, password, messages.language())
    results: list = [None] * len(paths)
    try:
        with _pool(jobs, init) as pool:
            futures = [pool.submit(_verify_one, str(p)) for p in paths]
            for i, fut in enumerate(futures):
                try:
                    results[i] = fut.result()
                except BrokenProcessPool:
                    break
    except BrokenProcessPool:
        pass
    for i, p in enumerate(paths):          # what a dead worker left: one file a worker
        if results[i] is None:
            results[i] = _alone(p, init)
    return results


def _alone(path: Path, init: tuple):
    from concurrent.futures.process import BrokenProcessPool

    from ..core import messages
    from ..core.verify import DocumentReport, _sha256

    try:
        with _pool(1, init) as pool:
            return pool.submit(_verify_one, str(path)).result()
    except BrokenProcessPool:
        log.warning("Verifying %s stopped its worker process", path)
        detail = messages.tr("verify.reader_stopped")
        return DocumentReport(str(path), error=messages.tr("verify.unreadable", detail=detail),
                              error_code="verify.unreadable", sha256=_sha256(path))
