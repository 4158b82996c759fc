"""Small helpers shared by the sync tests."""

from __future__ import annotations

from pathlib import Path

from kyso.sync.engine import Sync
from kyso.sync.store import Store

from .conftest import FAST_RETRY

SUBMITTED = "Kế hoạch triển khai công tác phổ biến"  # the demo document waiting for the reviewer


def open_client(live_server, tmp_path: Path, user: str, base_url: str | None = None):
    """(store, sync) for one person on one computer (their own store folder)."""
    store = Store(tmp_path / f"store-{user}")
    client = live_server.client(user, base_url)
    return store, Sync(store, client, FAST_RETRY)


def find_doc(store: Store, prefix: str):
    return next(d for d in store.documents() if d.subject.startswith(prefix))


def server_versions(live_server, doc_id: int, user: str = "chanhvp") -> list[dict]:
    return live_server.client(user).versions(doc_id)
