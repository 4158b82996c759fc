"""What a person does with a stored document: sign it (offline too), get a number,
return it ("Trả lại") with a comment.

``sign_from_store`` signs the cached PDF (never a file the server named) and
queues the result in the outbox with the ETag of exactly the bytes that were
signed, so the server can tell if someone else moved the document on meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from typing import Any

from kyso.core.fileio import write_bytes_atomic
from kyso.core.signing import SignOptions, sign_document

from .api import ServerClient
from .errors import StoreError
from .outbox import Outbox
from .store import OutboxItem, Store

log = logging.getLogger(__name__)


def sign_from_store(store: Store, doc_id: int, signer, options: SignOptions = SignOptions()) -> OutboxItem:
    """Sign the cached PDF of ``doc_id`` and queue it; works without network.

    The signed file is durable (blob fsynced, outbox row committed) when this
    returns. For the issue step the number reserved by :func:`assign_number`
    (if any) travels with the item. Raises :class:`StoreError` if the document
    is not cached or a signed copy already waits to be sent.
    """
    doc = store.document(doc_id)
    if doc is None or not store.has_blob(doc.content_sha):
        raise StoreError("sync.doc_not_cached", doc=doc_id)
    if store.outbox(status="pending", doc_id=doc_id):
        raise StoreError("sync.already_queued", doc=doc_id)
    try:
        base = store.read_blob(doc.content_sha)
    except OSError as exc:
        raise StoreError("sync.cache_corrupt", doc=doc_id) from exc
    work = store.root / "work"
    token = uuid.uuid4().hex
    src, dst = work / f"{token}-base.pdf", work / f"{token}-signed.pdf"
    try:
        write_bytes_atomic(src, base, private=True)
        sign_document(signer, src, dst, options)
        number = None
        if doc.state == "signed" and doc.reserved_number:
            number = int(doc.reserved_number["number"])
        item = Outbox(store).queue(doc_id, dst, doc.content_etag, number=number)
    finally:
        for p in (src, dst):
            with contextlib.suppress(OSError):
                p.unlink()
    log.info("document %s signed locally; outbox item %s queued", doc_id, item.id)
    return item


def assign_number(client: ServerClient, store: Store, doc_id: int) -> dict[str, Any]:
    """The clerk's number for ``doc_id``: reserved once on the server, remembered here.

    A retry (or a crash and a retry) returns the remembered reservation without
    asking again; the server also returns the same reservation for the same
    document, so even a lost answer costs no number.
    """
    doc = store.document(doc_id)
    if doc is None:
        raise StoreError("sync.doc_not_cached", doc=doc_id)
    if doc.reserved_number:
        return doc.reserved_number
    answer = client.next_number(str(doc.meta["register_id"]), document_id=doc_id)
    store.set_reserved_number(doc_id, answer)
    return answer


def return_document(client: ServerClient, store: Store, doc_id: int, comment: str) -> None:
    """Trả lại: the document goes back to the drafting unit with ``comment``.

    Needs the server (the return is the server's state change, not a local
    one); the stored copy then no longer waits for me. A signed copy still
    waiting to be sent is refused first: returning would strand it.
    """
    from .engine import action_for

    if store.outbox(status="pending", doc_id=doc_id):
        raise StoreError("sync.already_queued", doc=doc_id)
    meta = client.return_document(doc_id, comment)
    store.upsert_document(meta, False, action_for(meta, False))
    log.info("document %s returned", doc_id)
