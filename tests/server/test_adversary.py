"""Against an adversary: forged uploads, bad certificates, stolen registrations.

Every case here was accepted by the server before (found on loopback)."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta, timezone

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from sqlalchemy import select

from kyso_server.models import Certificate, SecurityEvent, User

from .helpers import content, new_draft, sign_and_upload, upload
from .pki import crl_revoking, make_signer, other_root, sign_with


def _replace_page_text(w: IncrementalPdfFileWriter, text: bytes = b"FORGED") -> None:
    page = w.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (" + text + b") Tj ET")
    page[pdf_name("/Contents")] = w.add_object(stream)
    w.update_container(page)


def _unsigned_revision(data: bytes, change) -> bytes:
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    change(w)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _add_text_field(w: IncrementalPdfFileWriter, name: str, value: str = "") -> None:
    """What kyso.core.issuance.add_issuance_fields does, in small."""
    page_ref = w.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    field = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
        pdf_name("/FT"): pdf_name("/Tx"), pdf_name("/T"): generic.TextStringObject(name),
        pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(x) for x in (100, 100, 200, 120)]),
        pdf_name("/V"): generic.TextStringObject(value), pdf_name("/F"): generic.NumberObject(4),
        pdf_name("/P"): page_ref,
    })
    ref = w.add_object(field)
    annots = page.get("/Annots")
    if annots is None:
        page[pdf_name("/Annots")] = generic.ArrayObject([ref])
    else:
        annots.append(ref)
    w.update_container(page)
    if "/AcroForm" not in w.root:
        w.root[pdf_name("/AcroForm")] = generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject([ref])})
    else:
        w.root["/AcroForm"]["/Fields"].append(ref)
    w.update_root()


def _fill_field(name: str, value: str):
    def prepare(w: IncrementalPdfFileWriter) -> None:
        for ref in w.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if str(field.get("/T")) == name:
                field[pdf_name("/V")] = generic.TextStringObject(value)
                w.update_container(field)
    return prepare


def _submitted(server) -> int:
    doc, _ = new_draft(server)
    assert server.post("truongphong", f"/api/v1/documents/{doc['id']}/submit").status_code == 200
    return doc["id"]


def _stored_versions(server, did: int) -> int:
    return len(server.get("chuyenvien", f"/api/v1/documents/{did}/versions").json())


# --- forged uploads ---------------------------------------------------------------


def test_unsigned_revision_after_the_signature_refused(server):
    """The leader's new signature followed by an unsigned revision overlaying the body."""
    doc = server.doc_by_subject("chutich", "Quyết định ban hành Quy chế")
    data, etag = content(server, "chutich", doc["id"])
    signed = server.pki.sign("chutich", data)
    forged = _unsigned_revision(signed, _replace_page_text)
    r = upload(server, "chutich", doc["id"], forged, etag)
    assert r.status_code == 422 and r.json()["code"] == "signature_coverage", r.text
    assert server.get("chutich", f"/api/v1/documents/{doc['id']}").json()["state"] == "initialled"
    # Trailing bytes after the signed revision are refused the same way.
    r = upload(server, "chutich", doc["id"], signed + b"\n%%EOF\n", etag)
    assert r.status_code == 422 and r.json()["code"] in ("signature_coverage", "invalid_pdf")


def test_unsigned_revision_before_the_signature_refused(server):
    """An initial whose signed revision is preceded by an unsigned revision
    replacing the drafter's text."""
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    forged = server.pki.sign("chanhvp", _unsigned_revision(data, _replace_page_text))
    r = upload(server, "chanhvp", did, forged, etag)
    assert r.status_code == 422 and r.json()["code"] == "extra_revisions", r.text
    assert _stored_versions(server, did) == 1


def test_text_replaced_in_the_signed_revision_refused(server):
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    forged = sign_with(server.pki.signer("chanhvp"), data, _replace_page_text)
    r = upload(server, "chanhvp", did, forged, etag)
    assert r.status_code == 422 and r.json()["code"] == "unexpected_changes", r.text
    assert "Contents" in str(r.json()["detail"]) or "overwritten" in str(r.json()["detail"])


def test_unsigned_revision_before_a_later_signature_refused(server):
    doc = server.doc_by_subject("chutich", "Quyết định ban hành Quy chế")
    data, etag = content(server, "chutich", doc["id"])
    forged = server.pki.sign("chutich", _unsigned_revision(data, _replace_page_text))
    r = upload(server, "chutich", doc["id"], forged, etag)
    assert r.status_code == 422 and r.json()["code"] in ("extra_revisions", "earlier_signature_modified")


def test_issuance_fields_only_where_the_step_allows(server):
    """The first signature may create the empty number/date fields, only the
    clerk may fill them, and nothing else may be filled."""
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    bad = sign_with(server.pki.signer("chanhvp"), data, lambda w: _add_text_field(w, "Ghichu", ""))
    r = upload(server, "chanhvp", did, bad, etag)
    assert r.status_code == 422 and r.json()["code"] == "unexpected_changes"
    prefilled = sign_with(server.pki.signer("chanhvp"), data, lambda w: _add_text_field(w, "KysoSoVanBan", "99"))
    assert upload(server, "chanhvp", did, prefilled, etag).json()["code"] == "unexpected_changes"
    ok = sign_with(server.pki.signer("chanhvp"), data, lambda w: _add_text_field(w, "KysoSoVanBan"))
    r = upload(server, "chanhvp", did, ok, etag)
    assert r.status_code == 201, r.text

    data, etag = content(server, "chutich", did)
    r = upload(server, "chutich", did, sign_with(server.pki.signer("chutich"), data, _fill_field("KysoSoVanBan", "07")),
               etag)
    assert r.status_code == 422 and r.json()["code"] == "unexpected_changes"
    assert r.json()["detail"]["fields"] == ["KysoSoVanBan"]
    assert sign_and_upload(server, "chutich", did).status_code == 201

    data, etag = content(server, "vanthu", did)
    r = upload(server, "vanthu", did, sign_with(server.pki.signer("vanthu"), data, _fill_field("KysoSoVanBan", "607")),
               etag)
    assert r.status_code == 201, r.text


