"""From nothing to an issued document, as an office would do it (issue 14).

A real reference server on loopback with the test PKI as its trust folder and
NO demo data; the administrator creates the units, the users and the number
register with ``kyso-server admin`` (child processes, as on the server
machine); each official logs in and registers the certificate on their own
SoftHSM2 token with ``kyso register-cert`` (proof of possession: the token
signs the server's challenge); the registrations wait, pending, until the
administrator approves them with ``kyso-server admin approve-cert``. Then a
document goes from draft to issued: the unit head drafts and submits it
through the API, the reviewer and the leader sign with the ``kyso`` command,
and the clerk issues it in the desktop app (MainWindow over a SyncSource, on
their own KYSO_HOME and store). The server accepts every upload and the
issued PDF carries three valid signatures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
import requests
from kyso.cli import main as kyso
from kyso.core.verify import load_certificates, verify_file
from kyso.demo.samples import server_pdf_factory
from kyso.services.serversource import SyncSource
from kyso_server.config import load_trust
from kyso_server.embedded import EmbeddedServer
from PySide6.QtCore import QTimer

from .conftest import answer_pin, wait_pin_dialog

PASSWORD = "mat-khau-van-phong-2026"
#: user → (unit:role, token, what they do)
OFFICIALS = {
    "truongphong": ("tuphap:unit_head", None, None),
    "chanhvp": ("vanphong:reviewer", "KYSO-REVIEWER", "initial"),
    "chutich": ("anbinh:leader", "KYSO-LEADER", "leader"),
    "vanthu": ("vanphong:clerk", "KYSO-CLERK", "agency"),
}


pytestmark = pytest.mark.usefixtures("memory_keyring")   # tests/gui/conftest.py


def admin(db_url: str, *argv: str, env: dict | None = None) -> str:
    """``kyso-server admin …`` in a child process, as the administrator types it."""
    proc = subprocess.run([sys.executable, "-m", "kyso_server.main", "admin", "--db", db_url, *argv],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})
    assert proc.returncode == 0, (argv, proc.stdout, proc.stderr)
    return proc.stdout


@pytest.fixture
def office(tmp_path, test_pki):
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "root.der").write_bytes(test_pki.root_cert_der)
    (trust / "intermediate.der").write_bytes(test_pki.intermediate_cert_der)
    roots, intermediates, crls = load_trust([trust])
    srv = EmbeddedServer(tmp_path / "server", trust_roots=roots, intermediates=intermediates, crls=crls,
                         demo=False)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def _as(monkeypatch, tmp_path, user: str) -> str:
    """This official's own computer account: KYSO_HOME and store folder."""
    monkeypatch.setenv("KYSO_HOME", str(tmp_path / f"home-{user}"))
    return str(tmp_path / f"store-{user}")


