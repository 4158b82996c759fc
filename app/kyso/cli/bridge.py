"""``kyso bridge``: the web document systems' signing service, headless.

    kyso bridge [--port 8987] [--allow-origin ORIGIN]... [--unattended]
                [--module PATH] [--token LABEL] [--cert ID]
    kyso bridge install-cert [--remove]
    kyso bridge pending [--json]
    kyso bridge retry [JOB]...
    kyso bridge autostart on|off

Without ``--unattended`` there is nobody to ask, so signing requests are
refused clearly (information, verification and certificate requests are
answered). With it, requests from the allowed web sites are signed with the
PIN from ``KYSO_PIN`` — for scripts and tests, never the default.
``autostart on`` starts the desktop app, minimised to the tray, with the
person's session (the service always running); ``off`` undoes it.
"""

from __future__ import annotations

import os
import signal
import sys

from ..core.errors import ExitCode
from .common import english, print_json, settings


def register(sub, parser_class) -> None:
    br = sub.add_parser("bridge", help="dịch vụ ký số cho trang web (giao thức VGCA) / signing service for web pages")
    br.add_argument("action", nargs="?", choices=["serve", "install-cert", "pending", "retry", "autostart"],
                    default="serve", help="serve (mặc định), install-cert, pending, retry, autostart on|off")
    br.add_argument("jobs", nargs="*", metavar="JOB",
                    help="retry: mã văn bản chờ gửi (mặc định: tất cả); autostart: on hoặc off")
    br.add_argument("--port", type=int, default=8987, help="cổng / port (mặc định 8987)")
    br.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                    help="trang web được phép, ví dụ https://qlvb.tinh.gov.vn (lặp lại được; thêm vào cài đặt "
                         "bridge_allowed_origins cho lần chạy này)")
    br.add_argument("--unattended", action="store_true",
                    help="ký không hỏi, mã PIN từ KYSO_PIN (cho kịch bản và kiểm thử) / sign without a dialog")
    br.add_argument("--module", help="đường dẫn thư viện PKCS#11 / PKCS#11 module path")
    br.add_argument("--token", help="nhãn token / token label")
    br.add_argument("--cert", help="ID (hex) hoặc nhãn khóa / key ID (hex) or label")
    br.add_argument("--remove", action="store_true", help="install-cert: gỡ bỏ / undo")
    br.add_argument("--json", action="store_true")
    br.set_defaults(func=cmd_bridge)


def cmd_bridge(args) -> int:
    if args.action == "install-cert":
        return install_cert(args.remove, args.json)
    if args.action == "pending":
        return pending(args.json)
    if args.action == "retry":
        return retry(args.jobs, args.json)
    if args.action == "autostart":
        return autostart(args.jobs, args.json)
    return serve(args)


def autostart(words: list[str], as_json: bool) -> int:
    from ..core import messages
    from ..core.errors import UsageError
    from ..core.settings import parse_bool
    from ..services import autostart as auto

    if len(words) > 1:
        raise UsageError("bridge.autostart_usage")
    if not words:       # the state, as it is on this system
        on = auto.is_enabled()
    else:
        try:
            on = parse_bool(words[0])
        except ValueError:
            raise UsageError("bridge.autostart_usage") from None
        auto.apply(on)
    place = auto.where()
    if as_json:
        print_json({"autostart": on, "entry": place, "command": auto.command()})
    else:
        print(messages.tr("bridge.autostart_on" if on else "bridge.autostart_off", entry=place))
    return ExitCode.OK


def install_cert(remove: bool, as_json: bool) -> int:
    from ..bridge import tls

    if remove:
        report = tls.remove()
        if as_json:
            print_json({"removed_from": report.added})
        else:
            for db in report.added:
                print(("removed from " if english() else "đã gỡ khỏi ") + db)
        return ExitCode.OK
    files, report = tls.install()
    if as_json:
        print_json({"ca": str(files.ca_cert), "cert": str(files.cert), "trusted_in": report.added,
                    "failed": report.failed})
    else:
        print(("certificate: " if english() else "chứng thư: ") + str(files.cert))
        for db in report.added:
            print(("trusted in " if english() else "đã tin cậy trong ") + db)
        for db in report.failed:
            print(("could not add to " if english() else "không thêm được vào ") + db, file=sys.stderr)
    return ExitCode.OK if not report.failed else ExitCode.INTERNAL


def pending(as_json: bool) -> int:
    from ..bridge.transfer import pending_jobs

    jobs = pending_jobs()
    if as_json:
        print_json({"pending": [{"job": j.job, "operation": j.operation, "origin": j.origin,
                                 "file": str(j.signed), "handler": j.handler.split("?", 1)[0],
                                 "attempts": j.attempts, "last_error": j.last_error} for j in jobs]})
    else:
        for j in jobs:
            print(f"{j.job}  {j.operation}  {j.signed}  ← {j.origin}  ({j.last_error})")
    return ExitCode.OK


def retry(jobs: list[str], as_json: bool) -> int:
    from ..bridge.transfer import deliver, load_job, pending_jobs, upload_error

    records = [load_job(j) for j in jobs] if jobs else pending_jobs()
    out, code = [], ExitCode.OK
    for rec in records:
        answer = deliver(rec)
        entry = {"job": rec.job, "ok": answer.ok, "message": answer.message, "FileServer": answer.file_server}
        if not answer.ok:
            entry["message"] = upload_error(rec, answer).message
            code = ExitCode.SERVER
        out.append(entry)
        if not as_json:
            print(f"{rec.job}: {'✔' if answer.ok else '✘'} {entry['message']}")
    if as_json:
        print_json({"results": out})
    return code


def serve(args) -> int:
    from ..bridge import tls
    from ..bridge.operations import Bridge, NoPerson, Unattended
    from ..bridge.server import BridgeService, server_ssl_context
    from ..bridge.transfer import BridgeError
    from ..services.tokens import TokenCriteria

    files = tls.cert_files()
    if not files.exist():
        raise BridgeError("bridge.cert_needed", 12)
    attendant = Unattended() if args.unattended else NoPerson()
    bridge = Bridge(TokenCriteria(args.module, args.token, args.cert), attendant,
                    extra_origins=tuple(args.allow_origin))
    service = BridgeService(bridge, server_ssl_context(files.cert, files.key), port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: service.stop())
    try:
        service.start()
    except OSError as exc:
        raise BridgeError("bridge.port_busy", 12, port=args.port, detail=exc.strerror or str(exc)) from None
    origins = sorted(bridge.allowed_origins()) or ["—"]
    mode = ("unattended (KYSO_PIN)" if args.unattended else "signing refused without a window") if english() else \
        ("ký không hỏi (KYSO_PIN)" if args.unattended else "từ chối ký vì không có cửa sổ")
    print(f"Kyso bridge: wss://127.0.0.1:{service.port}/  [{mode}]  origins: {', '.join(origins)}",
          file=sys.stderr, flush=True)
    if args.unattended and not os.environ.get("KYSO_PIN"):
        print("KYSO_PIN is not set" if english() else "Chưa đặt KYSO_PIN", file=sys.stderr)
    try:
        while service._thread is not None and service._thread.is_alive():
            service._thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()
    return ExitCode.OK


__all__ = ["register", "settings"]
