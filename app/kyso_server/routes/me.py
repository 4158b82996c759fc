"""The current user, their certificates, the unit tree and the type policy."""

from __future__ import annotations

import base64
import hashlib
from datetime import timezone

from asn1crypto import x509 as asn1_x509
from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fastapi.concurrency import run_in_threadpool

from ..auth import current_user, security_event
from ..limits import read_body_limited
from ..pdfcheck import validate_certificate
from ..service import trust_config
from ..deps import AppContext, get_ctx, get_session
from ..errors import ApiError
from ..models import Certificate, Unit, User
from .. import certreg
from ..schemas import CertificateOut, CertificateProof, ChallengeOut, DocTypePolicyOut, MeOut, RoleOut, UnitOut
from .common import errors, json_with_etag

router = APIRouter(tags=["me"])

_CERT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/pkix-cert": {"schema": {"type": "string", "format": "binary"}}},
        "description": "Chứng thư số dạng DER",
    }
}


def _cert_out(c: Certificate) -> CertificateOut:
    return CertificateOut(id=c.id, sha256=c.sha256, subject=c.subject, serial=c.serial, not_after=c.not_after,
                          status=c.status or "active", source=c.source or "unproven")


@router.get("/me", response_model=MeOut, responses=errors(401))
def me(user: User = Depends(current_user)) -> MeOut:
    return MeOut(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        position=user.position,
        roles=[RoleOut(unit_id=a.unit_id, unit_name=a.unit.name, role=a.role) for a in user.roles],
    )


@router.get("/me/certificates", response_model=list[CertificateOut], responses=errors(401))
def list_certificates(user: User = Depends(current_user), session: Session = Depends(get_session, scope="function")) -> list[CertificateOut]:
    rows = session.scalars(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id))
    return [_cert_out(c) for c in rows]


def register_certificate(session: Session, ctx: AppContext, user: User, der: bytes) -> tuple[Certificate, bool]:
    """Register a signing certificate for `user` without proof of possession
    (older clients, the demo). Refused with ``--require-proof``."""
    if not ctx.settings.allow_unproven_registration:
        raise ApiError(
            403, "proof_required",
            "Máy chủ này chỉ nhận đăng ký chứng thư số có chứng minh giữ khóa. Hãy dùng lệnh kyso register-cert "
            "(hoặc bước đăng ký chứng thư số trong trợ lý cài đặt của ứng dụng).")
    try:
        cert = asn1_x509.Certificate.load(der)
        subject = cert.subject.human_friendly
        serial = format(cert.serial_number, "x")
        not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    except Exception as exc:
        raise ApiError(422, "invalid_certificate", "Dữ liệu gửi lên không phải chứng thư số X.509 dạng DER.") from exc
    now = ctx.settings.clock()
    validate_certificate(der, trust_config(ctx, now))
    sha = hashlib.sha256(der).hexdigest()
    existing = session.scalar(select(Certificate).where(Certificate.sha256 == sha))
    if existing is not None:
        if existing.user_id != user.id:
            # Without proof the first registration wins; a registration WITH
            # proof of possession (POST /me/certificates/proof, kyso
            # register-cert) replaces an unproven one (certreg). Audited.
            with ctx.sessions.begin() as audit_session:  # kept although this request fails
                security_event(audit_session, now, "certificate_taken_refused", user.username,
                               detail=f"sha256={sha} owner_id={existing.user_id}")
            raise ApiError(
                409,
                "certificate_taken",
                "Chứng thư số này đã được đăng ký cho một tài khoản khác. Nếu đây là chứng thư số của bạn, "
                "hãy đăng ký bằng lệnh kyso register-cert (chứng minh giữ khóa trên token): đăng ký có chứng "
                "minh thay cho đăng ký không có chứng minh; nếu vẫn bị từ chối, báo quản trị máy chủ.",
                {"sha256": sha},
            )
        return existing, False
    row = Certificate(
        user_id=user.id, sha256=sha, der=der, subject=subject, serial=serial,
        not_after=not_after.astimezone(timezone.utc) if not_after else None,
        created_at=now,
    )
    session.add(row)
    session.flush()
    security_event(session, now, "certificate_registered", user.username, detail=f"sha256={sha} subject={subject}")
    return row, True


@router.post(
    "/me/certificates",
    response_model=CertificateOut,
    status_code=201,
    responses={**errors(401, 409, 422), 200: {"model": CertificateOut, "description": "Đã đăng ký từ trước"}},
    openapi_extra=_CERT_BODY,
)
async def add_certificate(
    request: Request,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> CertificateOut:
    """Register a signing certificate (DER body). Uploads are accepted only
    when their new signature was made with one of the uploader's certificates."""
    der = await read_body_limited(request, 64 * 1024)
    row, created = await run_in_threadpool(register_certificate, session, ctx, user, der)
    response.status_code = 201 if created else 200
    return _cert_out(row)


@router.post(
    "/me/certificates/challenge",
    response_model=ChallengeOut,
    status_code=201,
    responses=errors(401),
)
def certificate_challenge(
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> ChallengeOut:
    """A random challenge to sign with the certificate's key (proof of
    possession): bound to this account, valid 5 minutes, usable once."""
    row, data = certreg.issue_challenge(session, ctx, user)
    return ChallengeOut(challenge_id=row.id, to_sign=base64.b64encode(data).decode(), expires_at=row.expires_at)


@router.post(
    "/me/certificates/proof",
    response_model=CertificateOut,
    status_code=201,
    responses={**errors(401, 404, 409, 410, 422), 200: {"model": CertificateOut, "description": "Đã đăng ký từ trước"}},
)
async def prove_certificate(
    body: CertificateProof,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> CertificateOut:
    """Register a certificate by signing a challenge with its key. The result is
    ``pending`` until an administrator approves it (``active`` at once with
    ``--auto-approve-certs``); only active certificates sign."""
    row, created = await run_in_threadpool(certreg.prove_and_register, session, ctx, user, body.challenge_id,
                                           body.certificate, body.signature)
    response.status_code = 201 if created else 200
    return _cert_out(row)


@router.get("/units", response_model=list[UnitOut], responses=errors(401))
def units(request: Request, _user: User = Depends(current_user), session: Session = Depends(get_session, scope="function")) -> Response:
    rows = session.scalars(select(Unit).order_by(Unit.id))
    payload = [
        UnitOut(id=u.id, code=u.code, name=u.name, kind=u.kind, organ_id=u.organ_id, parent_id=u.parent_id)
        for u in rows
    ]
    return json_with_etag(request, payload)


@router.get("/policy/doc-types", response_model=DocTypePolicyOut, responses=errors(401))
def doc_type_policy(_user: User = Depends(current_user), ctx: AppContext = Depends(get_ctx)) -> DocTypePolicyOut:
    """The agency's document-type policy: electronic, electronic+paper or paper."""
    return DocTypePolicyOut(policy=ctx.settings.doc_type_policy)
