"""The server's documents as a document source: the sync store and engine.

Threads: SQLite connections belong to the thread that opened them, and two
syncs (or a sync and a signing) must never interleave on one store. So a
:class:`SyncSource` owns one *store thread*: the :class:`Store` is opened
there and every store, sync and network call runs there, one at a time.
Public methods that touch the store submit to that thread and wait for the
answer, so they are meant for the GUI's background worker
(the desktop app's :func:`kyso.gui.worker.run_in_background`), never for
the GUI thread.

The two exceptions, safe on the GUI thread because they only read memory:
:meth:`SyncSource.pdf_path` (paths remembered by the last
:meth:`list_documents`) and :attr:`SyncSource.status` (the last known state).

Signing goes through :func:`kyso.sync.actions.sign_from_store` (see
:meth:`SyncSource.sign_job`): the signed file is a blob and its outbox row is
committed before the upload is even tried, so a crash or a dead network loses
nothing.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from ..core import paths
from ..core.role import Role
from ..core.signing import SignOptions
from ..sync import credentials
from ..sync.actions import assign_number, return_document, sign_from_store
from ..sync.api import ServerClient
from ..sync.engine import Sync, SyncReport
from ..sync.errors import AuthError, NetworkError, ServerError, StoreError, SyncError
from ..sync.outbox import Outbox, RetryPolicy
from ..sync.store import Store, default_store_dir
from .batch import Job, OutboxSink
from .sources import Capability, DocumentRow

log = logging.getLogger(__name__)

#: Outbox status a person discarded ("Dùng bản trên máy chủ"); kept, never sent.
DISCARDED = "discarded"


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows; built on the store thread, read on the GUI thread."""

    online: bool | None = None        # None: not tried yet
    last_sync: datetime | None = None
    waiting_upload: int = 0           # outbox items still to send
    conflicts: int = 0
    problem: SyncError | None = None  # what stopped the last sync
    auth_needed: bool = False

    @property
    def error(self) -> str:
        """The last sync's problem for a person, in the language of the moment."""
        return self.problem.message if self.problem is not None else ""


def store_dir_for(server_url: str, username: str) -> Path:
    """The store folder for one person on one server.

    The CLI's default folder (``kyso sync``) is used when it belongs to the
    same person or to no one yet, so the two faces share one store; anyone
    else gets a folder of their own beside it.
    """
    base = default_store_dir()
    try:
        import sqlite3

        db = base / "kyso-store.sqlite3"
        if not db.exists():
            return base
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
        try:
            rows = dict(con.execute("SELECT key, value FROM settings WHERE key IN ('server_url','username')"))
        finally:
            con.close()
    except Exception:  # noqa: BLE001 - unreadable: keep away from it
        rows = {"username": "?"}
    if not rows or (rows.get("server_url", "").rstrip("/") == server_url.rstrip("/")
                    and rows.get("username") == username):
        return base
    tag = hashlib.sha256(f"{server_url.rstrip('/')}|{username}".encode()).hexdigest()[:10]
    safe = "".join(ch for ch in username if ch.isalnum() or ch in "-_") or "user"
    return paths.data_dir() / f"store-{safe}-{tag}"


def _received(meta: dict[str, Any]) -> datetime | None:
    cv = meta.get("current_version") or {}
    text = cv.get("created_at") or meta.get("updated_at")
    if not text:
        return None
    try:
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)   # shown in local time
    return when


