"""What every ``kyso`` command shares: output, secrets, the person's settings.

Functions here and in the command modules take typed values; only the
``cmd_*`` handlers read an ``argparse.Namespace``.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from typing import TYPE_CHECKING

from ..core import messages
from ..core.errors import ExitCode, TokenError, UsageError
from ..core.settings import Settings

if TYPE_CHECKING:
    from ..core.geometry import Box


def print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def english() -> bool:
    return messages.language() == messages.EN


def settings() -> Settings:
    from ..core import settings as store

    return store.load()


def parse_box(text: str) -> Box:
    try:
        x1, y1, x2, y2 = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError("usage.bad_box", box=text) from None
    from ..core.geometry import Box

    return Box.from_corners(x1, y1, x2, y2)


def read_secret(env_name: str, prompt: str, missing: Exception) -> str:
    """A secret from ``env_name`` (scripts) or a prompt without echo; ``missing``
    is raised when neither is possible. Secrets are never logged or stored."""
    value = os.environ.get(env_name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise missing
    return getpass.getpass(prompt)


def _terminal_pin_source():
    """The class, made when first asked for: it needs the token layer (PKCS#11),
    which a command that signs nothing (``kyso verify``) never loads."""
    from ..services.tokens import PinSource

    class TerminalPinSource(PinSource):
        """The PIN from ``KYSO_PIN`` (scripts) or a prompt without echo; a reader's
        PIN pad takes it itself when no ``KYSO_PIN`` is set."""

        def pin(self, token, cert) -> str | None:
            if token.pin_pad and not os.environ.get("KYSO_PIN"):
                print("Enter the PIN on the reader's keypad…" if english()
                      else "Nhập mã PIN trên bàn phím của đầu đọc…", file=sys.stderr)
                return None
            prompt = f"PIN ({token.label}): " if english() else f"Mã PIN token “{token.label}”: "
            return read_secret("KYSO_PIN", prompt, TokenError("token.pin_required"))

        def per_signature_pin(self, token, cert) -> str:
            return read_secret("KYSO_PIN", "PIN (this key asks for it at every signature): " if english()
                               else "Mã PIN (khóa này yêu cầu nhập cho mỗi lần ký): ",
                               TokenError("token.pin_required"))

        def warn(self, message: str) -> None:
            print(message, file=sys.stderr)

        def confirms_final_try(self, allowed: bool) -> bool:
            """A PIN typed at a terminal, or --final-try; never KYSO_PIN or a pipe alone."""
            from ..core.tokens import final_try_confirmed

            return final_try_confirmed(allowed)

    return TerminalPinSource


def __getattr__(name: str):
    if name == "TerminalPinSource":
        cls = globals()["TerminalPinSource"] = _terminal_pin_source()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ExitCode", "TerminalPinSource",  # noqa: F822 - made on first use, by __getattr__
           "english", "parse_box", "print_json", "read_secret", "settings"]
