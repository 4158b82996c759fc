"""Many files at once (``kyso verify *.pdf``): shared among worker processes,
the same reports as one by one, in the files' order; a worker that dies
costs only its file."""

from __future__ import annotations

import json
import os

import pytest

from kyso.core.verify import load_certificates, verify_file
from kyso.services import verification
from support import verify_cases as vc_


@pytest.fixture(scope="module")
def files(test_pki, tmp_path_factory):
    out = tmp_path_factory.mktemp("many")
    lead, agency = vc_.signer_for(test_pki, "leader"), vc_.signer_for(test_pki, "agency")
    plain = vc_.base_pdf(out / "plain.pdf")
    one = vc_.sign(plain, out / "one.pdf", lead, "Sig1", box=(300, 100, 500, 160))
    two = vc_.sign(one, out / "two.pdf", agency, "Sig2", box=(300, 180, 500, 240))
    overlay = vc_.sign(vc_.base_pdf(out / "overlay.pdf", "overlay"), out / "overlay-signed.pdf", lead,
                       "Sig1", box=(300, 100, 500, 160))
    shadow = vc_.fill_text(overlay, out / "shadow.pdf", "so_tien", "90.000.000", background=True)
    broken = out / "broken.pdf"
    broken.write_bytes(one.read_bytes()[:2000])
    missing = out / "missing.pdf"
    return [one, two, shadow, broken, missing, plain]


def _pictures(reports):
    return [json.dumps(r.to_json(), sort_keys=True, default=str) for r in reports]


def test_workers_give_the_reports_of_one_process_in_order(files, test_pki):
    roots = load_certificates([test_pki.root_cert_path])
    alone = verification.verify_files(files, roots, jobs=1)
    shared = verification.verify_files(files, roots, jobs=2)
    assert _pictures(shared) == _pictures(alone)
    assert [r.indication for r in shared] == ["passed", "passed", "failed", "failed", "indeterminate",
                                              "indeterminate"]
    assert [r.path for r in shared] == [str(f) for f in files]


def test_a_worker_that_dies_costs_only_its_file(files, test_pki, monkeypatch):
    """A native crash in a PDF library cannot be produced on demand: the worker
    is made to exit abruptly on one file (os._exit, as a crash does)."""
    from kyso.core import verify

    real = verify.verify_file

    def crashing(path, *args, **kwargs):
        if str(path).endswith("two.pdf"):
            os._exit(70)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(verify, "verify_file", crashing)
    monkeypatch.setattr(verification, "_context", lambda: __import__("multiprocessing").get_context("fork"))
    roots = load_certificates([test_pki.root_cert_path])
    reports = verification.verify_files(files, roots, jobs=2)
    assert [r.path for r in reports] == [str(f) for f in files]
    assert reports[1].error_code == "verify.unreadable" and reports[1].indication == "failed"
    assert reports[1].sha256 and "dừng đột ngột" in reports[1].error     # named, fingerprinted, said why
    others = [r.indication for i, r in enumerate(reports) if i != 1]
    assert others == ["passed", "failed", "failed", "indeterminate", "indeterminate"]


def test_cli_jobs(files, test_pki, run_kyso):
    r1 = run_kyso("verify", "--json", "--jobs", "1", "--trust", test_pki.root_cert_path, *files)
    r2 = run_kyso("verify", "--json", "--jobs", "2", "--trust", test_pki.root_cert_path, *files)
    assert r1.returncode == r2.returncode == 5, r2.stderr
    a, b = json.loads(r1.stdout), json.loads(r2.stdout)
    assert a == b
    assert [f["indication"] for f in b["files"]][:3] == ["passed", "passed", "failed"]
    assert verify_file(files[0], load_certificates([test_pki.root_cert_path])).indication == "passed"
