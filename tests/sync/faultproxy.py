"""A fault-injecting HTTP proxy on loopback, for tests only.

This is the one allowed stand-in in the sync suite: a real server cannot be
asked to fail on demand, so this proxy forwards every request to the REAL
reference server and, when switched, damages only *upload* requests
(``POST .../versions``):

- ``"500"``: answer 500 without forwarding (a sick server);
- ``"drop_before"``: read the request, close the socket (nothing reached the server);
- ``"drop_after"``: forward it (the server commits the version), then close the
  socket without answering (the client never learns it worked);
- ``"delay"``: forward it, then hold the answer for ``delay`` seconds (so a test
  can SIGKILL the client while it waits).

``times`` bounds how many uploads are damaged; after that it forwards faithfully.
Everything binds 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade", "host", "content-length"}


class FaultProxy:
    def __init__(self, upstream: str):
        up = urlsplit(upstream)
        self.up_host, self.up_port = up.hostname, up.port
        self.mode = "pass"
        self.times = 0
        self.delay = 0.0
        self.uploads_seen = 0
        self.uploads_forwarded = 0
        self.held = threading.Event()  # set when a delayed answer is being held
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                is_upload = self.command == "POST" and self.path.split("?")[0].endswith("/versions")
                fault = "pass"
                if is_upload:
                    with proxy._lock:
                        proxy.uploads_seen += 1
                        if proxy.mode != "pass" and proxy.times > 0:
                            proxy.times -= 1
                            fault = proxy.mode
                if fault == "500":
                    payload = b'{"code":"internal","message":"L\\u1ed7i m\\u00e1y ch\\u1ee7 (gi\\u1ea3 l\\u1eadp)"}'
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault == "drop_before":
                    self._drop()
                    return
                conn = http.client.HTTPConnection(proxy.up_host, proxy.up_port, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                    headers["Content-Length"] = str(len(body))
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    status, reason, rheaders = resp.status, resp.reason, resp.getheaders()
                finally:
                    conn.close()
                if is_upload:
                    with proxy._lock:
                        proxy.uploads_forwarded += 1
                if fault == "drop_after":
                    self._drop()
                    return
                if fault == "delay":
                    proxy.held.set()
                    deadline = time.monotonic() + proxy.delay
                    while time.monotonic() < deadline:
                        time.sleep(0.05)
                self.send_response(status, reason)
                for k, v in rheaders:
                    if k.lower() not in _HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _drop(self):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def set(self, mode: str, times: int = 1, delay: float = 0.0) -> None:
        with self._lock:
            self.mode, self.times, self.delay = mode, times, delay
            self.held.clear()

    def __enter__(self) -> "FaultProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)
