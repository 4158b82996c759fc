"""`kyso-server --trust` folders and the administrator commands."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization

from kyso_server.admin import run_admin
from kyso_server.config import Settings, load_trust
from kyso_server.main import main

from .pki import TestPki, crl_revoking, make_signer


def test_trust_folder_roots_intermediates_and_crls(tmp_path):
    pki = TestPki()
    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "root.pem").write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    _, der, _ = make_signer(pki, "sub-ca-like")
    (folder / "other.der").write_bytes(der)
    (folder / "root.crl").write_bytes(crl_revoking(pki, [1]))
    (folder / "notes.txt").write_text("ignored")
    roots, intermediates, crls = load_trust([folder])
    assert roots == [pki.root_der] and intermediates == [der] and len(crls) == 1


def test_admin_commands(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    from kyso_server import demo
    from kyso_server.app import create_app

    app = create_app(Settings(db_url=db, files_dir=tmp_path / "files"))
    with app.state.ctx.sessions.begin() as s:
        demo.seed(s, tmp_path / "files", password_hash="x")
    app.state.ctx.engine.dispose()
    assert run_admin(Settings(db_url=db), "add-register", "phuly:CV-UBND") == "register phuly:CV-UBND"
    assert run_admin(Settings(db_url=db), "unlock-account", "chutich") == "unlocked chutich"
    assert run_admin(Settings(db_url=db), "unlock-account", "khongco").startswith("no such user")
    try:
        main(["security-log", "--db", db])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "account_unlocked chutich" in out and "register_created" in out
