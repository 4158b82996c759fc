"""Vietnam time (UTC+07:00), whatever the machine's own time zone.

Every time and date Kyso shows on a page or writes into a document — the
stamp's signing time, the issue date beside the number, the default date in
the clerk's dialog, the report month — is Vietnam's (Decree 30: "giờ Việt
Nam"). A workstation whose clock runs in UTC would otherwise write yesterday's
date between midnight and 07:00. Light on purpose: no import beyond the
standard library, so the desktop app can use it on its start-up path.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VIETNAM_TZ = timezone(timedelta(hours=7))


def vietnam_now() -> datetime:
    """Now, in Vietnam time, to the second (what the stamp and /M show)."""
    return datetime.now(VIETNAM_TZ).replace(microsecond=0)


def vietnam_today() -> date:
    """Today's date in Vietnam."""
    return vietnam_now().date()


def format_time(t: datetime) -> str:
    """ISO 8601 with the +07:00 offset, e.g. 2026-11-22T14:03:05+07:00."""
    return t.astimezone(VIETNAM_TZ).replace(microsecond=0).isoformat()
