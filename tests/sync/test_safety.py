"""Hostile file names from the server, and a tampered upload refused by the server."""

from __future__ import annotations

import re

import pytest

from kyso.core.signing import sign_document
from kyso.sync.actions import sign_from_store
from kyso.core.messages import tr
from kyso.sync.outbox import Outbox
from kyso.sync.store import safe_display_name

from .conftest import FAST_RETRY
from .helpers import SUBMITTED, find_doc, open_client, server_versions


@pytest.mark.parametrize("raw,expected", [
    ("../../../../etc/passwd", "passwd.pdf"),
    ("/etc/cron.d/evil.pdf", "evil.pdf"),
    ("C:\\Windows\\System32\\evil.pdf", "evil.pdf"),
    ("..", "van-ban.pdf"),
    ("", "van-ban.pdf"),
    ("Quyết\x00định\x1b[31m.pdf", "Quyếtđịnh[31m.pdf"),
    ("hoa-don\u202efdp.exe", "hoa-donfdp.exe.pdf"),
    ("CON.pdf", "_CON.pdf"),
    (".hidden.pdf", "hidden.pdf"),
])
def test_safe_display_name(raw, expected):
    assert safe_display_name(raw) == expected


def test_server_file_names_never_become_paths(live_server, tmp_path):
    """A server sends a file name "../../…"; nothing is written outside the store."""
    from kyso_server.demo import minimal_pdf

    evil = "../../../../" + str(tmp_path / "escaped") + "/\x07Công văn\u202e.pdf"
    drafter = live_server.client("chuyenvien")
    units = drafter._request("GET", "/units").json()
    tp = next(u["id"] for u in units if u["code"] == "phuly-tp")
    doc = drafter._request("POST", "/documents", expect=(201,), json={
        "path": "ubnd", "drafting_unit_id": tp, "filename": evil, "notation": "UBND-VP",
        "doc_type": "Công văn", "subject": "Tên tệp nguy hiểm"}).json()
    drafter.upload_version(doc["id"], minimal_pdf("Tên tệp nguy hiểm", "Công văn"), "k1", None, filename=evil)
    live_server.client("truongphong")._request("POST", f"/documents/{doc['id']}/submit")
    # The reference server cleans names itself; a server must not be trusted to,
    # so the fixture data puts the raw name straight into its database.
    from kyso_server.models import Document

    with live_server.app.state.ctx.sessions.begin() as session:
        session.get(Document, doc["id"]).filename = evil

    store, sync = open_client(live_server, tmp_path, "chanhvp")
    sync.sync()
    d = store.document(doc["id"])
    assert d.meta["filename"] == evil  # the server's text is kept as data…
    assert d.display_name == "Công văn.pdf"  # …and shown cleaned
    # Both conflict copies (the only files named after the document) stay inside.
    path = store.write_conflict_copy(d.id, "thu", d.meta["filename"], b"%PDF-1.7")
    assert path.resolve().is_relative_to(store.root.resolve())
    assert not (tmp_path / "escaped").exists()
    for f in tmp_path.rglob("*"):
        assert f.resolve().is_relative_to(tmp_path.resolve())
        assert not re.search(r"[\x00-\x1f\u202e]", f.name)
    store.close()


def test_tampered_upload_is_rejected_with_the_servers_reason(live_server, token_signers, tmp_path):
    store, sync = open_client(live_server, tmp_path, "chanhvp")
    sync.pull()
    doc = find_doc(store, SUBMITTED)
    base = store.read_blob(doc.content_sha)
    tampered = base.replace(b"(D:20000101000000", b"(D:20000101000001", 1)
    assert tampered != base and len(tampered) == len(base)  # one earlier byte changed
    (tmp_path / "t.pdf").write_bytes(tampered)
    sign_document(token_signers["chanhvp"], tmp_path / "t.pdf", tmp_path / "t-signed.pdf")
    item = Outbox(store, sync.client, FAST_RETRY).queue(doc.id, tmp_path / "t-signed.pdf", doc.content_etag)

    report = sync.push()
    assert [i.id for i in report.rejected] == [item.id]
    refused = store.outbox_item(item.id)
    assert refused.status == "rejected" and refused.server_code == "not_incremental"
    assert refused.attempts == 1  # a rule refusal is not retried
    shown = tr("sync.rule_refused", message=refused.last_error)
    assert shown.startswith("Máy chủ từ chối: ") and len(refused.last_error) > 10
    assert store.has_blob(refused.sha256)  # the signed file is kept, nothing deleted
    assert len(server_versions(live_server, doc.id)) == 1

    # The honest signature of the same document still goes through afterwards.
    good = sign_from_store(store, doc.id, token_signers["chanhvp"])
    assert [i.id for i in sync.push().sent] == [good.id]
    store.close()
