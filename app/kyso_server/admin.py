"""Administrator functions (``kyso-server <command>``): unlock an account or an
address locked by login throttling, open a number register, release a
certificate registered to the wrong account, read the security log.
Every change is written to the security log."""

from __future__ import annotations

from sqlalchemy import delete, select

from .auth import security_event, unlock_account, unlock_address
from .config import Settings
from .db import make_engine, make_sessionmaker
from .models import Base, Certificate, SecurityEvent, User
from .numbering import create_register


def release_certificate(session, sha256: str, now, by: str = "admin") -> bool:
    row = session.scalar(select(Certificate).where(Certificate.sha256 == sha256.lower()))
    if row is None:
        return False
    owner = session.get(User, row.user_id)
    session.execute(delete(Certificate).where(Certificate.id == row.id))
    security_event(session, now, "certificate_released", owner.username if owner else None,
                   detail=f"sha256={row.sha256} by {by}")
    return True


def run_admin(settings: Settings, command: str, value: str) -> str:
    engine = make_engine(settings.db_url)
    Base.metadata.create_all(engine)
    now = settings.clock()
    try:
        with make_sessionmaker(engine).begin() as session:
            if command == "unlock-account":
                return f"unlocked {value}" if unlock_account(session, value, now) else f"no such user: {value}"
            if command == "unlock-address":
                return f"{unlock_address(session, value, now)} failures cleared for {value}"
            if command == "add-register":
                row = create_register(session, value, now)
                security_event(session, now, "register_created", detail=row.key)
                return f"register {row.key}"
            if command == "release-certificate":
                ok = release_certificate(session, value, now)
                return "released" if ok else f"no certificate {value}"
            if command == "security-log":
                rows = session.scalars(select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(100))
                return "\n".join(f"{e.at.isoformat()} {e.kind} {e.username or '-'} {e.client_ip or '-'} {e.detail or ''}"
                                 for e in rows)
            raise ValueError(command)
    finally:
        engine.dispose()
