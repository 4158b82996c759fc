"""Incremental inbox: what waits for my roles, and what changed since my cursor."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import service
from ..auth import current_user
from ..deps import get_session
from ..errors import ApiError
from ..models import AuditEntry, Document, User
from ..rules import acts_for, waiting_states_for
from ..schemas import InboxItem, InboxOut
from .common import errors

router = APIRouter(tags=["inbox"])


@router.get("/inbox", response_model=InboxOut, responses=errors(401, 422))
def inbox(
    since: str | None = Query(default=None, max_length=32, description="Con trỏ từ lần gọi trước"),
    limit: int = Query(default=200, ge=1, le=1000),
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
) -> InboxOut:
    """Without `since`: every visible document waiting for one of my roles.
    With `since`: every visible document changed after the cursor (waiting or
    not, so the client can drop items that left its queue). The returned cursor
    is passed back next time; when `limit` truncates, it points at the last item."""
    try:
        since_id = int(since) if since else None
    except ValueError as exc:
        raise ApiError(422, "invalid_cursor", "Con trỏ đồng bộ không hợp lệ.") from exc
    unit_ids = {a.unit_id for a in user.roles} | {acts_for(a) for a in user.roles}
    visible = or_(Document.drafting_unit_id.in_(unit_ids), Document.issuing_unit_id.in_(unit_ids))
    head = session.scalar(select(func.max(AuditEntry.id))) or 0
    stmt = select(Document).where(visible).order_by(Document.last_event_id)
    if since_id is not None:
        stmt = stmt.where(Document.last_event_id > since_id)
    items: list[InboxItem] = []
    cursor = head
    last_id = since_id or 0
    has_more = False
    for doc in session.scalars(stmt):
        waiting = waiting_states_for(user, doc)
        if since_id is None and not waiting:
            continue
        if len(items) >= limit:
            has_more = True
            break
        items.append(InboxItem(waiting=waiting, document=service.document_out(session, doc)))
        last_id = doc.last_event_id
    if has_more and since_id is not None:
        cursor = last_id
    return InboxOut(cursor=str(cursor), items=items, has_more=has_more)
