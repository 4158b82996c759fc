"""HTTP client for the Kyso document server (see ``kyso_server/API.md``).

Every call has a timeout (connect, read), because a clerk's window must never
hang on a dead network. Failures become :mod:`kyso.sync.errors` with a sentence
a person can act on:

- no connection / timeout / connection dropped → :class:`NetworkError` (7),
  retryable: the signed work stays in the outbox;
- 5xx or an answer that is not what the API promises → :class:`ServerError` (7),
  retryable;
- 401 → :class:`AuthError` (9): log in again;
- 412 → :class:`ConflictError` (8) with the server's current ETag;
- other 4xx → :class:`RuleRefused` (7) carrying the server's Vietnamese message.

The bearer token and the password are never logged; only method, path and
status are.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from .errors import AuthError, ConflictError, NetworkError, RuleRefused, ServerError

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
#: (connect, read) seconds. Uploads get a longer read timeout: the server
#: verifies every signature before it answers.
DEFAULT_TIMEOUT = (5.0, 30.0)
UPLOAD_TIMEOUT = (5.0, 120.0)


@dataclass
class Content:
    """A downloaded PDF (``data`` is None when the server said 304)."""

    data: bytes | None
    etag: str | None
    sha256: str | None
    not_modified: bool = False


@dataclass
class UploadResult:
    version: dict[str, Any]
    created: bool  # False: the server replayed an earlier upload with this key

    @property
    def etag(self) -> str:
        return str(self.version.get("etag"))

    @property
    def no(self) -> int:
        return int(self.version.get("no"))


class ServerClient:
    """One server, one user. ``token`` is the bearer token (see credentials.py)."""

    def __init__(self, base_url: str, token: str | None = None, session: requests.Session | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT, upload_timeout: tuple[float, float] = UPLOAD_TIMEOUT):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.session = session or requests.Session()
        # Proxies from the environment would send a clerk's token through a
        # third party; the server URL is what the agency configured.
        self.session.trust_env = False
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        self._login_at: float | None = None

    # -- plumbing ---------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.base_url}{API_PREFIX}{path}"

    def _request(self, method: str, path: str, *, auth: bool = True, timeout=None,
                 expect: tuple[int, ...] = (200,), headers: dict[str, str] | None = None, **kw) -> requests.Response:
        hdrs = dict(headers or {})
        if auth:
            if not self.token:
                raise AuthError("sync.auth_required", server=self.base_url)
            hdrs["Authorization"] = f"Bearer {self.token}"
        for grace in range(5):
            resp = self._once(method, path, hdrs, timeout or self.timeout, **kw)
            if resp.status_code in expect:
                return resp
            if not (resp.status_code == 401 and auth and self._fresh_login() and grace < 4):
                break
            # The reference server commits a request's transaction after it has
            # sent the answer (FastAPI yield-dependency teardown), so a new token
            # can be refused for a few milliseconds right after login. Bounded.
            time.sleep(0.05 * 2 ** grace)
        raise self._error(resp)

    def _once(self, method: str, path: str, headers: dict[str, str], timeout, **kw) -> requests.Response:
        try:
            resp = self.session.request(method, self._url(path), headers=headers,
                                        timeout=timeout, allow_redirects=False, **kw)
        except requests.Timeout as exc:
            log.info("%s %s: timeout", method, path)
            raise NetworkError("sync.timeout", server=self.base_url) from exc
        except requests.RequestException as exc:  # refused, reset, dropped mid-answer...
            log.info("%s %s: connection failed (%s)", method, path, type(exc).__name__)
            raise NetworkError("sync.network_down", server=self.base_url) from exc
        log.info("%s %s -> %s", method, path, resp.status_code)
        return resp

    def _fresh_login(self) -> bool:
        return self._login_at is not None and time.monotonic() - self._login_at < 3.0

    def _error(self, resp: requests.Response) -> Exception:
        status = resp.status_code
        body: dict[str, Any] = {}
        try:
            parsed = resp.json()
            if isinstance(parsed, dict):
                body = parsed
        except ValueError:
            pass
        code = str(body.get("code") or "")
        message = str(body.get("message") or "") or f"HTTP {status}"
        if status >= 500:
            return ServerError("sync.server_error", status=status, server=self.base_url)
        if status == 401:
            return AuthError("sync.auth_required", server=self.base_url)
        if status == 412:
            detail = body.get("detail") if isinstance(body.get("detail"), dict) else {}
            return ConflictError(current_etag=resp.headers.get("ETag") or detail.get("current_etag"))
        if 400 <= status < 500 and code:
            return RuleRefused(status, code, message, body.get("detail"))
        return ServerError("sync.bad_response", status=status, server=self.base_url, detail=f"HTTP {status}")

    def _json(self, resp: requests.Response) -> Any:
        try:
            return resp.json()
        except ValueError as exc:
            raise ServerError("sync.bad_response", status=resp.status_code, server=self.base_url,
                              detail="JSON") from exc

    # -- auth -----------------------------------------------------------------

    def login(self, username: str, password: str) -> str:
        """POST /auth/login → bearer token (kept on this client and returned)."""
        try:
            resp = self._request("POST", "/auth/login", auth=False, json={"username": username, "password": password})
        except AuthError as exc:
            raise AuthError("sync.login_failed", detail="sai tên đăng nhập hoặc mật khẩu"
                            if _vi() else "wrong user name or password") from exc
        except RuleRefused as exc:
            raise AuthError("sync.login_failed", detail=exc.server_message) from exc
        token = self._json(resp).get("access_token")
        if not isinstance(token, str) or not token:
            raise ServerError("sync.bad_response", status=resp.status_code, server=self.base_url, detail="token")
        self.token = token
        self._login_at = time.monotonic()
        return token

    def logout(self) -> None:
        self._request("POST", "/auth/logout", expect=(204, 200))
        self.token = None

    def me(self) -> dict[str, Any]:
        return self._json(self._request("GET", "/me"))

    def register_certificate(self, der: bytes) -> dict[str, Any]:
        resp = self._request("POST", "/me/certificates", data=der, expect=(200, 201),
                             headers={"Content-Type": "application/pkix-cert"})
        return self._json(resp)

    def certificates(self) -> list[dict[str, Any]]:
        return self._json(self._request("GET", "/me/certificates"))

    def certificate_challenge(self) -> dict[str, Any]:
        """POST /me/certificates/challenge → {challenge_id, to_sign (base64), expires_at}."""
        return self._json(self._request("POST", "/me/certificates/challenge", expect=(201, 200)))

    def prove_certificate(self, challenge_id: int, der: bytes, signature: bytes) -> tuple[dict[str, Any], bool]:
        """POST /me/certificates/proof; (registration, created) — status active or pending."""
        import base64

        resp = self._request("POST", "/me/certificates/proof", expect=(200, 201), json={
            "challenge_id": int(challenge_id),
            "certificate": base64.b64encode(der).decode(),
            "signature": base64.b64encode(signature).decode(),
        })
        return self._json(resp), resp.status_code == 201

    # -- documents ------------------------------------------------------------

    def inbox(self, since: str | None = None, limit: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if since:
            params["since"] = since
        if limit:
            params["limit"] = limit
        data = self._json(self._request("GET", "/inbox", params=params))
        if not isinstance(data, dict) or "cursor" not in data or not isinstance(data.get("items"), list):
            raise ServerError("sync.bad_response", status=200, server=self.base_url, detail="inbox")
        return data

    def document(self, doc_id: int, etag: str | None = None) -> tuple[dict[str, Any] | None, str | None]:
        """GET /documents/{id}; (None, etag) when unchanged since ``etag``."""
        headers = {"If-None-Match": etag} if etag else {}
        resp = self._request("GET", f"/documents/{int(doc_id)}", headers=headers, expect=(200, 304))
        if resp.status_code == 304:
            return None, etag
        return self._json(resp), resp.headers.get("ETag")

    def versions(self, doc_id: int) -> list[dict[str, Any]]:
        return self._json(self._request("GET", f"/documents/{int(doc_id)}/versions"))

    def audit(self, doc_id: int) -> list[dict[str, Any]]:
        return self._json(self._request("GET", f"/documents/{int(doc_id)}/audit"))

    def content(self, doc_id: int, etag: str | None = None, version_no: int | None = None) -> Content:
        """The current (or a given) version's PDF; 304 → ``not_modified``."""
        path = f"/documents/{int(doc_id)}/content" if version_no is None else \
            f"/documents/{int(doc_id)}/versions/{int(version_no)}/content"
        headers = {"If-None-Match": etag} if etag else {}
        resp = self._request("GET", path, headers=headers, expect=(200, 304))
        if resp.status_code == 304:
            return Content(None, resp.headers.get("ETag") or etag, resp.headers.get("X-Content-SHA256"), True)
        return Content(resp.content, resp.headers.get("ETag"), resp.headers.get("X-Content-SHA256"))

    def upload_version(self, doc_id: int, data: bytes, idempotency_key: str, if_match: str | None,
                       number: int | None = None, filename: str | None = None) -> UploadResult:
        """POST the raw PDF. 201 new version; 200 the server replayed this key."""
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": "application/pdf"}
        if if_match:
            headers["If-Match"] = if_match
        params: dict[str, Any] = {}
        if number is not None:
            params["number"] = int(number)
        if filename:
            params["filename"] = filename
        resp = self._request("POST", f"/documents/{int(doc_id)}/versions", data=data, headers=headers,
                             params=params, expect=(200, 201), timeout=self.upload_timeout)
        return UploadResult(self._json(resp), resp.status_code == 201)

    def return_document(self, doc_id: int, comment: str) -> dict[str, Any]:
        """POST /documents/{id}/return: back to the drafting unit with ``comment``."""
        return self._json(self._request("POST", f"/documents/{int(doc_id)}/return",
                                        json={"comment": comment}))

    def next_number(self, register_id: str, document_id: int | None = None) -> dict[str, Any]:
        """Reserve the next number of ``register_id`` ("<unit>:<notation>")."""
        body = {"document_id": int(document_id)} if document_id is not None else {}
        return self._json(self._request("POST", f"/registers/{quote(register_id, safe=':')}/next-number",
                                        json=body))

    def report(self, month: str, xlsx: bool = False) -> Any:
        """Signing-rate report: JSON (dict) or the XLSX bytes."""
        params = {"month": month}
        if xlsx:
            params["format"] = "xlsx"
        resp = self._request("GET", "/reports/signing-rate", params=params)
        return resp.content if xlsx else self._json(resp)


def _vi() -> bool:
    from kyso.core import messages

    return messages.language() != messages.EN