def test_an_office_from_nothing_to_an_issued_document(qtbot, make_window, office, tmp_path, test_pki, softhsm,
                                                      monkeypatch, capsys):
    db = office.settings.db_url
    # -- the administrator, on the server machine ----------------------------------------------
    admin(db, "add-unit", "anbinh", "--name", "UBND xã An Bình", "--kind", "committee", "--organ-id", "000.00.00.H99")
    admin(db, "add-unit", "vanphong", "--name", "Văn phòng HĐND-UBND", "--kind", "office", "--parent", "anbinh")
    admin(db, "add-unit", "tuphap", "--name", "Ban Tư pháp", "--kind", "department", "--parent", "anbinh")
    for user, (role, _token, _what) in OFFICIALS.items():
        admin(db, "add-user", user, "--name", f"Cán bộ {user}", "--role", role, "--password-env", "NEW_PASSWORD",
              env={"NEW_PASSWORD": PASSWORD})
    admin(db, "add-register", "anbinh:KH-UBND")
    listed = admin(db, "list-users")
    assert all(u in listed for u in OFFICIALS) and "vanphong:clerk" in listed

    # -- each official registers the certificate on their token ----------------------------------
    monkeypatch.setenv("KYSO_PIN", softhsm.user_pin)
    registered = {}
    for user, (_role, token, _what) in OFFICIALS.items():
        if token is None:
            continue
        store = _as(monkeypatch, tmp_path, user)
        monkeypatch.setenv("KYSO_PASSWORD", PASSWORD)
        assert kyso(["login", "--server", office.url, "--user", user, "--store", store]) == 0
        monkeypatch.delenv("KYSO_PASSWORD")
        capsys.readouterr()
        rc = kyso(["register-cert", "--store", store, "--module", str(softhsm.module_path), "--token", token,
                   "--json"])
        out = capsys.readouterr()
        assert rc == 0, out.err
        answer = json.loads(out.out)
        assert answer["status"] == "pending" and answer["user"] == user
        registered[user] = answer["sha256"]
        # and in words, for a person: what waits, and what to ask the administrator
        assert kyso(["register-cert", "--store", store, "--module", str(softhsm.module_path), "--token", token]) == 0
        assert "approve-cert" in capsys.readouterr().out
    pending = admin(db, "list-certs", "--pending")
    assert len(pending.strip().splitlines()) == 3
    for user, sha in registered.items():
        assert "approved" in admin(db, "approve-cert", sha[:16], "--user", user)
    assert not admin(db, "list-certs", "--pending").strip()

    # -- the unit head drafts and submits, through the API ----------------------------------------
    http = requests.Session()
    http.trust_env = False
    token = http.post(f"{office.url}/api/v1/auth/login",
                      json={"username": "truongphong", "password": PASSWORD}).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"
    units = {u["code"]: u["id"] for u in http.get(f"{office.url}/api/v1/units").json()}
    r = http.post(f"{office.url}/api/v1/documents", json={
        "path": "ubnd", "drafting_unit_id": units["tuphap"], "notation": "KH-UBND", "place": "An Bình",
        "doc_type": "Kế hoạch", "subject": "Kế hoạch tuyên truyền pháp luật năm 2027",
        "signer_competence": "TM.", "signer_position": "Chủ tịch", "signer_full_name": "Cán bộ chutich",
        "urgency": "Thường", "to_organs": [{"organ_name": "Các ban, ngành xã"}]})
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    r = http.post(f"{office.url}/api/v1/documents/{doc_id}/versions", data=server_pdf_factory("", "Kế hoạch"),
                  headers={"Idempotency-Key": uuid.uuid4().hex, "Content-Type": "application/pdf"})
    assert r.status_code == 201, r.text
    assert http.post(f"{office.url}/api/v1/documents/{doc_id}/submit").json()["state"] == "submitted"

    # -- the reviewer and the leader, with the kyso command ---------------------------------------
    for user in ("chanhvp", "chutich"):
        _role, token, what = OFFICIALS[user]
        store = _as(monkeypatch, tmp_path, user)
        assert kyso(["sync", "--store", store]) == 0
        capsys.readouterr()
        rc = kyso(["sign", "--doc", str(doc_id), "--role", what, "--store", store,
                   "--module", str(softhsm.module_path), "--token", token])
        out = capsys.readouterr()
        assert rc == 0, out.err        # sent: the server accepted the signature
        assert "Đã gửi văn bản" in out.out

    # -- the clerk, in the desktop app on their own account ---------------------------------------
    monkeypatch.delenv("KYSO_PIN")
    _as(monkeypatch, tmp_path, "vanthu")
    src = SyncSource(office.url, "vanthu", tmp_path / "store-vanthu-desktop", timeout=(2.0, 20.0))
    src.login(PASSWORD)
    try:
        w = make_window(None, token=None)
        w.set_source(src)
        w.choose_token("KYSO-CLERK")
        def waiting_row():
            return next((r for r in w.model.rows() if r.action == "agency" and str(r.doc_id) == str(doc_id)), None)

        qtbot.waitUntil(lambda: waiting_row() is not None, timeout=20000)
        w.select_rows([waiting_row().doc_id])
        qtbot.waitUntil(lambda: w.role_actions["agency"].isEnabled(), timeout=10000)
        seen = []
        timer = QTimer(w)
        timer.setInterval(50)

        def accept_issue_dialog():
            dlg = w.issue_dialog
            if dlg is not None and dlg.isVisible():
                seen.append(dlg.number.text())
                dlg.accept()
                timer.stop()

        timer.timeout.connect(accept_issue_dialog)
        timer.start()
        w.role_actions["agency"].trigger()
        dlg = wait_pin_dialog(qtbot, w)
        with qtbot.waitSignal(w.signingFinished, timeout=60000) as sig:
            answer_pin(qtbot, dlg, softhsm.user_pin)
        assert sig.args[0][0].ok, sig.args[0][0].error
        assert seen == ["01"]
        qtbot.waitUntil(lambda: w._sync_op is None and w.sync_status.waiting_upload == 0
                        and w.sync_status.last_sync is not None, timeout=30000)
        w.close()
    finally:
        from kyso.gui import worker

        qtbot.waitUntil(lambda: worker.running() == 0, timeout=30000)
        src.close()

    # -- issued, three valid signatures ------------------------------------------------------------
    meta = http.get(f"{office.url}/api/v1/documents/{doc_id}").json()
    assert meta["state"] == "issued" and meta["number"] == 1
    final = tmp_path / "issued.pdf"
    final.write_bytes(http.get(f"{office.url}/api/v1/documents/{doc_id}/content").content)
    report = verify_file(final, load_certificates([test_pki.root_cert_path]))
    assert report.valid and len(report.signatures) == 3, report.to_json()
