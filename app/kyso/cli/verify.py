"""``kyso verify``: every signature of every file, with a verdict."""

from __future__ import annotations

import os
from pathlib import Path

from ..core import messages
from ..core.errors import ExitCode, UsageError
from .common import english, print_json


#: What pyHanko's difference analysis found after a signature, in words.
CHANGE_WORDS = {
    "none": ("không có thay đổi", "no change"),
    "form_filling": ("điền biểu mẫu (được phép)", "form filling (allowed)"),
    "suspicious": ("thay đổi đáng ngờ", "suspicious change"),
}


def change_words(kind: str, en: bool) -> str:
    vi_word, en_word = CHANGE_WORDS.get(kind, (kind, kind))
    return en_word if en else vi_word


def register(sub, parser_class) -> None:
    vf = sub.add_parser("verify", help="kiểm tra chữ ký số / verify signatures")
    vf.add_argument("files", nargs="+", metavar="FILE")
    vf.add_argument("--trust", action="append", metavar="CERT",
                    help="chứng thư gốc tin cậy (PEM/DER), lặp lại được / trusted root, repeatable")
    vf.add_argument("--fetch-revocation", action="store_true",
                    help="tra cứu OCSP/CRL qua mạng / fetch OCSP/CRL over the network")
    vf.add_argument("--json", action="store_true")
    vf.set_defaults(func=lambda a: verify([Path(f) for f in a.files], [Path(t) for t in a.trust or []],
                                          a.fetch_revocation, a.json))


def trusted_roots(extra: list[Path]):
    """``extra`` roots plus those the administrator installed (shared with the app)."""
    from ..core.settings import trust_dir
    from ..core.verify import load_certificates

    files = list(extra)
    folder = trust_dir()
    if folder.is_dir():
        files += sorted(p for p in folder.iterdir() if p.suffix.lower() in (".pem", ".crt", ".cer", ".der"))
    try:
        return load_certificates(files)
    except (OSError, ValueError) as exc:
        raise UsageError("usage.bad_certificate", path=str(exc)) from exc


def verify(files: list[Path], trust: list[Path], fetch_revocation: bool, as_json: bool) -> int:
    from ..core.verify import verify_file

    roots = trusted_roots(trust)
    password = os.environ.get("KYSO_PDF_PASSWORD")
    reports = [verify_file(f, roots, fetch_revocation=fetch_revocation, password=password) for f in files]
    en = english()
    if as_json:
        print_json({"valid": all(r.valid for r in reports), "files": [r.to_json() for r in reports]})
    else:
        for rep in reports:
            verdict = messages.tr("verify.valid" if rep.valid else "verify.invalid")
            print(f"{rep.path}: {verdict.upper()}")
            if rep.error:
                print(f"  {rep.error}")
            elif not rep.signatures:
                print(f"  {messages.tr('verify.no_signatures')}")
            for s in rep.signatures:
                mark = "✔" if s.valid else "✘"
                when = s.signing_time.isoformat() if s.signing_time else "?"
                print(f"  {mark} {s.field}: {s.signer} — {when}")
                print(f"      {'covers' if en else 'phạm vi'}: {s.covers()}; "
                      f"{'after signing' if en else 'sau khi ký'}: {change_words(s.modification, en)}")
                for reason in s.reasons():
                    print(f"      ! {reason}")
    if any(r.error_code and r.error_code.startswith("doc.") for r in reports) and not any(
            r.signatures for r in reports):
        return ExitCode.DOCUMENT
    return ExitCode.OK if all(r.valid for r in reports) else ExitCode.VERIFY
