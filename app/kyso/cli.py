"""``kyso``: the command line face of the core (and later of sync).

Anything the desktop app does to a document, this does too, so every
capability can be scripted and tested without a screen.

Exit codes (documented in the README):
  0  success
  1  unexpected error (details in the log)
  2  usage error (wrong command or arguments)
  3  bad input document (not a PDF, damaged, encrypted, secret, broken signature)
  4  token or PIN failure (no token, wrong PIN, locked, removed, unusable certificate)
  5  verification failure (a document's signatures are not all valid)
  6  cancelled
  7  document server unreachable or refusing (the signed result is kept and sent later)
  8  conflict: the document changed on the server meanwhile (both versions kept)
  9  not logged in to the document server (kyso login)
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from pathlib import Path

from . import __version__
from .core import messages
from .core.errors import KysoError, PinError, TokenError, UsageError

log = logging.getLogger("kyso")

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_DOCUMENT, EXIT_TOKEN, EXIT_VERIFY, EXIT_CANCELLED = range(7)


def setup_logging(verbose: bool = False) -> None:
    from .core.logs import setup_logging as setup

    setup("kyso.log", logging.DEBUG if verbose else logging.CRITICAL)


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _parse_box(text: str):
    from .core.stamp import Box

    try:
        x1, y1, x2, y2 = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError("usage.bad_box", box=text) from None
    return Box.from_corners(x1, y1, x2, y2)


# -- token list ------------------------------------------------------------------


def _settings():
    from .core import settings

    return settings.load()


def _modules(args):
    from .core import tokens

    mods = tokens.find_modules(explicit=getattr(args, "module", None),
                               configured=_settings().pkcs11_module)
    if not mods:
        raise TokenError("token.module_not_found")
    if getattr(args, "module", None):
        return mods[:1]
    return mods


def cmd_token_list(args) -> int:
    from .core import tokens

    found = []
    problems = []
    for mod in _modules(args):
        try:
            found.extend(tokens.load_module(mod).tokens())
        except TokenError as exc:
            if args.module:
                raise
            problems.append(f"{mod.path}: {exc.message}")
    if args.json:
        _print_json({"tokens": [t.to_json() for t in found], "problems": problems})
        return EXIT_OK
    en = messages.language() == messages.EN
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
            mark = "✔" if c.usable else "✘"
            why = "" if c.usable else f"  ({c.usability().value})"
            print(f"  {mark} id={c.key_id or '-'} label={c.label or '-'}  {c.subject}")
            print(f"      {'issuer' if en else 'cấp bởi'}: {c.issuer}")
            print(f"      serial {c.serial}, {c.not_before:%d/%m/%Y} → {c.not_after:%d/%m/%Y}, "
                  f"{c.key_type.upper()}, {', '.join(c.key_usage) or '-'}{why}")
    for p in problems:
        print(p, file=sys.stderr)
    return EXIT_OK


# -- sign --------------------------------------------------------------------------


def read_secret(env_name: str, prompt: str, missing: Exception) -> str:
    """A secret from ``env_name`` (scripts) or a prompt without echo; ``missing``
    is raised when neither is possible. Secrets are never logged or stored."""
    value = os.environ.get(env_name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise missing
    return getpass.getpass(prompt)


def read_pin(prompt: str) -> str:
    """The PIN from KYSO_PIN (scripts) or a prompt without echo."""
    return read_secret("KYSO_PIN", prompt, TokenError("token.pin_required"))


def open_signer(args):
    """Open the token, log in once, and return (session, signer)."""
    from .core import tokens

    mods = _modules(args)
    candidates = []
    for mod in mods:
        try:
            for t in tokens.load_module(mod).tokens():
                if not args.token or t.label == args.token:
                    candidates.append(t)
        except TokenError:
            if args.module:
                raise
    if not candidates:
        raise TokenError("token.not_found", label=args.token) if args.token else TokenError("token.none_present")
    if len(candidates) > 1:
        raise TokenError("token.ambiguous", labels=", ".join(t.label for t in candidates))
    info = candidates[0]
    session = tokens.TokenSession(tokens.load_module(info.module), info)
    try:
        selector = args.cert
        default = _settings().default_certificate
        if not selector and default and any(default.lower() in (c.key_id.lower(), c.label.lower())
                                            for c in info.certificates):
            selector = default  # the configured certificate, when this token holds it
        cert = session.certificate(selector)
        en = messages.language() == messages.EN
        if info.pin_pad and not os.environ.get("KYSO_PIN"):
            print("Enter the PIN on the reader's keypad…" if en else "Nhập mã PIN trên bàn phím của đầu đọc…",
                  file=sys.stderr)
            session.login(None, pin_pad=True)
        else:
            if info.final_try:
                print(messages.tr("token.pin_final_try_warning"), file=sys.stderr)
            prompt = f"PIN ({info.label}): " if en else f"Mã PIN token “{info.label}”: "
            session.login(read_pin(prompt),  # [secure] no unattended final try
                          confirmed_final_try=tokens.final_try_confirmed(getattr(args, "final_try", False)))
        from .core.verify import ca_certificates

        extra = [c.dump() for c in ca_certificates(getattr(args, "ca_cert", None) or [])]
        signer = session.signer(cert, extra_certs=extra, pin_provider=lambda: read_pin(
            "PIN (this key asks for it at every signature): " if en
            else "Mã PIN (khóa này yêu cầu nhập cho mỗi lần ký): "))
    except BaseException:
        session.close()
        raise
    return session, signer


def _jobs(args) -> list[tuple[Path, Path]]:
    files = [Path(f) for f in args.files]
    if args.output and len(files) > 1:
        raise UsageError("usage.one_output_many_inputs")
    if args.output:
        return [(files[0], Path(args.output))]
    if args.out_dir:
        from .core.fileio import distinct_outputs  # [secure] same names get (2), long names shortened

        return list(zip(files, distinct_outputs(files, args.out_dir)))
    raise UsageError("usage.output_needed")


def _role_request(args, placement):
    from dataclasses import replace as _replace
    from datetime import date

    from .core import appearance as ap
    from .core.roles import RoleRequest

    issue_date = None
    if args.date:
        try:
            issue_date = date.fromisoformat(args.date)
        except ValueError:
            raise UsageError("issue.bad_date", value=args.date) from None
    req = RoleRequest(role=args.role, number=args.number, issue_date=issue_date, placement=placement)
    conf = _settings()  # flags win over the configured images and seal size
    signature_image = args.signature_image or conf.signature_image
    seal_image = args.seal_image or conf.seal_image
    seal_diameter = args.seal_diameter or conf.seal_diameter_mm
    initial_image = args.initial_image or conf.initial_image
    if signature_image:
        req = _replace(req, leader=ap.LeaderStyle(signature_image=Path(signature_image)))
    if seal_image or seal_diameter or conf.agency_name:
        seal = ap.AgencySealStyle()
        req = _replace(req, agency=_replace(
            seal, seal_image=Path(seal_image) if seal_image else seal.seal_image,
            diameter_mm=seal_diameter or seal.diameter_mm,
            agency_name=conf.agency_name or seal.agency_name))
    if initial_image:
        req = _replace(req, initial=ap.InitialStyle(initial_image=Path(initial_image)))
    if args.main_number:
        req = _replace(req, attachment=ap.AttachmentStyle(main_number=args.main_number))
    if args.copy_form:
        req = _replace(req, copy=ap.CopyStyle(copy_form=args.copy_form))
    return req


def _sign_options(args):
    from .core.signing import Placement, SignOptions, text_stamp

    if (args.page is None) != (args.box is None):
        raise UsageError("usage.page_without_box")
    placement = None
    appearance = None
    base = SignOptions(reason=args.reason, location=args.location,
                       tsa_url=args.tsa or _settings().tsa_url,
                       force=args.force, password=os.environ.get("KYSO_PDF_PASSWORD"))
    if args.role:
        from .core.roles import role_options

        if args.page is not None:
            placement = Placement(args.page - 1, _parse_box(args.box))
        return role_options(_role_request(args, placement), base)
    if args.page is not None:
        box = _parse_box(args.box)
        placement = Placement(args.page - 1, box)
        appearance = text_stamp(args.text.replace("\\n", "\n") if args.text else None,
                                Path(args.image) if args.image else None, box.w, box.h)
    elif args.text or args.image:
        raise UsageError("usage.page_without_box")
    from dataclasses import replace as _replace

    return _replace(base, placement=placement, appearance=appearance)


def _exit_for(results) -> int:
    codes = {r.error.exit_code for r in results if r.error is not None}
    for code in (EXIT_TOKEN, EXIT_DOCUMENT, EXIT_USAGE, EXIT_CANCELLED, EXIT_INTERNAL):
        if code in codes:
            return code
    return EXIT_OK


def cmd_sign_doc(args) -> int:
    """``kyso sign --doc ID``: sign a server document from the local store, queue, send."""
    from datetime import date

    from .sync import cli as sync_cli

    if args.files or args.output or args.out_dir:
        raise UsageError("usage.doc_with_files")
    if args.role == "agency" and not args.number:
        args.number = sync_cli.reserve_number(args)
        args.date = args.date or date.today().isoformat()
    options = _sign_options(args)
    session, signer = open_signer(args)
    try:
        return sync_cli.sign_doc(args, signer, options)
    finally:
        session.close()


def cmd_sign(args) -> int:
    from .core.signing import sign_batch

    if args.doc:
        return cmd_sign_doc(args)
    if not args.files:
        raise UsageError("usage.files_needed")
    jobs = _jobs(args)
    options = _sign_options(args)
    session, signer = open_signer(args)
    en = messages.language() == messages.EN

    def progress(i, total, result):
        if args.json:
            return
        if result.ok:
            print(f"[{i}/{total}] ✔ {result.source} → {result.output}")
        else:
            print(f"[{i}/{total}] ✘ {result.source}: {result.error.message}", file=sys.stderr)

    try:
        results = sign_batch(signer, jobs, options, progress=progress)
    finally:
        session.close()
    if args.json:
        _print_json({"results": [r.to_json() for r in results]})
    elif len(results) > 1:
        ok = sum(r.ok for r in results)
        print(f"{ok}/{len(results)} {'signed' if en else 'văn bản đã ký'}")
    return _exit_for(results)


# -- verify -------------------------------------------------------------------------


def cmd_verify(args) -> int:
    from .core.verify import load_certificates, verify_file

    from .core.settings import trust_dir

    files = list(args.trust or [])
    folder = trust_dir()
    if folder.is_dir():  # roots the administrator installed, shared with the app
        files += sorted(p for p in folder.iterdir() if p.suffix.lower() in (".pem", ".crt", ".cer", ".der"))
    try:
        roots = load_certificates(files)
    except (OSError, ValueError) as exc:
        raise UsageError("usage.bad_certificate", path=str(exc)) from exc
    password = os.environ.get("KYSO_PDF_PASSWORD")
    reports = [verify_file(f, roots, fetch_revocation=args.fetch_revocation, password=password)
               for f in args.files]
    en = messages.language() == messages.EN
    if args.json:
        _print_json({"valid": all(r.valid for r in reports), "files": [r.to_json() for r in reports]})
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
                      f"{'after signing' if en else 'sau khi ký'}: {s.modification}")
                for reason in s.reasons():
                    print(f"      ! {reason}")
    if any(r.error_code and r.error_code.startswith("doc.") for r in reports) and not any(
            r.signatures for r in reports):
        return EXIT_DOCUMENT
    return EXIT_OK if all(r.valid for r in reports) else EXIT_VERIFY


# -- config ------------------------------------------------------------------------------


def cmd_config(args) -> int:
    from .core import settings

    if args.config_command == "set":
        try:
            settings.update(**{args.key: args.value})
        except KeyError:
            raise UsageError("usage.bad_setting", key=args.key,
                             keys=", ".join(settings.Settings.__dataclass_fields__)) from None
        except ValueError:
            raise UsageError("usage.bad_setting_value", key=args.key, value=args.value) from None
    conf = settings.load()
    if args.json:
        _print_json({"file": str(settings.settings_path()), "settings": conf.to_json()})
    else:
        print(settings.settings_path())
        for key, value in conf.to_json().items():
            print(f"  {key} = {'' if value is None else value}")
    return EXIT_OK


# -- entry point ----------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"kyso: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kyso", description="Kyso — ký số văn bản (PAdES, token PKCS#11)")
    p.add_argument("--version", action="version", version=f"kyso {__version__}")
    p.add_argument("--lang", choices=["vi", "en"], help="ngôn ngữ / language (mặc định vi)")
    p.add_argument("-v", "--verbose", action="store_true", help="nhật ký ra stderr / log to stderr")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    tok = sub.add_parser("token", help="token PKCS#11")
    tok_sub = tok.add_subparsers(dest="token_command", required=True, parser_class=_Parser)
    tl = tok_sub.add_parser("list", help="liệt kê token và chứng thư số / list tokens and certificates")
    tl.add_argument("--module", help="đường dẫn thư viện PKCS#11 / PKCS#11 module path")
    tl.add_argument("--json", action="store_true")
    tl.set_defaults(func=cmd_token_list)

    sg = sub.add_parser("sign", help="ký số văn bản PDF / sign PDF documents")
    sg.add_argument("files", nargs="*", metavar="FILE")
    sg.add_argument("--doc", help="ký văn bản ID từ hộp thư (kho cục bộ) rồi gửi / sign inbox document ID")
    sg.add_argument("--store", help=argparse.SUPPRESS)
    sg.add_argument("--server", help=argparse.SUPPRESS)
    sg.add_argument("--user", help=argparse.SUPPRESS)
    sg.add_argument("--module", help="đường dẫn thư viện PKCS#11 / PKCS#11 module path")
    sg.add_argument("--token", help="nhãn token / token label")
    sg.add_argument("--cert", help="ID (hex) hoặc nhãn khóa / key ID (hex) or label")
    sg.add_argument("--page", type=int, help="trang (từ 1) / page (from 1)")
    sg.add_argument("--box", help="X1,Y1,X2,Y2 (điểm PDF, từ góc dưới trái / PDF points from lower left)")
    sg.add_argument("--text", help="nội dung chữ ký; dùng {signer} {time} {organisation} {title}")
    sg.add_argument("--image", help="ảnh PNG / PNG image")
    sg.add_argument("--tsa", help="máy chủ dấu thời gian (RFC 3161) → PAdES B-T")
    sg.add_argument("--ca-cert", action="append", metavar="CERT",
                    help="chứng thư CA trung gian để nhúng chuỗi / intermediate CA certificate to embed")
    sg.add_argument("--role", choices=["initial", "leader", "agency", "attachment", "copy"],
                    help="vai trò (Nghị định 30): initial=ký nháy, leader=lãnh đạo ký, agency=văn thư "
                         "cấp số và ký số cơ quan, attachment=phụ lục, copy=bản sao")
    sg.add_argument("--number", help="số văn bản khi cấp số, ví dụ 417 / document number at issuance")
    sg.add_argument("--date", help="ngày ban hành, ISO, ví dụ 2026-11-20 / issue date")
    sg.add_argument("--signature-image", help="ảnh chữ ký (PNG xanh, nền trong suốt)")
    sg.add_argument("--seal-image", help="ảnh con dấu (PNG đỏ, nền trong suốt)")
    sg.add_argument("--seal-diameter", type=float, help="đường kính dấu, mm (mặc định 36)")
    sg.add_argument("--initial-image", help="ảnh chữ ký nháy (PNG)")
    sg.add_argument("--main-number", help="số, ký hiệu văn bản chính (phụ lục), ví dụ 607/UBND-VP")
    sg.add_argument("--copy-form", choices=["SAO Y", "SAO LỤC", "TRÍCH SAO"], help="hình thức sao")
    sg.add_argument("--reason")
    sg.add_argument("--location")
    sg.add_argument("--final-try", action="store_true",  # [secure]
                    help="cho phép thử mã PIN khi token chỉ còn một lần thử / allow the last PIN try")
    sg.add_argument("--force", action="store_true",
                    help="ký cả khi chữ ký có sẵn không hợp lệ / sign despite invalid existing signatures")
    out = sg.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", help="tệp kết quả / output file")
    out.add_argument("--out-dir", help="thư mục kết quả / output folder")
    sg.add_argument("--json", action="store_true")
    sg.set_defaults(func=cmd_sign)

    vf = sub.add_parser("verify", help="kiểm tra chữ ký số / verify signatures")
    vf.add_argument("files", nargs="+", metavar="FILE")
    vf.add_argument("--trust", action="append", metavar="CERT",
                    help="chứng thư gốc tin cậy (PEM/DER), lặp lại được / trusted root, repeatable")
    vf.add_argument("--fetch-revocation", action="store_true",
                    help="tra cứu OCSP/CRL qua mạng / fetch OCSP/CRL over the network")
    vf.add_argument("--json", action="store_true")
    vf.set_defaults(func=cmd_verify)

    from .sync import cli as sync_cli

    sync_cli.register(sub)

    cf = sub.add_parser("config", help="cài đặt / settings")
    cf_sub = cf.add_subparsers(dest="config_command", required=True, parser_class=_Parser)
    cs = cf_sub.add_parser("show", help="xem cài đặt / show settings")
    cs.add_argument("--json", action="store_true")
    cs.set_defaults(func=cmd_config)
    cset = cf_sub.add_parser("set", help="đặt một giá trị (để trống để xóa) / set a value (empty clears)")
    cset.add_argument("key")
    cset.add_argument("value")
    cset.add_argument("--json", action="store_true")
    cset.set_defaults(func=cmd_config)

    dm = sub.add_parser("demo", help="chạy thử với token mềm / run the demo with a software token")
    dm.add_argument("--keep", metavar="DIR", help="giữ lại tệp demo ở đây / keep demo files here")
    dm.add_argument("--cli", action="store_true",
                    help="chạy trên dòng lệnh dù có màn hình / command-line walkthrough even with a display")
    dm.set_defaults(func=lambda a: __import__("kyso.demo.run", fromlist=["main"]).main(a))
    return p


def main(argv: list[str] | None = None) -> int:
    from .core.fileio import safe_console  # [secure] non-UTF-8 file names print, never raise

    safe_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        messages.set_language(args.lang)
    elif not os.environ.get("KYSO_LANG"):
        messages.set_language(_settings().language)
    setup_logging(args.verbose)
    try:
        return int(args.func(args) or 0)
    except KysoError as exc:
        if isinstance(exc, PinError):
            log.info("PIN failure: %s", exc.code)  # the code only, never the PIN
        print(f"kyso: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"kyso: {messages.tr('batch.cancelled')}", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # the log has the trace; the person gets a sentence
        log.exception("Unexpected error")
        print(f"kyso: {messages.tr('internal', detail=type(exc).__name__)}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
