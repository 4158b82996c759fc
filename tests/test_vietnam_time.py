"""Vietnam's date everywhere, whatever the machine's time zone.

The clock is moved with libfaketime (Debian's ``faketime``: a real tool that
changes what the process's clock says, no mock) to half past midnight in
Vietnam, which is still the day before in UTC and in New York. The issue date
written beside the number, the signature's time, the clerk's dialog and the
report month must all say Vietnam's day.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kyso.core.appearance import SAMPLE_SEAL, SAMPLE_SIGNATURE
from kyso.demo.samples import generate_sample

APP = Path(__file__).resolve().parents[1] / "app"
ZONES = ("UTC", "America/New_York")


def _fake_instant(hour_utc: int, minute: int = 30) -> datetime:
    """Today (UTC) at ``hour_utc``: inside the test certificates' validity."""
    today = datetime.now(timezone.utc).date()
    return datetime(today.year, today.month, today.day, hour_utc, minute, tzinfo=timezone.utc)


def _faked(args: list[str], instant: datetime, zone: str, env: dict | None = None, **kw):
    if shutil.which("faketime") is None:
        from conftest import skip_or_fail

        skip_or_fail("faketime (Debian package faketime) is not installed")
    full = dict(os.environ)
    full.update(env or {})
    full["TZ"] = zone
    full["PYTHONPATH"] = str(APP)
    stamp = instant.strftime("@%Y-%m-%d %H:%M:%S")
    # libfaketime reads the given time in the process's zone: give it in UTC
    cmd = ["env", "TZ=UTC", "faketime", "-f", stamp, "env", f"TZ={zone}", *args]
    return subprocess.run(cmd, env=full, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL, **kw)


@pytest.mark.parametrize("zone", ZONES)
def test_issue_date_and_signing_time_are_vietnams_day(zone, softhsm, test_pki, tmp_path):
    instant = _fake_instant(17)                       # 00:30 tomorrow in Vietnam
    vn_day = (instant + timedelta(hours=7)).date()
    local_day = instant.astimezone(timezone.utc if zone == "UTC" else timezone(timedelta(hours=-5))).date()
    assert vn_day != local_day
    src = generate_sample("cong_van", tmp_path / "cv.pdf").path
    kyso = [sys.executable, "-m", "kyso.cli"]
    env = dict(softhsm.env, KYSO_PIN=softhsm.user_pin)
    current = src
    for role, token, extra in (("leader", "KYSO-LEADER", ["--signature-image", SAMPLE_SIGNATURE]),
                               ("agency", "KYSO-CLERK", ["--number", "417", "--seal-image", SAMPLE_SEAL])):
        out = tmp_path / f"{role}.pdf"
        r = _faked([*kyso, "sign", str(current), "--module", str(softhsm.module_path), "--token", token,
                    "--role", role, *map(str, extra), "-o", str(out)], instant, zone, env)
        assert r.returncode == 0, r.stderr
        current = out
    text = subprocess.run(["pdftotext", "-layout", str(current), "-"], capture_output=True, text=True).stdout
    line = next(x for x in text.splitlines() if "ngày" in x and "tháng" in x)
    assert f"ngày {vn_day.day:02d} tháng {vn_day.month:02d}" in " ".join(line.split()), line
    r = subprocess.run([*kyso, "verify", str(current), "--trust", str(test_pki.root_cert_path), "--json"],
                       capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(APP)))
    times = [s["signing_time"] for s in json.loads(r.stdout)["files"][0]["signatures"]]
    assert all(t.startswith(vn_day.isoformat()) and t.endswith("+07:00") for t in times), times


@pytest.mark.parametrize("zone", ZONES)
def test_the_clerks_dialog_and_the_report_month_use_vietnams_date(zone, tmp_path):
    instant = _fake_instant(17)
    vn = instant + timedelta(hours=7)
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(['t'])\n"
        "from kyso.gui.mainwindow import IssueDialog\n"
        "from kyso.cli.server import _last_month\n"
        "d = IssueDialog(1)\n"
        "print(d.date.date().toString('yyyy-MM-dd'), _last_month())\n"
    )
    r = _faked([sys.executable, "-c", code], instant, zone, {"QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    shown, month = r.stdout.split()
    assert shown == vn.date().isoformat()
    first = vn.replace(day=1) - timedelta(days=1)
    assert month == f"{first.year:04d}-{first.month:02d}"
