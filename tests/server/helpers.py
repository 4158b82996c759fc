"""Small request helpers shared by the server tests."""

from __future__ import annotations

import uuid
from typing import Any

from kyso_server.demo import minimal_pdf

UBND_DOC = {
    "path": "ubnd",
    "notation": "UBND-VP",
    "place": "Phủ Lý",
    "doc_type": "Công văn",
    "subject": "V/v khắc phục tồn tại văn bản giấy và tăng cường sử dụng chữ ký số",
    "signer_competence": "KT.",
    "signer_position": "Phó Chủ tịch",
    "signer_full_name": "Trần Thị Bình",
    "urgency": "Thường",
    "to_organs": [{"organ_id": "000.02.00.H31", "organ_name": "Phòng Tư pháp"}],
}


def unit_id(srv, code: str) -> int:
    units = srv.get("chuyenvien", "/api/v1/units").json()
    return next(u["id"] for u in units if u["code"] == code)


def create(srv, user: str = "chuyenvien", **over: Any) -> dict[str, Any]:
    body = {**UBND_DOC, "drafting_unit_id": unit_id(srv, "phuly-tp"), **over}
    r = srv.post(user, "/api/v1/documents", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def upload(srv, user: str, doc_id: int, data: bytes, etag: str | None = None, key: str | None = None, **params: Any):
    headers = {"Idempotency-Key": key or uuid.uuid4().hex, "Content-Type": "application/pdf"}
    if etag:
        headers["If-Match"] = etag
    return srv.post(user, f"/api/v1/documents/{doc_id}/versions", content=data, headers=headers, params=params)


def content(srv, user: str, doc_id: int) -> tuple[bytes, str]:
    r = srv.get(user, f"/api/v1/documents/{doc_id}/content")
    assert r.status_code == 200, r.text
    return r.content, r.headers["ETag"]


def new_draft(srv, **over: Any) -> tuple[dict[str, Any], str]:
    """A created document with one unsigned draft version; returns (doc, etag)."""
    doc = create(srv, **over)
    r = upload(srv, "chuyenvien", doc["id"], minimal_pdf(doc["subject"], doc["doc_type"]))
    assert r.status_code == 201, r.text
    return doc, r.json()["etag"]


def sign_and_upload(srv, user: str, doc_id: int, **params: Any):
    data, etag = content(srv, user, doc_id)
    return upload(srv, user, doc_id, srv.pki.sign(user, data), etag, **params)
