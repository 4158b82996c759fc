"""Against an adversary: forged issued documents, hostile inputs, scripted PINs.

Each attack found in the review is kept here as a test:

- an issued document altered after issuance (number or day changed in value
  and/or appearance, a value with /NeedAppearances, an empty signature field
  painting over the body, /Info rewritten) is reported failed, naming what
  changed and where;
- hostile inputs (decompression bomb, named pipe, same names in one batch,
  long and non-UTF-8 names, empty open password, damaged signatures, a few
  hundred mutated PDFs) get a verdict or a clear refusal, never a traceback or
  a hang;
- a scripted run never spends a token's final PIN try.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from kyso.core import tokens
from kyso.core.issuance import DAY_FIELD, NUMBER_FIELD
from kyso.core.roles import RoleRequest, role_options
from kyso.core.signing import sign_document
from kyso.core.verify import verify_file
from kyso.demo.samples import generate_sample

NUMBER, DATE = "417", date(2026, 11, 20)


def _signer(softhsm, label):
    session = tokens.open_token(softhsm.module_path, label)
    session.login(softhsm.user_pin)
    return session, session.signer(session.certificate())


@pytest.fixture(scope="module")
def issued(softhsm, tmp_path_factory) -> Path:
    """A công văn through initial → leader → agency (number 417), signed in-process."""
    folder = tmp_path_factory.mktemp("issued")
    current = generate_sample("cong_van", folder / "draft.pdf").path
    steps = [("KYSO-REVIEWER", RoleRequest("initial")), ("KYSO-LEADER", RoleRequest("leader")),
             ("KYSO-CLERK", RoleRequest("agency", number=NUMBER, issue_date=DATE))]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KYSO_HOME", str(folder / "home"))
        mp.setenv("KYSO_FONT", "bundled")
        for label, req in steps:
            session, signer = _signer(softhsm, label)
            try:
                out = folder / f"{req.role}.pdf"
                sign_document(signer, current, out, role_options(req))
            finally:
                session.close()
            current = out
    return current


# -- forging an issued document ------------------------------------------------------


def _field(writer, name):
    for ref in writer.root["/AcroForm"]["/Fields"]:
        if str(ref.get_object().get("/T")) == name:
            return ref.get_object()
    raise KeyError(name)


def _text_appearance(writer, text: str, w: float, h: float):
    font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    return writer.add_object(generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, w, h)]),
        pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
            {pdf_name("/F1"): font})}),
    }, stream_data=f"1 1 1 rg 0 0 {w} {h} re f BT 0 g /F1 11 Tf 2 3 Td ({text}) Tj ET".encode()))


def _forge(src: Path, dst: Path, how: str) -> Path:
    with open(src, "rb") as fh:
        w = IncrementalPdfFileWriter(fh, strict=False)
        if how in ("number_value_and_ap", "number_ap_only", "number_value_need_ap", "day"):
            f = _field(w, DAY_FIELD if how == "day" else NUMBER_FIELD)
            new = "21" if how == "day" else "999"
            if how != "number_ap_only":
                f[pdf_name("/V")] = generic.TextStringObject(new)
            if how == "number_value_need_ap":
                del f["/AP"]
                form = w.root["/AcroForm"]
                form[pdf_name("/NeedAppearances")] = generic.BooleanObject(True)
                w.update_container(form)
            else:
                r = [float(v) for v in f["/Rect"]]
                f[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): _text_appearance(
                    w, new, r[2] - r[0], r[3] - r[1])})
            w.update_container(f)
        elif how == "sig_field_overlay":
            page_ref, _ = w.prev.find_page_for_modification(0)
            rect = (100, 500, 400, 540)
            widget = generic.DictionaryObject({
                pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Widget"),
                pdf_name("/FT"): pdf_name("/Sig"), pdf_name("/T"): generic.TextStringObject("Sig9"),
                pdf_name("/F"): generic.NumberObject(4), pdf_name("/P"): page_ref,
                pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
                pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): _text_appearance(
                    w, "PHAI NOP 10 TY DONG", 300, 40)}),
            })
            ref = w.add_object(widget)
            fields = w.root["/AcroForm"]["/Fields"]
            fields.append(ref)
            w.update_container(fields)
            w.register_annotation(page_ref, ref)
        elif how == "info_in_place":  # the same /Info object, rewritten
            ref = w.trailer_view.raw_get("/Info")
            info = ref.get_object()
            info[pdf_name("/KysoSecrecy")] = generic.TextStringObject("Mật")
            w.mark_update(ref)
        elif how == "info":
            w.set_info(generic.DictionaryObject({
                pdf_name("/Title"): generic.TextStringObject("Quyết định thu hồi"),
                pdf_name("/KysoSecrecy"): generic.TextStringObject("Mật")}))
        with open(dst, "wb") as out:
            w.write(out)
    return dst


FORGERIES = {
    "number_value_and_ap": ("field_value", NUMBER_FIELD),
    "number_ap_only": ("field_appearance", NUMBER_FIELD),
    "number_value_need_ap": ("field_value", NUMBER_FIELD),
    "day": ("field_value", DAY_FIELD),
    "sig_field_overlay": ("signature_field_added", "Sig9"),
    "info": ("info", None),
    "info_in_place": ("info", None),
}


def test_issued_document_verifies_and_locks(issued):
    rep = verify_file(issued)
    sigs = rep.signatures
    assert len(sigs) == 3
    assert all(s.problems == ("verify.untrusted",) for s in sigs), [s.problems for s in sigs]
    assert not any(s.changes for s in sigs)
    out = subprocess.run(["pdfsig", str(issued)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid") == 3, out
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(issued, "rb") as fh:
        r = PdfFileReader(fh)
        agency = [e for e in r.embedded_regular_signatures if e.field_name.startswith("KysoAgency")][0]
        lock = agency.sig_field["/Lock"]
        assert lock["/Action"] == "/Include"
        assert {str(n) for n in lock["/Fields"]} >= {NUMBER_FIELD, DAY_FIELD, "KysoThang"}
        assert agency.fieldmdp is not None
        for ref in r.root["/AcroForm"]["/Fields"]:
            f = ref.get_object()
            if str(f.get("/T")) in (NUMBER_FIELD, DAY_FIELD, "KysoThang"):
                assert int(f["/Ff"]) & 1, f"{f['/T']} is not read-only"


@pytest.mark.parametrize("how", list(FORGERIES))
def test_forged_issued_document_fails(how, issued, tmp_path):
    forged = _forge(issued, tmp_path / f"{how}.pdf", how)
    rep = verify_file(forged)
    assert not rep.valid
    last = max(rep.signatures, key=lambda s: s.revision)
    assert "verify.changed_after_last" in last.problems, last.problems
    kind, field = FORGERIES[how]
    assert any(c.kind == kind and c.field == field for c in last.changes), last.changes
    if field in (NUMBER_FIELD, DAY_FIELD):
        assert "verify.locked_field_changed" in last.problems
    if field is not None:
        hit = [c for c in last.changes if c.field == field][0]
        assert hit.page == 1 and hit.rect is not None
        assert f"“{field}”" in hit.describe("vi") and "trang 1" in hit.describe("vi")


@pytest.mark.parametrize("how", ["number_value_and_ap", "info"])
def test_forged_issued_document_cli_exit_5(how, issued, tmp_path, run_kyso):
    forged = _forge(issued, tmp_path / f"{how}.pdf", how)
    r = run_kyso("verify", forged)
    assert r.returncode == 5, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "sau chữ ký cuối cùng" in r.stdout
    if how == "info":
        assert "/Info" in r.stdout
    else:
        assert NUMBER_FIELD in r.stdout and "trang 1" in r.stdout
    r = run_kyso("verify", forged, "--json")
    data = json.loads(r.stdout)
    assert not data["valid"]
    assert any(s["changes"] for s in data["files"][0]["signatures"])



# -- hostile inputs ---------------------------------------------------------------------


def _draft(folder: Path, name: str = "draft.pdf") -> Path:
    return generate_sample("cong_van", folder / name).path


def _bomb(path: Path, inflated: int = 1 << 30) -> Path:
    """A valid one-page PDF whose content stream inflates to ``inflated`` bytes."""
    import zlib

    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(inflated >> 20)) + comp.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_decompression_bomb_refused(run_kyso, softhsm, tmp_path):
    bomb = _bomb(tmp_path / "bomb.pdf")
    assert bomb.stat().st_size < 2 << 20
    for args in (["sign", bomb, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                  "-o", tmp_path / "out.pdf"], ["verify", bomb]):
        r = run_kyso(*args, pin=softhsm.user_pin, timeout=60)
        assert r.returncode == 3, r.stdout + r.stderr
        assert "bom giải nén" in r.stderr + r.stdout
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.timeout(60)
def test_named_pipe_and_symlink_loop_refused(run_kyso, softhsm, tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(tmp_path / "loop.pdf")
    for bad in (fifo, loop):
        r = run_kyso("verify", bad, timeout=20)
        assert r.returncode == 3 and "Traceback" not in r.stderr, r.stdout + r.stderr
        assert "không phải là một tệp thông thường" in r.stdout + r.stderr
        r = run_kyso("sign", bad, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                     "-o", tmp_path / "out.pdf", pin=softhsm.user_pin, timeout=20)
        assert r.returncode == 3 and "không phải là một tệp thông thường" in r.stderr, r.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_batch_same_names_long_and_non_utf8_names(run_kyso, softhsm, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    one = _draft(a, "cv.pdf")
    two = shutil.copy(one, b / "cv.pdf")
    long_name = "Công văn " + "ạ" * 78 + ".pdf"            # 249 bytes
    assert 241 <= len(os.fsencode(long_name)) <= 255
    long_src = shutil.copy(one, a / long_name)
    raw = os.fsdecode(b"c\xf4ng v\xe4n \xff.pdf")         # not UTF-8
    raw_src = shutil.copy(one, tmp_path / raw)
    out = tmp_path / "out"
    r = run_kyso("sign", one, two, long_src, raw_src, "--module", softhsm.module_path,
                 "--token", "KYSO-LEADER", "--role", "leader", "--out-dir", out,
                 pin=softhsm.user_pin)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    names = sorted(os.listdir(os.fsencode(out)))
    assert len(names) == 4, names
    assert b"cv.pdf" in names and b"cv (2).pdf" in names
    assert os.fsencode(long_name) in names
    assert os.fsencode(raw) in names
    assert "4/4" in r.stdout
    for n in names:
        rep = verify_file(out / os.fsdecode(n))
        assert len(rep.signatures) == 1 and rep.signatures[0].problems == ("verify.untrusted",)


def test_empty_open_password(run_kyso, softhsm, tmp_path):
    import pikepdf

    src = _draft(tmp_path)
    enc = tmp_path / "enc.pdf"
    with pikepdf.open(src) as pdf:  # empty user password, an owner password
        pdf.save(enc, encryption=pikepdf.Encryption(user="", owner="chu-so-huu"))
    for env in ({}, {"KYSO_PDF_PASSWORD": ""}):
        out = tmp_path / f"out{len(env)}.pdf"
        r = run_kyso("sign", enc, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                     "-o", out, pin=softhsm.user_pin, env=env)
        assert r.returncode == 0, r.stderr
        r = run_kyso("verify", out, env=env)
        assert r.returncode == 5 and "Traceback" not in r.stderr, r.stdout  # untrusted only
        assert "Kyso" in r.stdout
    with pikepdf.open(src) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="mk", owner="o"))
    r = run_kyso("sign", tmp_path / "locked.pdf", "--module", softhsm.module_path, "--token",
                 "KYSO-LEADER", "-o", tmp_path / "x.pdf", pin=softhsm.user_pin,
                 env={"KYSO_PDF_PASSWORD": ""})
    assert r.returncode == 3 and "không đúng" in r.stderr, r.stderr
    r = run_kyso("sign", tmp_path / "locked.pdf", "--module", softhsm.module_path, "--token",
                 "KYSO-LEADER", "-o", tmp_path / "x.pdf", pin=softhsm.user_pin)
    assert r.returncode == 3 and "mật khẩu" in r.stderr, r.stderr


# -- damaged signatures and fuzzing -------------------------------------------------------


def _last_sig_span(data: bytes, key: bytes) -> tuple[int, int]:
    """Start and end of the last ``key`` value (/ByteRange [...] or /Contents <...>)."""
    i = data.rindex(key) + len(key)
    while data[i:i + 1] in b" \r\n":
        i += 1
    close = b"]" if data[i:i + 1] == b"[" else b">"
    return i, data.index(close, i) + 1


def _damage(data: bytes, how: str) -> bytes:
    if how.startswith("byterange"):
        a, b = _last_sig_span(data, b"/ByteRange")
        width = b - a
        new = {"byterange_garbage": b"[0 abc -5 9]", "byterange_short": b"[0 10]",
               "byterange_huge": b"[0 99999999999 99999999999 1]",
               "byterange_negative": b"[0 -100 -100 -100]"}[how]
        return data[:a] + new.ljust(width) + data[b:]
    if how.startswith("contents"):
        a, b = _last_sig_span(data, b"/Contents")
        body = data[a:b]
        new = {"contents_nonhex": b"<" + b"zz" * ((len(body) - 2) // 2) + b">",
               "contents_zero": b"<" + b"0" * (len(body) - 2) + b">",
               "contents_flipped": body[:41] + (b"0" if body[41:42] != b"0" else b"1") + body[42:],
               "contents_string": b"(" + b"x" * (len(body) - 2) + b")"}[how]
        return data[:a] + new + data[b:]
    raise ValueError(how)


DAMAGES = ["byterange_garbage", "byterange_short", "byterange_huge", "byterange_negative",
           "contents_nonhex", "contents_zero", "contents_flipped", "contents_string"]


@pytest.mark.parametrize("how", DAMAGES)
def test_damaged_signature_gets_a_verdict(how, issued, tmp_path):
    bad = tmp_path / f"{how}.pdf"
    bad.write_bytes(_damage(issued.read_bytes(), how))
    rep = verify_file(bad)
    assert not rep.valid
    assert rep.error or any(not s.valid and set(s.problems) - {"verify.untrusted"}
                            for s in rep.signatures), rep


def test_damaged_signature_cli_verdict(issued, tmp_path, run_kyso):
    files = []
    for how in ("byterange_garbage", "contents_nonhex"):
        f = tmp_path / f"{how}.pdf"
        f.write_bytes(_damage(issued.read_bytes(), how))
        files.append(f)
    r = run_kyso("verify", *files)
    assert r.returncode == 5, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and r.stdout.count("KHÔNG HỢP LỆ") == 2, r.stdout


def _mutants(seeds: list[bytes], count: int, seed: int = 20261201):
    """Deterministic mutations of ``seeds``: (name, bytes)."""
    import random
    import re

    rnd = random.Random(seed)

    def spots(data, pattern):
        return [m.start() for m in re.finditer(pattern, data)]

    def flip(data, at, n=4):
        b = bytearray(data)
        for _ in range(n):
            i = min(max(at + rnd.randrange(-8, 24), 0), len(b) - 1)
            b[i] = rnd.randrange(256)
        return bytes(b)

    kinds = ["truncate", "xref", "trailer", "stream", "contents", "byterange", "delete_obj",
             "huge_length", "ref_loop", "startxref", "objnum"]
    for n in range(count):
        data = seeds[n % len(seeds)]
        kind = kinds[n % len(kinds)]
        if kind == "truncate":
            out = data[: rnd.randrange(len(data))]
        elif kind in ("xref", "trailer", "startxref", "contents", "byterange", "stream"):
            pat = {"xref": rb"xref", "trailer": rb"trailer", "startxref": rb"startxref",
                   "contents": rb"/Contents", "byterange": rb"/ByteRange",
                   "stream": rb"stream\r?\n"}[kind]
            where = spots(data, pat) or [rnd.randrange(len(data))]
            out = flip(data, rnd.choice(where) + (rnd.randrange(200) if kind == "stream" else 0),
                       rnd.randrange(1, 8))
        elif kind == "delete_obj":
            where = spots(data, rb"\d+ 0 obj")
            at = rnd.choice(where)
            out = data[:at] + b"x" + data[at + 1:]
        elif kind == "huge_length":
            where = spots(data, rb"/Length \d+")
            at = rnd.choice(where) + len(b"/Length ")
            end = at
            while data[end:end + 1].isdigit():
                end += 1
            out = data[:at] + rnd.choice([b"99999999999", b"-1", b"0", b"4294967296"]).ljust(end - at) + data[end:]
        elif kind == "ref_loop":
            m = list(re.finditer(rb"/(Parent|Kids \[|Pages|Root|Prev) ?(\d+) 0 R", data))
            if m:
                hit = rnd.choice(m)
                # point the reference at an object that points back
                target = rnd.choice(spots(data, rb"\d+ 0 obj"))
                num = data[target:data.index(b" ", target)]
                out = data[:hit.start(2)] + num.ljust(len(hit.group(2)))[:max(len(hit.group(2)), len(num))] + data[hit.end(2):]
            else:
                out = flip(data, rnd.randrange(len(data)))
        else:  # objnum
            where = spots(data, rb"\d+ 0 R")
            at = rnd.choice(where)
            out = data[:at] + str(rnd.randrange(1, 10 ** 6)).encode() + data[data.index(b" ", at):]
        yield f"{n:03d}-{kind}", out


@pytest.mark.timeout(240)
def test_fuzz_sign_and_verify(issued, softhsm, tmp_path):
    import resource
    import time

    from kyso.core.errors import KysoError
    from kyso.core.signing import SignOptions

    seeds = [issued.read_bytes(), (issued.parent / "leader.pdf").read_bytes(),
             (issued.parent / "draft.pdf").read_bytes()]
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    session, signer = _signer(softhsm, "KYSO-LEADER")
    started = time.monotonic()
    slowest = (0.0, "")
    verdicts = {"valid": 0, "invalid": 0, "error": 0, "signed": 0, "refused": 0}
    try:
        for name, data in _mutants(seeds, 330):
            src = inputs / f"{name}.pdf"
            src.write_bytes(data)
            t = time.monotonic()
            rep = verify_file(src)  # never raises
            verdicts["error" if rep.error else "valid" if rep.valid else "invalid"] += 1
            dst = out / f"{name}.pdf"
            try:
                sign_document(signer, src, dst, SignOptions(force=int(name[:3]) % 2 == 0))
                verdicts["signed"] += 1
                assert dst.is_file()
            except KysoError:
                verdicts["refused"] += 1
                assert not dst.exists()
            took = time.monotonic() - t
            slowest = max(slowest, (took, name))
            assert src.read_bytes() == data, f"{name}: input modified"
            assert not [p for p in out.iterdir() if p.name.startswith(".")], f"{name}: stray file"
    finally:
        session.close()
    total = time.monotonic() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"fuzz: {verdicts}, {total:.1f}s, slowest {slowest}, rss +{(rss - rss0) / 1024:.0f} MB")
    assert slowest[0] < 15, slowest
    assert (rss - rss0) < 600 * 1024, "memory grew beyond 600 MB"
    assert verdicts["refused"] > 50 and verdicts["invalid"] + verdicts["error"] > 100


def test_fuzz_cli_handful(issued, tmp_path, run_kyso):
    """A few mutants through the real command: a verdict and exit 3 or 5, no traceback."""
    seeds = [issued.read_bytes()]
    files = []
    for name, data in list(_mutants(seeds, 44))[::9]:
        f = tmp_path / f"{name}.pdf"
        f.write_bytes(data)
        files.append(f)
    for f in files:
        r = run_kyso("verify", f, timeout=60)
        assert r.returncode in (3, 5), (f.name, r.returncode, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and ("HỢP LỆ" in r.stdout), (f.name, r.stdout, r.stderr)


# -- PINs in scripts ----------------------------------------------------------------------


@pytest.mark.opencryptoki
def test_scripted_wrong_pin_never_spends_the_final_try(opencryptoki, run_kyso, tmp_path):
    mod = opencryptoki.module_path
    src = _draft(tmp_path)
    codes = []
    for i in range(3):
        r = run_kyso("sign", src, "--module", mod, "--token", opencryptoki.token_label,
                     "-o", tmp_path / f"o{i}.pdf", pin="9999")
        assert r.returncode == 4 and "Traceback" not in r.stderr, r.stderr
        codes.append(r.stderr)
    assert "MỘT lần thử" in codes[1]                     # the second wrong PIN leaves one try
    assert "--final-try" in codes[2], codes[2]            # the third run refuses to try
    r = run_kyso("token", "list", "--module", mod, "--json")
    tok = [t for t in json.loads(r.stdout)["tokens"] if t["label"] == opencryptoki.token_label][0]
    assert tok["pin_status"] != "locked" and tok["tries_left"] == 1, tok
    # A person who means it: --final-try with the right PIN signs and resets the count.
    r = run_kyso("sign", src, "--module", mod, "--token", opencryptoki.token_label, "--final-try",
                 "-o", tmp_path / "ok.pdf", pin=opencryptoki.user_pin)
    assert r.returncode == 0, r.stderr
    r = run_kyso("token", "list", "--module", mod, "--json")
    tok = [t for t in json.loads(r.stdout)["tokens"] if t["label"] == opencryptoki.token_label][0]
    assert tok["tries_left"] == 3 and tok["pin_status"] == "ok", tok


@pytest.mark.opencryptoki
def test_pin_outside_token_limits_spends_no_try(opencryptoki):
    from kyso.core.errors import PinError

    module = tokens.load_module(opencryptoki.module_path)
    info = [t for t in module.tokens() if t.label == opencryptoki.token_label][0]
    assert info.min_pin_len > 1, info
    session = tokens.TokenSession(module, info)
    try:
        for pin in ("1" * (info.min_pin_len - 1), "1" * (info.max_pin_len + 1)):
            with pytest.raises(PinError) as e:
                session.login(pin, confirmed_final_try=False)
            assert e.value.code == "token.pin_length"
        fresh = session.current_info()
        assert fresh.pin_status is tokens.PinStatus.OK and fresh.tries_left == 3, fresh
        session.login(opencryptoki.user_pin, confirmed_final_try=False)
        assert session.logged_in
    finally:
        session.close()


def test_sign_refuses_forged_document_naming_the_change(issued, softhsm, tmp_path, run_kyso):
    """A secrecy marker slipped into /Info after issuance is reported as the forgery it is."""
    forged = _forge(issued, tmp_path / "info.pdf", "info")
    r = run_kyso("sign", forged, "--module", softhsm.module_path, "--token", "KYSO-LEADER",
                 "-o", tmp_path / "out.pdf", pin=softhsm.user_pin)
    assert r.returncode == 3, r.stderr
    assert "không hợp lệ" in r.stderr and "sau chữ ký cuối cùng" in r.stderr, r.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_validation_data_and_document_timestamp_after_issuance_are_allowed(issued, test_pki,
                                                                         pki_services, tmp_path):
    """DSS and a document timestamp (PAdES LTA) are what may follow the last signature."""
    import asyncio

    from pyhanko.sign import signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko_certvalidator import ValidationContext

    from kyso.core.verify import load_certificates

    roots = load_certificates([test_pki.root_cert_path])
    out = tmp_path / "lta.pdf"
    vc = ValidationContext(trust_roots=roots, allow_fetching=True)
    with open(issued, "rb") as fh:
        w = IncrementalPdfFileWriter(fh, strict=False)
        ts = signers.PdfTimeStamper(HTTPTimeStamper(test_pki.tsa_url))
        with open(out, "wb") as dst:
            asyncio.run(ts.async_timestamp_pdf(w, "sha256", validation_context=vc, output=dst))
    rep = verify_file(out, roots)
    assert len(rep.signatures) == 3
    for s in rep.signatures:
        assert not s.changes and "verify.changed_after_last" not in s.problems, (s.field, s.reasons())
    assert rep.valid, [s.reasons() for s in rep.signatures]
