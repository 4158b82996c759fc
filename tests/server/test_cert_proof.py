"""Certificate registration with proof of possession (``/me/certificates/challenge``
and ``/proof``), administrator approval, and disabled accounts."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

from kyso_server.main import main as server_main

from .helpers import content, new_draft, upload
from .pki import make_signer


def _challenge(server, user: str) -> dict:
    r = server.post(user, "/api/v1/me/certificates/challenge")
    assert r.status_code == 201, r.text
    return r.json()


def _prove(server, user: str, challenge: dict, signer, der: bytes):
    data = base64.b64decode(challenge["to_sign"])
    sig = asyncio.run(signer.async_sign_raw(data, "sha256"))
    return server.post(user, "/api/v1/me/certificates/proof", json={
        "challenge_id": challenge["challenge_id"], "certificate": base64.b64encode(der).decode(),
        "signature": base64.b64encode(sig).decode()})


def _admin(server, *argv: str) -> None:
    try:
        server_main(["admin", "--db", server.settings.db_url, *argv])
    except SystemExit as exc:
        assert exc.code == 0


def test_challenge_is_bound_single_use_and_expires(server):
    signer, der, _ = make_signer(server.pki, "Người mới")
    ch = _challenge(server, "chanhvp")
    assert b"user=chanhvp" in base64.b64decode(ch["to_sign"])
    # bound to the account: another account cannot answer it
    r = _prove(server, "chutich", ch, signer, der)
    assert r.status_code == 404 and r.json()["code"] == "challenge_unknown"
    r = _prove(server, "chanhvp", ch, signer, der)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "pending" and r.json()["source"] == "proof"
    # used once
    r = _prove(server, "chanhvp", ch, signer, der)
    assert r.status_code == 409 and r.json()["code"] == "challenge_used"
    # expires after five minutes
    ch = _challenge(server, "chanhvp")
    server.clock.now += timedelta(minutes=5, seconds=1)
    r = _prove(server, "chanhvp", ch, signer, der)
    assert r.status_code == 410 and r.json()["code"] == "challenge_expired"


def test_a_proof_made_with_another_key_is_refused_and_uses_the_challenge(server):
    _signer, der, _ = make_signer(server.pki, "Chủ chứng thư")
    thief, _thief_der, _ = make_signer(server.pki, "Kẻ mạo danh")
    ch = _challenge(server, "chuyenvien")
    r = _prove(server, "chuyenvien", ch, thief, der)
    assert r.status_code == 422 and r.json()["code"] == "proof_invalid"
    assert not [c for c in server.get("chuyenvien", "/api/v1/me/certificates").json()
                if c["sha256"] == r.json()["detail"]["sha256"]]
    r = _prove(server, "chuyenvien", ch, _signer, der)   # even the right key: the challenge is spent
    assert r.status_code == 409 and r.json()["code"] == "challenge_used"


def test_pending_certificate_cannot_sign_until_an_administrator_approves(server):
    doc, _ = new_draft(server)
    assert server.post("truongphong", f"/api/v1/documents/{doc['id']}/submit").status_code == 200
    signer, der, _ = make_signer(server.pki, "Lê Văn Cường (token mới)")
    r = _prove(server, "chanhvp", _challenge(server, "chanhvp"), signer, der)
    assert r.status_code == 201 and r.json()["status"] == "pending"
    sha = r.json()["sha256"]
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    data, etag = content(server, "chanhvp", doc["id"])
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    signed = signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name="Sig1"), signer=signer).getvalue()
    r = upload(server, "chanhvp", doc["id"], signed, etag)
    assert r.status_code == 422 and r.json()["code"] == "certificate_pending", r.text
    assert "approve-cert" in r.json()["message"]
    _admin(server, "approve-cert", sha[:12], "--user", "chanhvp")
    r = upload(server, "chanhvp", doc["id"], signed, etag)
    assert r.status_code == 201, r.text
    certs = {c["sha256"]: c for c in server.get("chanhvp", "/api/v1/me/certificates").json()}
    assert certs[sha]["status"] == "active"


def test_proof_of_possession_wins_over_a_registration_without_proof(server):
    signer, der, _ = make_signer(server.pki, "Vũ Thị Hoa")
    # mallory, on chuyenvien's account, registers the clerk's certificate without proof
    r = server.post("chuyenvien", "/api/v1/me/certificates", content=der,
                    headers={"Content-Type": "application/pkix-cert"})
    assert r.status_code == 201 and r.json()["source"] == "unproven"
    # the holder proves possession: the registration moves to them
    r = _prove(server, "vanthutp", _challenge(server, "vanthutp"), signer, der)
    assert r.status_code == 201, r.text
    assert not server.get("chuyenvien", "/api/v1/me/certificates").json()
    # and nobody takes it back without proof
    r = server.post("chuyenvien", "/api/v1/me/certificates", content=der,
                    headers={"Content-Type": "application/pkix-cert"})
    assert r.status_code == 409 and r.json()["code"] == "certificate_taken"
    # nor with a proof of their own key
    r = _prove(server, "chuyenvien", _challenge(server, "chuyenvien"), signer, der)
    assert r.status_code == 409 and r.json()["code"] == "certificate_taken"


def test_auto_approve_makes_a_proven_registration_active(server):
    server.settings.auto_approve_certs = True
    signer, der, _ = make_signer(server.pki, "Tự động")
    r = _prove(server, "chutich", _challenge(server, "chutich"), signer, der)
    assert r.status_code == 201 and r.json()["status"] == "active"


def test_require_proof_refuses_unproven_registration(server):
    server.settings.allow_unproven_registration = False
    _s, der, _ = make_signer(server.pki, "Không chứng minh")
    r = server.post("chuyenvien", "/api/v1/me/certificates", content=der,
                    headers={"Content-Type": "application/pkix-cert"})
    assert r.status_code == 403 and r.json()["code"] == "proof_required"
    assert "kyso register-cert" in r.json()["message"]


def test_disabled_account_cannot_log_in_nor_use_its_token(server):
    server.token("chanhvp")
    _admin(server, "disable-user", "chanhvp")
    assert server.get("chanhvp", "/api/v1/me").status_code == 401
    r = server.client.post("/api/v1/auth/login", json={"username": "chanhvp", "password": "demo"})
    assert r.status_code == 403 and r.json()["code"] == "account_disabled"
    _admin(server, "enable-user", "chanhvp")
    r = server.client.post("/api/v1/auth/login", json={"username": "chanhvp", "password": "demo"})
    assert r.status_code == 200
