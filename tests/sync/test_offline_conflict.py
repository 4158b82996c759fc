"""Offline signing, idempotent re-upload, and version conflicts (real server, real tokens)."""

from __future__ import annotations

from kyso.sync.actions import sign_from_store
from kyso.sync.errors import NetworkError
from kyso.sync.outbox import Outbox

from .conftest import FAST_RETRY
from .helpers import SUBMITTED, find_doc, open_client, server_versions


def test_offline_signing_waits_then_uploads_once(live_server, token_signers, tmp_path):
    store, sync = open_client(live_server, tmp_path, "chanhvp")
    sync.pull()
    doc = find_doc(store, SUBMITTED)
    live_server.stop()  # the network goes away
    item = sign_from_store(store, doc.id, token_signers["chanhvp"])
    report = sync.sync()
    assert isinstance(report.error, NetworkError)
    assert "Văn bản đã ký vẫn được lưu và sẽ tự gửi khi có mạng" in report.error.message
    assert report.error.exit_code == 7
    assert [i.id for i in store.outbox(status="pending")] == [item.id]
    assert store.has_blob(item.sha256)

    live_server.start()
    report = sync.sync()
    assert report.error is None and [i.id for i in report.push.sent] == [item.id]
    assert len(server_versions(live_server, doc.id)) == 2
    assert sync.sync().push.sent == []  # nothing left to send
    assert len(server_versions(live_server, doc.id)) == 2
    store.close()


def test_same_result_uploaded_twice_is_one_version(live_server, token_signers, tmp_path):
    store, sync = open_client(live_server, tmp_path, "chanhvp")
    sync.pull()
    doc = find_doc(store, SUBMITTED)
    item = sign_from_store(store, doc.id, token_signers["chanhvp"])
    first = sync.push().sent[0]
    # As if the answer had been lost: the item is sent again, same key, same bytes.
    store.update_outbox(item.id, status="pending")
    again = sync.push().sent[0]
    assert again.server_version_no == first.server_version_no == 2
    # And straight through the client: the server replays (200, not 201).
    replay = sync.client.upload_version(doc.id, store.read_blob(item.sha256), item.idem_key, item.base_etag)
    assert replay.created is False and replay.no == 2
    assert len(server_versions(live_server, doc.id)) == 2
    store.close()


def test_concurrent_change_is_a_conflict_with_both_versions_kept(live_server, token_signers, tmp_path):
    # Two computers of the same reviewer both have the document cached.
    store_a, sync_a = open_client(live_server, tmp_path / "a", "chanhvp")
    store_b, sync_b = open_client(live_server, tmp_path / "b", "chanhvp")
    sync_a.pull()
    sync_b.pull()
    doc = find_doc(store_a, SUBMITTED)
    mine = sign_from_store(store_a, doc.id, token_signers["chanhvp"])
    theirs = sign_from_store(store_b, doc.id, token_signers["chanhvp"])
    assert len(sync_b.push().sent) == 1  # the other client uploads first

    report = sync_a.push()
    assert [i.id for i in report.conflicts] == [mine.id]
    item = store_a.outbox_item(mine.id)
    assert item.status == "conflict" and item.conflict_sha and item.conflict_sha != item.sha256
    # Both versions on disk: ours, and the server's current one (= B's upload).
    assert store_a.read_blob(item.sha256)
    assert store_a.read_blob(item.conflict_sha) == store_b.read_blob(theirs.sha256)
    copies = sorted(p.name for p in (store_a.root / "conflicts" / f"doc-{doc.id}").iterdir())
    assert len(copies) == 2 and all(p.endswith(".pdf") for p in copies)
    assert store_a.document(doc.id).local_status == "conflict"
    assert len(server_versions(live_server, doc.id)) == 2
    # A later sync does not resend a conflict and keeps our file.
    sync_a.sync()
    assert store_a.outbox_item(mine.id).status == "conflict" and store_a.has_blob(item.sha256)
    store_a.close()
    store_b.close()


def test_queue_is_durable_before_upload(live_server, tmp_path):
    """The outbox row exists (committed) and its file is on disk without any network."""
    store, sync = open_client(live_server, tmp_path, "chanhvp")
    sync.pull()
    doc = find_doc(store, SUBMITTED)
    live_server.stop()
    item = Outbox(store, None, FAST_RETRY).queue(doc.id, b"%PDF-1.7 not really signed", doc.content_etag)
    store.close()
    from kyso.sync.store import Store

    with Store(tmp_path / "store-chanhvp") as again:  # a new process would see the same
        assert again.outbox_item(item.id).status == "pending"
        assert again.read_blob(item.sha256).startswith(b"%PDF")
        mode = again.db.execute("PRAGMA journal_mode").fetchone()[0]
        sync_level = again.db.execute("PRAGMA synchronous").fetchone()[0]
        assert (mode, sync_level) == ("wal", 2)  # 2 = FULL
    live_server.start()
