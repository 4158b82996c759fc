"""The verification report (biên bản kiểm tra chữ ký số) of a three-signature
document Kyso issued, rendered by poppler and PDFium; and pdfsig agreeing with
Kyso on every file Kyso signs.

With ``KYSO_SCREENSHOTS=DIR`` the first page of the report is saved there as
``verification-report.png`` (docs/verification-report.png was made so).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kyso.core import tokens
from kyso.core.roles import RoleRequest, role_options
from kyso.core.signing import sign_document
from kyso.core.verify import load_certificates, verify_file
from kyso.demo.samples import generate_sample


@pytest.fixture(scope="module")
def issued_steps(softhsm, tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("issued")
    current = generate_sample("cong_van", folder / "draft.pdf").path
    steps = [("KYSO-REVIEWER", RoleRequest("initial")), ("KYSO-LEADER", RoleRequest("leader")),
             ("KYSO-CLERK", RoleRequest("agency", number="417", issue_date=date(2026, 11, 20)))]
    out = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KYSO_HOME", str(folder / "home"))
        mp.setenv("KYSO_FONT", "bundled")
        for label, req in steps:
            session = tokens.open_token(softhsm.module_path, label)
            session.login(softhsm.user_pin)
            try:
                dst = folder / f"{req.role}.pdf"
                sign_document(session.signer(session.certificate()), current, dst, role_options(req))
            finally:
                session.close()
            out.append(dst)
            current = dst
    return out


def test_pdfsig_agrees_on_every_file_kyso_signs(issued_steps, test_pki):
    roots = load_certificates([test_pki.root_cert_path])
    for n, f in enumerate(issued_steps, 1):
        rep = verify_file(f, roots)
        assert rep.indication == "passed" and len(rep.signatures) == n, rep.to_json()
        out = subprocess.run(["pdfsig", str(f)], capture_output=True, text=True).stdout
        assert out.count("Signature is Valid") == n, out
        assert out.count("Signature #") == n


def test_report_of_three_signatures_renders_in_poppler_and_pdfium(issued_steps, test_pki, tmp_path, run_kyso):
    final = issued_steps[-1]
    admin = Path(os.environ["KYSO_HOME"]) / "config" / "trust"
    admin.mkdir(parents=True)
    shutil.copy(test_pki.root_cert_path, admin / "root.pem")
    report = tmp_path / "bien-ban.pdf"
    r = run_kyso("verify", final, "--report", report)
    assert r.returncode == 0, r.stdout + r.stderr
    text = subprocess.run(["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True).stdout
    for needle in ("BIÊN BẢN KIỂM TRA CHỮ KÝ SỐ", "Người ký", "Chuỗi chứng thư", "do quản trị viên thêm",
                   "Hợp lệ", "thêm chữ ký", "Kyso TEST Root CA", "Thay đổi sau khi ký"):
        assert needle in text, needle
    import hashlib
    assert hashlib.sha256(final.read_bytes()).hexdigest() in text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", str(report)], capture_output=True, text=True).stdout
    assert "Tinos" in fonts or "KysoReport" in fonts
    # the text's fonts are embedded (reportlab also lists its default Helvetica, drawing nothing with it)
    assert all(" yes " in line for line in fonts.splitlines()[2:] if "Tinos" in line), fonts
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(report), str(png)], check=True)
    poppler = next(tmp_path.glob("page*.png"))
    from kyso.core import pdfium

    with pdfium.Document(report) as doc:
        assert len(doc) >= 2                               # the page pictures follow the tables
        page = doc.render(0, 1.0)
        assert page.width > 500
    english = tmp_path / "report-en.pdf"
    r = run_kyso("--lang", "en", "verify", final, "--report", english)
    en_text = subprocess.run(["pdftotext", str(english), "-"], capture_output=True, text=True).stdout
    assert "DIGITAL SIGNATURE VERIFICATION REPORT" in en_text and "Certificate chain" in en_text
    if os.environ.get("KYSO_SCREENSHOTS"):
        dest = Path(os.environ["KYSO_SCREENSHOTS"])
        subprocess.run(["pdftoppm", "-r", "110", "-png", str(report), str(dest / "verification-report")],
                       check=True)
        shutil.copy(poppler, dest / "verification-report-80dpi.png")
