"""Settings in the configuration folder: the CLI's defaults, flags still win."""

from __future__ import annotations

import json
import shutil

from kyso.cli import main
from kyso.core.appearance import SAMPLE_SEAL
from kyso.core import messages, settings
from kyso.demo.samples import generate_sample


def test_set_show_and_unknown_keys_survive(kyso_home, capsys, monkeypatch):
    monkeypatch.setattr(messages, "_language", None)
    path = settings.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"from_a_newer_version": 1}), "utf-8")
    assert main(["config", "set", "seal_diameter_mm", "40"]) == 0
    assert main(["config", "set", "tsa_url", "http://127.0.0.1:9/tsa"]) == 0
    assert main(["config", "set", "tsa_url", ""]) == 0          # empty clears
    capsys.readouterr()
    assert main(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["settings"]
    assert shown["seal_diameter_mm"] == 40.0 and shown["tsa_url"] is None
    assert json.loads(path.read_text("utf-8"))["from_a_newer_version"] == 1
    assert main(["config", "set", "no_such_key", "1"]) == 2
    assert "no_such_key" in capsys.readouterr().err


def test_configured_language_and_seal_size_are_used(kyso_home, softhsm, monkeypatch, tmp_path, capsys):

    monkeypatch.setattr(messages, "_language", None)
    monkeypatch.setenv("KYSO_PIN", softhsm.user_pin)
    settings.update(language="en")
    capsys.readouterr()
    assert main(["sign", str(tmp_path / "missing.pdf"), "-o", str(tmp_path / "x.pdf"),
                 "--module", str(softhsm.module_path), "--token", "KYSO-LEADER"]) == 3
    assert "was not found" in capsys.readouterr().err   # the configured language: English
    monkeypatch.setattr(messages, "_language", None)

    doc = generate_sample("cong_van", tmp_path / "cv.pdf").path
    steps = [("initial", "KYSO-REVIEWER", []), ("leader", "KYSO-LEADER", []),
             ("agency", "KYSO-CLERK", ["--number", "9", "--date", "2026-02-03"])]
    sizes = {}
    for diameter in (30, 42):     # the seal's size is the size of the person's seal image
        settings.update(seal_diameter_mm=diameter, seal_image=str(SAMPLE_SEAL))
        current = doc
        for role, token, extra in steps:
            out = tmp_path / f"{diameter}-{role}.pdf"
            assert main(["sign", str(current), "--module", str(softhsm.module_path), "--token", token,
                         "--role", role, *extra, "-o", str(out)]) == 0
            current = out
        from pyhanko.pdf_utils.reader import PdfFileReader

        with open(current, "rb") as fh:
            emb = PdfFileReader(fh).embedded_regular_signatures[-1]
            rect = [float(v) for v in emb.sig_field["/Rect"]]
        sizes[diameter] = rect[3] - rect[1]
    mm = 72 / 25.4
    assert abs(sizes[30] - 30 * mm) < 0.5 and abs(sizes[42] - 42 * mm) < 0.5


def test_trust_folder_is_used_by_verify(kyso_home, run_kyso, softhsm, test_pki, tmp_path):
    doc = generate_sample("cong_van", tmp_path / "cv.pdf").path
    out = tmp_path / "s.pdf"
    env = {"KYSO_HOME": str(kyso_home)}
    assert run_kyso("sign", doc, "--module", softhsm.module_path, "--token", "KYSO-LEADER", "-o", out,
                    pin=softhsm.user_pin, env=env).returncode == 0
    assert run_kyso("verify", out, env=env).returncode == 5       # no root trusted yet
    folder = settings.trust_dir()
    folder.mkdir(parents=True)
    shutil.copy(test_pki.root_cert_path, folder / "kyso-test-root.pem")
    assert run_kyso("verify", out, env=env).returncode == 0
