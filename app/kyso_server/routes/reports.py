"""Signing-rate report (JSON or XLSX)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from ..auth import current_user
from ..deps import get_session
from ..errors import ApiError
from ..models import User
from ..reports import REPORT_ROLES, signing_rate, to_xlsx, units_covered
from ..schemas import SigningRateReport
from .common import errors

router = APIRouter(prefix="/reports", tags=["reports"])

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/signing-rate",
    response_model=SigningRateReport,
    responses={200: {"content": {_XLSX: {}}}, **errors(401, 403, 422)},
)
def signing_rate_report(
    month: str = Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM, lịch Việt Nam"),
    format: Literal["json", "xlsx"] = Query(default="json"),
    user: User = Depends(current_user),
    session: Session = Depends(get_session, scope="function"),
) -> Response | SigningRateReport:
    """Per unit: outgoing documents, with the leader's signature, with the agency's.
    Only the units the caller's roles cover (their own, and the units below)."""
    if not any(a.role in REPORT_ROLES for a in user.roles):
        raise ApiError(403, "forbidden", "Bạn không có quyền xem báo cáo tỷ lệ ký số.")
    report = signing_rate(session, month, units_covered(session, user))
    if format == "xlsx":
        return Response(
            content=to_xlsx(report),
            media_type=_XLSX,
            headers={"Content-Disposition": f'attachment; filename="ty-le-ky-so-{month}.xlsx"'},
        )
    return report
