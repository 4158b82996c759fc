"""The two signing paths end to end, returns, and the inbox."""

from __future__ import annotations

from .helpers import content, new_draft, sign_and_upload, unit_id, upload


def test_full_three_signature_path(server):
    doc, _ = new_draft(server)
    did = doc["id"]
    # Seed Lục Nam 2020: the drafter's own submission is refused.
    r = server.post("chuyenvien", f"/api/v1/documents/{did}/submit")
    assert r.status_code == 403 and r.json()["code"] == "submit_requires_unit_head"
    assert "lãnh đạo đơn vị" in r.json()["message"]
    r = server.post("truongphong", f"/api/v1/documents/{did}/submit")
    assert r.status_code == 200 and r.json()["state"] == "submitted"

    r = sign_and_upload(server, "chanhvp", did)
    assert r.status_code == 201, r.text
    assert r.json()["step"] == "initial" and r.json()["signature_count"] == 1

    # The clerk may not stamp before the leader has signed.
    r = sign_and_upload(server, "vanthu", did)
    assert r.status_code == 409 and r.json()["code"] == "agency_signature_before_leader"
    assert "Điều 32" in r.json()["message"]

    r = sign_and_upload(server, "chutich", did)
    assert r.status_code == 201 and r.json()["step"] == "sign"

    r = server.post("vanthu", "/api/v1/registers/phuly:UBND-VP/next-number", json={"document_id": did})
    assert r.status_code == 200, r.text
    assert r.json()["number"] == 607 and r.json()["formatted"] == "607"  # demo issued up to 606
    again = server.post("vanthu", "/api/v1/registers/phuly:UBND-VP/next-number", json={"document_id": did})
    assert again.json()["number"] == 607  # retry does not burn a number

    r = sign_and_upload(server, "vanthu", did, number=607)
    assert r.status_code == 201, r.text
    d = server.get("chuyenvien", f"/api/v1/documents/{did}").json()
    assert d["state"] == "issued" and d["number"] == 607 and d["number_formatted"] == "607"
    assert d["current_version"]["signature_count"] == 3
    assert d["promulgation_date"] == "2026-11-20" and d["leader_signed_at"] and d["agency_signed_at"]
    audit = server.get("chuyenvien", f"/api/v1/documents/{did}/audit").json()
    assert [a["action"] for a in audit] == ["create", "draft", "submit", "initial", "sign", "issue"]
    assert [a["user"] for a in audit[3:]] == ["chanhvp", "chutich", "vanthu"]
    assert audit[5]["from_version_no"] == 3 and audit[5]["to_version_no"] == 4
    versions = server.get("chuyenvien", f"/api/v1/documents/{did}/versions").json()
    assert [v["base_no"] for v in versions] == [None, 1, 2, 3]
    # Already issued: nothing more to sign.
    r = sign_and_upload(server, "chutich", did)
    assert r.status_code == 409 and r.json()["code"] == "already_issued"


def test_unit_path_two_signatures(server):
    doc, _ = new_draft(server, path="unit", notation="TP", doc_type="Báo cáo")
    did = doc["id"]
    r = server.post("truongphong", f"/api/v1/documents/{did}/submit")
    assert r.status_code == 409 and r.json()["code"] == "submit_not_applicable"
    r = sign_and_upload(server, "truongphong", did)
    assert r.status_code == 201 and r.json()["step"] == "sign"
    # The People's Committee clerk has no role for a department's own documents.
    r = server.get("vanthu", f"/api/v1/documents/{did}/content")
    assert r.status_code == 404 and r.json()["code"] == "document_not_found"
    r = sign_and_upload(server, "vanthutp", did)
    assert r.status_code == 201, r.text
    d = server.get("truongphong", f"/api/v1/documents/{did}").json()
    assert d["state"] == "issued" and d["number"] == 1 and d["number_formatted"] == "01"
    assert d["register_id"] == "phuly-tp:TP"


def test_return_with_comment_and_redraft(server):
    doc = server.doc_by_subject("chanhvp", "Kế hoạch triển khai")
    did = doc["id"]
    r = server.post("chanhvp", f"/api/v1/documents/{did}/return", json={"comment": "Sai thể thức phần nơi nhận"})
    assert r.status_code == 200 and r.json()["state"] == "returned"
    assert r.json()["return_comment"] == "Sai thể thức phần nơi nhận"
    r = server.post("chuyenvien", f"/api/v1/documents/{did}/return", json={"comment": "x"})
    assert r.status_code == 403
    waiting = {i["document"]["id"] for i in server.get("chuyenvien", "/api/v1/inbox").json()["items"]}
    assert did in waiting
    _, etag = content(server, "chuyenvien", did)
    from kyso_server.demo import minimal_pdf

    assert upload(server, "chuyenvien", did, minimal_pdf("Kế hoạch (sửa)", "Kế hoạch"), etag).status_code == 201
    assert server.post("truongphong", f"/api/v1/documents/{did}/submit").json()["state"] == "submitted"


def test_returned_after_initial_starts_from_fresh_draft(server):
    doc = server.doc_by_subject("chutich", "Quyết định ban hành")
    r = server.post("chutich", f"/api/v1/documents/{doc['id']}/return", json={"comment": "Bổ sung căn cứ"})
    assert r.status_code == 200
    r = sign_and_upload(server, "chutich", doc["id"])
    assert r.status_code == 409 and r.json()["code"] == "wrong_state"


def test_inbox_incremental(server):
    first = server.get("chanhvp", "/api/v1/inbox").json()
    subjects = [i["document"]["subject"] for i in first["items"]]
    assert any(s.startswith("Kế hoạch triển khai") for s in subjects)
    assert all(i["waiting"] for i in first["items"])
    cursor = first["cursor"]
    assert server.get("chanhvp", "/api/v1/inbox", params={"since": cursor}).json()["items"] == []
    # The leader's queue has the initialled document, the clerk's the signed one.
    assert any(i["document"]["state"] == "initialled" for i in server.get("chutich", "/api/v1/inbox").json()["items"])
    assert any(i["document"]["state"] == "signed" for i in server.get("vanthu", "/api/v1/inbox").json()["items"])
    doc = next(i["document"] for i in first["items"] if i["document"]["state"] == "submitted")
    assert sign_and_upload(server, "chanhvp", doc["id"]).status_code == 201
    delta = server.get("chanhvp", "/api/v1/inbox", params={"since": cursor}).json()
    assert [(i["document"]["id"], i["waiting"]) for i in delta["items"]] == [(doc["id"], False)]
    assert int(delta["cursor"]) > int(cursor)
    assert server.get("chanhvp", "/api/v1/inbox", params={"since": "abc"}).status_code == 422


def test_conditional_get(server):
    doc, _ = new_draft(server)
    r = server.get("chuyenvien", f"/api/v1/documents/{doc['id']}")
    etag = r.headers["ETag"]
    r2 = server.get("chuyenvien", f"/api/v1/documents/{doc['id']}", headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.headers["ETag"] == etag
    data, cetag = content(server, "chuyenvien", doc["id"])
    r3 = server.get("chuyenvien", f"/api/v1/documents/{doc['id']}/content", headers={"If-None-Match": cetag})
    assert r3.status_code == 304 and r3.content == b""
    assert unit_id(server, "phuly") > 0
