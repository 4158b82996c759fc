"""Registers ("sổ đăng ký văn bản đi") and yearly numbering.

A register is one issuing unit + one notation, written "<unit code>:<notation>",
e.g. "phuly:UBND-VP". Numbers restart at 1 on 1 January, Vietnam time (Decree 30,
art. 15), and every handed-out number is a row with a unique key, so two clerks
asking at once can never get the same number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .config import VN_TZ
from .errors import ApiError
from .models import Document, Register, RegisterNumber, Unit, User
from .rules import can_see, has_role


def register_key(unit: Unit, notation: str) -> str:
    return f"{unit.code}:{notation}"


def format_number(number: int) -> str:
    """Vietnamese practice writes "Số: 01/…" below 10."""
    return f"{number:02d}"


def vn_year(moment: datetime) -> int:
    return moment.astimezone(VN_TZ).year


def create_register(session: Session, key: str, now: datetime) -> Register:
    """Administrator: open the register "<unit code>:<notation>" (idempotent)."""
    code, sep, notation = key.partition(":")
    unit = session.scalar(select(Unit).where(Unit.code == code)) if sep and notation.strip() else None
    if unit is None:
        raise ValueError(f"no unit with code {code!r} (a register is '<unit code>:<notation>')")
    existing = session.scalar(select(Register).where(Register.key == key))
    if existing is not None:
        return existing
    row = Register(key=key, unit_id=unit.id, notation=notation, reservations=0, created_at=now)
    session.add(row)
    session.flush()
    return row


def resolve_register(session: Session, user: User, register: str) -> Unit:
    """Only registers an administrator created exist; a clerk of another unit is 403."""
    row = session.scalar(select(Register).where(Register.key == register))
    unit = session.get(Unit, row.unit_id) if row is not None else None
    if unit is None:
        raise ApiError(
            404,
            "register_not_found",
            f"Không tìm thấy sổ đăng ký \"{register}\". Sổ đăng ký do quản trị máy chủ mở "
            "(kyso-server add-register).",
            {"register": register},
        )
    if not has_role(user, ("clerk",), unit.id):
        raise ApiError(403, "forbidden", "Chỉ văn thư của cơ quan được cấp số văn bản.")
    return unit


def _lock_register(session: Session, register: str) -> None:
    """Serialise reservations in one register: the UPDATE takes the row's write
    lock (PostgreSQL: row lock until commit; SQLite: the database write lock),
    so the max() below sees every number committed before it."""
    session.execute(
        update(Register).where(Register.key == register).values(reservations=Register.reservations + 1)
    )


def reserve_number(
    session: Session, user: User, register: str, now: datetime, document: Document | None
) -> RegisterNumber:
    """Hand out the next number in `register` for the current year.

    With a document, asking again returns the number already reserved for it
    (a retried request must not burn numbers)."""
    resolve_register(session, user, register)
    year = vn_year(now)
    if document is not None:
        if not can_see(user, document):
            raise ApiError(404, "document_not_found", "Không tìm thấy văn bản.")
        if register_key(document.issuing_unit, document.notation) != register:
            raise ApiError(
                409, "register_mismatch", "Văn bản không thuộc sổ đăng ký này.", {"document_register": register_key(document.issuing_unit, document.notation)}
            )
        _lock_register(session, register)  # before looking: two retries of one request get one number
        existing = session.scalar(
            select(RegisterNumber).where(
                RegisterNumber.register == register,
                RegisterNumber.year == year,
                RegisterNumber.document_id == document.id,
            )
        )
        if existing is not None:
            return existing
    else:
        _lock_register(session, register)
    last = session.scalar(
        select(func.max(RegisterNumber.number)).where(RegisterNumber.register == register, RegisterNumber.year == year)
    )
    row = RegisterNumber(
        register=register,
        year=year,
        number=(last or 0) + 1,
        document_id=document.id if document else None,
        reserved_by_id=user.id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def use_number(
    session: Session, user: User, document: Document, number: int | None, now: datetime
) -> RegisterNumber:
    """Bind a number to a document at issue: the reserved one, or the next one."""
    register = register_key(document.issuing_unit, document.notation)
    year = vn_year(now)
    if number is None:
        row = reserve_number(session, user, register, now, document)
    else:
        row = session.scalar(
            select(RegisterNumber).where(
                RegisterNumber.register == register, RegisterNumber.year == year, RegisterNumber.number == number
            )
        )
        if row is None or (row.document_id not in (None, document.id)) or (row.used and row.document_id != document.id):
            raise ApiError(
                409,
                "number_not_reserved",
                f"Số {format_number(number)} chưa được cấp trong sổ {register} năm {year} hoặc đã dùng cho văn bản khác.",
                {"register": register, "year": year, "number": number},
            )
    row.document_id = document.id
    row.used = True
    return row
