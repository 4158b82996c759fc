"""Login and logout."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from .. import auth
from ..deps import AppContext, get_ctx, get_session
from ..schemas import LoginRequest, TokenOut
from .common import errors

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokenOut, responses=errors(401, 422, 429))
def login(
    body: LoginRequest,
    request: Request,
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> TokenOut:
    """Exchange username + password for a bearer token. After 5 failures in
    15 minutes for a username or client address: 429 with Retry-After (the
    account limit does not apply from the address of its last successful login)."""
    token, row = auth.login(session, ctx, body.username, body.password, auth.client_ip(request, ctx.settings.trusted_proxies))
    return TokenOut(access_token=token, expires_at=row.expires_at)


@router.post("/logout", status_code=204, responses=errors(401))
def logout(
    token: str = Depends(auth.current_token),
    _user: object = Depends(auth.current_user),
    session: Session = Depends(get_session, scope="function"),
) -> Response:
    auth.logout(session, token)
    return Response(status_code=204)
