"""Document operations shared by the routes and the demo seeder.

Each operation writes an audit entry and bumps the document's `last_event_id`,
which is what the incremental inbox compares its cursor against.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .config import VN_TZ
from .deps import AppContext
from .errors import ApiError
from .models import AuditEntry, Certificate, Document, IdempotencyRecord, User, Version
from .numbering import format_number, register_key, use_number
from .pdfcheck import TrustConfig, check_signed_extension, count_signatures
from .rules import (
    EDITABLE_STATES,
    STATE_LABELS,
    can_see,
    check_can_edit_draft,
    check_can_return,
    check_can_submit,
    check_doc_type,
    check_secrecy,
    drafting_unit_for_create,
    issuing_unit_for,
    signing_step_for,
)
from .schemas import DocumentCreate, DocumentOut, OrganRef, VersionOut
from .storage import safe_filename


def version_etag(version: Version) -> str:
    return f'"v{version.no}-{version.sha256[:32]}"'


def audit(
    session: Session,
    doc: Document,
    user: User,
    action: str,
    now: datetime,
    *,
    from_state: str | None = None,
    from_version: int | None = None,
    to_version: int | None = None,
    comment: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        document_id=doc.id,
        user_id=user.id,
        action=action,
        from_state=from_state,
        to_state=doc.state,
        from_version_no=from_version,
        to_version_no=to_version,
        comment=comment,
        at=now,
    )
    session.add(entry)
    session.flush()
    doc.last_event_id = entry.id
    doc.updated_at = now
    return entry


def get_visible_document(session: Session, user: User, doc_id: int, *, lock: bool = False) -> Document:
    """Invisible and missing documents look the same (404) so ids do not leak."""
    stmt = select(Document).where(Document.id == doc_id)
    if lock:
        stmt = stmt.with_for_update(of=Document)  # PostgreSQL: lock the document row only
    doc = session.scalar(stmt)
    if doc is None or not can_see(user, doc):
        raise ApiError(404, "document_not_found", "Không tìm thấy văn bản.")
    return doc


def current_version(session: Session, doc: Document) -> Version | None:
    if doc.current_version_no == 0:
        return None
    return session.scalar(select(Version).where(Version.document_id == doc.id, Version.no == doc.current_version_no))


def version_out(session: Session, v: Version) -> VersionOut:
    uploader = session.get(User, v.uploaded_by_id)
    return VersionOut(
        no=v.no,
        base_no=v.base_no,
        sha256=v.sha256,
        size=v.size,
        signature_count=v.signature_count,
        step=v.step,
        uploaded_by=uploader.username if uploader else "?",
        created_at=v.created_at,
        etag=version_etag(v),
    )


def document_out(session: Session, doc: Document) -> DocumentOut:
    cv = current_version(session, doc)
    return DocumentOut(
        id=doc.id,
        path=doc.path,
        state=doc.state,
        state_label=STATE_LABELS.get(doc.state, doc.state),
        drafting_unit_id=doc.drafting_unit_id,
        issuing_unit_id=doc.issuing_unit_id,
        filename=doc.filename,
        from_organ_id=doc.from_organ_id,
        from_organ_name=doc.from_organ_name,
        to_organs=[OrganRef(**o) for o in (doc.to_organs or [])],
        number=doc.number,
        number_formatted=format_number(doc.number) if doc.number is not None else None,
        notation=doc.notation,
        register_id=register_key(doc.issuing_unit, doc.notation),
        place=doc.place,
        promulgation_date=doc.promulgation_date,
        doc_type=doc.doc_type,
        subject=doc.subject,
        signer_competence=doc.signer_competence,
        signer_position=doc.signer_position,
        signer_full_name=doc.signer_full_name,
        urgency=doc.urgency,
        secrecy=doc.secrecy,
        due_date=doc.due_date,
        appendixes=list(doc.appendixes or []),
        return_comment=doc.return_comment,
        current_version=version_out(session, cv) if cv else None,
        leader_signed_at=doc.leader_signed_at,
        agency_signed_at=doc.agency_signed_at,
        issued_at=doc.issued_at,
        updated_at=doc.updated_at,
    )


def create_document(session: Session, ctx: AppContext, user: User, body: DocumentCreate) -> Document:
    """Create a draft. Secret documents and paper-only types are refused here."""
    check_secrecy(body.secrecy)
    check_doc_type(ctx.settings.doc_type_policy, body.doc_type)
    drafting = drafting_unit_for_create(session, user, body.drafting_unit_id)
    issuing = issuing_unit_for(session, drafting, body.path)
    now = ctx.settings.clock()
    doc = Document(
        path=body.path,
        state="draft",
        drafting_unit_id=drafting.id,
        issuing_unit_id=issuing.id,
        created_by_id=user.id,
        filename=safe_filename(body.filename),
        from_organ_id=issuing.organ_id,
        from_organ_name=issuing.name,
        to_organs=[o.model_dump() for o in body.to_organs],
        notation=body.notation.strip(),
        place=body.place,
        doc_type=body.doc_type.strip(),
        subject=body.subject.strip(),
        signer_competence=body.signer_competence,
        signer_position=body.signer_position,
        signer_full_name=body.signer_full_name,
        urgency=body.urgency,
        secrecy=body.secrecy,
        due_date=body.due_date,
        appendixes=list(body.appendixes),
        current_version_no=0,
        created_at=now,
        updated_at=now,
        last_event_id=0,
    )
    session.add(doc)
    session.flush()
    audit(session, doc, user, "create", now)
    return doc


def trust_config(ctx: AppContext, now: datetime) -> TrustConfig:
    s = ctx.settings
    return TrustConfig(roots=s.trust_roots, intermediates=s.intermediates, crls=s.crls, fetch_revocation=s.fetch_revocation, moment=now)


def _registered_certs(session: Session, user: User) -> set[str]:
    """The user's certificates that may sign: active ones (not pending approval)."""
    return set(session.scalars(select(Certificate.sha256).where(
        Certificate.user_id == user.id, Certificate.status == "active")))


