"""``python -m kyso.sync``: the sync commands on their own, until they are wired
into ``kyso`` (and for tests that kill a sync mid-upload). Also ``sign-doc`` to
sign a stored document with a token (the future ``kyso sign --doc ID``)."""

from __future__ import annotations

import argparse
import logging
import sys

from kyso.core import messages
from kyso.core.errors import KysoError

from . import cli


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"kyso: {message}", file=sys.stderr)
        raise SystemExit(2)


def _sign_doc(args) -> int:
    from kyso.cli import open_signer  # the core CLI's token opening (PIN from KYSO_PIN or prompt)
    from kyso.core.signing import SignOptions

    session, signer = open_signer(args)
    try:
        return cli.sign_doc(args, signer, SignOptions())
    finally:
        session.close()


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m kyso.sync", description="Kyso — đồng bộ với máy chủ văn bản")
    p.add_argument("--lang", choices=["vi", "en"])
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    cli.register(sub)
    sd = sub.add_parser("sign-doc", help="ký văn bản đã lưu trên máy / sign a stored document")
    sd.add_argument("--doc", type=int, required=True)
    sd.add_argument("--module")
    sd.add_argument("--token")
    sd.add_argument("--cert")
    sd.add_argument("--no-send", action="store_true")
    cli._common(sd)
    sd.set_defaults(func=_sign_doc, ca_cert=None)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.lang:
        messages.set_language(args.lang)
    logging.basicConfig(level=logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except KysoError as exc:
        print(f"kyso: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 6


if __name__ == "__main__":
    sys.exit(main())
