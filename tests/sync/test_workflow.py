"""The three-signature path through store → outbox → server, with real tokens."""

from __future__ import annotations

from kyso.sync.actions import assign_number, sign_from_store

from .helpers import SUBMITTED, find_doc, open_client, server_versions


def test_three_signatures_across_three_users(live_server, token_signers, tmp_path):
    # Reviewer (chánh văn phòng) initials.
    store, sync = open_client(live_server, tmp_path, "chanhvp")
    sync.sync()
    doc = find_doc(store, SUBMITTED)
    assert doc.waiting and doc.action == "initial" and store.has_blob(doc.content_sha)
    item = sign_from_store(store, doc.id, token_signers["chanhvp"])
    assert item.status == "pending" and item.base_etag == doc.content_etag
    report = sync.sync()
    assert [i.id for i in report.push.sent] == [item.id] and report.error is None
    assert store.document(doc.id).waiting is False  # moved on to the leader
    store.close()

    # Leader signs.
    store, sync = open_client(live_server, tmp_path, "chutich")
    sync.sync()
    d = store.document(doc.id)
    assert d.waiting and d.action == "sign" and d.state == "initialled"
    sign_from_store(store, doc.id, token_signers["chutich"])
    assert len(sync.sync().push.sent) == 1
    store.close()

    # Clerk: number, then the agency signature.
    store, sync = open_client(live_server, tmp_path, "vanthu")
    sync.sync()
    d = store.document(doc.id)
    assert d.waiting and d.action == "issue"
    number = assign_number(sync.client, store, doc.id)
    assert assign_number(sync.client, store, doc.id) == number  # a retry reuses it
    item = sign_from_store(store, doc.id, token_signers["vanthu"])
    assert item.number == number["number"]
    assert len(sync.sync().push.sent) == 1
    meta = store.document(doc.id).meta
    assert meta["state"] == "issued" and meta["number"] == number["number"]
    store.close()

    audit = live_server.client("vanthu").audit(doc.id)
    uploads = [a for a in audit if a["to_version_no"] and (a["from_version_no"] or 0) >= 1]
    assert [a["user"] for a in uploads] == ["chanhvp", "chutich", "vanthu"]
    versions = server_versions(live_server, doc.id)
    assert [v["signature_count"] for v in versions] == [0, 1, 2, 3]


def test_refresh_document_uses_the_metadata_etag(live_server, tmp_path):
    store, sync = open_client(live_server, tmp_path, "chanhvp")
    sync.sync()
    doc = find_doc(store, SUBMITTED)
    assert sync.refresh_document(doc.id) is True        # first read stores the ETag
    assert store.document(doc.id).meta_etag
    assert sync.refresh_document(doc.id) is False       # unchanged: 304, nothing rewritten
    store.close()
