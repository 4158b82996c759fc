"""``kyso token list``: the modules, tokens and certificates this computer has."""

from __future__ import annotations

import sys

from ..core import messages
from ..core.errors import ExitCode, TokenError
from .common import english, print_json, settings


def register(sub, parser_class) -> None:
    tok = sub.add_parser("token", help="token PKCS#11")
    tok_sub = tok.add_subparsers(dest="token_command", required=True, parser_class=parser_class)
    tl = tok_sub.add_parser("list", help="liệt kê token và chứng thư số / list tokens and certificates")
    tl.add_argument("--module", help="đường dẫn thư viện PKCS#11 / PKCS#11 module path")
    tl.add_argument("--json", action="store_true")
    tl.set_defaults(func=lambda a: list_tokens(a.module, a.json))


def list_tokens(module: str | None, as_json: bool) -> int:
    from ..services import tokens as token_service      # PKCS#11: only when tokens are listed

    scans = token_service.scan(settings(), explicit=module)
    if not scans:
        raise TokenError("token.module_not_found")
    found = token_service.all_tokens(scans)
    problems = [f"{s.module.path}: {s.error}" for s in scans if s.error]
    if as_json:
        print_json({"tokens": [t.to_json() for t in found], "problems": problems})
        return ExitCode.OK
    en = english()
    if not found:
        print(messages.tr("token.none_present"))
    for t in found:
        tries = t.tries_left
        pin = {"ok": "PIN: OK" if en else "PIN: bình thường",
               "count_low": "PIN: few tries left" if en else "PIN: còn ít lần thử",
               "final_try": "PIN: ONE try left" if en else "PIN: chỉ còn MỘT lần thử",
               "locked": "PIN: LOCKED" if en else "PIN: ĐÃ KHÓA"}[t.pin_status.value]
        if tries is not None and t.pin_status.value == "ok":
            pin += f" ({tries} {'tries left' if en else 'lần thử còn lại'})"
        print(f"Token “{t.label}” — {t.manufacturer} {t.model}, serial {t.serial} "
              f"[{t.module.vendor}: {t.module.path}]  {pin}"
              + ("  [PIN pad]" if t.pin_pad else ""))
        for c in t.certificates:
            refusal = c.refusal()
            mark = "✘" if refusal else "✔"
            why = f"  ({refusal.message})" if refusal else ""
            print(f"  {mark} id={c.key_id or '-'} label={c.label or '-'}  {c.subject}")
            print(f"      {'issuer' if en else 'cấp bởi'}: {c.issuer}")
            print(f"      serial {c.serial}, {c.not_before:%d/%m/%Y} → {c.not_after:%d/%m/%Y}, "
                  f"{c.key_type.upper()}, {', '.join(c.key_usage) or '-'}{why}")
    for p in problems:
        print(p, file=sys.stderr)
    return ExitCode.OK
