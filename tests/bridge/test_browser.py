"""A real page in headless Chromium signs through Kyso (VGCA Sign Service protocol).

The page (``page.html``) speaks the protocol as the spec describes; the web
system (``harness.WebSystem``) serves the document and receives the upload;
Kyso runs in-process on a free port with SoftHSM2 tokens, unattended with the
test PIN. The CA is trusted through a temporary NSS database, never by turning
certificate checks off.
"""

from __future__ import annotations

import asyncio
import json
import subprocess

from kyso.core.verify import load_certificates, verify_file
from kyso.demo.samples import generate_sample

from test_roles import _inside, _widgets, _word_boxes

from .conftest import page_url, run

HANDLER_QUERY = "?id=7&fileName=cong-van.pdf&loaiKy=1"


def _valid_in_pdfsig(path, count):
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid") == count, out


def _kyso_verdicts(path, test_pki):
    report = verify_file(path, load_certificates([test_pki.root_cert_path]))
    return [(s.signer, s.valid, s.modification) for s in report.signatures]


def test_initial_approved_then_issued_in_chromium(start_bridge, web, browser, tmp_path, test_pki):
    """The Phủ Lý path through web pages: the reviewer initials (SignFile, Role initial),
    the leader approves (SignApproved), the clerk issues (SignIssued with number and date);
    each step downloads what the previous one uploaded."""
    truth = generate_sample("cong_van", tmp_path / "draft.pdf").truth
    draft = (tmp_path / "draft.pdf").read_bytes()
    reviewer = start_bridge("KYSO-REVIEWER")
    leader = start_bridge("KYSO-LEADER")
    clerk = start_bridge("KYSO-CLERK")

    async def scenario():
        async with browser() as chromium:
            tab0 = await chromium.open(page_url(web, reviewer))
            initial = await tab0.call("SignFile", {
                "FileUploadHandler": web.url("/upload?step=initial"), "SessionId": "",
                "FileName": web.add("draft.pdf", draft), "MetaData": [{"Key": "Role", "Value": "initial"}]})
            assert initial["Status"] == 0, initial
            url = web.add("cong-van.pdf", web.uploads.pop().body)
            tab = await chromium.open(page_url(web, leader))
            approved = await tab.call("SignApproved", {
                "FileUploadHandler": web.url("/upload" + HANDLER_QUERY), "SessionId": "", "JWTToken": "jwt-123",
                "FileName": url, "MetaData": [{"Key": "abc", "Value": "abc"}]})
            signed = web.uploads[-1].body
            web.add("approved.pdf", signed)
            tab2 = await chromium.open(page_url(web, clerk))
            issued = await tab2.call("SignIssued", {
                "FileUploadHandler": web.url("/upload?id=7&step=issue"), "SessionId": "", "JWTToken": "",
                "FileName": web.url("/files/approved.pdf"), "DocNumber": "417/UBND-VP",
                "IssuedDate": "2026-11-20T12:00:00+07:00"})
            return approved, issued

    approved, issued = run(scenario())

    # the leader's signature: the page got Status 0 and the handler's FileServer unchanged
    assert approved["Status"] == 0, approved
    first = web.uploads[0]
    assert approved["FileServer"] == json.dumps({"fileEntryId": 2, "url": "/documents/2/cong-van.pdf"})
    assert json.loads(approved["FileServer"])["fileEntryId"] == 2
    assert first.query == {"id": "7", "fileName": "cong-van.pdf", "loaiKy": "1"}   # query string kept
    assert first.filename == "cong-van.pdf" and first.body.startswith(b"%PDF-")
    assert first.headers.get("Authorization") == "Bearer jwt-123"
    assert web.downloads[1]["headers"].get("Authorization") == "Bearer jwt-123"   # [0]: the initial step
    step1 = tmp_path / "step1.pdf"
    step1.write_bytes(first.body)
    original = web.files["cong-van.pdf"][0]
    assert step1.read_bytes()[:len(original)] == original              # incremental: one more signature
    _valid_in_pdfsig(step1, 2)
    assert _kyso_verdicts(step1, test_pki) == [("Trần Thị Hương", True, "form_filling"), ("Phạm Văn Quân", True, "none")]
    # the leader's specimen image centred between the title and the name
    (page, box), = [v for k, v in _widgets(step1).items() if k.startswith("KysoLeader")]
    title, name = truth["title_line"], truth["name_line"]
    assert page == title["page"]
    assert abs((box.y + box.h / 2) - (title["box"][1] + name["box"][3]) / 2) <= 2.0
    assert abs((box.x + box.w / 2) - (title["box"][0] + title["box"][2]) / 2) <= 2.0

    # the clerk's issuance: number and date in the blanks, the seal, both signatures valid
    assert issued["Status"] == 0, issued
    assert issued["DocumentNumber"] == "417/UBND-VP" and issued["DocumentDate"] == "20/11/2026"
    final = tmp_path / "issued.pdf"
    final.write_bytes(web.uploads[1].body)
    assert web.uploads[1].query == {"id": "7", "step": "issue"}
    _valid_in_pdfsig(final, 3)
    verdicts = _kyso_verdicts(final, test_pki)
    assert [v[1] for v in verdicts] == [True, True, True], verdicts
    assert [v[2] for v in verdicts] == ["form_filling", "form_filling", "none"]
    assert verdicts[2][0] == "ỦY BAN NHÂN DÂN THÀNH PHỐ PHỦ LÝ"
    words = _word_boxes(final, truth["number_blank"]["page"], truth["page_size"][1])
    assert any(w[0] == "417" and _inside(w, truth["number_blank"]["box"]) for w in words)
    assert any(w[0] == "20" and _inside(w, truth["date_day_blank"]["box"]) for w in words)
    assert any(w[0] == "11" and _inside(w, truth["date_month_blank"]["box"]) for w in words)
    assert any(k.startswith("KysoAgency") for k in _widgets(final))
    # nothing is left waiting: both uploads were confirmed
    from kyso.bridge.transfer import bridge_dir, pending_jobs

    assert pending_jobs() == [] and not any(bridge_dir().iterdir())


