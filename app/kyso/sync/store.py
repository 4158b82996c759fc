"""The local store: what this computer knows, so work goes on without network.

Layout under ``paths.data_dir() / "store"`` (one folder per person/server):

- ``kyso-store.sqlite3``: SQLite in WAL mode with ``synchronous=FULL``. FULL,
  not NORMAL: in WAL mode NORMAL may lose the last commits on a power cut, and
  the outbox row that says "this signed file must still be sent" is exactly
  such a commit.
- ``blobs/ab/<sha256>.pdf``: PDFs, content-addressed. A file name is never
  taken from the server; the server's name is display text only, cleaned by
  :func:`safe_display_name` before it is used anywhere (even inside our folder).
- ``conflicts/doc-<id>/``: both sides of a version conflict, for a person to see.
- ``.lock``: an OS lock held while a :class:`Store` is open, so two Kyso
  processes never interleave their syncs on one folder (the OS drops the lock
  when a process dies, even by SIGKILL, so a crash never leaves it stuck).

Every file goes through :mod:`kyso.core.fileio` (temp file, fsync, rename).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from kyso.core import paths
from kyso.core.fileio import write_bytes_atomic

from .errors import StoreError

SCHEMA_VERSION = 1
DB_NAME = "kyso-store.sqlite3"

_SCHEMA_V1 = """
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,      -- the server's document id
    meta_json     TEXT NOT NULL,            -- DocumentOut as the server sent it
    meta_etag     TEXT,                     -- ETag of GET /documents/{id}
    state         TEXT NOT NULL,
    display_name  TEXT NOT NULL,            -- cleaned, never used as a path
    waiting       INTEGER NOT NULL DEFAULT 0,
    action        TEXT NOT NULL DEFAULT 'none',
    version_no    INTEGER,                  -- server's current version number
    version_etag  TEXT,                     -- server's current version ETag (If-Match base)
    content_etag  TEXT,                     -- ETag of the cached PDF
    content_sha   TEXT,                     -- sha256 of the cached PDF (a blob)
    local_status  TEXT NOT NULL DEFAULT 'remote',
    reserved_number_json TEXT,              -- clerk's next-number answer, reused on retry
    updated_at    TEXT NOT NULL
);
CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id            INTEGER NOT NULL,
    idem_key          TEXT NOT NULL UNIQUE,   -- made once, at queue time
    base_etag         TEXT,                   -- If-Match
    sha256            TEXT NOT NULL,          -- the signed file (a blob)
    size              INTEGER NOT NULL,
    number            INTEGER,                -- issue step: reserved number
    status            TEXT NOT NULL,          -- pending|done|conflict|rejected|confirmed
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    server_code       TEXT,
    server_version_no INTEGER,
    server_etag       TEXT,
    conflict_sha      TEXT,
    conflict_etag     TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX outbox_status ON outbox(status, id);
"""

_MIGRATIONS = {1: _SCHEMA_V1}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_RESERVED_WIN = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def safe_display_name(name: str | None, fallback: str = "van-ban.pdf", max_len: int = 120) -> str:
    """A server-provided file name made harmless, for display or a file in *our* folder.

    Only the last path component survives (``../../etc/passwd`` → ``passwd``,
    ``C:\\x\\y.pdf`` → ``y.pdf``); control and bidi-override characters are
    dropped (they can make ``fdp.exe`` look like ``exe.pdf``); Windows-reserved
    names and characters are replaced; leading dots go (no hidden files); the
    result ends in ``.pdf``. Vietnamese letters are kept (NFC).
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = _CONTROL.sub("", text)
    text = text.replace("\\", "/").split("/")[-1]
    text = re.sub(r'[<>:"|?*]', "_", text).strip().lstrip(".").strip()
    if not text:
        text = fallback
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    if stem.upper() in _RESERVED_WIN or not stem:
        stem = f"_{stem}"
    if ext.lower() != "pdf":
        stem, ext = text, "pdf"
    stem = stem[: max_len - 4].rstrip(" .") or "van-ban"
    return f"{stem}.{ext}"


@dataclass
class Document:
    id: int
    meta: dict[str, Any]
    state: str
    display_name: str
    waiting: bool
    action: str
    version_no: int | None
    version_etag: str | None
    content_etag: str | None
    content_sha: str | None
    local_status: str
    reserved_number: dict[str, Any] | None
    meta_etag: str | None = None   # ETag of the metadata, for If-None-Match

    @property
    def subject(self) -> str:
        return str(self.meta.get("subject", ""))


