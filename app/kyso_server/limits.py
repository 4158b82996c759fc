"""Request body limits: nothing larger than allowed is ever held in memory.

`BodyLimitMiddleware` (pure ASGI) refuses a body past its limit with 413,
from Content-Length when the client declares it, otherwise by counting the
bytes as they arrive: uploads of versions get ``max_upload_bytes``, every other
request (JSON, certificates) ``max_json_bytes``. The upload route itself
streams the body to a temporary file and stops at the limit as well.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from starlette.requests import ClientDisconnect, Request

from .config import Settings
from .errors import ApiError, error_body

_UPLOAD_PATH = re.compile(r"^/api/v1/documents/\d+/versions/?$")


class BodyTooLarge(Exception):
    pass


def _too_large_body(limit: int) -> bytes:
    return json.dumps(
        error_body("too_large", "Dữ liệu gửi lên vượt quá dung lượng cho phép.", {"limit_bytes": limit}),
        ensure_ascii=False,
    ).encode()


class BodyLimitMiddleware:
    def __init__(self, app, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def limit_for(self, scope) -> int:
        if scope.get("method") == "POST" and _UPLOAD_PATH.match(scope.get("path", "")):
            return self.settings.max_upload_bytes
        return self.settings.max_json_bytes

    async def _send_413(self, send, limit: int) -> None:
        body = _too_large_body(limit)
        await send({
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        })
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self._send_413(send, limit)
                    return
        received = 0
        exceeded = False
        started = False

        async def counting_receive():
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message):
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to a cut-off body is replaced by our 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not (exceeded and not started):
                raise
        if exceeded and not started:
            await self._send_413(send, limit)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", "Dữ liệu gửi lên vượt quá dung lượng cho phép.", {"limit_bytes": limit})


async def _chunks_within(request: Request, limit: int):
    """The body's chunks, refused (413) as soon as they pass ``limit`` bytes."""
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            yield chunk
    except ClientDisconnect as exc:
        raise ApiError(400, "client_disconnected", "Kết nối bị ngắt khi đang gửi dữ liệu.") from exc


async def read_body_limited(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it passes `limit` bytes."""
    return b"".join([chunk async for chunk in _chunks_within(request, limit)])


async def read_upload(request: Request, limit: int, tmp_dir: Path) -> bytes:
    """Stream an upload into a temporary file (never more than `limit` bytes
    of it, never the whole of an oversized body in memory), then read it back."""
    with tempfile.TemporaryFile(dir=tmp_dir, prefix="in-") as fh:
        async for chunk in _chunks_within(request, limit):
            fh.write(chunk)
        fh.seek(0)
        return fh.read()