def _sample_url(web, tmp_path, name="cong-van.pdf", kind="cong_van"):
    path = generate_sample(kind, tmp_path / name).path
    return web.add(name, path.read_bytes())


def _first_page_text(data: bytes, tmp_path) -> str:
    pdf = tmp_path / "text.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_appendix_copy_income_comment(start_bridge, web, browser, tmp_path, test_pki):
    clerk = start_bridge("KYSO-CLERK")
    leader = start_bridge("KYSO-LEADER")
    url = _sample_url(web, tmp_path)
    params = {"FileUploadHandler": web.url("/upload"), "SessionId": "", "JWTToken": "", "FileName": url,
              "DocNumber": "607/UBND-VP", "MetaData": []}

    async def scenario():
        async with browser() as chromium:
            tab = await chromium.open(page_url(web, clerk))
            out = {op: await tab.call(op, params) for op in ("SignAppendix", "SignCopy", "SignIncome")}
            tab2 = await chromium.open(page_url(web, leader))
            out["Comment"] = await tab2.call("Comment", params)
            return out

    answers = run(scenario())
    assert [a["Status"] for a in answers.values()] == [0, 0, 0, 0], answers
    appendix, copy, income, comment = (u.body for u in web.uploads)
    assert "607/UBND-VP" in _first_page_text(appendix, tmp_path)          # the main document's number
    assert "SAO Y" in _first_page_text(copy, tmp_path)
    assert "Số: 607/UBND-VP" in _first_page_text(copy, tmp_path)          # DocNumber printed on the copy
    assert "ĐẾN" in _first_page_text(income, tmp_path)
    for body, field in ((appendix, "KysoAttachment"), (copy, "KysoCopy"), (comment, "KysoInitial")):
        out = tmp_path / f"{field}.pdf"
        out.write_bytes(body)
        assert any(k.startswith(field) for k in _widgets(out)), (field, _widgets(out))
        _valid_in_pdfsig(out, 1)
    out = tmp_path / "income.pdf"
    out.write_bytes(income)
    (page, box), = _widgets(out).values()
    assert page == 0 and box.y > 600, box                                 # top right of the first page
    assert [v[1] for v in _kyso_verdicts(out, test_pki)] == [True]


def test_batch_of_three(start_bridge, web, browser, tmp_path, test_pki):
    service = start_bridge("KYSO-LEADER")
    files = [{"FileID": i, "FileName": f"Văn bản \"{i}\".pdf", "URL": _sample_url(web, tmp_path, f"doc{i}.pdf")}
             for i in (11, 12, 13)]

    async def scenario():
        async with browser() as chromium:
            tab = await chromium.open(page_url(web, service))
            return await tab.call("SignFiles", {"FileUploadHandler": web.url("/upload?batch=1"), "SessionId": "",
                                                "JWTToken": "", "Files": files})

    answer = run(scenario())
    assert answer["Status"] == 0 and answer["Message"], answer
    assert [f["FileID"] for f in answer["Files"]] == [11, 12, 13]
    assert all(f["Status"] == 0 for f in answer["Files"])
    assert [json.loads(f["FileSignedURL"])["fileEntryId"] for f in answer["Files"]] == [1, 2, 3]
    assert len(web.uploads) == 3
    for i, up in enumerate(web.uploads):
        out = tmp_path / f"batch{i}.pdf"
        out.write_bytes(up.body)
        _valid_in_pdfsig(out, 1)
        assert up.query == {"batch": "1"} and up.filename.endswith(".pdf") and '"' not in up.filename


def test_two_pages_at_once(start_bridge, web, browser, tmp_path, test_pki):
    service = start_bridge("KYSO-LEADER")
    urls = [_sample_url(web, tmp_path, f"p{i}.pdf") for i in (1, 2)]

    async def scenario():
        async with browser() as chromium:
            tabs = [await chromium.open(page_url(web, service)) for _ in urls]
            return await asyncio.gather(*(
                tab.call("SignApproved", {"FileUploadHandler": web.url(f"/upload?page={i}"), "SessionId": "",
                                          "FileName": url})
                for i, (tab, url) in enumerate(zip(tabs, urls), 1)))

    answers = run(scenario())
    assert [a["Status"] for a in answers] == [0, 0], answers
    assert sorted(u.query["page"] for u in web.uploads) == ["1", "2"]
    for up in web.uploads:
        out = tmp_path / f"at-once-{up.query['page']}.pdf"
        out.write_bytes(up.body)
        _valid_in_pdfsig(out, 1)
