"""The service on ``wss://127.0.0.1:<port>``: WebSocket calls and a status page.

One asyncio server (the ``websockets`` library) on the loopback address only,
TLS from :mod:`kyso.bridge.tls`. Before the handshake, ``process_request``:

- refuses any ``Host`` other than ``127.0.0.1:<port>`` (HTTP 403 with a JSON
  body): a page on a rebound DNS name cannot reach the service;
- answers a CORS/Private-Network preflight (``OPTIONS``) for allowed origins;
- answers a plain HTTPS ``GET`` with a small status page.

A WebSocket call then reads the one frame, runs the operation on a worker
thread (the event loop never blocks, calls run concurrently; the token's lock
in :mod:`kyso.services.tokens` serialises signing) and sends exactly one JSON
text frame. A page from an origin not allowed, or an unknown path, gets its
JSON error at once. Keep-alive is protocol-level ping/pong only.
"""

from __future__ import annotations

import asyncio
import html
import logging
import ssl
import threading
from pathlib import Path

from .. import __version__
from ..core import messages
from . import protocol as P
from .operations import Bridge

log = logging.getLogger(__name__)

FIRST_FRAME_TIMEOUT = 30.0
MAX_FRAME = 32 * 1024 * 1024


def server_ssl_context(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(cert), str(key))
    return ctx


class BridgeService:
    """The WebSocket service around a :class:`Bridge`.

    ``run()`` serves in the calling thread until ``stop()``; ``start()`` runs
    it on a thread of its own (the desktop app, the tests) and returns once
    the port listens."""

    def __init__(self, bridge: Bridge, ssl_context: ssl.SSLContext | None, port: int = P.DEFAULT_PORT,
                 host: str = "127.0.0.1"):
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("the signing service listens on the loopback address only")
        self.bridge = bridge
        self.ssl_context = ssl_context
        self.port = port
        self.host = host
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.calls = 0
        self.preflights = 0

    # -- HTTP before the handshake ---------------------------------------------------------

    def _expected_host(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"[::1]:{self.port}"} | ({"127.0.0.1"} if self.port == 443 else set())

    def _json_response(self, connection, status: int, data: dict):
        from websockets.datastructures import Headers
        from websockets.http11 import Response

        body = P.dumps(data).encode("utf-8")
        headers = Headers([("Content-Type", "application/json; charset=utf-8"),
                           ("Content-Length", str(len(body))), ("Cache-Control", "no-store"),
                           ("Connection", "close")])
        return Response(status, "Forbidden" if status == 403 else "OK", headers, body)

    def process_request(self, connection, request):
        from websockets.datastructures import Headers
        from websockets.http11 import Response

        host = request.headers.get("Host", "")
        if host not in self._expected_host():
            log.warning("Bridge refused a request for Host %r", host[:80])
            return self._json_response(connection, 403, P.result(P.REFUSED, messages.tr("bridge.host_refused")))
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS":
            self.preflights += 1
            log.info("Bridge preflight from %s: %s", origin, ", ".join(
                f"{k}: {v}" for k, v in request.headers.raw_items() if k.lower().startswith("access-control")))
            headers = Headers([("Content-Length", "0"), ("Vary", "Origin"), ("Connection", "close")])
            if origin and self.bridge.origin_allowed(origin):
                headers["Access-Control-Allow-Origin"] = origin
                headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
                wanted = request.headers.get("Access-Control-Request-Headers")
                if wanted:
                    headers["Access-Control-Allow-Headers"] = wanted
                headers["Access-Control-Max-Age"] = "600"
                # Private Network Access preflight (Chrome), and its Local Network Access successor
                if request.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
                    headers["Access-Control-Allow-Private-Network"] = "true"
                if request.headers.get("Access-Control-Request-Local-Network", "").lower() == "true":
                    headers["Access-Control-Allow-Local-Network"] = "true"
                return Response(204, "No Content", headers, b"")
            return Response(403, "Forbidden", headers, b"")
        if request.method != "GET":
            return self._json_response(connection, 405, P.result(P.BAD_REQUEST, "GET"))
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return self._status_page(request, origin)
        return None     # a WebSocket call: the handshake goes on

    def _status_page(self, request, origin):
        from websockets.datastructures import Headers
        from websockets.http11 import Response

        path = P.operation_of(request.path)
        if path == "status.json":
            data = P.result(P.OK, f"Kyso {__version__}", Version=__version__, Calls=self.calls)
            return self._json_response(None, 200, data)
        text = (f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Kyso</title></head>"
                f"<body><h1>Kyso — dịch vụ ký số cho trang web</h1>"
                f"<p>Đang chạy: Kyso {html.escape(__version__)}, cổng {self.port}.</p>"
                f"<p>Kyso signing service for web pages is running (VGCA Sign Service protocol).</p>"
                f"</body></html>").encode("utf-8")
        headers = Headers([("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(text))),
                           ("Cache-Control", "no-store"), ("Connection", "close")])
        if origin and self.bridge.origin_allowed(origin):
            headers["Access-Control-Allow-Origin"] = origin
        return Response(200, "OK", headers, text)

    # -- a call ----------------------------------------------------------------------------

    async def handler(self, connection) -> None:
        request = connection.request
        operation = P.operation_of(request.path)
        origin = request.headers.get("Origin")
        self.calls += 1
        if operation not in P.KNOWN or not self.bridge.origin_allowed(origin):
            answer = self.bridge.handle(operation, origin, None)      # at once: no frame awaited
        else:
            try:
                frame = await asyncio.wait_for(connection.recv(), FIRST_FRAME_TIMEOUT)
            except Exception:  # noqa: BLE001 - closed or silent: nobody to answer
                log.info("Bridge call %s: no request frame", operation)
                return
            answer = await asyncio.to_thread(self.bridge.handle, operation, origin, frame)
        try:
            await connection.send(P.dumps(answer))
            await connection.close()
        except Exception:  # noqa: BLE001 - the page went away; signed files are kept
            log.info("Bridge call %s: the page closed before the answer (status %s)", operation,
                     answer.get("Status"))

    # -- running ---------------------------------------------------------------------------

    async def _serve(self) -> None:
        from websockets.asyncio.server import serve

        self._stop = asyncio.Event()
        async with serve(self.handler, self.host, self.port, ssl=self.ssl_context,
                         process_request=self.process_request, max_size=MAX_FRAME,
                         ping_interval=20, ping_timeout=60, server_header=f"Kyso/{__version__}") as server:
            if self.port == 0:
                self.port = server.sockets[0].getsockname()[1]
            log.info("Bridge listening on %s:%s", self.host, self.port)
            self._ready.set()
            await self._stop.wait()

    def run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            raise
        finally:
            self._loop.close()

    def start(self, timeout: float = 10.0) -> "BridgeService":
        def target():
            try:
                self.run()
            except BaseException:  # noqa: BLE001 - kept in _error for start()
                pass

        self._thread = threading.Thread(target=target, name="kyso-bridge", daemon=True)
        self._thread.start()
        self._ready.wait(timeout)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)


__all__ = ["BridgeService", "server_ssl_context"]
