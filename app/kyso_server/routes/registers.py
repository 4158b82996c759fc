"""Number registers: the clerk asks for the next number before stamping."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends
from sqlalchemy.orm import Session

from .. import service
from ..auth import current_user
from ..deps import AppContext, get_ctx, get_session
from ..models import User
from ..numbering import format_number, reserve_number
from ..schemas import NextNumberOut, NextNumberRequest
from .common import errors

router = APIRouter(prefix="/registers", tags=["registers"])


@router.post("/{register}/next-number", response_model=NextNumberOut, responses=errors(401, 403, 404, 409))
def next_number(
    register: str,
    body: NextNumberRequest | None = Body(default=None),
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> NextNumberOut:
    """Reserve the next number of `register` ("<unit code>:<notation>") for this
    year. With `document_id`, repeated calls return the same reservation."""
    doc = service.get_visible_document(session, user, body.document_id) if body and body.document_id else None
    row = reserve_number(session, user, register, ctx.settings.clock(), doc)
    return NextNumberOut(
        register_id=row.register, year=row.year, number=row.number,
        formatted=format_number(row.number), document_id=row.document_id,
    )
