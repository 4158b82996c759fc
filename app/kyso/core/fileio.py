"""The one place that writes files atomically.

A signed document is either completely there or not there at all: data goes
to a temporary file beside the target, is flushed and fsync'ed, then renamed
over the target (atomic on POSIX and on NTFS via os.replace), and the folder
is fsync'ed so the rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory for fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(target: Path | str) -> Iterator[BinaryIO]:
    """Yield a binary file; on clean exit it replaces ``target`` atomically.

    On any exception the temporary file is removed and ``target`` is left as
    it was (absent, or its previous content).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_bytes_atomic(target: Path | str, data: bytes) -> None:
    with atomic_output(target) as fh:
        fh.write(data)
