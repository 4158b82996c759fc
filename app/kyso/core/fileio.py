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
from typing import BinaryIO, Iterator, Sequence

#: The longest file name (in bytes) the common file systems accept.
NAME_MAX = 255


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
    # The temporary name must fit NAME_MAX even when the target's name does.
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{fit_name(target.name, 120)}.", suffix=".part", dir=target.parent
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


def fit_name(name: str, limit: int = NAME_MAX) -> str:
    """``name`` shortened to ``limit`` bytes (as the OS encodes it), keeping
    its extension and never cutting a character in two."""
    raw = os.fsencode(name)
    if len(raw) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(os.fsencode(ext)) > 16:
        stem, ext = name, ""
    tail = os.fsencode(f".{ext}") if ext else b""
    head = os.fsencode(stem)[: max(limit - len(tail), 1)]
    while head:
        try:  # drop a partial UTF-8 sequence at the cut
            head.decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                break  # not UTF-8 anyway (surrogate-escaped bytes): bytes are fine
            head = head[:exc.start]
    return os.fsdecode(head + tail)


def distinct_outputs(inputs: Sequence[Path | str], out_dir: Path | str) -> list[Path]:
    """One output path in ``out_dir`` per input, never two the same.

    Inputs with the same name (from different folders) get " (2)", " (3)"...
    before the extension; names too long for the file system are shortened,
    keeping the extension. Compared without case, so a batch behaves the same
    on Windows and macOS.
    """
    out_dir = Path(out_dir)
    taken: set[str] = set()
    result = []
    for src in inputs:
        name = Path(src).name
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem:
            stem, dot, ext = name, "", ""
        n = 1
        while True:
            suffix = "" if n == 1 else f" ({n})"
            tail = f"{suffix}{dot}{ext}"
            candidate = fit_name(f"{stem}{tail}")
            if not candidate.endswith(tail):  # the extension itself is huge
                candidate = fit_name(stem, NAME_MAX - len(os.fsencode(tail))) + tail
            if candidate.casefold() not in taken:
                break
            n += 1
        taken.add(candidate.casefold())
        result.append(out_dir / candidate)
    return result


def safe_console() -> None:
    """Print any file name: characters the console cannot encode (a non-UTF-8
    name's bytes) come out escaped instead of raising in the middle of a batch."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
