"""Documents: create, read, upload versions, submit, return, audit."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import service
from ..auth import current_user
from ..deps import AppContext, get_ctx, get_session
from ..errors import ApiError
from ..limits import read_upload
from ..models import AuditEntry, User, Version
from ..schemas import AuditOut, DocumentCreate, DocumentOut, ReturnRequest, VersionOut
from .common import errors, etag_matches, json_with_etag

router = APIRouter(prefix="/documents", tags=["documents"])

_PDF_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post("", response_model=DocumentOut, status_code=201, responses=errors(401, 403, 404, 422))
def create_document(
    body: DocumentCreate,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> DocumentOut:
    """Create a draft (no content yet). Refuses secret documents and paper-only types."""
    doc = service.create_document(session, ctx, user, body)
    response.headers["Location"] = f"/api/v1/documents/{doc.id}"
    return service.document_out(session, doc)


@router.get("/{doc_id}", response_model=DocumentOut, responses={**errors(401, 404), 304: {"description": "Not Modified"}})
def get_document(
    doc_id: int, request: Request, user: User = Depends(current_user), session: Session = Depends(get_session, scope="function")
) -> Response:
    doc = service.get_visible_document(session, user, doc_id)
    return json_with_etag(request, service.document_out(session, doc))


@router.get("/{doc_id}/versions", response_model=list[VersionOut], responses=errors(401, 404))
def list_versions(
    doc_id: int, request: Request, user: User = Depends(current_user), session: Session = Depends(get_session, scope="function")
) -> Response:
    doc = service.get_visible_document(session, user, doc_id)
    rows = session.scalars(select(Version).where(Version.document_id == doc.id).order_by(Version.no))
    return json_with_etag(request, [service.version_out(session, v) for v in rows])


def _content_response(request: Request, ctx: AppContext, filename: str, v: Version) -> Response:
    etag = service.version_etag(v)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "X-Content-SHA256": v.sha256}
    if etag_matches(request, etag):
        return Response(status_code=304, headers=headers)
    from urllib.parse import quote

    headers["Content-Disposition"] = f"attachment; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}"
    return Response(content=ctx.store.get(v.sha256), media_type="application/pdf", headers=headers)


_PDF_RESPONSE = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}, "description": "PDF"},
    304: {"description": "Not Modified"},
}


@router.get("/{doc_id}/content", response_class=Response, responses={**_PDF_RESPONSE, **errors(401, 404)})
def get_content(
    doc_id: int,
    request: Request,
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> Response:
    """The current version's bytes; its ETag is what uploads send in If-Match."""
    doc = service.get_visible_document(session, user, doc_id)
    v = service.current_version(session, doc)
    if v is None:
        raise ApiError(404, "no_version", "Văn bản chưa có tệp nội dung.")
    return _content_response(request, ctx, doc.filename, v)


@router.get("/{doc_id}/versions/{no}/content", response_class=Response, responses={**_PDF_RESPONSE, **errors(401, 404)})
def get_version_content(
    doc_id: int,
    no: int,
    request: Request,
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> Response:
    doc = service.get_visible_document(session, user, doc_id)
    v = session.scalar(select(Version).where(Version.document_id == doc.id, Version.no == no))
    if v is None:
        raise ApiError(404, "version_not_found", "Không tìm thấy phiên bản.")
    return _content_response(request, ctx, doc.filename, v)


@router.post(
    "/{doc_id}/versions",
    response_model=VersionOut,
    status_code=201,
    responses={
        200: {"model": VersionOut, "description": "Lặp lại với cùng Idempotency-Key và cùng nội dung"},
        **errors(400, 401, 403, 404, 409, 412, 413, 422, 428),
    },
    openapi_extra=_PDF_BODY,
)
async def upload_version(
    doc_id: int,
    request: Request,
    response: Response,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    if_match: str | None = Header(default=None, alias="If-Match"),
    number: int | None = Query(default=None, ge=1, description="Số văn bản đã cấp (bước phát hành)"),
    filename: str | None = Query(default=None, max_length=1000, description="Tên hiển thị (không phải đường dẫn)"),
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> VersionOut:
    """Upload a new version (raw PDF body). In draft states: an unsigned draft.
    At a signing step: the base version's bytes + one incremental update with
    exactly one new valid signature by a certificate registered to the uploader."""
    data = await read_upload(request, ctx.settings.max_upload_bytes, ctx.store.root / "tmp")
    version, created = await run_in_threadpool(
        service.upload_version,
        session,
        ctx,
        user,
        doc_id,
        data,
        idempotency_key=idempotency_key,
        if_match=if_match,
        number=number,
        filename=filename,
    )
    out = await run_in_threadpool(service.version_out, session, version)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = out.etag
    response.headers["Location"] = f"/api/v1/documents/{doc_id}/versions/{version.no}/content"
    return out


@router.post("/{doc_id}/submit", response_model=DocumentOut, responses=errors(401, 403, 404, 409))
def submit(
    doc_id: int,
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> DocumentOut:
    """Send a draft upward (path "ubnd"). Only from the unit head's account."""
    doc = service.submit(session, ctx, user, doc_id)
    return service.document_out(session, doc)


@router.post("/{doc_id}/return", response_model=DocumentOut, responses=errors(401, 403, 404, 409, 422))
def return_document(
    doc_id: int,
    body: ReturnRequest,
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> DocumentOut:
    """Return the document to the drafting unit with a comment."""
    doc = service.return_document(session, ctx, user, doc_id, body.comment)
    return service.document_out(session, doc)


@router.get("/{doc_id}/audit", response_model=list[AuditOut], responses=errors(401, 404))
def audit_log(
    doc_id: int, user: User = Depends(current_user), session: Session = Depends(get_session, scope="function")
) -> list[AuditOut]:
    doc = service.get_visible_document(session, user, doc_id)
    rows = session.scalars(select(AuditEntry).where(AuditEntry.document_id == doc.id).order_by(AuditEntry.id))
    names = {u.id: u.username for u in session.scalars(select(User))}
    return [
        AuditOut(
            id=a.id, user=names.get(a.user_id, "?"), action=a.action, from_version_no=a.from_version_no,
            to_version_no=a.to_version_no, from_state=a.from_state, to_state=a.to_state, comment=a.comment, at=a.at,
        )
        for a in rows
    ]
