"""The desktop app answers a web page's request: the signing window in front with
the site's origin, the document and its stamp, the certificate; then the PIN.
Cancel answers the page with Status 11. (The page here is a WebSocket client on
a thread; tests/bridge drives the same service from headless Chromium.)"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading

import pytest

from bridge.harness import WebSystem
from kyso.bridge import tls
from kyso.bridge.operations import Bridge
from kyso.bridge.server import BridgeService, server_ssl_context
from kyso.core import settings as store
from kyso.demo.samples import generate_sample
from kyso.demo.settings import demo_settings
from kyso.services.tokens import TokenCriteria

PIN = "123456"


@pytest.fixture
def served(qtbot, softhsm, tmp_path, kyso_home):
    from kyso.gui.bridgewindow import GuiAttendant

    files = tls.make_certificates(tls.cert_files(tmp_path / "certs"))
    with WebSystem() as web:
        store.save(demo_settings(bridge_allowed_origins=(web.origin,)))
        attendant = GuiAttendant()
        bridge = Bridge(TokenCriteria(str(softhsm.module_path), "KYSO-LEADER"), attendant)
        service = BridgeService(bridge, server_ssl_context(files.cert, files.key), port=0).start()
        yield web, service, attendant, files
        service.stop()


def _page_calls(service, files, web, op, params, out):
    """A page's call on a thread: the answer lands in ``out``."""
    from websockets.asyncio.client import connect

    async def go():
        ctx = ssl.create_default_context(cafile=str(files.ca_cert))
        async with connect(f"wss://127.0.0.1:{service.port}/{op}", ssl=ctx, origin=web.origin) as ws:
            await ws.send(json.dumps(params))
            out.append(json.loads(await ws.recv()))

    t = threading.Thread(target=lambda: asyncio.run(go()), daemon=True)
    t.start()
    return t


def _window(qtbot, attendant, kind):
    qtbot.waitUntil(lambda: any(type(w).__name__ == kind and w.isVisible() for w in attendant.windows),
                    timeout=30000)
    return next(w for w in attendant.windows if type(w).__name__ == kind)


def test_the_signing_window_then_the_pin(served, qtbot, tmp_path):
    web, service, attendant, files = served
    url = web.add("cv.pdf", generate_sample("cong_van", tmp_path / "cv.pdf").path.read_bytes())
    out = []
    _page_calls(service, files, web, "SignApproved", {"FileUploadHandler": web.url("/upload"), "SessionId": "",
                                                      "FileName": url}, out)
    window = _window(qtbot, attendant, "BridgeWindow")
    assert web.origin in window.origin_label.text()
    assert "Lãnh đạo ký phê duyệt" in window.what_label.text()
    assert "Phạm Văn Quân" in window.cert_label.text()
    assert window.view is not None and window.view.stamp_placement() is not None   # the stamp's frame
    window.ok_button.click()
    pins = _window(qtbot, attendant, "PinDialog")
    pins.pin_edit.setText(PIN)
    pins.ok_button.click()
    qtbot.waitUntil(lambda: bool(out), timeout=60000)
    assert out[0]["Status"] == 0, out
    assert len(web.uploads) == 1 and web.uploads[0].body.startswith(b"%PDF-")


def test_cancel_answers_the_page(served, qtbot, tmp_path):
    web, service, attendant, files = served
    url = web.add("cv.pdf", generate_sample("cong_van", tmp_path / "cv.pdf").path.read_bytes())
    out = []
    _page_calls(service, files, web, "SignFile", {"FileUploadHandler": web.url("/upload"), "FileName": url}, out)
    window = _window(qtbot, attendant, "BridgeWindow")
    assert window.role_box.isVisibleTo(window)          # SignFile: the person picks the role
    window.cancel_button.click()
    qtbot.waitUntil(lambda: bool(out), timeout=30000)
    assert out[0]["Status"] == 11 and out[0]["Message"] == "Người ký đã hủy yêu cầu ký số."
    assert web.uploads == []


def _page_sends(service, files, web, op, body, out):
    """Like _page_calls, the frame sent as given (SignMsg and Auth send bare strings)."""
    from websockets.asyncio.client import connect

    async def go():
        ctx = ssl.create_default_context(cafile=str(files.ca_cert))
        async with connect(f"wss://127.0.0.1:{service.port}/{op}", ssl=ctx, origin=web.origin) as ws:
            await ws.send(body)
            out.append(json.loads(await ws.recv()))

    t = threading.Thread(target=lambda: asyncio.run(go()), daemon=True)
    t.start()
    return t


def _verifies(answer, cert_der, digest):
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, utils

    key = x509.load_der_x509_certificate(cert_der).public_key()
    key.verify(base64.b64decode(answer["Signature"]), digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))


def test_a_hash_is_signed_after_the_person_read_it(served, qtbot):
    import base64
    import hashlib

    web, service, attendant, files = served
    digest = hashlib.sha256(b"ho so 42").digest()
    out = []
    _page_sends(service, files, web, "SignMsg", json.dumps(
        {"HashAlg": "SHA256", "HashValue": base64.b64encode(digest).decode(), "Encode": "RSA"}), out)
    window = _window(qtbot, attendant, "OpaqueWindow")
    assert web.origin in window.origin_label.text()
    assert "giá trị băm" in window.what_label.text()
    shown = window.data_label.text()
    assert "SHA256" in shown and digest.hex()[:8] in shown and digest.hex()[-8:] in shown
    assert "chữ ký của chính bạn" in window.warning_label.text()
    assert "Phạm Văn Quân" in window.cert_label.text()
    window.ok_button.click()
    pins = _window(qtbot, attendant, "PinDialog")
    pins.pin_edit.setText(PIN)
    pins.ok_button.click()
    qtbot.waitUntil(lambda: bool(out), timeout=60000)
    assert out[0]["Status"] == 0, out
    _verifies(out[0], base64.b64decode(out[0]["CertBase64"]), digest)


def test_auth_shows_the_challenge_and_cancel_answers_11(served, qtbot):
    web, service, attendant, files = served
    out = []
    _page_sends(service, files, web, "Auth", "dang-nhap-7f3a", out)
    window = _window(qtbot, attendant, "OpaqueWindow")
    assert "Đăng nhập bằng chứng thư số" in window.what_label.text()
    assert "dang-nhap-7f3a" in window.data_label.text() and "14 byte" in window.data_label.text()
    window.cancel_button.click()
    qtbot.waitUntil(lambda: bool(out), timeout=30000)
    assert out[0]["Status"] == 11 and "Signature" not in out[0], out


def test_auth_signed_with_the_pin_verifies(served, qtbot):
    import hashlib

    web, service, attendant, files = served
    out = []
    _page_sends(service, files, web, "Auth", "dang-nhap-7f3a", out)
    _window(qtbot, attendant, "OpaqueWindow").ok_button.click()
    pins = _window(qtbot, attendant, "PinDialog")
    pins.pin_edit.setText(PIN)
    pins.ok_button.click()
    qtbot.waitUntil(lambda: bool(out), timeout=60000)
    assert out[0]["Status"] == 0 and set(out[0]) == {"Status", "Message", "Signature"}, out
    cert_out = []
    _page_sends(service, files, web, "GetCertInfo", "get_cert_info", cert_out)
    qtbot.waitUntil(lambda: bool(cert_out), timeout=30000)
    import base64

    cert_der = base64.b64decode(cert_out[0]["CertInfo"]["Base64Data"])
    _verifies(out[0], cert_der, hashlib.sha256(b"dang-nhap-7f3a").digest())