class SyncSource:
    """Documents of one person on one document server (see module doc)."""

    capabilities = frozenset({Capability.SYNC, Capability.RESERVE_NUMBER, Capability.RETURN,
                              Capability.CONFLICTS, Capability.STORED_RESULTS})

    def __init__(self, server_url: str, username: str, store_dir: Path | str | None = None, *,
                 client: ServerClient | None = None, retry: RetryPolicy | None = None,
                 timeout: tuple[float, float] | None = None):
        self.server_url = server_url.rstrip("/")
        self.username = username
        self.store_dir = Path(store_dir) if store_dir else store_dir_for(self.server_url, username)
        self.retry = retry or RetryPolicy(tries=3, base=0.3, cap=2.0)
        self._timeout = timeout
        self._client = client
        self._paths: dict[str, Path] = {}
        self._rows: dict[str, DocumentRow] = {}
        self.status = SyncStatus()
        self._thread = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kyso-store")
        self._store: Store | None = None
        self._closed = False
        self._call(self._open)

    # -- the store thread -----------------------------------------------------------

    def _call(self, fn: Callable, *args, **kwargs):
        """Run ``fn`` on the store thread and wait for it (never from the GUI thread)."""
        if self._closed:
            raise StoreError("sync.store_locked", path=str(self.store_dir))
        if threading.current_thread() is threading.main_thread():
            log.debug("SyncSource.%s called on the main thread", getattr(fn, "__name__", fn))
        return self._thread.submit(fn, *args, **kwargs).result()

    def _open(self) -> None:
        self._store = Store(self.store_dir)
        self._store.set_setting("server_url", self.server_url)
        self._store.set_setting("username", self.username)
        last = self._store.get_setting("gui_last_sync")
        self.status = self._status(online=None, last=datetime.fromisoformat(last) if last else None)

    @property
    def store(self) -> Store:
        """The store (only for code already running on the store thread)."""
        assert self._store is not None
        return self._store

    def close(self) -> None:
        if self._closed:
            return
        try:
            self._call(lambda: self._store.close() if self._store else None)
        finally:
            self._closed = True
            self._thread.shutdown(wait=True)

    # -- server login ---------------------------------------------------------------

    def _new_client(self, token: str | None = None) -> ServerClient:
        kw = {"timeout": self._timeout, "upload_timeout": self._timeout} if self._timeout else {}
        return ServerClient(self.server_url, token, **kw)

    def has_login(self) -> bool:
        """A token is at hand (this session or the keyring); reads the keyring."""
        return self._client is not None or bool(credentials.load_token(self.server_url, self.username))

    def login(self, password: str) -> bool:
        """Log in; the token goes to the keyring. Returns False if only kept in memory."""
        def work():
            client = self._new_client()
            client.login(self.username, password)
            self._client = client
            return credentials.save_token(self.server_url, self.username, client.token)

        return self._call(work)

    def _client_or_raise(self) -> ServerClient:
        if self._client is None:
            token = credentials.load_token(self.server_url, self.username)
            if not token:
                raise AuthError("sync.auth_required", server=self.server_url)
            self._client = self._new_client(token)
        return self._client

    # -- rows -------------------------------------------------------------------------

    def list_documents(self) -> list[DocumentRow]:
        return self._call(self._list)

    def _list(self) -> list[DocumentRow]:
        store = self.store
        by_doc: dict[int, list] = {}
        for item in store.outbox():
            by_doc.setdefault(item.doc_id, []).append(item)
        rows, new_paths = [], {}
        for doc in store.documents():
            items = by_doc.get(doc.id, [])
            pending = [i for i in items if i.status == "pending"]
            conflict = [i for i in items if i.status == "conflict"]
            sent = [i for i in items if i.status == "done"]
            m = doc.meta
            action = Role.from_server_action(doc.action) if doc.waiting else None
            if pending:
                status, action = "Đã ký, chờ gửi lên máy chủ", None
            elif conflict:
                status, action = "Xung đột phiên bản", None
            elif sent:
                status, action = "Đã gửi, chờ máy chủ xác nhận", None
            elif doc.local_status == "rejected":
                status = "Máy chủ từ chối: " + (items[-1].last_error or "") if items else "Máy chủ từ chối"
                action = None
            else:
                status = str(m.get("state_label") or doc.state)
                if action and not store.has_blob(doc.content_sha):
                    status += " (chưa tải về)"
            # my latest signed copy is what I see until the server has it
            mine = (pending or conflict or sent)
            path = None
            if mine and store.has_blob(mine[-1].sha256):
                path = store.blob_path(mine[-1].sha256)
            elif store.has_blob(doc.content_sha):
                path = store.blob_path(doc.content_sha)
            key = str(doc.id)
            if path is not None:
                new_paths[key] = path
            number = str(m.get("number_formatted") or m.get("number") or "")
            if not number and doc.reserved_number:
                number = str(doc.reserved_number.get("number") or "")
            if number and "/" not in number and m.get("notation"):
                number = f"{number}/{m['notation']}"      # số, ký hiệu: 607/UBND-VP
            if not number and m.get("notation"):
                number = f"…/{m['notation']}"
            direction = "sent" if doc.state == "issued" else ("outgoing" if m.get("path") else "incoming")
            rows.append(DocumentRow(
                doc_id=key, number=number, subject=doc.subject, doc_type=str(m.get("doc_type") or ""),
                urgency=str(m.get("urgency") or "Thường"), sender=str(m.get("from_organ_name") or ""),
                received=_received(m), status=status, action=action, direction=direction,
                conflict=bool(conflict), secrecy=str(m.get("secrecy") or "")))
        rows.sort(key=lambda r: (r.action is None, -(r.received.timestamp() if r.received else 0)))
        self._paths = new_paths
        self._rows = {r.doc_id: r for r in rows}
        return rows

    def pdf_path(self, doc_id: str) -> Path:
        """The cached PDF (or my signed copy waiting to go); memory only, GUI-safe."""
        try:
            return self._paths[str(doc_id)]
        except KeyError:
            raise StoreError("sync.doc_not_cached", doc=doc_id) from None

    def store_result(self, doc_id: str, signed_path: Path, role: str | None = None) -> None:
        """A file signed elsewhere goes to the outbox (the GUI uses :meth:`sign_job`)."""
        def work():
            doc = self.store.document(int(doc_id))
            if doc is None:
                raise StoreError("sync.doc_not_cached", doc=doc_id)
            number = int(doc.reserved_number["number"]) if role == Role.AGENCY and doc.reserved_number else None
            Outbox(self.store).queue(int(doc_id), Path(signed_path), doc.content_etag, number=number)
            Path(signed_path).unlink(missing_ok=True)

        self._call(work)

    # -- signing (durable before anything is sent) -------------------------------------

    def sign_job(self, signer, doc_id: str, options: SignOptions) -> Path:
        """Sign the cached PDF of ``doc_id`` into the outbox; returns the signed blob.

        Raises :class:`KysoError` (token, document, store) when it cannot be done."""
        def work() -> Path:
            item = sign_from_store(self.store, int(doc_id), signer, options)
            path = self.store.blob_path(item.sha256)
            self._paths[str(doc_id)] = path
            return path

        return self._call(work)

    def job(self, doc_id: str, role: Role) -> Job:
        """The batch job for ``doc_id``: its cached PDF, signed into the outbox."""
        return Job(self.pdf_path(doc_id), None, doc_id)

    def sink(self, role: Role) -> OutboxSink:
        return OutboxSink(self.sign_job)

    def return_document(self, doc_id: str, comment: str) -> None:
        """Trả lại: back to the drafting unit with ``comment`` (network)."""
        self._call(lambda: return_document(self._client_or_raise(), self.store, int(doc_id), comment))

    def reserve_number(self, doc_id: str) -> dict[str, Any]:
        """The clerk's number from the register (once per document; network)."""
        return self._call(lambda: assign_number(self._client_or_raise(), self.store, int(doc_id)))

    def reserved_number(self, doc_id: str) -> dict[str, Any] | None:
        def work():
            doc = self.store.document(int(doc_id))
            return doc.reserved_number if doc else None

        return self._call(work)

    # -- sync ---------------------------------------------------------------------------

    def sync(self) -> SyncStatus:
        """Push the outbox, then pull the inbox; returns the new status (never raises
        for network trouble: the status says offline)."""
        return self._call(self._sync)

    def _sync(self) -> SyncStatus:
        try:
            client = self._client_or_raise()
            report: SyncReport = Sync(self.store, client, self.retry).sync()
        except AuthError as exc:
            self._client = None
            self.status = self._status(online=True, problem=exc, auth_needed=True)
            return self.status
        except (NetworkError, ServerError) as exc:
            self.status = self._status(online=False, problem=exc)
            return self.status
        err = report.error
        if err is None:
            self._refresh_my_documents(Sync(self.store, client, self.retry))
        online = not isinstance(err, (NetworkError, ServerError))
        if isinstance(err, AuthError):
            self._client = None
        last = None
        if err is None:
            last = datetime.now()
            self.store.set_setting("gui_last_sync", last.isoformat(timespec="seconds"))
        self.status = self._status(online=online, last=last, problem=err,
                                   auth_needed=isinstance(err, AuthError))
        return self.status

    def _refresh_my_documents(self, engine: Sync) -> None:
        """Documents I signed and the server has since confirmed: fetch the server's
        current version, so that what I see is what was issued (a pull fetches only
        what still waits for me, and my own sent copy is collected once confirmed)."""
        mine = {i.doc_id for i in self.store.outbox() if i.status in ("confirmed", "done")}
        for doc_id in sorted(mine):
            doc = self.store.document(doc_id)
            if doc is None or not doc.version_etag:
                continue
            if doc.content_etag != doc.version_etag or not self.store.has_blob(doc.content_sha):
                try:
                    engine.fetch_content(doc_id)
                except SyncError as exc:
                    log.info("current version of %s not fetched: %s", doc_id, exc.code)

    def _status(self, online: bool | None, last: datetime | None = None,
                problem: SyncError | None = None, auth_needed: bool = False) -> SyncStatus:
        store = self.store
        return SyncStatus(
            online=online,
            last_sync=last or self.status.last_sync,
            waiting_upload=len(store.outbox(status="pending")),
            conflicts=len(store.outbox(status="conflict")),
            problem=problem, auth_needed=auth_needed)

    def refresh_status(self) -> SyncStatus:
        """Counts from the store, without the network."""
        return self._call(lambda: setattr(self, "status", replace(
            self._status(self.status.online), problem=self.status.problem)) or self.status)

    # -- conflicts --------------------------------------------------------------------------

    def conflict_copies(self, doc_id: str) -> tuple[Path | None, Path | None]:
        """(my signed copy, the server's copy) of a conflicting document, as blobs."""
        def work():
            items = self.store.outbox(status="conflict", doc_id=int(doc_id))
            if not items:
                return None, None
            it = items[-1]
            mine = self.store.blob_path(it.sha256) if self.store.has_blob(it.sha256) else None
            theirs = (self.store.blob_path(it.conflict_sha)
                      if it.conflict_sha and self.store.has_blob(it.conflict_sha) else None)
            return mine, theirs

        return self._call(work)

    def use_server_version(self, doc_id: str) -> SyncStatus:
        """"Dùng bản trên máy chủ": my conflicting copy is set aside (kept, never sent)
        and the server's current version is fetched again. A signed PDF cannot be
        re-based onto another version: the person signs the new one if it still
        waits for them."""
        def work():
            for it in self.store.outbox(status="conflict", doc_id=int(doc_id)):
                self.store.update_outbox(it.id, status=DISCARDED, last_error="discarded_by_user")
            self.store.set_local_status(int(doc_id), "cached")
            try:
                Sync(self.store, self._client_or_raise(), self.retry).fetch_content(int(doc_id))
            except SyncError as exc:
                log.info("server copy of %s not fetched now: %s", doc_id, exc.code)
            # A full pull re-reads what waits for me (the document may have moved on
            # to someone else). Not ``Sync.refresh_document``: it reads a
            # ``Document.meta_etag`` the store's Document does not have (reported).
            self.store.cursor = None
            return self._sync()

        return self._call(work)
