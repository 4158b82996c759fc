"""Passwords (argon2), bearer tokens (random, stored hashed) and login throttling."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .deps import AppContext, get_ctx, get_session
from .errors import ApiError
from .models import AuthToken, LoginAttempt, User

_hasher = PasswordHasher()
#: Verified against when the username is unknown, so timing does not reveal
#: which usernames exist.
_DUMMY_HASH = _hasher.hash("kyso-dummy-password")

_bearer = HTTPBearer(auto_error=False, description="Token từ POST /api/v1/auth/login")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_throttle(session: Session, ctx: AppContext, username: str, ip: str, now: datetime) -> None:
    """Refuse with 429 once a username or an IP has too many recent failures."""
    window_start = now - ctx.settings.login_window
    limit = ctx.settings.login_max_failures
    for column, value in ((LoginAttempt.username, username), (LoginAttempt.client_ip, ip)):
        rows = session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                column == value, LoginAttempt.success.is_(False), LoginAttempt.at > window_start
            )
        ).one()
        count, oldest = rows
        if count >= limit and oldest is not None:
            oldest_dt = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
            retry = max(1, math.ceil((oldest_dt + ctx.settings.login_window - now).total_seconds()))
            raise ApiError(
                429,
                "too_many_login_attempts",
                f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {math.ceil(retry / 60)} phút.",
                {"retry_after": retry},
                headers={"Retry-After": str(retry)},
            )


def login(session: Session, ctx: AppContext, username: str, password: str, ip: str) -> tuple[str, AuthToken]:
    """Verify credentials and mint a token; failures are recorded for throttling."""
    now = ctx.settings.clock()
    check_throttle(session, ctx, username, ip, now)
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    session.add(LoginAttempt(username=username[:64], client_ip=ip[:64], at=now, success=ok))
    if not ok or user is None:
        # Commit the failure even though the request fails.
        session.commit()
        raise ApiError(401, "invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.")
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.username == username, LoginAttempt.success.is_(False))
    )
    session.execute(delete(AuthToken).where(AuthToken.expires_at < now))
    token = secrets.token_urlsafe(32)
    row = AuthToken(
        token_sha256=_token_digest(token), user_id=user.id, created_at=now, expires_at=now + ctx.settings.token_ttl
    )
    session.add(row)
    session.flush()
    return token, row


def logout(session: Session, token: str) -> None:
    session.execute(delete(AuthToken).where(AuthToken.token_sha256 == _token_digest(token)))


def current_token(
    creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> str:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise ApiError(
            401,
            "unauthorized",
            "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return creds.credentials


def current_user(
    token: str = Depends(current_token),
    session: Session = Depends(get_session, scope="function"),
    ctx: AppContext = Depends(get_ctx),
) -> User:
    """Every protected route depends on this; an unknown or expired token is 401."""
    now = ctx.settings.clock()
    row = session.scalar(
        select(AuthToken).where(AuthToken.token_sha256 == _token_digest(token), AuthToken.expires_at > now)
    )
    user = session.get(User, row.user_id) if row else None
    if user is None:
        raise ApiError(
            401,
            "unauthorized",
            "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


__all__ = ["current_user", "current_token", "hash_password", "login", "logout"]
