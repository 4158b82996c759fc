"""`kyso inbox` shows an upload the server refused, and why (issue 14)."""

from __future__ import annotations

import json

import pytest
from kyso.cli import main

from .conftest import PASSWORD


@pytest.fixture
def live_server(tmp_path, test_pki):
    from kyso.demo.samples import server_pdf_factory

    from .conftest import running_server

    with running_server(tmp_path / "server", test_pki, pdf_factory=server_pdf_factory) as srv:
        yield srv


def test_inbox_shows_a_refused_upload_and_the_reason(live_server, softhsm, monkeypatch, capsys):
    monkeypatch.setenv("KYSO_PASSWORD", PASSWORD)
    assert main(["login", "--server", live_server.url, "--user", "chanhvp"]) == 0
    assert main(["sync"]) == 0
    capsys.readouterr()
    assert main(["inbox", "--json"]) == 0
    doc_id = next(d["id"] for d in json.loads(capsys.readouterr().out) if d["action"] == "initial")
    # the reviewer signs with the wrong token: the leader's certificate is not registered to them
    monkeypatch.setenv("KYSO_PIN", softhsm.user_pin)
    rc = main(["sign", "--doc", str(doc_id), "--role", "initial", "--module", str(softhsm.module_path),
               "--token", "KYSO-LEADER"])
    assert rc == 7
    capsys.readouterr()
    assert main(["inbox"]) == 0
    out = capsys.readouterr().out
    assert f"✘ #{doc_id}" in out and "bị máy chủ từ chối" in out and "kyso register-cert" in out
    assert main(["inbox", "--json"]) == 0
    item = next(d for d in json.loads(capsys.readouterr().out) if d["id"] == doc_id)
    assert item["refused"]["code"] == "certificate_not_registered"
