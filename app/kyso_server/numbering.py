"""Registers ("sổ đăng ký văn bản đi") and yearly numbering.

A register is one issuing unit + one notation, written "<unit code>:<notation>",
e.g. "phuly:UBND-VP". Numbers restart at 1 on 1 January, Vietnam time (Decree 30,
art. 15), and every handed-out number is a row with a unique key, so two clerks
asking at once can never get the same number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .config import VN_TZ
from .errors import ApiError
from .models import Document, RegisterNumber, Unit, User
from .rules import can_see, has_role


def register_key(unit: Unit, notation: str) -> str:
    return f"{unit.code}:{notation}"


def format_number(number: int) -> str:
    """Vietnamese practice writes "Số: 01/…" below 10."""
    return f"{number:02d}"


def vn_year(moment: datetime) -> int:
    return moment.astimezone(VN_TZ).year


def resolve_register(session: Session, user: User, register: str) -> Unit:
    code, sep, notation = register.partition(":")
    unit = session.scalar(select(Unit).where(Unit.code == code)) if sep and notation else None
    if unit is None:
        raise ApiError(404, "register_not_found", f"Không tìm thấy sổ đăng ký \"{register}\".")
    if not has_role(user, ("clerk",), unit.id):
        raise ApiError(403, "forbidden", "Chỉ văn thư của cơ quan được cấp số văn bản.")
    return unit


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
        existing = session.scalar(
            select(RegisterNumber).where(
                RegisterNumber.register == register,
                RegisterNumber.year == year,
                RegisterNumber.document_id == document.id,
            )
        )
        if existing is not None:
            return existing
    for _ in range(10):
        last = session.scalar(
            select(func.max(RegisterNumber.number)).where(
                RegisterNumber.register == register, RegisterNumber.year == year
            )
        )
        row = RegisterNumber(
            register=register,
            year=year,
            number=(last or 0) + 1,
            document_id=document.id if document else None,
            reserved_by_id=user.id,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        return row
    raise ApiError(503, "numbering_busy", "Hệ thống cấp số đang bận, vui lòng thử lại.")


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
