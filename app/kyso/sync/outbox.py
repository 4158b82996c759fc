"""The outbox: signed results waiting to reach the server.

Order of durability, so nothing signed is ever lost:

1. the signed PDF is written as a content-addressed blob (temp file, fsync,
   rename, fsync of the folder — :mod:`kyso.core.fileio`);
2. the outbox row is committed (SQLite WAL, ``synchronous=FULL``) with an
   ``Idempotency-Key`` made *now*, the base version's ETag (``If-Match``) and
   the document id;
3. only then is anything uploaded.

Re-sending the same item after any crash (even SIGKILL between the server's
commit and our reading its answer) reuses the key, so the server answers
``200`` with the version it created the first time: no duplicate.

States: ``pending`` → ``done`` (2xx; the blob is kept until a pull shows the
server has that version → ``confirmed``), ``conflict`` (412: our file and the
server's current version are both kept on disk), ``rejected`` (4xx rule refusal,
the server's message kept). Network failures and 5xx are retried with
exponential backoff and jitter, a bounded number of times per call; after that
the item simply stays ``pending`` for the next sync.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .api import ServerClient
from .errors import AuthError, ConflictError, NetworkError, RuleRefused, ServerError, SyncError
from .store import OutboxItem, Store

log = logging.getLogger(__name__)


@dataclass
class RetryPolicy:
    """Bounded retries: ``tries`` attempts per item and call, waits base·2^n ± jitter, capped."""

    tries: int = 5
    base: float = 0.5
    cap: float = 8.0
    jitter: float = 0.5  # fraction of the wait, drawn uniformly in [-j, +j]
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        wait = min(self.cap, self.base * (2 ** attempt))
        return max(0.0, wait * (1 + random.uniform(-self.jitter, self.jitter)))


@dataclass
class FlushReport:
    sent: list[OutboxItem] = field(default_factory=list)
    conflicts: list[OutboxItem] = field(default_factory=list)
    rejected: list[OutboxItem] = field(default_factory=list)
    pending: list[OutboxItem] = field(default_factory=list)
    #: The last retryable error (network/5xx) that left items pending.
    error: SyncError | None = None


def new_idempotency_key() -> str:
    return f"kyso-{uuid.uuid4().hex}"


class Outbox:
    def __init__(self, store: Store, client: ServerClient | None = None, retry: RetryPolicy | None = None):
        self.store = store
        self.client = client
        self.retry = retry or RetryPolicy()

    # -- queueing (works offline) ---------------------------------------------------

    def queue(self, doc_id: int, data: bytes | Path, base_etag: str | None, number: int | None = None) -> OutboxItem:
        """Store ``data`` durably and queue it; returns the committed item.

        ``data`` may be a path (the signed file); its bytes are copied into the
        store, so the caller's file can go away.
        """
        raw = Path(data).read_bytes() if isinstance(data, Path) else bytes(data)
        sha = self.store.put_blob(raw)
        return self.store.add_outbox(doc_id, new_idempotency_key(), base_etag, sha, len(raw), number)

    # -- sending ------------------------------------------------------------------------

    def flush(self) -> FlushReport:
        """Upload every pending item, oldest first. Never raises for one item's
        network/server trouble (it stays pending); raises :class:`AuthError`,
        because every further call would fail the same way."""
        if self.client is None:
            raise ValueError("flush needs a ServerClient")
        report = FlushReport()
        for item in self.store.outbox(status="pending"):
            try:
                done = self._send(item)
            except (NetworkError, ServerError) as exc:
                report.error = exc
                # The network is gone (or the server is sick): the remaining
                # items would only burn their retries too. Leave them pending.
                break
            if done.status == "done":
                report.sent.append(done)
            elif done.status == "conflict":
                report.conflicts.append(done)
            elif done.status == "rejected":
                report.rejected.append(done)
        report.pending = self.store.outbox(status="pending")
        return report

    def _send(self, item: OutboxItem) -> OutboxItem:
        assert self.client is not None
        data = self.store.read_blob(item.sha256)
        last: SyncError | None = None
        for attempt in range(self.retry.tries):
            item = self.store.update_outbox(item.id, attempts=item.attempts + 1)
            try:
                result = self.client.upload_version(item.doc_id, data, item.idem_key, item.base_etag,
                                                    number=item.number)
            except (NetworkError, ServerError) as exc:
                last = exc
                self.store.update_outbox(item.id, last_error=exc.code)
                if attempt + 1 < self.retry.tries:
                    wait = self.retry.delay(attempt)
                    log.info("outbox item %s: %s, retry in %.2fs", item.id, exc.code, wait)
                    self.retry.sleep(wait)
                continue
            except ConflictError as exc:
                return self._conflict(item, exc)
            except RuleRefused as exc:
                log.info("outbox item %s refused by the server: %s", item.id, exc.server_code)
                self.store.set_local_status(item.doc_id, "rejected")
                return self.store.update_outbox(item.id, status="rejected", server_code=exc.server_code,
                                                last_error=exc.server_message)
            except AuthError:
                raise
            log.info("outbox item %s uploaded: version %s (%s)", item.id, result.no,
                     "new" if result.created else "replayed")
            self.store.set_local_status(item.doc_id, "sent")
            return self.store.update_outbox(item.id, status="done", server_version_no=result.no,
                                            server_etag=result.etag, last_error=None)
        assert last is not None
        raise last

    def _conflict(self, item: OutboxItem, exc: ConflictError) -> OutboxItem:
        """Keep both versions: ours (already a blob) and the server's current one."""
        assert self.client is not None
        conflict_sha = None
        etag = exc.current_etag
        try:
            current = self.client.content(item.doc_id)
            if current.data is not None:
                conflict_sha = self.store.put_blob(current.data)
                etag = current.etag or etag
        except SyncError as err:  # still a conflict; the server copy comes with the next pull
            log.info("conflict copy of document %s not downloaded: %s", item.doc_id, err.code)
        doc = self.store.document(item.doc_id)
        name = doc.display_name if doc else f"van-ban-{item.doc_id}.pdf"
        self.store.write_conflict_copy(item.doc_id, "ban ky tren may", name, self.store.read_blob(item.sha256))
        if conflict_sha:
            self.store.write_conflict_copy(item.doc_id, "ban tren may chu", name, self.store.read_blob(conflict_sha))
        self.store.set_local_status(item.doc_id, "conflict")
        return self.store.update_outbox(item.id, status="conflict", conflict_sha=conflict_sha,
                                        conflict_etag=etag, server_code="version_conflict",
                                        last_error="version_conflict")

    def confirm(self, doc_id: int, server_version_no: int | None, lost_after: float = 60.0) -> int:
        """After a pull: ``done`` items the server demonstrably has become ``confirmed``.

        A ``done`` item whose version the server still does not show ``lost_after``
        seconds later is sent again (same key): the reference server answers
        before it commits, so a 2xx alone does not prove the version is stored.
        """
        if server_version_no is None:
            return 0
        n = 0
        now = datetime.now(timezone.utc)
        for item in self.store.outbox(status="done", doc_id=doc_id):
            if item.server_version_no is not None and item.server_version_no <= server_version_no:
                self.store.update_outbox(item.id, status="confirmed")
                n += 1
            elif (now - datetime.fromisoformat(item.updated_at)).total_seconds() > lost_after:
                log.warning("outbox item %s: the server lost version %s; sending again", item.id,
                            item.server_version_no)
                self.store.update_outbox(item.id, status="pending")
        return n
