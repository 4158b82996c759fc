"""The sync commands of the `kyso` CLI: login, sync, inbox, report, sign --doc."""

from __future__ import annotations

import json

from kyso.cli import main  # the real `kyso` entry point

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
            assert token.encode() not in data and b"Bearer" not in data


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


def test_three_users_carry_a_document_through_the_kyso_command(tmp_path, test_pki, softhsm, monkeypatch,
                                                                capsys, memory_keyring):
    """`kyso login`, `kyso inbox`, `kyso sign --doc`, `kyso sync`: reviewer initials,
    leader signs, clerk issues with a number from the register, in the PDF itself."""
    import subprocess

    from kyso.demo.samples import server_pdf_factory

    from .conftest import TOKEN_LABELS, running_server

    with running_server(tmp_path / "server", test_pki, pdf_factory=server_pdf_factory) as srv:
        monkeypatch.setenv("KYSO_PIN", softhsm.user_pin)
        doc_id = None
        for user, role in (("chanhvp", "initial"), ("chutich", "leader"), ("vanthu", "agency")):
            store = str(tmp_path / f"store-{user}")
            monkeypatch.setenv("KYSO_PASSWORD", PASSWORD)
            assert main(["login", "--server", srv.url, "--user", user, "--store", store]) == 0
            monkeypatch.delenv("KYSO_PASSWORD")
            assert main(["sync", "--store", store]) == 0
            capsys.readouterr()
            assert main(["inbox", "--json", "--store", store]) == 0
            items = json.loads(capsys.readouterr().out)
            items = items["documents"] if isinstance(items, dict) else items
            waiting = [d for d in items if d.get("waiting")]
            if doc_id is None:
                doc_id = next(d["id"] for d in waiting if d.get("action") == "initial")
            assert any(d["id"] == doc_id for d in waiting), (user, waiting)
            rc = main(["sign", "--doc", str(doc_id), "--role", role, "--store", store,
                       "--module", str(softhsm.module_path), "--token", TOKEN_LABELS[user]])
            out = capsys.readouterr()
            assert rc == 0, out.err
            assert main(["sync", "--store", store]) == 0
        # The server's last version: three valid signatures, the number in the "Số:" blank.
        client = srv.client("vanthu")
        final = tmp_path / "final.pdf"
        final.write_bytes(client.content(doc_id).data)
        from kyso.core.verify import load_certificates, verify_file

        report = verify_file(final, load_certificates([test_pki.root_cert_path]))
        assert report.valid and len(report.signatures) == 3
        assert [s.modification for s in report.signatures] == ["form_filling", "form_filling", "none"]
        text = subprocess.run(["pdftotext", str(final), "-"], capture_output=True, text=True).stdout
        assert "01/KH-UBND" in text.replace(" ", "")   # the first number of the plan's register


def test_sync_before_login_says_log_in_first_with_exit_9(capsys):
    """No server configured yet: the README's promise is exit 9 (not logged in)."""
    assert main(["sync"]) == 9
    assert "kyso login" in capsys.readouterr().err


def test_return_a_document_with_a_comment(live_server, monkeypatch, capsys):
    """`kyso return`: Trả lại, the reviewer sends the draft back with the reason."""
    monkeypatch.setenv("KYSO_PASSWORD", PASSWORD)
    assert main(["login", "--server", live_server.url, "--user", "chanhvp"]) == 0
    assert main(["sync"]) == 0
    capsys.readouterr()
    assert main(["inbox", "--json"]) == 0
    waiting = [d for d in json.loads(capsys.readouterr().out) if d["action"] == "initial"]
    assert waiting, "the demo data has a draft waiting for the reviewer"
    doc_id = waiting[0]["id"]
    comment = "Sai thể thức: thiếu nơi nhận"
    assert main(["return", "--doc", str(doc_id), "--comment", comment]) == 0
    assert "Đã trả lại văn bản" in capsys.readouterr().out
    meta, _etag = live_server.client("chanhvp").document(doc_id)
    assert meta["state"] == "returned" and meta.get("return_comment", comment) == comment
    assert main(["inbox", "--json"]) == 0
    assert doc_id not in [d["id"] for d in json.loads(capsys.readouterr().out)], "no longer waiting for me"
    # a second return is refused by the server's rules, in words, with exit 7
    assert main(["return", "--doc", str(doc_id), "--comment", "lần nữa"]) == 7
    assert capsys.readouterr().err.strip()
