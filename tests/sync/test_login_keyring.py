"""A login that lasts, or says why not (issue 14): on a computer without a
secure OS keyring ``kyso login`` says at once that the login is not kept, and
the next ``kyso sync`` explains it instead of a bare "not logged in"."""

from __future__ import annotations

import subprocess
import sys

from .conftest import PASSWORD


def _kyso(tmp_path, *args, env=None):
    import os

    full = {k: v for k, v in os.environ.items() if k not in ("KYSO_PASSWORD", "DBUS_SESSION_BUS_ADDRESS")}
    full.update({"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "KYSO_HOME": str(tmp_path / "home")})
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "kyso.cli", *args], env=full, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_keyringless_login_says_it_is_not_kept_and_sync_says_why(live_server, tmp_path):
    r = _kyso(tmp_path, "login", "--server", live_server.url, "--user", "chanhvp", env={"KYSO_PASSWORD": PASSWORD})
    assert r.returncode == 0, r.stderr
    assert "KHÔNG được giữ lại" in r.stderr and "không có phiên D-Bus" in r.stderr
    r = _kyso(tmp_path, "sync")                              # the next process: no token anywhere
    assert r.returncode == 9
    assert "không được giữ lại vì máy tính này không có kho khóa an toàn" in r.stderr
    assert "KYSO_PASSWORD" in r.stderr and "Chưa đăng nhập" not in r.stderr
    r = _kyso(tmp_path, "--lang", "en", "sync")
    assert r.returncode == 9 and "the last login was not kept because this computer has no secure keyring" in r.stderr
    r = _kyso(tmp_path, "sync", env={"KYSO_PASSWORD": PASSWORD})   # what the message offers works
    assert r.returncode == 0, r.stderr


def test_a_kept_login_does_not_warn(live_server, memory_keyring, monkeypatch, capsys):
    from kyso.cli import main

    monkeypatch.setenv("KYSO_PASSWORD", PASSWORD)
    assert main(["login", "--server", live_server.url, "--user", "chanhvp"]) == 0
    assert "KHÔNG" not in capsys.readouterr().err