def _check_signed_extension(session: Session, user: User, *args) -> None:
    """check_signed_extension, saying so when the certificate waits for approval."""
    try:
        check_signed_extension(*args)
    except ApiError as exc:
        sha = exc.detail.get("signer_cert_sha256") if isinstance(exc.detail, dict) else None
        if exc.code != "certificate_not_registered" or not sha:
            raise
        pending = session.scalar(select(Certificate.id).where(
            Certificate.user_id == user.id, Certificate.sha256 == sha, Certificate.status == "pending"))
        if pending is None:
            raise
        raise ApiError(
            422, "certificate_pending",
            "Chứng thư số đã ký văn bản này đang chờ quản trị máy chủ phê duyệt, nên chưa được dùng để ký. "
            f"Hãy đề nghị quản trị chạy: kyso-server admin approve-cert {sha[:16]}; sau đó chạy kyso sync.",
            exc.detail) from exc


def upload_version(
    session: Session,
    ctx: AppContext,
    user: User,
    doc_id: int,
    data: bytes,
    *,
    idempotency_key: str | None,
    if_match: str | None,
    number: int | None = None,
    filename: str | None = None,
) -> tuple[Version, bool]:
    """Accept a new version; returns (version, created). See API.md for the rules."""
    if not idempotency_key or len(idempotency_key) > 128:
        raise ApiError(
            400,
            "idempotency_key_required",
            "Thiếu tiêu đề Idempotency-Key (tối đa 128 ký tự) cho yêu cầu tải lên.",
        )
    doc = get_visible_document(session, user, doc_id, lock=True)
    sha = hashlib.sha256(data).hexdigest()
    prior = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user.id,
            IdempotencyRecord.document_id == doc.id,
            IdempotencyRecord.key == idempotency_key,
        )
    )
    if prior is not None:
        if prior.sha256 != sha:
            raise ApiError(
                422,
                "idempotency_key_reused",
                "Idempotency-Key này đã được dùng cho một tệp khác. Hãy dùng khóa mới cho lần tải lên mới.",
            )
        version = session.scalar(
            select(Version).where(Version.document_id == doc.id, Version.no == prior.version_no)
        )
        assert version is not None
        return version, False

    if len(data) > ctx.settings.max_upload_bytes:
        raise ApiError(413, "too_large", "Tệp tải lên vượt quá dung lượng cho phép.")
    # Policy can change after creation; re-check before anything is stored.
    check_secrecy(doc.secrecy)
    check_doc_type(ctx.settings.doc_type_policy, doc.doc_type)

    base = current_version(session, doc)
    if base is not None:
        if if_match is None:
            raise ApiError(
                428,
                "if_match_required",
                "Thiếu tiêu đề If-Match với ETag của phiên bản gốc.",
                {"current_etag": version_etag(base)},
                headers={"ETag": version_etag(base)},
            )
        if if_match.strip() != version_etag(base) and if_match.strip() != "*":
            raise ApiError(
                412,
                "version_conflict",
                "Văn bản đã có phiên bản mới hơn. Hãy tải phiên bản mới nhất rồi thực hiện lại.",
                {"current_etag": version_etag(base), "current_version": base.no},
                headers={"ETag": version_etag(base)},
            )

    sig_count = count_signatures(data)
    now = ctx.settings.clock()
    from_state = doc.state
    if doc.state in EDITABLE_STATES and sig_count == 0:
        check_can_edit_draft(user, doc)
        step_name = "draft"
    else:
        if base is None:
            raise ApiError(409, "no_base_version", "Văn bản chưa có dự thảo để ký.")
        step = signing_step_for(user, doc)
        _check_signed_extension(
            session,
            user,
            ctx.store.get(base.sha256),
            data,
            base.signature_count,
            _registered_certs(session, user),
            trust_config(ctx, now),
            step.name,
        )
        step_name = step.name
        doc.state = step.to_state
        if step.name == "sign":
            doc.leader_signed_at = now
        elif step.name == "issue":
            row = use_number(session, user, doc, number, now)
            doc.number = row.number
            doc.promulgation_date = now.astimezone(VN_TZ).date().isoformat()
            doc.agency_signed_at = now
            doc.issued_at = now

    ctx.store.put(data)
    version = Version(
        document_id=doc.id,
        no=(base.no if base else 0) + 1,
        base_no=base.no if base else None,
        sha256=sha,
        size=len(data),
        signature_count=sig_count,
        step=step_name,
        uploaded_by_id=user.id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(version)
            session.add(
                IdempotencyRecord(
                    user_id=user.id, document_id=doc.id, key=idempotency_key, sha256=sha, version_no=version.no
                )
            )
    except IntegrityError as exc:
        raise ApiError(
            412,
            "version_conflict",
            "Một phiên bản khác vừa được tải lên đồng thời. Hãy tải phiên bản mới nhất rồi thực hiện lại.",
        ) from exc
    doc.current_version_no = version.no
    if filename:
        doc.filename = safe_filename(filename)
    audit(session, doc, user, step_name, now, from_state=from_state,
          from_version=base.no if base else None, to_version=version.no)
    return version, True


def submit(session: Session, ctx: AppContext, user: User, doc_id: int) -> Document:
    doc = get_visible_document(session, user, doc_id, lock=True)
    check_can_submit(user, doc)
    now = ctx.settings.clock()
    from_state = doc.state
    doc.state = "submitted"
    doc.return_comment = None
    audit(session, doc, user, "submit", now, from_state=from_state,
          from_version=doc.current_version_no, to_version=doc.current_version_no)
    return doc


def return_document(session: Session, ctx: AppContext, user: User, doc_id: int, comment: str) -> Document:
    """Return to the drafting unit with a comment. The signed versions stay in
    history; the drafting unit continues from a fresh unsigned draft."""
    doc = get_visible_document(session, user, doc_id, lock=True)
    check_can_return(user, doc)
    now = ctx.settings.clock()
    from_state = doc.state
    doc.state = "returned"
    doc.return_comment = comment
    doc.leader_signed_at = None
    audit(session, doc, user, "return", now, from_state=from_state,
          from_version=doc.current_version_no, to_version=doc.current_version_no, comment=comment)
    return doc