# --- certificates ---------------------------------------------------------------------


def _bind(server, username: str, der: bytes) -> None:
    """A certificate bound to an account behind the API's back (as if registered
    while it was still acceptable)."""
    with server.app.state.ctx.sessions.begin() as s:
        uid = s.scalar(select(User.id).where(User.username == username))
        s.add(Certificate(user_id=uid, sha256=hashlib.sha256(der).hexdigest(), der=der, subject="x", serial="0",
                          not_after=None, created_at=server.clock.now))


def _register(server, username: str, der: bytes):
    return server.post(username, "/api/v1/me/certificates", content=der,
                       headers={"Content-Type": "application/pkix-cert"})


def test_bad_certificates_refused_at_registration_and_at_signing(server):
    now = datetime.now(timezone.utc)
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    cases = {
        "certificate_expired": make_signer(server.pki, "expired", not_before=now - timedelta(days=900),
                                           not_after=datetime(2026, 1, 1, tzinfo=timezone.utc)),
        "certificate_self_signed": make_signer(server.pki, "selfsigned", self_signed=True),
        "certificate_not_for_signing": make_signer(server.pki, "encryption", usage="encrypt"),
        "certificate_untrusted": make_signer(server.pki, "foreign", root_key=(o := other_root())[0], root_cert=o[1]),
    }
    for code, (signer, der, _cert) in cases.items():
        r = _register(server, "chanhvp", der)
        assert r.status_code == 422 and r.json()["code"] == code, (code, r.text)
        _bind(server, "chanhvp", der)
        r = upload(server, "chanhvp", did, sign_with(signer, data), etag)
        expected = "signature_untrusted" if code == "certificate_untrusted" else code
        assert r.status_code == 422 and r.json()["code"] == expected, (code, r.text)
    assert _stored_versions(server, did) == 1


def test_certificate_expired_after_registration(server):
    signer, der, _ = make_signer(server.pki, "shortlived", not_after=datetime(2026, 11, 25, tzinfo=timezone.utc))
    assert _register(server, "chanhvp", der).status_code == 201
    server.clock.now = datetime(2026, 11, 26, tzinfo=timezone.utc)
    server._tokens.clear()
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    r = upload(server, "chanhvp", did, sign_with(signer, data), etag)
    assert r.status_code == 422 and r.json()["code"] == "certificate_expired"


def test_revoked_certificate_refused_when_a_crl_is_configured(server):
    signer, der, cert = make_signer(server.pki, "revoked")
    assert _register(server, "chanhvp", der).status_code == 201
    server.settings.crls.append(crl_revoking(server.pki, [cert.serial_number]))
    did = _submitted(server)
    data, etag = content(server, "chanhvp", did)
    r = upload(server, "chanhvp", did, sign_with(signer, data), etag)
    assert r.status_code == 422 and r.json()["code"] == "certificate_revoked", r.text
    _, der2, _ = make_signer(server.pki, "revoked2")
    server.settings.crls[-1] = crl_revoking(server.pki, [cert.serial_number, _certificate_serial(der2)])
    r = _register(server, "chutich", der2)
    assert r.status_code == 422 and r.json()["code"] == "certificate_revoked", r.text


def _certificate_serial(der: bytes) -> int:
    from cryptography import x509

    return x509.load_der_x509_certificate(der).serial_number


def test_no_trust_roots_no_signatures(server):
    server.settings.trust_roots = []
    did = _submitted(server)
    r = sign_and_upload(server, "chanhvp", did)
    assert r.status_code == 422 and r.json()["code"] == "no_trust_roots"
    _, der, _ = make_signer(server.pki, "someone")
    assert _register(server, "chanhvp", der).json()["code"] == "no_trust_roots"


def test_certificate_taken_by_another_account(server):
    # chutich's certificate is chutich's (demo seed); nobody else can take it.
    r = _register(server, "chanhvp", server.pki.der("chutich"))
    assert r.status_code == 409 and r.json()["code"] == "certificate_taken"
    assert "quản trị" in r.json()["message"]
    # A fresh certificate: the first registration wins, the second is refused and audited.
    _, der, _ = make_signer(server.pki, "contested")
    assert _register(server, "vanthu", der).status_code == 201
    assert _register(server, "vanthu", der).status_code == 200
    assert _register(server, "chutich", der).status_code == 409
    with server.app.state.ctx.sessions() as s:
        kinds = [e.kind for e in s.scalars(select(SecurityEvent).order_by(SecurityEvent.id))]
    assert kinds.count("certificate_taken_refused") == 2 and "certificate_registered" in kinds
    # The administrator releases the wrong binding; then the owner can register.
    from kyso_server.admin import release_certificate

    with server.app.state.ctx.sessions.begin() as s:
        assert release_certificate(s, hashlib.sha256(der).hexdigest(), server.clock.now)
    assert _register(server, "chutich", der).status_code == 201
