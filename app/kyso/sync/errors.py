"""Sync failures, each a :class:`KysoError` with a CLI exit code.

Exit codes (continuing the core's 0-6):
  7  network or server failure (down, timeout, 5xx, bad answer) and the server's
     rule refusals (4xx with the server's Vietnamese message)
  8  version conflict (someone uploaded first: HTTP 412)
  9  authentication (not logged in, token expired: HTTP 401)
"""

from __future__ import annotations

from kyso.core.errors import ExitCode, KysoError



class SyncError(KysoError):
    """Base of the sync layer's errors (their sentences are in the one catalogue,
    :mod:`kyso.core.messages`)."""

    exit_code = ExitCode.SERVER


class NetworkError(SyncError):
    """The server could not be reached or did not answer: safe to retry later."""

    retryable = True


class ServerError(SyncError):
    """The server answered 5xx (or garbage): safe to retry later."""

    retryable = True

    def __init__(self, code: str, status: int | None = None, **params):
        self.status = status
        super().__init__(code, status=status, **params)


class AuthError(SyncError):
    exit_code = ExitCode.AUTH


class RuleRefused(SyncError):
    """A 4xx refusal by the server's rules; ``server_code`` is its stable id."""

    def __init__(self, status: int, server_code: str, server_message: str, detail=None):
        self.status = status
        self.server_code = server_code
        self.server_message = server_message
        self.detail = detail
        super().__init__("sync.rule_refused", message=server_message)


class ConflictError(SyncError):
    """HTTP 412: the base version moved on. ``current_etag`` is the server's."""

    exit_code = ExitCode.CONFLICT

    def __init__(self, code: str = "sync.conflict", current_etag: str | None = None, **params):
        self.current_etag = current_etag
        params.setdefault("doc", "?")
        params.setdefault("local", "?")
        params.setdefault("server_copy", "?")
        super().__init__(code, **params)


class StoreError(SyncError):
    """The local store cannot be used (locked, newer schema, missing cache)."""

    exit_code = ExitCode.INTERNAL
