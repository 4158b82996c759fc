"""``kyso``: the command-line face of the application layer.

Anything the desktop app does to a document, this does too, so every
capability can be scripted and tested without a screen. Each command lives in
its own module (:mod:`.tokens`, :mod:`.sign`, :mod:`.verify`, :mod:`.config`,
:mod:`.server`, :mod:`.certs`); its handler reads the flags and calls functions that take
typed values. Signing goes through :mod:`kyso.services`, as in every face.

Exit codes are the one table :class:`kyso.core.errors.ExitCode` (the README
lists them): 0 success, 1 unexpected, 2 usage, 3 bad document, 4 token or
PIN, 5 verification failed, 6 cancelled, 7 server, 8 conflict, 9 not logged in.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from .. import __version__
from ..core import messages
from ..core.errors import ExitCode, KysoError, PinError
from . import bridge, certs, config, server, sign, tokens, trust, verify
from .common import settings

log = logging.getLogger("kyso")


def setup_logging(verbose: bool = False) -> None:
    from ..core.logs import setup_logging as setup

    setup("kyso.log", logging.DEBUG if verbose else logging.CRITICAL)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"kyso: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kyso", description="Kyso — ký số văn bản (PAdES, token PKCS#11)")
    p.add_argument("--version", action="version", version=f"kyso {__version__}")
    p.add_argument("--lang", choices=["vi", "en"], help="ngôn ngữ / language (mặc định vi)")
    p.add_argument("-v", "--verbose", action="store_true", help="nhật ký ra stderr / log to stderr")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    tokens.register(sub, _Parser)
    sign.register(sub, _Parser)
    verify.register(sub, _Parser)
    trust.register(sub, _Parser)
    server.register(sub, _Parser)
    certs.register(sub, _Parser)
    config.register(sub, _Parser)
    bridge.register(sub, _Parser)

    dm = sub.add_parser("demo", help="chạy thử với token mềm / run the demo with a software token")
    dm.add_argument("--keep", metavar="DIR", help="giữ lại tệp demo ở đây / keep demo files here")
    dm.add_argument("--cli", action="store_true",
                    help="chạy trên dòng lệnh dù có màn hình / command-line walkthrough even with a display")
    dm.set_defaults(func=lambda a: __import__("kyso.demo.run", fromlist=["main"]).main(a))
    return p


def main(argv: list[str] | None = None) -> int:
    from ..core.fileio import safe_console

    safe_console()          # non-UTF-8 file names print escaped, never raise mid-batch
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        messages.set_language(args.lang)
    elif not os.environ.get("KYSO_LANG"):
        messages.set_language(settings().language)
    setup_logging(args.verbose)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except KysoError as exc:
        if isinstance(exc, PinError):
            log.info("PIN failure: %s", exc.code)  # the code only, never the PIN
        print(f"kyso: {exc.message}", file=sys.stderr)
        return int(exc.exit_code)
    except BrokenPipeError:
        # Output piped into `head` & co., which stopped reading: not an error.
        # Point stdout at devnull so the interpreter's final flush stays quiet.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return ExitCode.OK
    except KeyboardInterrupt:
        print(f"kyso: {messages.tr('batch.cancelled')}", file=sys.stderr)
        return ExitCode.CANCELLED
    except Exception as exc:  # the log has the trace; the person gets a sentence
        log.exception("Unexpected error")
        print(f"kyso: {messages.tr('internal', detail=type(exc).__name__)}", file=sys.stderr)
        return ExitCode.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
