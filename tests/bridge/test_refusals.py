"""What a page is told when Kyso does not sign: every answer non-zero with a
Vietnamese message, nothing uploaded, nothing signed lost."""

from __future__ import annotations

import http.client
import json
import ssl

import pytest

from kyso.bridge import transfer
from kyso.bridge.operations import NoPerson, Unattended
from kyso.bridge.transfer import BridgeError, bridge_dir, pending_jobs
from kyso.demo.samples import generate_sample

from .conftest import page_url, run
from .harness import WebSystem


class PersonCancels(Unattended):
    """The one stand-in of these tests: the person presses Hủy in the signing
    window (the desktop app's window answers exactly this way)."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def approve(self, plan):
        self.asked.append((plan.call.operation, plan.call.origin, plan.role))
        raise BridgeError("bridge.cancelled", 11)


def _params(web, url, handler="/upload"):
    return {"FileUploadHandler": web.url(handler), "SessionId": "", "JWTToken": "", "FileName": url}


def _doc(web, tmp_path, name="cv.pdf"):
    return web.add(name, generate_sample("cong_van", tmp_path / name).path.read_bytes())


def _nothing_kept():
    return pending_jobs() == [] and (not bridge_dir().exists() or not any(bridge_dir().iterdir()))


def _call(browser, web, service, op, params, timeout=60):
    async def go():
        async with browser() as chromium:
            tab = await chromium.open(page_url(web, service))
            return await tab.call(op, params, timeout=timeout)
    return run(go())


def test_the_person_cancels(start_bridge, web, browser, tmp_path):
    person = PersonCancels()
    service = start_bridge("KYSO-LEADER", attendant=person)
    answer = _call(browser, web, service, "SignApproved", _params(web, _doc(web, tmp_path)))
    assert answer["Status"] == 11 and answer["Message"] == "Người ký đã hủy yêu cầu ký số.", answer
    assert person.asked == [("SignApproved", web.origin, "leader")]
    assert web.uploads == [] and _nothing_kept()


def test_wrong_pin_is_not_retried_and_the_token_stays_usable(start_bridge, web, browser, tmp_path, softhsm):
    wrong = Unattended(pin="000000")
    service = start_bridge("KYSO-LEADER", attendant=wrong)
    params = _params(web, _doc(web, tmp_path))
    answer = _call(browser, web, service, "SignApproved", params)
    assert answer["Status"] == 4 and "PIN" in answer["Message"], answer
    assert "sai" in answer["Message"] or "không đúng" in answer["Message"], answer   # Vietnamese
    # a second call is refused without touching the token: a wrong KYSO_PIN never locks it
    again = _call(browser, web, service, "SignApproved", params)
    assert again["Status"] == 4 and "KYSO_PIN" in again["Message"], again
    assert web.uploads == [] and _nothing_kept()
    from kyso.core.settings import Settings
    from kyso.services.tokens import all_tokens, choose_token, scan

    token = choose_token(all_tokens(scan(Settings(), str(softhsm.module_path))), "KYSO-LEADER")
    assert token.pin_status.name != "LOCKED"
    assert token.our_failures == 1          # Kyso's own count: one wrong PIN, never retried
    right = start_bridge("KYSO-LEADER")
    assert _call(browser, web, right, "SignApproved", params)["Status"] == 0


def test_a_page_from_an_origin_not_allowed(start_bridge, web, browser, tmp_path):
    service = start_bridge("KYSO-LEADER")
    with WebSystem() as other:          # another site (another port: another origin)
        url = _doc(web, tmp_path)
        answer = _call(browser, other, service, "SignApproved", _params(web, url))
    assert answer["Status"] == 12 and other.origin in answer["Message"] and "chưa được phép" in answer["Message"]
    assert web.downloads == [] and web.uploads == [] and _nothing_kept()


def test_headless_without_a_person_refuses_signing_and_opaque_data(start_bridge, web, browser, tmp_path):
    service = start_bridge("KYSO-LEADER", attendant=NoPerson())
    answer = _call(browser, web, service, "SignApproved", _params(web, _doc(web, tmp_path)))
    assert answer["Status"] == 12 and "không có giao diện" in answer["Message"], answer
    unattended = start_bridge("KYSO-LEADER")
    for op, body in (("SignMsg", "aGVsbG8="), ("Auth", "challenge-123"),
                     ("SignXML", json.dumps({"Base64Content": "PHg+PC94Pg=="})),
                     ("SignJson", json.dumps({"JsonContent": "{}"}))):
        answer = _call(browser, web, unattended, op, body)
        assert answer["Status"] == 12 and "không ký dữ liệu" in answer["Message"], (op, answer)
    answer = _call(browser, web, unattended, "NoSuchOperation", "{}")
    assert answer["Status"] == 2 and "NoSuchOperation" in answer["Message"]
    assert web.uploads == [] and _nothing_kept()


def test_downloads_that_are_html_or_too_large(start_bridge, web, browser, tmp_path, monkeypatch):
    service = start_bridge("KYSO-LEADER")
    html = web.add("login.pdf", b"<!doctype html><html><body>Phien dang nhap het han</body></html>",
                   "text/html")
    answer = _call(browser, web, service, "SignApproved", _params(web, html))
    assert answer["Status"] == 3 and "không phải là tệp PDF" in answer["Message"], answer
    monkeypatch.setattr(transfer, "MAX_DOWNLOAD", 64 * 1024)
    big = web.add("big.pdf", b"%PDF-1.7\n" + b"0" * (200 * 1024))
    answer = _call(browser, web, service, "SignApproved", _params(web, big))
    assert answer["Status"] == 3 and "lớn hơn giới hạn" in answer["Message"], answer
    answer = _call(browser, web, service, "SignApproved", _params(web, "file:///etc/passwd"))
    assert answer["Status"] == 2 and "http" in answer["Message"], answer
    assert web.uploads == [] and _nothing_kept()


@pytest.mark.parametrize("mode", ["false", "500"])
def test_a_failed_upload_keeps_the_signed_file_for_retry(mode, start_bridge, web, browser, tmp_path, run_kyso,
                                                         kyso_home):
    service = start_bridge("KYSO-LEADER")
    web.upload_mode = mode
    answer = _call(browser, web, service, "SignApproved", _params(web, _doc(web, tmp_path), "/upload?id=9"))
    assert answer["Status"] == 7, answer
    assert "chưa gửi được" in answer["Message"] and "kyso bridge retry" in answer["Message"]
    if mode == "false":
        assert "hồ sơ đã khóa" in answer["Message"]        # the handler's own message
    else:
        assert "HTTP 500" in answer["Message"]
    (job,) = pending_jobs()
    kept = job.signed.read_bytes()
    assert kept.startswith(b"%PDF-") and job.original.is_file()
    assert len(web.uploads) == 1                           # tried once, refused
    env = {"KYSO_HOME": str(kyso_home)}
    listed = run_kyso("bridge", "pending", "--json", env=env)
    assert listed.returncode == 0 and json.loads(listed.stdout)["pending"][0]["job"] == job.job
    still = run_kyso("bridge", "retry", "--json", env=env)
    assert still.returncode == 7 and json.loads(still.stdout)["results"][0]["ok"] is False
    web.upload_mode = "ok"
    sent = run_kyso("bridge", "retry", "--json", env=env)
    assert sent.returncode == 0, sent.stderr
    result = json.loads(sent.stdout)["results"][0]
    assert result["ok"] and json.loads(result["FileServer"])["fileEntryId"] == 1
    assert web.uploads[-1].query == {"id": "9"} and web.uploads[-1].body == kept
    assert pending_jobs() == [] and _nothing_kept()


def test_a_host_header_that_is_not_loopback(start_bridge, bridge_tls):
    files, _ = bridge_tls
    service = start_bridge("KYSO-LEADER")
    ctx = ssl.create_default_context(cafile=str(files.ca_cert))
    for host in ("evil.example:%d" % service.port, "localhost:%d" % service.port, "127.0.0.1:1"):
        conn = http.client.HTTPSConnection("127.0.0.1", service.port, context=ctx, timeout=10)
        conn.request("GET", "/SignApproved", headers={
            "Host": host, "Origin": "http://evil.example", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"})
        resp = conn.getresponse()
        body = json.loads(resp.read())
        assert resp.status == 403 and body["Status"] == 12 and "127.0.0.1" in body["Message"], (host, body)
    conn = http.client.HTTPSConnection("127.0.0.1", service.port, context=ctx, timeout=10)
    conn.request("GET", "/")
    resp = conn.getresponse()
    assert resp.status == 200 and "Kyso" in resp.read().decode()
