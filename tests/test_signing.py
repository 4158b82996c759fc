"""Signing core and CLI against real tokens (SoftHSM2, opencryptoki), checked by
poppler's pdfsig and qpdf as well as by Kyso's own verifier."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pikepdf
import pytest

from kyso.services.batch import Job, run_batch
from kyso.core import signing, tokens
from kyso.core.errors import DocumentError, PinIncorrect, PinLocked, TokenRemoved
from kyso.core.stamp import Box
from kyso.core.verify import load_certificates, verify_file
from kyso.demo.samples import generate_sample

from support.nss import nss_chain_check

LEADER_BOX = ["--page", "1", "--box", "330,120,560,200"]


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    return {
        "one": generate_sample("cong_van", folder / "cong-van-1.pdf", pages=1).path,
        "two": generate_sample("quyet_dinh", folder / "quyet-dinh-2.pdf", pages=2).path,
        "rotated": generate_sample("cong_van", folder / "rotated.pdf", pages=1, variant="rotated").path,
        "secret": generate_sample("cong_van", folder / "secret.pdf", pages=1, secrecy="Mật").path,
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pdfsig(path: Path) -> str:
    cmd = ["pdfsig", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout


def qpdf_ok(path: Path) -> bool:
    res = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, timeout=60)
    return res.returncode == 0


def session_for(softhsm, label: str) -> tokens.TokenSession:
    session = tokens.open_token(softhsm.module_path, label)
    session.login(softhsm.user_pin)
    return session


# -- the two-signature document: kyso verify, pdfsig and qpdf agree -----------------


def test_two_signatures_valid_in_kyso_pdfsig_and_qpdf(run_kyso, softhsm, test_pki, samples,
                                                      tmp_path, kyso_home):
    src = samples["one"]
    before = sha256(src)
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    r = run_kyso("sign", src, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                 *LEADER_BOX, "--text", "PHÓ CHỦ TỊCH\n{signer}\n{time}", "-o", first,
                 pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    r = run_kyso("sign", first, "--module", softhsm.module_path, "--token", "KYSO-REVIEWER",
                 "--page", "1", "--box", "60,120,250,180", "-o", second, pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    # the check of the first signature before signing judges integrity, not trust:
    # no path-building traceback from pyHanko for a chain it was never asked to trust
    log_files = list(kyso_home.rglob("*.log"))
    logs = "".join(f.read_text(errors="replace") for f in log_files)
    assert log_files and "Failed to build path" not in logs + r.stderr and "Traceback" not in logs + r.stderr
    assert "fontTools" not in logs             # nor twenty lines of font subsetting per signature
    assert sha256(src) == before, "the original must never be modified"

    r = run_kyso("verify", second, "--trust", test_pki.root_cert_path, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)["files"][0]
    assert report["valid"] is True
    sigs = report["signatures"]
    assert [s["signer"] for s in sigs] == ["Phạm Văn Quân", "Trần Thị Hương"]
    for s in sigs:
        assert s["intact"] and s["trusted"] and s["valid"]
        assert s["signing_time"].endswith("+07:00")
    assert sigs[0]["modification"] == "form_filling"   # the second signature came after it
    assert sigs[1]["modification"] == "none"

    # pdfsig judges the signatures; trust in the test root is judged by kyso verify
    # above and by NSS itself below. (poppler 22.12's certificate line reads
    # NSS's last error code even when the chain verified, so with a trusted root
    # it prints a stale "Unknown issue with Certificate"; later poppler checks
    # CERT_PKIXVerifyCert's result first.)
    out = pdfsig(second)
    assert out.count("Signature is Valid") == 2, out
    assert "Total document signed" in out
    assert qpdf_ok(second)
    for line in nss_chain_check(second, test_pki.root_cert_path, tmp_path / "nss"):
        assert line.endswith("Chain is good!"), line



def test_signed_stamp_text_reads_back_exactly(run_kyso, softhsm, tmp_path):
    doc = generate_sample("cong_van", tmp_path / "cv.pdf")
    x0, y0, x1, y1 = doc.truth["signature_space"]["box"]   # between title and name
    out = tmp_path / "s.pdf"
    r = run_kyso("sign", doc.path, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                 "--page", "1", "--box", f"{x0},{y0},{x1},{y1}",
                 "--text", "Đã ký số\n{signer}\nỦY BAN NHÂN DÂN", "-o", out, pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    # Crop to the stamp (pdftotext measures y from the top of the page).
    crop = [int(x0), int(841.89 - y1), int(x1 - x0) + 1, int(y1 - y0) + 1]  # whole points only
    text = subprocess.run(["pdftotext", "-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]),
                           "-H", str(crop[3]), str(out), "-"], capture_output=True, text=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines == ["Đã ký số", "Phạm Văn Quân", "ỦY BAN NHÂN DÂN"]


def test_altered_after_signing_is_not_valid(run_kyso, softhsm, test_pki, samples, tmp_path):
    signed = tmp_path / "signed.pdf"
    assert run_kyso("sign", samples["one"], "--module", softhsm.module_path, "--token",
                    "KYSO-LEADER", "-o", signed, pin=softhsm.user_pin).returncode == 0

    # 1. A byte inside the signed range changed.
    data = bytearray(signed.read_bytes())
    pos = data.index(b"/Producer")
    data[pos + 1] = ord("Q")
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(bytes(data))
    r = run_kyso("verify", flipped, "--trust", test_pki.root_cert_path, "--json")
    assert r.returncode == 5
    sig = json.loads(r.stdout)["files"][0]["signatures"][0]
    assert sig["intact"] is False and sig["valid"] is False

    # 2. A page added afterwards in an incremental update.
    added = tmp_path / "page-added.pdf"
    _append_page_incrementally(signed, added)
    r = run_kyso("verify", added, "--trust", test_pki.root_cert_path, "--json")
    assert r.returncode == 5, r.stdout
    sig = json.loads(r.stdout)["files"][0]["signatures"][0]
    assert sig["intact"] is True
    assert sig["modification"] == "suspicious" and sig["valid"] is False

    # 3. Bytes appended outside any signed range.
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(signed.read_bytes() + b"\n% extra bytes\n1 0 obj (x) endobj\n")
    r = run_kyso("verify", garbage, "--trust", test_pki.root_cert_path, "--json")
    assert r.returncode == 5, r.stdout


def _append_page_incrementally(src: Path, dst: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with open(src, "rb") as fh:
        w = IncrementalPdfFileWriter(fh)
        page = generic.DictionaryObject({
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)]),
        })
        w.insert_page(page)
        with open(dst, "wb") as out:
            w.write(out)


# -- refusals: clear error, original untouched, nothing written ------------------------


def _bad_inputs(samples, folder: Path) -> dict[str, Path]:
    not_pdf = folder / "not-a-pdf.pdf"
    not_pdf.write_text("Đây không phải PDF", encoding="utf-8")
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(samples["one"].read_bytes()[:900])
    encrypted = folder / "encrypted.pdf"
    with pikepdf.open(samples["one"]) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(user="mk", owner="mk"))
    return {"doc.not_pdf": not_pdf, "doc.corrupt": corrupt, "doc.encrypted": encrypted,
            "doc.secret": samples["secret"]}


def test_bad_documents_are_refused_with_clear_errors(run_kyso, softhsm, samples, tmp_path):
    for code, path in _bad_inputs(samples, tmp_path).items():
        before = sha256(path)
        out = tmp_path / "out" / path.name
        r = run_kyso("sign", path, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                     "-o", out, "--json", pin=softhsm.user_pin)
        assert r.returncode == 3, (code, r.stdout, r.stderr)
        result = json.loads(r.stdout)["results"][0]
        assert result["error_code"] == code
        assert path.name in result["error"]
        assert sha256(path) == before
        assert not out.exists()
        assert not list((tmp_path / "out").glob(".*.part")) if (tmp_path / "out").exists() else True


def test_secret_document_message_is_vietnamese(softhsm, samples, tmp_path):
    with session_for(softhsm, "KYSO-LEADER") as session:
        signer = session.signer(session.certificate())
        with pytest.raises(DocumentError) as info:
            signing.sign_document(signer, samples["secret"], tmp_path / "x.pdf")
    assert "văn bản mật" in info.value.message
    assert not (tmp_path / "x.pdf").exists()


def test_invalid_existing_signature_refused_unless_forced(run_kyso, softhsm, samples, tmp_path):
    signed = tmp_path / "signed.pdf"
    assert run_kyso("sign", samples["one"], "--module", softhsm.module_path, "--token",
                    "KYSO-LEADER", "-o", signed, pin=softhsm.user_pin).returncode == 0
    data = bytearray(signed.read_bytes())
    pos = data.index(b"/Producer")
    data[pos + 1] = ord("Q")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    r = run_kyso("sign", tampered, "--module", softhsm.module_path, "--token", "KYSO-REVIEWER",
                 "-o", tmp_path / "again.pdf", "--json", pin=softhsm.user_pin)
    assert r.returncode == 3
    assert json.loads(r.stdout)["results"][0]["error_code"] == "doc.signatures_invalid"
    r = run_kyso("sign", tampered, "--module", softhsm.module_path, "--token", "KYSO-REVIEWER",
                 "-o", tmp_path / "again.pdf", "--force", pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr


def test_output_equal_to_input_is_refused(softhsm, samples, tmp_path):
    copy = tmp_path / "same.pdf"
    copy.write_bytes(samples["one"].read_bytes())
    before = sha256(copy)
    with session_for(softhsm, "KYSO-LEADER") as session:
        signer = session.signer(session.certificate())
        with pytest.raises(Exception) as info:
            signing.sign_document(signer, copy, copy)
    assert getattr(info.value, "code", "") == "doc.same_output"
    assert sha256(copy) == before


# -- tokens, certificates, PINs -----------------------------------------------------------


def test_token_list_shows_vietnamese_subjects_and_unusable_certificates(run_kyso, softhsm):
    r = run_kyso("token", "list", "--module", softhsm.module_path, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    by_label = {t["label"]: t for t in data["tokens"]}
    assert set(by_label) >= {"KYSO-REVIEWER", "KYSO-LEADER", "KYSO-UNITHEAD", "KYSO-CLERK", "KYSO-MISC"}
    leader = [c for c in by_label["KYSO-LEADER"]["certificates"] if c["key_id"]][0]
    assert leader["common_name"] == "Phạm Văn Quân"
    assert "CN=Phạm Văn Quân" in leader["subject"] and leader["usable"]
    misc = {c["common_name"]: c for c in by_label["KYSO-MISC"]["certificates"] if c["key_id"]}
    assert misc["Đỗ Văn Cũ"]["usable"] is False and misc["Đỗ Văn Cũ"]["unusable_reason"] == "expired"
    assert misc["Vũ Thị Mã"]["unusable_reason"] == "not_for_signing"
    assert misc["Lê Thị Sắp"]["usable"] is True


@pytest.mark.parametrize("who,expected", [("expired", "hết hạn"), ("encrypt_only", "không dùng để ký")])
def test_unusable_certificate_cannot_be_chosen(run_kyso, softhsm, test_pki, samples, tmp_path, who, expected):
    ident = test_pki.identities[who]
    r = run_kyso("sign", samples["one"], "--module", softhsm.module_path, "--token", "KYSO-MISC",
                 "--cert", ident.key_id, "-o", tmp_path / "x.pdf", pin=softhsm.user_pin)
    assert r.returncode == 4
    assert expected in r.stderr


def test_ecdsa_key_signs_valid(softhsm, test_pki, samples, tmp_path):
    with session_for(softhsm, "KYSO-UNITHEAD") as session:
        cert = session.certificate()
        assert cert.key_type == "ec"
        signing.sign_document(session.signer(cert), samples["one"], tmp_path / "ec.pdf",
                              signing.SignOptions(placement=signing.Placement(0, Box(330, 120, 230, 80))))
    rep = verify_file(tmp_path / "ec.pdf", load_certificates([test_pki.root_cert_path]))
    assert rep.valid and rep.signatures[0].signer == "Nguyễn Trọng Hải"


def test_key_demanding_pin_per_signature_is_asked_every_time(softhsm, test_pki, samples, tmp_path):
    asked = []
    with session_for(softhsm, "KYSO-MISC") as session:
        cert = session.certificate(test_pki.identities["always_auth"].key_id)

        def provider():
            asked.append(1)
            return softhsm.user_pin

        signer = session.signer(cert, pin_provider=provider)
        assert signer.always_authenticate
        jobs = [(samples["one"], tmp_path / f"{i}.pdf") for i in range(3)]
        results = run_batch(signer, [Job(a, b) for a, b in jobs], signing.SignOptions())
    assert all(r.ok for r in results), [r.error for r in results]
    assert len(asked) == 3


def test_batch_one_login_bad_file_fails_alone_and_progress(softhsm, samples, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    sources = [samples["one"], samples["two"], bad, samples["rotated"], samples["one"]]
    jobs = [(s, tmp_path / "out" / f"{i}-{s.name}") for i, s in enumerate(sources)]
    seen = []
    with session_for(softhsm, "KYSO-LEADER") as session:
        signer = session.signer(session.certificate())
        results = run_batch(signer, [Job(a, b) for a, b in jobs], signing.SignOptions(
            placement=signing.Placement(-1, Box(330, 100, 220, 70))),
            progress=lambda i, n, r: seen.append((i, n, r.ok)))
    assert [r.ok for r in results] == [True, True, False, True, True]
    assert results[2].error.code == "doc.corrupt"
    assert seen == [(1, 5, True), (2, 5, True), (3, 5, False), (4, 5, True), (5, 5, True)]


def test_batch_cancel_between_documents(softhsm, samples, tmp_path):
    jobs = [(samples["one"], tmp_path / f"{i}.pdf") for i in range(4)]
    done = []
    with session_for(softhsm, "KYSO-LEADER") as session:
        signer = session.signer(session.certificate())
        results = run_batch(signer, [Job(a, b) for a, b in jobs], signing.SignOptions(),
                            progress=lambda i, n, r: done.append(i), cancelled=lambda: len(done) >= 2)
    assert [r.ok for r in results] == [True, True, False, False]
    assert results[2].error.code == "batch.cancelled"
    assert not (tmp_path / "2.pdf").exists()


def test_token_pulled_mid_batch_keeps_finished_documents(softhsm, samples, tmp_path):
    """A USB token cannot be pulled on demand in CI: the removal is injected
    as the module reports it (the one mock in this file)."""
    jobs = [(samples["one"], tmp_path / f"{i}.pdf") for i in range(5)]
    with session_for(softhsm, "KYSO-LEADER") as session:
        signer = session.signer(session.certificate())
        real = signer._sign_on_token
        calls = []

        def flaky(data, algo, pin):
            calls.append(1)
            if len(calls) >= 3:
                raise TokenRemoved()
            return real(data, algo, pin)

        signer._sign_on_token = flaky
        results = run_batch(signer, [Job(a, b) for a, b in jobs], signing.SignOptions())
    assert [r.ok for r in results] == [True, True, False, False, False]
    assert results[2].error.code == "token.removed"
    assert results[3].error.code == "batch.skipped_after_token_error"
    assert len(calls) == 3, "no further signing attempt after the token is gone"
    assert (tmp_path / "0.pdf").exists() and (tmp_path / "1.pdf").exists()
    assert not (tmp_path / "2.pdf").exists()
    for leftover in tmp_path.glob(".*.part"):
        pytest.fail(f"temporary file left behind: {leftover}")


@pytest.mark.opencryptoki
def test_opencryptoki_wrong_pins_tries_left_final_try_locked(opencryptoki):
    module = tokens.load_module(opencryptoki.module_path)
    info = [t for t in module.tokens() if t.label == opencryptoki.token_label][0]
    assert info.tries_left == 3
    session = tokens.TokenSession(module, info)
    with pytest.raises(PinIncorrect) as e1:
        session.login("0000")
    assert e1.value.tries_left == 2 and "Còn 2 lần thử" in e1.value.message
    assert session.current_info().tries_left == 2
    with pytest.raises(PinIncorrect) as e2:
        session.login("0000")
    assert e2.value.tries_left == 1 and "MỘT lần thử" in e2.value.message
    assert session.current_info().final_try
    with pytest.raises(PinLocked) as e3:
        session.login("0000")
    assert "khóa" in e3.value.message
    with pytest.raises(PinLocked):
        session.login(opencryptoki.user_pin)  # locked: even the right PIN is refused, no try spent
    session.close()


@pytest.mark.opencryptoki
def test_opencryptoki_signs_and_batch_never_retries_a_wrong_pin(opencryptoki, run_kyso, samples,
                                                                test_pki, tmp_path):
    mod = opencryptoki.module_path
    r = run_kyso("sign", samples["one"], samples["two"], "--module", mod, "--token",
                 opencryptoki.token_label, "--out-dir", tmp_path / "bad", pin="9999")
    assert r.returncode == 4
    assert "Còn 2 lần thử" in r.stderr
    r = run_kyso("token", "list", "--module", mod, "--json")
    tok = [t for t in json.loads(r.stdout)["tokens"] if t["label"] == opencryptoki.token_label][0]
    assert tok["pin_status"] == "count_low", "one wrong PIN for the whole batch, not one per file"
    # This token holds no CA certificate: the chain comes from --ca-cert.
    r = run_kyso("sign", samples["one"], samples["two"], "--module", mod, "--token",
                 opencryptoki.token_label, "--out-dir", tmp_path / "good", *LEADER_BOX,
                 "--ca-cert", test_pki.intermediate_cert_path, pin=opencryptoki.user_pin)
    assert r.returncode == 0, r.stderr
    for f in (tmp_path / "good").glob("*.pdf"):
        assert verify_file(f, load_certificates([test_pki.root_cert_path])).valid
        assert "Signature is Valid" in pdfsig(f)


# -- B-T, revocation, rotated pages --------------------------------------------------------


def test_timestamped_signature_b_t(softhsm, test_pki, pki_services, samples, tmp_path):
    out = tmp_path / "bt.pdf"
    with session_for(softhsm, "KYSO-LEADER") as session:
        signing.sign_document(session.signer(session.certificate()), samples["one"], out,
                              signing.SignOptions(tsa_url=test_pki.tsa_url))
    rep = verify_file(out, load_certificates([test_pki.root_cert_path]))
    sig = rep.signatures[0]
    assert sig.timestamp_time is not None and rep.valid


def test_revoked_certificate_reported(softhsm, test_pki, pki_services, samples, tmp_path):
    out = tmp_path / "revoked.pdf"
    with session_for(softhsm, "KYSO-MISC") as session:
        cert = session.certificate(test_pki.identities["revoked"].key_id)
        signing.sign_document(session.signer(cert), samples["one"], out)
    rep = verify_file(out, load_certificates([test_pki.root_cert_path]), fetch_revocation=True)
    sig = rep.signatures[0]
    assert sig.revoked is True and "verify.revoked" in sig.problems and not rep.valid
    good = tmp_path / "good.pdf"
    with session_for(softhsm, "KYSO-LEADER") as session:
        signing.sign_document(session.signer(session.certificate()), samples["one"], good)
    rep = verify_file(good, load_certificates([test_pki.root_cert_path]), fetch_revocation=True)
    assert rep.valid and rep.signatures[0].revoked is False


def test_stamp_on_rotated_page_lands_where_asked_and_upright(softhsm, samples, tmp_path):
    out = tmp_path / "rot.pdf"
    box = Box(330, 120, 230, 80)
    with session_for(softhsm, "KYSO-LEADER") as session:
        signing.sign_document(session.signer(session.certificate()), samples["rotated"], out,
                              signing.SignOptions(placement=signing.Placement(0, box),
                                                  appearance=signing.text_stamp("ĐÃ KÝ {signer}", None, box.w, box.h)))
    # pdftotext works in displayed coordinates (top-left origin): the text must be
    # inside the box we asked for, and read left to right (upright).
    html = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True).stdout
    import re

    words = {m.group(5): tuple(float(m.group(i)) for i in range(1, 5)) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', html)}
    x1, y1, x2, y2 = words["ĐÃ"]
    page_h = 841.89
    assert box.x <= x1 < x2 <= box.x2
    assert page_h - box.y2 <= y1 < y2 <= page_h - box.y
    assert (x2 - x1) > (y2 - y1), "the word must run horizontally as displayed"
    assert words["Quân"][0] > words["ĐÃ"][0]


def test_encrypted_document_signs_with_its_password(run_kyso, softhsm, test_pki, samples, tmp_path):
    encrypted = tmp_path / "encrypted.pdf"
    with pikepdf.open(samples["one"]) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(user="mk123", owner="chu456"))
    before = sha256(encrypted)
    out = tmp_path / "signed.pdf"
    r = run_kyso("sign", encrypted, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                 "--role", "leader", "-o", out, pin=softhsm.user_pin, env={"KYSO_PDF_PASSWORD": "sai"})
    assert r.returncode == 3 and "không đúng" in r.stderr and not out.exists()
    r = run_kyso("sign", encrypted, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                 "--role", "leader", "-o", out, pin=softhsm.user_pin, env={"KYSO_PDF_PASSWORD": "mk123"})
    assert r.returncode == 0, r.stderr
    assert sha256(encrypted) == before
    r = run_kyso("verify", out, "--trust", test_pki.root_cert_path, "--json",
                 env={"KYSO_PDF_PASSWORD": "mk123"})
    assert r.returncode == 0, r.stdout
    sig = subprocess.run(["pdfsig", "-upw", "mk123", str(out)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in sig, sig


def test_no_pin_on_disk_or_in_logs(run_kyso, softhsm, samples, tmp_path, kyso_home):
    wrong = "864209"
    env = {"KYSO_HOME": str(kyso_home)}
    r = run_kyso("-v", "sign", samples["one"], "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                 "-o", tmp_path / "a.pdf", pin=wrong, env=env)
    assert r.returncode == 4 and wrong not in r.stderr + r.stdout
    r = run_kyso("-v", "sign", samples["one"], "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                 "-o", tmp_path / "b.pdf", pin=softhsm.user_pin, env=env)
    assert r.returncode == 0
    written = [f for f in kyso_home.rglob("*") if f.is_file()]
    assert any(f.suffix == ".log" for f in written), "the log exists and was checked"
    for f in written + [tmp_path / "b.pdf"]:
        data = f.read_bytes()
        assert wrong.encode() not in data and softhsm.user_pin.encode() not in data, f
