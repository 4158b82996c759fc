"""A PDF signed by another tool, dropped on the window, shows correct verdicts.

The fixtures are signed with plain pyHanko (``signers.sign_pdf`` with a PEM
key and certificate: no Kyso code, no token, no Kyso stamp), then:

- one signature by the test PKI's leader, whose root the window trusts;
- the same file with a second signature by a self-signed certificate
  (intact, but nobody vouches for the signer);
- the first file with one byte of its signed range changed (the signing time
  in the signature dictionary), so its digest no longer matches.

Each is dropped on the window's page view the way a file manager drops it (a
drag-enter, then a drop carrying a ``file://`` URL), and the signatures panel
must show one line per signature with the right verdict and reason.
With ``KYSO_SCREENSHOTS=DIR`` the window showing the second case is saved there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from kyso.core import messages
from kyso.demo.samples import generate_sample


def _pyhanko_sign(src: Path, dst: Path, key: Path, cert: Path, chain: tuple[Path, ...], field: str) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(str(key), str(cert), ca_chain_files=tuple(str(c) for c in chain))
    with src.open("rb") as inf, dst.open("wb") as out:
        writer = IncrementalPdfFileWriter(inf)
        signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name=field, reason="Ký bằng công cụ khác"),
                         signer=signer, output=out)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Người ký ngoài hệ thống"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    key_path, cert_path = folder / "outsider-key.pem", folder / "outsider-cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@pytest.fixture(scope="module")
def foreign_pdfs(test_pki, tmp_path_factory):
    folder = tmp_path_factory.mktemp("foreign")
    plain = folder / "plain.pdf"
    generate_sample("cong_van", plain)
    leader = test_pki.identities["leader"]

    signed = folder / "ky-bang-pyhanko.pdf"
    _pyhanko_sign(plain, signed, leader.key_path, leader.cert_path, (test_pki.intermediate_cert_path,),
                  "ChuKyLanhDao")

    key, cert = _self_signed(folder)
    outsider = folder / "them-chu-ky-ngoai.pdf"
    _pyhanko_sign(signed, outsider, key, cert, (), "ChuKyNgoai")

    data = bytearray(signed.read_bytes())
    # a digit of the signing year in the signature dictionary's /M (D:YYYY…), ':' may be written \\072
    pos = re.search(rb"/M \(D(?::|\\072)\d{4}", data).end() - 1
    data[pos] = ord("1") if data[pos] != ord("1") else ord("2")
    tampered = folder / "bi-sua.pdf"
    tampered.write_bytes(bytes(data))
    return {"signed": signed, "outsider": outsider, "tampered": tampered}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def window(qtbot, trust_roots):
    from kyso.gui.mainwindow import MainWindow

    w = MainWindow(None, trust_roots=trust_roots, watch_tokens=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    from kyso.gui import worker
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=30000)


def drop_file(qtbot, window, path: Path):
    """Drag ``path`` over the page view and drop it, as a file manager does."""
    target = window.view
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    centre = target.rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the window refused to take a PDF"
    with qtbot.waitSignal(window.signatures.loaded, timeout=30000) as loaded:
        drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(target, drop)
    assert drop.isAccepted()
    assert window.current_path == path
    return loaded.args[0]


def _tops(panel) -> list[str]:
    return [panel.tree.topLevelItem(i).text(1) for i in range(panel.tree.topLevelItemCount())]


def test_pyhanko_signature_by_a_trusted_signer_is_valid(qtbot, window, foreign_pdfs, test_pki):
    before = _digest(foreign_pdfs["signed"])
    report = drop_file(qtbot, window, foreign_pdfs["signed"])

    panel = window.signatures
    assert [s.field for s in report.signatures] == ["ChuKyLanhDao"]
    assert report.valid
    assert panel.summary.text() == "✔ Chữ ký hợp lệ."
    assert _tops(panel) == ["Hợp lệ"]
    top = panel.tree.topLevelItem(0).text(0)
    assert top.startswith("✔ ") and test_pki.identities["leader"].common_name in top
    lines = panel.signature_texts()
    assert "Phạm vi ký: toàn bộ văn bản" in lines
    assert "Sau khi ký: Không có thay đổi sau khi ký" in lines
    assert not any(line.startswith("Lý do:") for line in lines)
    # the page itself is shown too, and looking changed nothing
    qtbot.waitUntil(lambda: window.view.page_count == 1, timeout=15000)
    assert _digest(foreign_pdfs["signed"]) == before


def test_second_signature_by_an_unknown_signer_is_untrusted(qtbot, window, foreign_pdfs):
    report = drop_file(qtbot, window, foreign_pdfs["outsider"])

    first, second = report.signatures
    assert first.field == "ChuKyLanhDao" and second.field == "ChuKyNgoai"
    # the first signature covers its revision; the later signature is an allowed change
    assert first.valid and first.coverage == "entire_revision" and first.modification == "form_filling"
    assert not second.valid and second.intact and second.crypto_valid
    assert second.problems == ("verify.untrusted",)

    # no trusted chain is not "found wrong": ETSI's indeterminate, said as such
    assert first.indication == "passed" and second.indication == "indeterminate"
    assert report.indication == "indeterminate"
    panel = window.signatures
    assert panel.summary.text() == "? 1/2 chữ ký chưa xác định được (xem lý do)."
    assert _tops(panel) == ["Hợp lệ", "Chưa xác định"]
    assert panel.tree.topLevelItem(1).text(0) == "? Người ký ngoài hệ thống"
    # a signature added later is an allowed change, and the panel says so in those words
    assert "Sau khi ký: Chỉ ký thêm hoặc điền số, ngày (thay đổi được phép)" in panel.signature_texts()
    assert f"Lý do: {messages.tr('verify.untrusted', lang='vi')}" in panel.signature_texts()
    if os.environ.get("KYSO_SCREENSHOTS"):          # docs/screenshots/foreign-pdf-verdicts.png
        qtbot.waitUntil(lambda: window.view.page_count == 1, timeout=15000)
        qtbot.wait(300)
        window.grab().save(str(Path(os.environ["KYSO_SCREENSHOTS"]) / "foreign-pdf-verdicts.png"))


def test_tampered_signed_range_is_invalid(qtbot, window, foreign_pdfs):
    before = _digest(foreign_pdfs["tampered"])
    report = drop_file(qtbot, window, foreign_pdfs["tampered"])

    (sig,) = report.signatures
    assert not sig.valid and not sig.intact
    assert "verify.not_intact" in sig.problems
    panel = window.signatures
    assert panel.summary.text() == "✘ 1/1 chữ ký không hợp lệ."
    assert _tops(panel) == ["Không hợp lệ"]
    assert f"Lý do: {messages.tr('verify.not_intact', lang='vi')}" in panel.signature_texts()
    assert _digest(foreign_pdfs["tampered"]) == before


def test_shadow_attack_framed_on_the_page_and_reported(qtbot, window, test_pki, tmp_path):
    """A value filled over signed text after signing: failed, the area framed in
    red on the page, and the report button writes the biên bản."""
    from support import verify_cases as vc_

    base = vc_.base_pdf(tmp_path / "overlay.pdf", "overlay")
    signed = vc_.sign(base, tmp_path / "signed.pdf", vc_.signer_for(test_pki), "Sig1", box=(300, 100, 500, 160))
    attack = vc_.fill_text(signed, tmp_path / "shadow.pdf", "so_tien", "So tien: 90.000.000 dong", background=True)
    report = drop_file(qtbot, window, attack)

    (sig,) = report.signatures
    assert sig.indication == "failed" and "verify.over_signed_content" in sig.problems
    panel = window.signatures
    assert panel.summary.text() == "✘ 1/1 chữ ký không hợp lệ."
    assert any(line.startswith("Vùng đè lên nội dung đã ký: trang 1") for line in panel.signature_texts())
    qtbot.waitUntil(lambda: bool(window.view.change_regions()), timeout=10000)
    (page, rect), = window.view.change_regions()
    assert page == 1 and rect[1] <= 605 <= rect[3]
    # the frame is drawn: red pixels on the shown page
    qtbot.waitUntil(lambda: window.view.page_label.pixmap() is not None
                    and not window.view.page_label.pixmap().isNull(), timeout=15000)
    img = window.view.page_label.pixmap().toImage()
    reds = sum(1 for x in range(0, img.width(), 2) for y in range(0, img.height(), 2)
               if (c := img.pixelColor(x, y)).red() > 180 and c.green() < 60 and c.blue() < 60)
    assert reds > 20, reds
    if os.environ.get("KYSO_SCREENSHOTS"):          # docs/screenshots/verify-shadow-attack.png
        qtbot.wait(300)
        window.grab().save(str(Path(os.environ["KYSO_SCREENSHOTS"]) / "verify-shadow-attack.png"))
    assert panel.report_button.isEnabled()
    target = tmp_path / "bien-ban.pdf"
    with qtbot.waitSignal(panel.reportWritten, timeout=30000):
        panel.write_report(target)
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("how", ["number_value_and_ap", "day", "sig_field_overlay"])
def test_forged_issued_document_is_failed_in_the_panel(how, qtbot, window, softhsm, tmp_path):
    """An issued document whose number or day was changed after the clerk's
    signature, or over which an empty signature field paints new text: the
    panel says it is not valid and names the change (kyso verify and the
    server refuse the same: tests/test_security.py, tests/server/test_adversary.py)."""
    from support.roles import options_for_role
    from test_security import _forge

    from kyso.core import tokens
    from kyso.core.signing import sign_document

    current = generate_sample("cong_van", tmp_path / "draft.pdf").path
    for label, role, extra in (("KYSO-REVIEWER", "initial", {}), ("KYSO-LEADER", "leader", {}),
                               ("KYSO-CLERK", "agency", {"number": "417", "issue_date": dt.date(2026, 11, 20)})):
        out = tmp_path / f"{role}.pdf"
        with tokens.open_token(softhsm.module_path, label) as session:
            session.login(softhsm.user_pin)
            sign_document(session.signer(session.certificate()), current, out, options_for_role(role, **extra))
        current = out
    forged = _forge(current, tmp_path / f"{how}.pdf", how)
    report = drop_file(qtbot, window, forged)
    assert not report.valid
    panel = window.signatures
    assert panel.summary.text().startswith("✘"), panel.summary.text()
    named = {"number_value_and_ap": "KysoSoVanBan", "day": "KysoNgay", "sig_field_overlay": "Sig9"}[how]
    assert any(named in line for line in panel.signature_texts()), panel.signature_texts()
