"""Passwords (argon2), bearer tokens (random, stored hashed) and login throttling."""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from .deps import AppContext, get_ctx, get_session
from .errors import ApiError
from .models import AccountLogin, AuthToken, LoginAttempt, SecurityEvent, User

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


def client_ip(request: Request, trusted_proxies: list[str] | None = None) -> str:
    """The client's address: the TCP peer, unless the peer is a configured
    reverse proxy, in which case the right-most X-Forwarded-For hop that is not
    itself a trusted proxy. X-Forwarded-For from anyone else is ignored."""
    peer = request.client.host if request.client else "unknown"
    if not trusted_proxies:
        return peer
    nets = []
    for p in trusted_proxies:
        try:
            nets.append(ipaddress.ip_network(p, strict=False))
        except ValueError:
            continue

    def trusted(addr: str) -> bool:
        try:
            a = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(a in n for n in nets)

    if not trusted(peer):
        return peer
    hops = [h.strip() for v in request.headers.getlist("x-forwarded-for") for h in v.split(",") if h.strip()]
    for hop in reversed(hops):
        if not trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from the proxy's client: do not key on it
    return peer


def security_event(
    session: Session, now: datetime, kind: str, username: str | None = None, client_ip: str | None = None,
    detail: str | None = None,
) -> None:
    session.add(SecurityEvent(at=now, kind=kind, username=(username or "")[:64] or None,
                              client_ip=(client_ip or "")[:64] or None, detail=detail))


_NOT_OK = or_(LoginAttempt.success.is_(None), LoginAttempt.success.is_(False))


def _count(session: Session, *conds) -> tuple[int, int, datetime | None]:
    """(not successful including pending, failed, oldest failure) among attempts matching `conds`."""
    count, oldest = session.execute(select(func.count(), func.min(LoginAttempt.at)).where(_NOT_OK, *conds)).one()
    failed = session.scalar(select(func.count()).where(LoginAttempt.success.is_(False), *conds))
    return int(count), int(failed or 0), oldest


def _busy(factory, attempt_id: int) -> ApiError:
    """Refused only because other attempts are being checked right now (no
    failure lock yet): try again in a second. Nothing was checked."""
    with factory.begin() as s:
        s.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
    return ApiError(
        429,
        "too_many_login_attempts",
        "Đang có nhiều lần đăng nhập cùng lúc. Vui lòng thử lại sau giây lát.",
        {"retry_after": 1, "locked": "busy"},
        headers={"Retry-After": "1"},
    )


def _refuse(session_factory, ctx: AppContext, attempt_id: int, kind: str, username: str, ip: str,
            oldest: datetime | None, now: datetime) -> ApiError:
    """Drop the refused attempt (so hammering does not extend the lock) and
    audit the lock the first time it refuses someone."""
    window = ctx.settings.login_window
    oldest_dt = oldest if oldest is None or oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
    since = oldest_dt or (now - window)
    with session_factory.begin() as s:
        s.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
        key_cond = SecurityEvent.username == username[:64] if kind == "account_locked" else SecurityEvent.client_ip == ip[:64]
        seen = s.scalar(select(func.count()).where(SecurityEvent.kind == kind, key_cond, SecurityEvent.at >= since))
        if not seen:
            security_event(s, now, kind, username if kind == "account_locked" else None, ip,
                           detail=f"{ctx.settings.login_max_failures} failed logins within {window}")
    retry = max(1, math.ceil((since + window - now).total_seconds()))
    return ApiError(
        429,
        "too_many_login_attempts",
        f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {math.ceil(retry / 60)} phút.",
        {"retry_after": retry, "locked": "account" if kind == "account_locked" else "address"},
        headers={"Retry-After": str(retry)},
    )


