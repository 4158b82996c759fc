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
