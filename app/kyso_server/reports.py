"""Monthly signing-rate report per unit (seed Quan Sơn 2021, Đống Đa 2024).

Outgoing documents are those issued in the month (Vietnam calendar) in the
unit's name; a document counts for the leader's (agency's) column when it
carries the leader's personal (the agency's) digital signature. Documents
issued on paper are recorded without signature timestamps and lower the rate.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .config import VN_TZ
from .errors import ApiError
from .models import Document, Unit
from .schemas import SigningRateReport, SigningRateRow


def month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        year_s, mon_s = month.split("-")
        year, mon = int(year_s), int(mon_s)
        start = datetime(year, mon, 1, tzinfo=VN_TZ)
    except ValueError as exc:
        raise ApiError(422, "invalid_month", "Tháng không hợp lệ, dùng dạng YYYY-MM (ví dụ 2026-11).") from exc
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=VN_TZ)
    return start, end


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def units_covered(session: Session, user) -> set[int]:
    """The units whose report a user may read: the units their reporting roles
    act for, and every unit below those (a city's leader sees its wards)."""
    from .rules import acts_for

    roots = {acts_for(a) for a in user.roles if a.role in REPORT_ROLES}
    roots |= {a.unit_id for a in user.roles if a.role in REPORT_ROLES}
    children: dict[int | None, list[int]] = {}
    for uid, parent in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent, []).append(uid)
    out: set[int] = set()
    todo = list(roots)
    while todo:
        uid = todo.pop()
        if uid in out:
            continue
        out.add(uid)
        todo.extend(children.get(uid, []))
    return out


REPORT_ROLES = ("leader", "reviewer", "clerk", "unit_head")


def signing_rate(session: Session, month: str, unit_ids: set[int] | None = None) -> SigningRateReport:
    """Rows for `unit_ids` only (None: every unit)."""
    start, end = month_bounds(month)
    scope = [Document.issuing_unit_id.in_(unit_ids)] if unit_ids is not None else []
    rows = session.execute(
        select(
            Document.issuing_unit_id,
            func.count(),
            func.count(Document.leader_signed_at),
            func.count(Document.agency_signed_at),
        )
        .where(Document.issued_at >= start, Document.issued_at < end, *scope)
        .group_by(Document.issuing_unit_id)
    ).all()
    names = {u.id: u.name for u in session.scalars(select(Unit))}
    out = [
        SigningRateRow(
            unit_id=uid,
            unit_name=names.get(uid, str(uid)),
            outgoing=n,
            leader_signed=ls,
            leader_signed_pct=_pct(ls, n),
            agency_signed=ag,
            agency_signed_pct=_pct(ag, n),
        )
        for uid, n, ls, ag in rows
    ]
    out.sort(key=lambda r: r.unit_name)
    n = sum(r.outgoing for r in out)
    ls = sum(r.leader_signed for r in out)
    ag = sum(r.agency_signed for r in out)
    total = SigningRateRow(
        unit_id=None, unit_name="Tổng cộng", outgoing=n, leader_signed=ls,
        leader_signed_pct=_pct(ls, n), agency_signed=ag, agency_signed_pct=_pct(ag, n),
    )
    return SigningRateReport(month=month, rows=out, total=total)


def to_xlsx(report: SigningRateReport) -> bytes:
    """The seed's table layout: two-row header with merged group titles."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    year, mon = report.month.split("-")
    ws.title = f"Tháng {int(mon)}-{year}"
    ws.append([f"Tình hình ký số văn bản điện tử tháng {int(mon)}/{year}"])
    ws.merge_cells("A1:H1")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["TT", "Tên cơ quan", "Văn bản gửi đi", "Văn bản đi có ký số của lãnh đạo", None,
               "Văn bản gửi đi có ký số cơ quan", None, "Ghi chú"])
    ws.append([None, None, None, "Số lượng", "Tỷ lệ", "Số lượng", "Tỷ lệ", None])
    for rng in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2", "H2:H3"):
        ws.merge_cells(rng)
    for row in ws.iter_rows(min_row=2, max_row=3):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, r in enumerate(report.rows, start=1):
        ws.append([i, r.unit_name, r.outgoing, r.leader_signed, r.leader_signed_pct / 100,
                   r.agency_signed, r.agency_signed_pct / 100, None])
    t = report.total
    ws.append([None, t.unit_name, t.outgoing, t.leader_signed, t.leader_signed_pct / 100,
               t.agency_signed, t.agency_signed_pct / 100, None])
    for row in ws.iter_rows(min_row=4):
        row[4].number_format = "0.00%"
        row[6].number_format = "0.00%"
    ws.cell(row=ws.max_row, column=2).font = Font(bold=True)
    for col, width in zip("ABCDEFGH", (5, 36, 14, 12, 10, 12, 10, 14)):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
