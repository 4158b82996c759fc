"""``kyso demo`` with a display: the real app, a role switcher, the demo's own
server and SoftHSM2 tokens. Runs demo_gui_check.py in a fresh interpreter
(SoftHSM2 reads its configuration once per process; see that file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kyso.demo.gui import BANNER, ROLES

from .eventloop import offscreen_full_hd

CHECK = Path(__file__).with_name("demo_gui_check.py")


def run_check(script: Path, tmp_path: Path, prefix: str, platform: str) -> dict:
    """Run a demo check script in a fresh interpreter and return the JSON it
    printed after ``prefix`` (the demo sets its own SoftHSM2 and KYSO_HOME)."""
    env = dict(os.environ, QT_QPA_PLATFORM=platform)
    env.pop("SOFTHSM2_CONF", None)
    env.pop("KYSO_HOME", None)
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "demo")], env=env,
                          capture_output=True, text=True, timeout=300)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(prefix)), None)
    assert proc.returncode == 0 and line, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(line.removeprefix(prefix))


def test_role_switcher_swaps_sources_and_tokens(tmp_path):
    # a Full HD screen, as a demo machine has (see eventloop.FULL_HD)
    seen = run_check(CHECK, tmp_path, "DEMO-RESULT ", offscreen_full_hd(tmp_path))

    assert seen["banner"] and "PIN: 123456" in BANNER
    assert seen["items"] == [text for _, text, _, _ in ROLES]
    for user, _, label, _ in ROLES:
        mine = seen["users"][user]
        assert mine["source_user"] == user and mine["token"] == label, mine
        assert mine["synced"] and mine["online"], mine      # logged in without a dialog
    reviewer = seen["users"]["chanhvp"]
    # the submitted plan waits for the office leader's initial (ký nháy)
    assert reviewer["waiting_initial"] == 1, reviewer
    assert any(subject.startswith("Kế hoạch") and action == "initial" for subject, action in reviewer["rows"])
    assert seen["users"]["chutich"]["waiting_initial"] == 0
    assert seen["back_to_reviewer"]
    # switching the running demo to English translates its own row, and back again
    from .test_i18n import is_vietnamese

    english = seen["english"]
    assert "Demo mode — PIN: 123456. Choose a role above: initial → sign → issue." in english
    assert not [t for t in english if is_vietnamese(t)], english
    assert BANNER in seen["vietnamese_again"]


WALK = Path(__file__).with_name("demo_walk_check.py")


def test_the_whole_path_is_walked_inside_the_demo(tmp_path):
    """chanhvp initials, chutich signs, vanthu issues with the register's number,
    each through the demo window's widgets and synced up; the server's final PDF
    has three valid signatures for Kyso, pdfsig and qpdf (demo_walk_check.py)."""
    seen = run_check(WALK, tmp_path, "DEMO-WALK ", "offscreen")
    failed = [s for s in seen["steps"] if not s["ok"]]
    assert seen["done"] and not failed, (failed, seen["steps"][-3:])

    doc = seen["document"]
    assert doc["type"] == "Kế hoạch" and doc["subject"].startswith("Kế hoạch")
    assert doc["server_before"] == {"state": "submitted", "number": None, "versions": 1}
    # each signature reached the server as a new version, moving the plan on
    assert seen["initial"]["server"] == {"state": "initialled", "number": None, "versions": 2}
    assert seen["leader"]["server"] == {"state": "signed", "number": None, "versions": 3}
    reserved = seen["issue"]["reserved"]
    assert reserved["read_only"] and reserved["number"].isdigit()       # from the register, not typed
    assert reserved["note"] == f"Số lấy từ sổ đăng ký: {reserved['number']}/KH-UBND"   # the plan's register
    assert seen["issue"]["server"] == {"state": "issued", "number": int(reserved["number"]), "versions": 4}
    assert seen["number_in_text"]

    assert seen["verify"]["valid"] and seen["verify"]["count"] == 3, seen["verify"]
    assert [f.rstrip("0123456789") for f in seen["verify"]["fields"]] == ["KysoInitial", "KysoLeader", "KysoAgency"]
    assert seen["pdfsig"] == {"rc": 0, "signatures": 3, "valid": 3}
    assert seen["qpdf"] == {"rc": 0, "clean": True}
    # how long the walk took is reported, not asserted (timed assertions do not belong in tests)
    print(f"demo walk, three roles through the widgets: {seen['total_s']:.1f} s")


def test_ctrl_c_closes_the_demo_and_removes_its_files(tmp_path):
    """``kyso demo`` started from a terminal: Ctrl+C (SIGINT) ends it like closing
    the window — exit 0, the server stopped, the throwaway folder removed."""
    import signal
    import time

    from kyso.demo.gui import READY

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    env.pop("SOFTHSM2_CONF", None)
    env.pop("KYSO_HOME", None)
    proc = subprocess.Popen([sys.executable, "-m", "kyso.cli", "demo"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.strip() == READY:
                break
        assert lines and lines[-1].strip() == READY, "".join(lines) + proc.stderr.read()[-3000:]
        assert [p.name for p in tmp_path.glob("kyso-demo-*")], "the demo works in a folder of its own"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-3000:]
    assert not list(tmp_path.glob("kyso-demo-*")), "the demo folder is removed"