@dataclass
class OutboxItem:
    id: int
    doc_id: int
    idem_key: str
    base_etag: str | None
    sha256: str
    size: int
    number: int | None
    status: str
    attempts: int
    last_error: str | None
    server_code: str | None
    server_version_no: int | None
    server_etag: str | None
    conflict_sha: str | None
    conflict_etag: str | None
    created_at: str = ""
    updated_at: str = ""


class _FileLock:
    """An exclusive, non-blocking OS lock on one file (released by the OS on death)."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+b")  # kept open while locked
        try:
            if os.name == "nt":
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self.fh = fh
        return True

    def release(self) -> None:
        if self.fh is None:
            return
        try:
            if os.name == "nt":
                import msvcrt

                self.fh.seek(0)
                msvcrt.locking(self.fh.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
        finally:
            self.fh.close()
            self.fh = None


def default_store_dir() -> Path:
    return paths.data_dir() / "store"


class Store:
    """The local store; one open :class:`Store` per folder at a time (lock file)."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else default_store_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = _FileLock(self.root / ".lock")
        if not self._lock.acquire():
            raise StoreError("sync.store_locked", path=str(self.root))
        try:
            self.db = sqlite3.connect(self.root / DB_NAME, isolation_level=None, timeout=10)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except BaseException:
            self._lock.release()
            raise

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.db.close()
        self._lock.release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _migrate(self) -> None:
        found = self.db.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise StoreError("sync.store_too_new", path=str(self.root), found=found, known=SCHEMA_VERSION)
        for version in range(found + 1, SCHEMA_VERSION + 1):
            with self.tx():
                for stmt in _MIGRATIONS[version].split(";"):
                    if stmt.strip():
                        self.db.execute(stmt)
                self.db.execute(f"PRAGMA user_version={version}")

    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; committed (and, with synchronous=FULL, durable) on exit."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- settings ---------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        with self.tx():
            if value is None:
                self.db.execute("DELETE FROM settings WHERE key=?", (key,))
            else:
                self.db.execute("INSERT INTO settings(key, value) VALUES(?, ?) "
                                "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    @property
    def cursor(self) -> str | None:
        """The inbox cursor from the last complete page of a pull."""
        return self.get_setting("inbox_cursor")

    @cursor.setter
    def cursor(self, value: str | None) -> None:
        self.set_setting("inbox_cursor", value)

    # -- blobs -------------------------------------------------------------------

    def blob_path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
            raise ValueError("not a sha256 hex digest")
        return self.root / "blobs" / sha256[:2] / f"{sha256}.pdf"

    def put_blob(self, data: bytes) -> str:
        """Store bytes durably under their SHA-256; returns the digest."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.blob_path(sha)
        if not (target.exists() and target.stat().st_size == len(data)):
            write_bytes_atomic(target, data, private=True)
        return sha

    def read_blob(self, sha256: str) -> bytes:
        """The blob's bytes, checked against its name (a damaged cache is never signed)."""
        data = self.blob_path(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise OSError(f"blob {sha256} is damaged")
        return data

    def has_blob(self, sha256: str | None) -> bool:
        return bool(sha256) and self.blob_path(sha256).exists()

    def write_conflict_copy(self, doc_id: int, label: str, display_name: str, data: bytes) -> Path:
        """A human-visible copy of one side of a conflict, inside our folder only."""
        stem = safe_display_name(display_name)[:-4]
        name = safe_display_name(f"{stem} ({label}).pdf")
        target = self.root / "conflicts" / f"doc-{int(doc_id)}" / name
        write_bytes_atomic(target, data, private=True)
        return target

    def gc_blobs(self) -> int:
        """Remove blobs nothing refers to any more; returns how many."""
        keep: set[str] = set()
        for (sha,) in self.db.execute("SELECT content_sha FROM documents WHERE content_sha IS NOT NULL"):
            keep.add(sha)
        for row in self.db.execute("SELECT sha256, conflict_sha FROM outbox WHERE status != 'confirmed'"):
            keep.update(s for s in row if s)
        removed = 0
        folder = self.root / "blobs"
        if not folder.exists():
            return 0
        for path in folder.glob("*/*.pdf"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    # -- documents -----------------------------------------------------------------

    @staticmethod
    def _doc(row: sqlite3.Row) -> Document:
        return Document(
            id=row["id"], meta=json.loads(row["meta_json"]), state=row["state"],
            display_name=row["display_name"], waiting=bool(row["waiting"]), action=row["action"],
            version_no=row["version_no"], version_etag=row["version_etag"],
            content_etag=row["content_etag"], content_sha=row["content_sha"],
            local_status=row["local_status"],
            reserved_number=json.loads(row["reserved_number_json"]) if row["reserved_number_json"] else None,
            meta_etag=row["meta_etag"],
        )

    def upsert_document(self, meta: dict[str, Any], waiting: bool, action: str, meta_etag: str | None = None) -> Document:
        cv = meta.get("current_version") or {}
        display = safe_display_name(meta.get("filename"))
        with self.tx():
            self.db.execute(
                """INSERT INTO documents(id, meta_json, meta_etag, state, display_name, waiting, action,
                                         version_no, version_etag, updated_at)
                   VALUES(?,?,?,?,?,?,?,?,?,?)
                   ON CONFLICT(id) DO UPDATE SET meta_json=excluded.meta_json,
                       meta_etag=COALESCE(excluded.meta_etag, documents.meta_etag),
                       state=excluded.state, display_name=excluded.display_name,
                       waiting=excluded.waiting, action=excluded.action,
                       version_no=excluded.version_no, version_etag=excluded.version_etag,
                       updated_at=excluded.updated_at""",
                (int(meta["id"]), json.dumps(meta, ensure_ascii=False), meta_etag, str(meta.get("state", "")),
                 display, int(bool(waiting)), action, cv.get("no"), cv.get("etag"), now_iso()),
            )
        return self.document(int(meta["id"]))

    def set_content(self, doc_id: int, sha256: str, etag: str | None) -> None:
        with self.tx():
            self.db.execute(
                "UPDATE documents SET content_sha=?, content_etag=?, "
                "local_status=CASE WHEN local_status='remote' THEN 'cached' ELSE local_status END, "
                "updated_at=? WHERE id=?", (sha256, etag, now_iso(), doc_id))

    def set_local_status(self, doc_id: int, status: str) -> None:
        with self.tx():
            self.db.execute("UPDATE documents SET local_status=?, updated_at=? WHERE id=?",
                            (status, now_iso(), doc_id))

    def set_reserved_number(self, doc_id: int, answer: dict[str, Any] | None) -> None:
        with self.tx():
            self.db.execute("UPDATE documents SET reserved_number_json=?, updated_at=? WHERE id=?",
                            (json.dumps(answer, ensure_ascii=False) if answer else None, now_iso(), doc_id))

    def document(self, doc_id: int) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE id=?", (int(doc_id),)).fetchone()
        return self._doc(row) if row else None

    def documents(self, waiting_only: bool = False) -> list[Document]:
        sql = "SELECT * FROM documents" + (" WHERE waiting=1" if waiting_only else "") + " ORDER BY id"
        return [self._doc(r) for r in self.db.execute(sql)]

    # -- outbox --------------------------------------------------------------------

    @staticmethod
    def _item(row: sqlite3.Row) -> OutboxItem:
        return OutboxItem(**{k: row[k] for k in OutboxItem.__dataclass_fields__})

    def add_outbox(self, doc_id: int, idem_key: str, base_etag: str | None, sha256: str, size: int,
                   number: int | None = None) -> OutboxItem:
        """Queue a signed file whose blob is already durable; the commit makes it durable too."""
        if not self.has_blob(sha256):
            raise ValueError("the blob must be stored before it is queued")
        t = now_iso()
        with self.tx():
            cur = self.db.execute(
                "INSERT INTO outbox(doc_id, idem_key, base_etag, sha256, size, number, status, created_at, updated_at)"
                " VALUES(?,?,?,?,?,?, 'pending', ?, ?)",
                (int(doc_id), idem_key, base_etag, sha256, size, number, t, t))
            self.db.execute("UPDATE documents SET local_status='signed', updated_at=? WHERE id=?", (t, doc_id))
        return self.outbox_item(cur.lastrowid)

    def outbox_item(self, item_id: int) -> OutboxItem:
        return self._item(self.db.execute("SELECT * FROM outbox WHERE id=?", (item_id,)).fetchone())

    def outbox(self, status: str | None = None, doc_id: int | None = None) -> list[OutboxItem]:
        sql, args = "SELECT * FROM outbox WHERE 1=1", []
        if status:
            sql += " AND status=?"
            args.append(status)
        if doc_id is not None:
            sql += " AND doc_id=?"
            args.append(int(doc_id))
        return [self._item(r) for r in self.db.execute(sql + " ORDER BY id", args)]

    def update_outbox(self, item_id: int, **fields: Any) -> OutboxItem:
        allowed = set(OutboxItem.__dataclass_fields__) - {"id", "doc_id", "idem_key", "sha256", "size",
                                                           "created_at", "updated_at"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"cannot update {bad}")
        sets = ", ".join(f"{k}=?" for k in fields) + ", updated_at=?"
        with self.tx():
            self.db.execute(f"UPDATE outbox SET {sets} WHERE id=?", (*fields.values(), now_iso(), item_id))
        return self.outbox_item(item_id)
