"""One error type per kind of failure, each with a sentence a clerk can act on.

Both faces (CLI and GUI) show ``str(error)``, which is the translated message;
stack traces go to the log only. The ``kind`` of an error decides the CLI's
exit code, documented in the README.
"""

from __future__ import annotations

from . import messages


class KysoError(Exception):
    """Base of every error the core raises on purpose."""

    #: CLI exit code for this kind of failure.
    exit_code = 1

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

    exit_code = 2


class DocumentError(KysoError):
    """The input document cannot be used: not a PDF, damaged, encrypted, secret..."""

    exit_code = 3


class TokenError(KysoError):
    """The token, its module, its certificates or its PIN stopped the work."""

    exit_code = 4


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

    exit_code = 5


class Cancelled(KysoError):
    exit_code = 6

    def __init__(self):
        super().__init__("batch.cancelled")