def login(session: Session, ctx: AppContext, username: str, password: str, ip: str) -> tuple[str, AuthToken]:
    """Verify credentials and mint a token.

    Throttling is counted BEFORE the password is checked: the attempt is stored
    (pending) and committed first, then the recent not-successful attempts for
    the account and for the address are counted, the new one included. Of N
    concurrent attempts the k-th to commit sees at least k, so no more than
    ``login_max_failures`` passwords are ever checked per window, whatever the
    concurrency. The account limit does not apply from the address where the
    account last logged in successfully (an attacker elsewhere cannot lock the
    official out); an administrator can also unlock (``unlock_account``)."""
    now = ctx.settings.clock()
    window_start = now - ctx.settings.login_window
    limit = ctx.settings.login_max_failures
    uname, ipk = username[:64], ip[:64]
    factory = ctx.sessions
    with factory.begin() as s:
        attempt = LoginAttempt(username=uname, client_ip=ipk, at=now, success=None)
        s.add(attempt)
        s.flush()
        attempt_id = attempt.id
    with factory() as s:
        ip_count, ip_failed, ip_oldest = _count(s, LoginAttempt.client_ip == ipk, LoginAttempt.at > window_start)
        acct = s.get(AccountLogin, uname)
        known_address = acct is not None and acct.last_ok_ip == ipk
        since = window_start
        if acct is not None and acct.unlocked_at is not None and acct.unlocked_at > since:
            since = acct.unlocked_at
        acct_count, acct_failed, acct_oldest = (0, 0, None) if known_address else _count(
            s, LoginAttempt.username == uname, LoginAttempt.at > since)
    if ip_count > limit and ip_failed >= limit:
        raise _refuse(factory, ctx, attempt_id, "address_locked", uname, ipk, ip_oldest, now)
    if acct_count > limit and acct_failed >= limit:
        raise _refuse(factory, ctx, attempt_id, "account_locked", uname, ipk, acct_oldest, now)
    if ip_count > limit or acct_count > limit:
        raise _busy(factory, attempt_id)

    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    if not ok or user is None:
        with factory.begin() as s:
            s.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(success=False))
        raise ApiError(401, "invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.")
    if user.disabled:
        # The password was right: say why, so the official asks the right person.
        with factory.begin() as s:
            s.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(success=True))
            security_event(s, now, "disabled_login_refused", user.username, ip)
        raise ApiError(403, "account_disabled",
                       "Tài khoản này đã bị quản trị máy chủ khóa. Hãy liên hệ quản trị máy chủ của cơ quan.")
    session.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(success=True))
    # The official's own typos from this address are forgiven; failures from
    # elsewhere keep counting until the window passes.
    session.execute(delete(LoginAttempt).where(
        LoginAttempt.username == uname, LoginAttempt.client_ip == ipk, LoginAttempt.success.is_(False)))
    acct = session.get(AccountLogin, uname)
    if acct is None:
        session.add(AccountLogin(username=uname, last_ok_ip=ipk, last_ok_at=now))
    else:
        acct.last_ok_ip, acct.last_ok_at = ipk, now
    session.execute(delete(AuthToken).where(AuthToken.expires_at < now))
    token = secrets.token_urlsafe(32)
    row = AuthToken(
        token_sha256=_token_digest(token), user_id=user.id, created_at=now, expires_at=now + ctx.settings.token_ttl
    )
    session.add(row)
    session.flush()
    return token, row


def unlock_account(session: Session, username: str, now: datetime, by: str = "admin") -> bool:
    """Administrator: failures before now no longer lock `username` out. Audited."""
    if session.scalar(select(User.id).where(User.username == username)) is None:
        return False
    acct = session.get(AccountLogin, username[:64])
    if acct is None:
        session.add(AccountLogin(username=username[:64], unlocked_at=now))
    else:
        acct.unlocked_at = now
    security_event(session, now, "account_unlocked", username, detail=f"by {by}")
    return True


def unlock_address(session: Session, ip: str, now: datetime, by: str = "admin") -> int:
    """Administrator: forget the failures from `ip`. Audited."""
    n = session.execute(delete(LoginAttempt).where(LoginAttempt.client_ip == ip[:64], _NOT_OK)).rowcount
    security_event(session, now, "address_unlocked", client_ip=ip, detail=f"by {by}; {n} failures cleared")
    return n


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
    if user is None or user.disabled:
        raise ApiError(
            401,
            "unauthorized",
            "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


__all__ = ["current_user", "current_token", "hash_password", "login", "logout"]
