"""One error type per kind of failure, each with a sentence a clerk can act on.

Both faces (CLI and GUI) show ``str(error)``, which is the translated message;
stack traces go to the log only. The ``kind`` of an error decides the CLI's
exit code, documented in the README.
"""

from __future__ import annotations

import enum

from . import messages


class ExitCode(enum.IntEnum):
    """The one table of the command line's exit codes (documented in the README).

    Each error kind carries its code; a batch exits with the most serious one
    (:data:`SEVERITY`, most serious first).
    """

    OK = 0
    INTERNAL = 1        # unexpected error (details in the log)
    USAGE = 2           # wrong command or arguments
    DOCUMENT = 3        # bad input document: not a PDF, damaged, encrypted, secret, broken signature
    TOKEN = 4           # token or PIN failure
    VERIFY = 5          # a document's signatures are not all valid
    CANCELLED = 6
    SERVER = 7          # document server unreachable or refusing (the signed result is kept)
    CONFLICT = 8        # the document changed on the server meanwhile (both versions kept)
    AUTH = 9            # not logged in to the document server


#: exit codes of a batch's failures, most serious first
SEVERITY = (ExitCode.TOKEN, ExitCode.DOCUMENT, ExitCode.USAGE, ExitCode.AUTH, ExitCode.CONFLICT,
            ExitCode.SERVER, ExitCode.CANCELLED, ExitCode.INTERNAL)


def most_serious(codes) -> ExitCode:
    """The exit code a batch reports for the failures' ``codes`` (OK when none)."""
    codes = set(codes)
    for code in SEVERITY:
        if code in codes:
            return code
    return ExitCode.OK


class KysoError(Exception):
    """Base of every error the core raises on purpose."""

    #: CLI exit code for this kind of failure.
    exit_code = ExitCode.INTERNAL

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return messages.tr(self.code, **self.params)

    def message_in(self, lang: str) -> str:
        return messages.tr(self.code, lang=lang, **self.params)

    def __str__(self) -> str:
        return self.message


class UsageError(KysoError):
    """The command or its arguments are wrong."""

    exit_code = ExitCode.USAGE


class DocumentError(KysoError):
    """The input document cannot be used: not a PDF, damaged, encrypted, secret..."""

    exit_code = ExitCode.DOCUMENT


class TokenError(KysoError):
    """The token, its module, its certificates or its PIN stopped the work."""

    exit_code = ExitCode.TOKEN


class PinError(TokenError):
    """A PIN problem; ``tries_left`` is known only when the token tells us."""

    def __init__(self, code: str, tries_left: int | None = None, **params):
        self.tries_left = tries_left
        super().__init__(code, **params)


class PinIncorrect(PinError):
    pass


class PinLocked(PinError):
    pass


class TokenRemoved(TokenError):
    def __init__(self, **params):
        super().__init__("token.removed", **params)


class VerificationFailed(KysoError):
    """A document's signatures did not verify (used for the exit code)."""

    exit_code = ExitCode.VERIFY


class Cancelled(KysoError):
    exit_code = ExitCode.CANCELLED

    def __init__(self):
        super().__init__("batch.cancelled")
