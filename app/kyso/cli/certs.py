"""``kyso register-cert``: register the certificate on my token with my server
account, proving that I hold its key (:mod:`kyso.services.certreg`).

The token is opened the way every signature opens it
(:func:`kyso.services.tokens.open_signer`: ``--module``, ``--token``,
``--cert``, the PIN from ``KYSO_PIN`` or a no-echo prompt); the server
account is the one ``kyso login`` configured (or ``--server``/``--user``).
Exit 0 registered (active or waiting for approval: the message says which),
4 token or PIN, 7 refused by the server (the message says what to do), 9 not
logged in.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..core.errors import ExitCode
from ..sync.errors import RuleRefused
from .common import print_json
from .server import ServerTarget, _common, _with_relogin, connect

if TYPE_CHECKING:
    from ..services.tokens import TokenCriteria


def register(sub, parser_class) -> None:
    rc = sub.add_parser("register-cert", help="đăng ký chứng thư số trên token với tài khoản máy chủ "
                                              "/ register my token's certificate with my server account")
    _common(rc)
    rc.add_argument("--module", help="đường dẫn thư viện PKCS#11 / PKCS#11 module path")
    rc.add_argument("--token", help="nhãn token / token label")
    rc.add_argument("--cert", help="ID (hex) hoặc nhãn khóa / key ID (hex) or label")
    rc.add_argument("--json", action="store_true")
    rc.set_defaults(func=lambda a: register_cert(ServerTarget.from_args(a),
                                                 _criteria(a), a.json))


def _criteria(a):
    from ..services.tokens import TokenCriteria

    return TokenCriteria(module=a.module, token=a.token, cert=a.cert)


def register_cert(target: ServerTarget, criteria: TokenCriteria, as_json: bool = False) -> int:
    from ..services.certreg import (
        outcome_message,
        refusal_message,
        register_certificate,
    )
    from ..services.tokens import open_signer
    from .common import TerminalPinSource, settings

    with target.open_store() as store:
        server, user = target.where(store)
        client = connect(store, target)
        with open_signer(criteria, settings(), TerminalPinSource()) as opened:
            try:
                reg = _with_relogin(store, target, client, lambda c: register_certificate(c, opened.signer))
            except RuleRefused as exc:
                if as_json:
                    print_json({"registered": False, "code": exc.server_code, "message": refusal_message(exc)})
                print(refusal_message(exc), file=sys.stderr)
                return ExitCode.SERVER
    if as_json:
        print_json({"registered": True, "sha256": reg.sha256, "subject": reg.subject, "status": reg.status,
                    "created": reg.created, "server": server, "user": user})
    else:
        print(outcome_message(reg, user))
    return ExitCode.OK
