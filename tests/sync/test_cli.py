"""The sync CLI functions (``python -m kyso.sync`` until wired into ``kyso``)."""

from __future__ import annotations

import json

from kyso.sync.__main__ import main

from .conftest import PASSWORD


def test_login_inbox_report_and_no_secret_on_disk(live_server, memory_keyring, kyso_home, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("KYSO_PASSWORD", PASSWORD)
    assert main(["login", "--server", live_server.url, "--user", "vanthu"]) == 0
    assert "Đã đăng nhập" in capsys.readouterr().out
    (key, token), = [((s, k), v) for (s, k), v in memory_keyring.secrets.items()]
    assert key == ("kyso", f"{live_server.url}|vanthu")

    monkeypatch.delenv("KYSO_PASSWORD")  # from now on the keyring's token is enough
    assert main(["sync", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["error"] is None and summary["waiting"] >= 0

    assert main(["--lang", "en", "inbox"]) == 0
    assert main(["inbox", "--all", "--json"]) == 0
    capsys.readouterr()

    month = live_server.settings.clock().strftime("%Y-%m")
    assert main(["report", "--month", month, "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["total"]["outgoing"] >= 1
    out = tmp_path / "bao-cao.xlsx"
    assert main(["report", "--month", month, "--xlsx", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"

    # Neither the token nor the password is in any file Kyso wrote.
    for f in kyso_home.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert token.encode() not in data and f"Bearer".encode() not in data


def test_expired_login_says_log_in_again(live_server, monkeypatch, capsys):
    monkeypatch.setenv("KYSO_PASSWORD", PASSWORD)
    assert main(["login", "--server", live_server.url, "--user", "chanhvp"]) == 0
    monkeypatch.delenv("KYSO_PASSWORD")
    live_server.client("chanhvp")  # another login does not revoke ours…
    from kyso.sync import credentials

    credentials.save_token(live_server.url, "chanhvp", "not-a-valid-token")  # …but an expired one:
    assert main(["sync"]) == 9
    assert "đăng nhập lại" in capsys.readouterr().err


def test_offline_sync_exit_code_and_message(live_server, monkeypatch, capsys):
    monkeypatch.setenv("KYSO_PASSWORD", PASSWORD)
    assert main(["login", "--server", live_server.url, "--user", "chanhvp"]) == 0
    live_server.stop()
    try:
        assert main(["sync"]) == 7
        assert "Không kết nối được máy chủ" in capsys.readouterr().err
    finally:
        live_server.start()
