"""Sync = push the outbox, then pull the inbox. Resumable at any point.

Why it survives a crash anywhere:

- push: an outbox row leaves ``pending`` only after the server's 2xx is read;
  a re-send after a kill reuses the row's Idempotency-Key (server replays → 200).
- pull: the inbox cursor is saved only after every item of its page is stored
  (metadata committed, PDF blob fsynced). A kill in between repeats that page
  next time, which is harmless: documents are upserted by server id, PDFs are
  content-addressed and re-checked against the server's ``X-Content-SHA256``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from .api import ServerClient
from .errors import NetworkError, RuleRefused, ServerError, SyncError
from .outbox import FlushReport, Outbox, RetryPolicy
from .store import Store

log = logging.getLogger(__name__)

#: What a document waiting for me asks of me, by (path, state).
_ACTIONS = {
    ("ubnd", "draft"): "submit",
    ("ubnd", "returned"): "edit",
    ("ubnd", "submitted"): "initial",
    ("ubnd", "initialled"): "sign",
    ("ubnd", "signed"): "issue",
    ("unit", "draft"): "sign",
    ("unit", "returned"): "edit",
    ("unit", "signed"): "issue",
}

MAX_PAGES = 50  # a pull is bounded: 50 pages × 500 items
PAGE_SIZE = 500


def action_for(meta: dict[str, Any], waiting: bool) -> str:
    if not waiting:
        return "none"
    return _ACTIONS.get((str(meta.get("path")), str(meta.get("state"))), "none")


@dataclass
class PullReport:
    updated: int = 0
    downloaded: int = 0
    confirmed: int = 0
    waiting: int = 0


@dataclass
class SyncReport:
    push: FlushReport = field(default_factory=FlushReport)
    pull: PullReport | None = None
    error: SyncError | None = None


class Sync:
    def __init__(self, store: Store, client: ServerClient, retry: RetryPolicy | None = None):
        self.store = store
        self.client = client
        self.outbox = Outbox(store, client, retry)

    # -- push ------------------------------------------------------------------

    def push(self) -> FlushReport:
        return self.outbox.flush()

    # -- pull ------------------------------------------------------------------

    def pull(self) -> PullReport:
        report = PullReport()
        cursor = self.store.cursor
        full = cursor is None
        seen: set[int] = set()
        for _ in range(MAX_PAGES):
            try:
                page = self.client.inbox(since=cursor, limit=PAGE_SIZE)
            except RuleRefused as exc:
                if exc.server_code != "invalid_cursor":
                    raise
                log.info("inbox cursor refused by the server; pulling everything again")
                self.store.cursor = None
                cursor, full = None, True
                continue
            for it in page["items"]:
                self._apply(it["document"], bool(it.get("waiting")), report)
                seen.add(int(it["document"]["id"]))
            cursor = str(page["cursor"])
            self.store.cursor = cursor  # only now: the whole page is stored
            if not page.get("has_more"):
                break
        if full:
            # A full pull lists only what waits for me: anything else we
            # remember is no longer waiting.
            for doc in self.store.documents(waiting_only=True):
                if doc.id not in seen:
                    self.store.upsert_document(doc.meta, False, "none")
        report.waiting = len(self.store.documents(waiting_only=True))
        return report

    def _apply(self, meta: dict[str, Any], waiting: bool, report: PullReport) -> None:
        doc_id = int(meta["id"])
        before = self.store.document(doc_id)
        doc = self.store.upsert_document(meta, waiting, action_for(meta, waiting))
        if before is None or before.version_etag != doc.version_etag or before.state != doc.state:
            report.updated += 1
        cv = meta.get("current_version") or {}
        report.confirmed += self.outbox.confirm(doc_id, cv.get("no"))
        if waiting and cv and (doc.content_etag != cv.get("etag") or not self.store.has_blob(doc.content_sha)):
            self.fetch_content(doc_id)
            report.downloaded += 1

    def fetch_content(self, doc_id: int) -> str:
        """Download (or confirm by ETag) the current PDF; returns its sha256."""
        doc = self.store.document(doc_id)
        etag = doc.content_etag if doc and self.store.has_blob(doc.content_sha) else None
        got = self.client.content(doc_id, etag=etag)
        if got.not_modified and doc and doc.content_sha:
            return doc.content_sha
        if got.data is None:
            raise ServerError("sync.bad_response", status=304, server=self.client.base_url, detail="304")
        sha = hashlib.sha256(got.data).hexdigest()
        if got.sha256 and got.sha256.lower() != sha:
            raise ServerError("sync.content_mismatch", status=200, server=self.client.base_url)
        self.store.put_blob(got.data)
        self.store.set_content(doc_id, sha, got.etag)
        if not self.store.outbox(status="pending", doc_id=doc_id):
            # A fresh server version supersedes a finished, refused or conflicting
            # local attempt: the document is ready to be worked on again.
            self.store.set_local_status(doc_id, "cached")
        return sha

    def refresh_document(self, doc_id: int) -> bool:
        """Re-read one document's metadata with If-None-Match; True if it changed."""
        doc = self.store.document(doc_id)
        meta, etag = self.client.document(doc_id, etag=doc.meta_etag if doc else None)
        if meta is None:
            return False
        waiting = doc.waiting if doc else False
        self.store.upsert_document(meta, waiting, action_for(meta, waiting), meta_etag=etag)
        return True

    # -- both --------------------------------------------------------------------

    def sync(self) -> SyncReport:
        """Push first (our signed work is the most valuable thing here), then pull."""
        report = SyncReport()
        report.push = self.push()
        if isinstance(report.push.error, NetworkError):
            report.error = report.push.error
            return report
        try:
            report.pull = self.pull()
        except (NetworkError, ServerError) as exc:
            report.error = exc
        if report.error is None:
            report.error = report.push.error
        self.store.gc_blobs()
        return report
