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


def _umask() -> int:
    """The process umask, read without changing it where the OS allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)   # elsewhere: read by setting (restored at once)
    os.umask(mask)
    return mask


def normal_file_mode(target: Path) -> int:
    """The permissions ``open(target, "w")`` would leave: the existing file's
    when it is replaced, else 0666 minus the umask (0644 usually)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_output(target: Path | str, private: bool = False) -> Iterator[BinaryIO]:
    """Yield a binary file; on clean exit it replaces ``target`` atomically.

    The result gets the permissions a file normally written there would get
    (:func:`normal_file_mode`: signed documents are shared like their
    neighbours), unless ``private``: then it stays readable by its owner only
    (0600, what the temporary file is created with).

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
            if not private and os.name == "posix":
                os.fchmod(fh.fileno(), normal_file_mode(target))
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_bytes_atomic(target: Path | str, data: bytes, private: bool = False) -> None:
    with atomic_output(target, private=private) as fh:
        fh.write(data)
