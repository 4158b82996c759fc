"""What the bridge tests drive: a web system on loopback and a real headless Chromium.

- :class:`WebSystem`: stdlib ``http.server`` in a thread, standing in for a
  document system: the test page (optionally over HTTPS), PDF downloads, and an
  upload handler that answers like the vendor's sample handler
  (``{"Status":true,"Message":"","FileName":…,"FileServer":…}``) or, on demand,
  ``Status:false`` or HTTP 500.
- :class:`Chromium`: ``chromium --headless=new --remote-debugging-port=0``
  driven over the DevTools protocol (a WebSocket, the ``websockets`` library).
  HOME points at a folder whose ``.pki/nssdb`` trusts the bridge's CA: the
  certificate is checked, never switched off.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import os
import re
import shutil
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGE = Path(__file__).with_name("page.html")


@dataclass
class Upload:
    path: str
    query: dict
    headers: dict
    filename: str
    body: bytes
    fields: dict = field(default_factory=dict)


class WebSystem:
    """A loopback web document system (see the module doc)."""

    def __init__(self, tls: tuple[Path, Path] | None = None):
        self.files: dict[str, tuple[bytes, str]] = {}
        self.uploads: list[Upload] = []
        self.downloads: list[dict] = []
        self.upload_mode = "ok"          # ok | false | 500
        self._ids = itertools.count(1)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):   # quiet
                pass

            def _send(self, status, body: bytes, ctype: str, extra=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in extra:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path in ("/", "/page.html"):
                    return self._send(200, PAGE.read_bytes(), "text/html; charset=utf-8")
                if parts.path.startswith("/files/"):
                    name = parts.path[len("/files/"):]
                    outer.downloads.append({"name": name, "headers": dict(self.headers)})
                    if name in outer.files:
                        body, ctype = outer.files[name]
                        return self._send(200, body, ctype)
                return self._send(404, b"not found", "text/plain")

            def do_POST(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                    b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + raw)
                filename, body, fields = "", b"", {}
                for part in msg.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    if name == "uploadfile":
                        filename = part.get_filename() or ""
                        body = part.get_payload(decode=True)
                    elif name:
                        fields[name] = part.get_content()
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                outer.uploads.append(Upload(parts.path, query, dict(self.headers), filename, body, fields))
                if outer.upload_mode == "500":
                    return self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
                if outer.upload_mode == "false":
                    answer = {"Status": False, "Message": "Không lưu được tệp: hồ sơ đã khóa", "FileName": "",
                              "FileServer": ""}
                else:
                    n = next(outer._ids)
                    answer = {"Status": True, "Message": "", "FileName": filename,
                              "FileServer": json.dumps({"fileEntryId": n, "url": f"/documents/{n}/{filename}"})}
                # the vendor's handler answers JSON with an HTML content type
                return self._send(200, json.dumps(answer, ensure_ascii=False).encode("utf-8"),
                                  "text/html; charset=utf-8")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def add(self, name: str, body: bytes, ctype: str = "application/pdf") -> str:
        self.files[name] = (body, ctype)
        return self.url(f"/files/{name}")

    def __enter__(self) -> "WebSystem":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- Chromium over the DevTools protocol ------------------------------------------------------

def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Chromium:
    """A headless Chromium driven over the DevTools protocol (async)."""

    def __init__(self, home: Path, profile: Path, extra_args: tuple[str, ...] = ()):
        self.home = home
        self.profile = profile
        self.extra_args = extra_args
        self.proc: subprocess.Popen | None = None
        self.ws = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> "Chromium":
        from websockets.asyncio.client import connect

        env = dict(os.environ, HOME=str(self.home))
        args = [chromium_binary(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                f"--user-data-dir={self.profile}", "--remote-debugging-port=0", *self.extra_args,
                "about:blank"]
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True)
        url = await asyncio.to_thread(self._devtools_url)
        self.ws = await connect(url, max_size=64 * 1024 * 1024, ping_interval=None)
        self._reader = asyncio.create_task(self._read())
        return self

    def _devtools_url(self) -> str:
        assert self.proc is not None and self.proc.stderr is not None
        for line in self.proc.stderr:
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()
                return m.group(1)
        raise RuntimeError("Chromium did not start its DevTools endpoint")

    async def _read(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            fut = self._waiting.pop(msg.get("id"), None)
            if fut is not None and not fut.done():
                fut.set_result(msg)

    async def send(self, method: str, params: dict | None = None, session: str | None = None,
                   timeout: float = 60) -> dict:
        i = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        self._waiting[i] = fut
        msg = {"id": i, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        await self.ws.send(json.dumps(msg))
        answer = await asyncio.wait_for(fut, timeout)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    async def open(self, url: str) -> "Tab":
        target = (await self.send("Target.createTarget", {"url": "about:blank"}))["targetId"]
        session = (await self.send("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
        tab = Tab(self, session)
        await self.send("Page.enable", session=session)
        await self.send("Page.navigate", {"url": url}, session=session)
        for _ in range(200):
            state = await tab.evaluate("document.readyState + ':' + (typeof kysoTest)")
            if state == "complete:function":
                return tab
            await asyncio.sleep(0.05)
        raise RuntimeError(f"page {url} did not load: {state}")

    async def __aexit__(self, *exc) -> None:
        try:
            if self.ws is not None:
                await self.ws.close()
        finally:
            if self._reader is not None:
                self._reader.cancel()
            if self.proc is not None:
                self.proc.terminate()
                try:
                    await asyncio.to_thread(self.proc.wait, 10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()


@dataclass
class Tab:
    browser: Chromium
    session: str

    async def evaluate(self, expression: str, timeout: float = 60):
        result = await self.browser.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                              "returnByValue": True},
                                          session=self.session, timeout=timeout)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    async def call(self, operation: str, params, timeout: float = 120) -> dict:
        """The page calls ``operation`` as a web system would; its callback's JSON."""
        arg = json.dumps(params if isinstance(params, str) else json.dumps(params, ensure_ascii=False))
        return await self.evaluate(f"kysoTest({json.dumps(operation)}, {arg}, {int(timeout * 1000)})",
                                   timeout=timeout + 10)
