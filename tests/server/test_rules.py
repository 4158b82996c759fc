"""Each enforced rule is refused with its code and a Vietnamese message."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from kyso_server.config import PAPER
from kyso_server.demo import minimal_pdf
from kyso_server.models import Document

from .helpers import UBND_DOC, content, create, new_draft, sign_and_upload, unit_id, upload


@pytest.mark.parametrize("secrecy", ["Mật", "Tối mật", "Tuyệt mật", "MẬT"])
def test_secret_documents_refused_at_creation(server, secrecy):
    body = {**UBND_DOC, "drafting_unit_id": unit_id(server, "phuly-tp"), "secrecy": secrecy}
    r = server.post("chuyenvien", "/api/v1/documents", json=body)
    assert r.status_code == 422
    assert r.json()["code"] == "secret_document_refused"
    assert "Văn bản mật" in r.json()["message"]


def test_secret_refused_at_upload(server):
    doc = create(server)
    with server.app.state.ctx.sessions.begin() as s:  # e.g. reclassified after creation
        s.execute(update(Document).where(Document.id == doc["id"]).values(secrecy="Tối mật"))
    r = upload(server, "chuyenvien", doc["id"], minimal_pdf("x", "Công văn"))
    assert r.status_code == 422 and r.json()["code"] == "secret_document_refused"


def test_doc_type_policy(server):
    for paper_type in ("Hợp đồng", "Biên bản", "Giấy giới thiệu"):
        body = {**UBND_DOC, "drafting_unit_id": unit_id(server, "phuly-tp"), "doc_type": paper_type}
        r = server.post("chuyenvien", "/api/v1/documents", json=body)
        assert r.status_code == 422 and r.json()["code"] == "paper_only_doc_type", paper_type
        assert "bản giấy" in r.json()["message"]
    for ok_type in ("Quyết định", "Tờ trình", "Giấy mời"):
        create(server, doc_type=ok_type)
    body = {**UBND_DOC, "drafting_unit_id": unit_id(server, "phuly-tp"), "doc_type": "Thư tình"}
    r = server.post("chuyenvien", "/api/v1/documents", json=body)
    assert r.status_code == 422 and r.json()["code"] == "unknown_doc_type"
    policy = server.get("chuyenvien", "/api/v1/policy/doc-types").json()["policy"]
    assert policy["Công văn"] == "electronic" and policy["Tờ trình"] == "electronic+paper"


def test_doc_type_policy_is_configurable_and_checked_at_upload(server):
    doc = create(server, doc_type="Tờ trình")
    server.settings.doc_type_policy["Tờ trình"] = PAPER
    r = upload(server, "chuyenvien", doc["id"], minimal_pdf("x", "Tờ trình"))
    assert r.status_code == 422 and r.json()["code"] == "paper_only_doc_type"


def test_only_drafting_unit_creates(server):
    body = {**UBND_DOC, "drafting_unit_id": unit_id(server, "minhkhai")}
    r = server.post("chuyenvien", "/api/v1/documents", json=body)
    assert r.status_code == 403 and r.json()["message"]


def test_idempotent_upload(server):
    doc = create(server)
    pdf = minimal_pdf("Idempotent", "Công văn")
    r1 = upload(server, "chuyenvien", doc["id"], pdf, key="k-1")
    r2 = upload(server, "chuyenvien", doc["id"], pdf, key="k-1")
    assert (r1.status_code, r2.status_code) == (201, 200)
    assert r1.json() == r2.json() and r1.headers["ETag"] == r2.headers["ETag"]
    versions = server.get("chuyenvien", f"/api/v1/documents/{doc['id']}/versions").json()
    assert len(versions) == 1
    r3 = upload(server, "chuyenvien", doc["id"], minimal_pdf("Khác", "Công văn"), r1.json()["etag"], key="k-1")
    assert r3.status_code == 422 and r3.json()["code"] == "idempotency_key_reused"
    r4 = server.post("chuyenvien", f"/api/v1/documents/{doc['id']}/versions", content=pdf)
    assert r4.status_code == 400 and r4.json()["code"] == "idempotency_key_required"


def test_idempotent_signed_upload_replay(server):
    doc = server.doc_by_subject("chanhvp", "Kế hoạch triển khai")
    data, etag = content(server, "chanhvp", doc["id"])
    signed = server.pki.sign("chanhvp", data)
    r1 = upload(server, "chanhvp", doc["id"], signed, etag, key="sig-1")
    r2 = upload(server, "chanhvp", doc["id"], signed, etag, key="sig-1")  # stale If-Match, but a replay
    assert (r1.status_code, r2.status_code) == (201, 200) and r1.json()["no"] == r2.json()["no"]


def test_if_match(server):
    doc, etag = new_draft(server)
    r = upload(server, "chuyenvien", doc["id"], minimal_pdf("v2", "Công văn"), etag)
    assert r.status_code == 201
    stale = upload(server, "chuyenvien", doc["id"], minimal_pdf("v3", "Công văn"), etag)
    assert stale.status_code == 412 and stale.json()["code"] == "version_conflict"
    assert stale.headers["ETag"] == r.json()["etag"] == stale.json()["detail"]["current_etag"]
    missing = upload(server, "chuyenvien", doc["id"], minimal_pdf("v3", "Công văn"))
    assert missing.status_code == 428 and missing.json()["code"] == "if_match_required"


def _submitted(server):
    return server.doc_by_subject("chanhvp", "Kế hoạch triển khai")["id"]


def test_tampered_earlier_bytes(server):
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    signed = bytearray(server.pki.sign("chanhvp", data))
    i = signed.index(b"/MediaBox")
    signed[i + 1] = ord("m")  # change the base part: no longer an extension
    r = upload(server, "chanhvp", did, bytes(signed), etag)
    assert r.status_code == 422 and r.json()["code"] == "not_incremental"
    assert "nối tiếp" in r.json()["message"]


def test_signature_by_another_users_certificate(server):
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    r = upload(server, "chanhvp", did, server.pki.sign("chutich", data), etag)
    assert r.status_code == 422 and r.json()["code"] == "certificate_not_registered"
    r = upload(server, "chanhvp", did, server.pki.sign("mallory", data), etag)
    assert r.status_code == 422 and r.json()["code"] == "certificate_not_registered"


def test_two_new_signatures_at_once(server):
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    twice = server.pki.sign("chanhvp", server.pki.sign("chanhvp", data))
    r = upload(server, "chanhvp", did, twice, etag)
    assert r.status_code == 422 and r.json()["code"] == "signature_count"
    r = upload(server, "chanhvp", did, data + b"\n% no signature\n", etag)
    assert r.status_code == 422 and r.json()["code"] == "signature_count"


def test_signed_content_altered_after_signing(server):
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    signed = bytearray(server.pki.sign("chanhvp", data))
    i = signed.index(b"/Trapped /False", len(data)) + len(b"/Trapped /")
    signed[i : i + 5] = b"Fakse"  # same length, inside the signed byte range
    r = upload(server, "chanhvp", did, bytes(signed), etag)
    assert r.status_code == 422 and r.json()["code"] in ("signature_not_intact", "signature_invalid")


def test_not_a_pdf(server):
    doc = create(server)
    r = upload(server, "chuyenvien", doc["id"], b"MZ\x90\x00 not a pdf")
    assert r.status_code == 422 and r.json()["code"] == "invalid_pdf"


def test_drafter_cannot_sign_for_reviewer(server):
    did = _submitted(server)
    r = sign_and_upload(server, "truongphong", did)
    assert r.status_code == 403 and r.json()["code"] == "not_a_signer"


def test_certificate_registration(server):
    der = server.pki.der("mallory")
    r = server.post("chuyenvien", "/api/v1/me/certificates", content=der, headers={"Content-Type": "application/pkix-cert"})
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    r = server.post("chuyenvien", "/api/v1/me/certificates", content=der)
    assert r.status_code == 200
    r = server.post("truongphong", "/api/v1/me/certificates", content=der)
    assert r.status_code == 409 and r.json()["code"] == "certificate_taken"
    r = server.post("truongphong", "/api/v1/me/certificates", content=b"garbage")
    assert r.status_code == 422 and r.json()["code"] == "invalid_certificate"
    assert [c["sha256"] for c in server.get("chuyenvien", "/api/v1/me/certificates").json()] == [r_sha(der)]


def r_sha(der: bytes) -> str:
    import hashlib

    return hashlib.sha256(der).hexdigest()


def test_path_traversal_filenames_neutralised(server, tmp_path):
    cases = {
        "../../etc/passwd": "passwd",
        "/etc/shadow": "shadow",
        "C:\\Windows\\System32\\evil.pdf": "evil.pdf",
        "..\\..\\boot.ini": "boot.ini",
        "bad\x00name\x1b.pdf": "badname.pdf",
        "..": "van-ban.pdf",
        "Công văn 607.pdf": "Công văn 607.pdf",
    }
    for raw, expected in cases.items():
        doc = create(server, filename=raw)
        assert doc["filename"] == expected, raw
    doc = create(server)
    r = upload(server, "chuyenvien", doc["id"], minimal_pdf("x", "Công văn"), filename="../../../../tmp/pwned.pdf")
    assert r.status_code == 201
    assert server.get("chuyenvien", f"/api/v1/documents/{doc['id']}").json()["filename"] == "pwned.pdf"
    files = server.settings.files_dir
    names = {p.name for p in files.rglob("*") if p.is_file()}
    assert all(len(n) == 64 for n in names), names
    cd = server.get("chuyenvien", f"/api/v1/documents/{doc['id']}/content").headers["Content-Disposition"]
    assert "/" not in cd.split("filename*=")[1]
