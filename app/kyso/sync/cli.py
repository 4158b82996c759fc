"""Command-line face of sync, to be wired into ``kyso`` by the owner of ``kyso/cli.py``.

Wiring (two lines in ``kyso.cli.build_parser`` and one in ``cmd_sign``)::

    from .sync import cli as sync_cli
    sync_cli.register(sub)                       # adds: login, sync, inbox, report
    # in cmd_sign, when args.doc is set (add  sg.add_argument("--doc", type=int)
    # and make FILE optional):
    return sync_cli.sign_doc(args, signer, options)

Messages are Vietnamese by default and follow ``kyso.core.messages.language()``.
The password comes from ``KYSO_PASSWORD`` (scripts) or a no-echo prompt and is
never stored or logged; the token goes to the OS keyring (credentials.py).

Exit codes added to the core's: 7 network/server (and server rule refusals),
8 version conflict, 9 authentication.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from kyso.core import messages as core_messages
from kyso.core.fileio import write_bytes_atomic

from . import credentials
from .api import ServerClient
from .errors import AuthError, StoreError, SyncError
from .messages import tr
from .store import Store

EXIT_OK = 0
EXIT_NETWORK = 7
EXIT_CONFLICT = 8
EXIT_AUTH = 9

VN_TZ = timezone(timedelta(hours=7))


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _en() -> bool:
    return core_messages.language() == core_messages.EN


# -- parser -----------------------------------------------------------------------


def _common(p: argparse.ArgumentParser, server_required: bool = False) -> None:
    p.add_argument("--server", required=server_required,
                   help="địa chỉ máy chủ văn bản, ví dụ https://vanban.example.gov.vn / document server URL")
    p.add_argument("--user", required=server_required, help="tên đăng nhập / user name")
    p.add_argument("--store", help=argparse.SUPPRESS)  # tests and admins: another store folder


def register(subparsers) -> None:
    """Add ``login``, ``sync``, ``inbox`` and ``report`` to the ``kyso`` command."""
    lg = subparsers.add_parser("login", help="đăng nhập máy chủ văn bản / log in to the document server")
    _common(lg, server_required=True)
    lg.set_defaults(func=cmd_login)

    sy = subparsers.add_parser("sync", help="gửi văn bản đã ký và nhận văn bản mới / send signed, fetch new")
    _common(sy)
    sy.add_argument("--json", action="store_true")
    sy.set_defaults(func=cmd_sync)

    ib = subparsers.add_parser("inbox", help="văn bản chờ xử lý / documents waiting for me")
    _common(ib)
    ib.add_argument("--all", action="store_true", help="cả văn bản không chờ xử lý / include not waiting")
    ib.add_argument("--json", action="store_true")
    ib.set_defaults(func=cmd_inbox)

    rp = subparsers.add_parser("report", help="báo cáo tỷ lệ ký số / signing-rate report")
    _common(rp)
    rp.add_argument("--month", help="YYYY-MM (mặc định: tháng trước / default: last month)")
    rp.add_argument("--xlsx", metavar="FILE", help="lưu bảng tính / save as a spreadsheet")
    rp.add_argument("--json", action="store_true")
    rp.set_defaults(func=cmd_report)


# -- shared plumbing ------------------------------------------------------------------


def _store(args) -> Store:
    return Store(Path(args.store)) if getattr(args, "store", None) else Store()


def _where(args, store: Store) -> tuple[str, str]:
    server = getattr(args, "server", None) or store.get_setting("server_url")
    user = getattr(args, "user", None) or store.get_setting("username")
    if not server or not user:
        raise StoreError("sync.not_configured")
    return server.rstrip("/"), user


def read_password(prompt: str) -> str:
    """KYSO_PASSWORD (scripts) or a no-echo prompt. Never logged, never stored."""
    from kyso.cli import read_secret

    return read_secret("KYSO_PASSWORD", prompt, AuthError("sync.password_required"))


def _login(server: str, user: str) -> ServerClient:
    client = ServerClient(server)
    client.login(user, read_password(f"Password ({user}@{server}): " if _en() else f"Mật khẩu ({user}@{server}): "))
    if not credentials.save_token(server, user, client.token):
        print(tr("sync.no_keyring"), file=sys.stderr)
    return client


def connect(store: Store, args) -> ServerClient:
    """A client with a token: from the keyring, else a fresh login if a password is at hand."""
    server, user = _where(args, store)
    token = credentials.load_token(server, user)
    if token:
        return ServerClient(server, token)
    if os.environ.get("KYSO_PASSWORD") or sys.stdin.isatty():
        return _login(server, user)
    raise AuthError("sync.auth_required", server=server)


def _with_relogin(store: Store, args, client: ServerClient, fn):
    """Run ``fn(client)``; on 401 log in again once if a password is at hand."""
    try:
        return fn(client)
    except AuthError:
        if not os.environ.get("KYSO_PASSWORD"):
            raise
        server, user = _where(args, store)
        credentials.delete_token(server, user)
        return fn(_login(server, user))


# -- commands -------------------------------------------------------------------------


def cmd_login(args) -> int:
    with _store(args) as store:
        server, user = args.server.rstrip("/"), args.user
        _login(server, user)
        store.set_setting("server_url", server)
        store.set_setting("username", user)
    print(tr("sync.logged_in", server=server, user=user))
    return EXIT_OK


def _sync_exit(report) -> int:
    if report.error is not None:
        return report.error.exit_code
    if report.push.conflicts:
        return EXIT_CONFLICT
    if report.push.rejected:
        return EXIT_NETWORK
    return EXIT_OK


def _print_sync(report, as_json: bool) -> None:
    push, pull = report.push, report.pull
    if as_json:
        _print_json({
            "sent": [i.doc_id for i in push.sent],
            "conflicts": [i.doc_id for i in push.conflicts],
            "rejected": [{"doc": i.doc_id, "code": i.server_code, "message": i.last_error} for i in push.rejected],
            "pending": [i.doc_id for i in push.pending],
            "updated": pull.updated if pull else None,
            "waiting": pull.waiting if pull else None,
            "error": report.error.message if report.error else None,
            "error_code": report.error.code if report.error else None,
        })
        return
    for i in push.sent:
        print(tr("sync.sent", doc=i.doc_id, version=i.server_version_no))
    for i in push.conflicts:
        print(tr("sync.conflict", doc=i.doc_id, local=i.sha256[:12], server_copy=(i.conflict_etag or "?")),
              file=sys.stderr)
    for i in push.rejected:
        print(f"#{i.doc_id}: " + tr("sync.rule_refused", message=i.last_error), file=sys.stderr)
    if report.error is not None:
        print(report.error.message, file=sys.stderr)
    print(tr("sync.summary", sent=len(push.sent), conflicts=len(push.conflicts), rejected=len(push.rejected),
             pending=len(push.pending), updated=pull.updated if pull else 0, waiting=pull.waiting if pull else 0))


def run_sync(store: Store, args, client: ServerClient):
    from .engine import Sync

    return _with_relogin(store, args, client, lambda c: Sync(store, c).sync())


def cmd_sync(args) -> int:
    with _store(args) as store:
        server, user = _where(args, store)
        store.set_setting("server_url", server)
        store.set_setting("username", user)
        report = run_sync(store, args, connect(store, args))
    _print_sync(report, args.json)
    return _sync_exit(report)


def cmd_inbox(args) -> int:
    """What waits for me, from the local store (works offline; run ``kyso sync`` to refresh)."""
    with _store(args) as store:
        docs = store.documents(waiting_only=not args.all)
        pending = {i.doc_id for i in store.outbox(status="pending")}
    if args.json:
        _print_json([{
            "id": d.id, "subject": d.subject, "doc_type": d.meta.get("doc_type"), "state": d.state,
            "waiting": d.waiting, "action": d.action, "action_label": tr(f"action.{d.action}"),
            "local_status": d.local_status, "queued": d.id in pending, "display_name": d.display_name,
            "number": d.meta.get("number_formatted"), "notation": d.meta.get("notation"),
            "cached": d.content_sha is not None,
        } for d in docs])
        return EXIT_OK
    if not docs:
        print(tr("sync.inbox_empty"))
    for d in docs:
        mark = "⏳" if d.id in pending else ("✔" if d.content_sha else "·")
        print(f"{mark} #{d.id}  [{tr(f'action.{d.action}')}]  {d.meta.get('doc_type', '')}: {d.subject}  "
              f"({d.meta.get('state_label', d.state)})")
    return EXIT_OK


def _last_month() -> str:
    first = datetime.now(VN_TZ).replace(day=1)
    prev = first - timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


def cmd_report(args) -> int:
    month = args.month or _last_month()
    with _store(args) as store:
        client = connect(store, args)
        if args.xlsx:
            data = _with_relogin(store, args, client, lambda c: c.report(month, xlsx=True))
            write_bytes_atomic(Path(args.xlsx), data)
            print(tr("sync.report_saved", path=args.xlsx))
            return EXIT_OK
        data = _with_relogin(store, args, client, lambda c: c.report(month))
    if args.json:
        _print_json(data)
        return EXIT_OK
    _print_report(data, month)
    return EXIT_OK


def _print_report(data, month: str) -> None:
    en = _en()
    rows = data.get("rows", data.get("units", [])) if isinstance(data, dict) else data
    print(("Signing rate, " if en else "Tỷ lệ ký số, tháng ") + month)
    head = ("Unit", "Outgoing", "Leader", "%", "Agency", "%") if en else \
        ("Tên cơ quan", "Văn bản gửi đi", "Lãnh đạo ký", "Tỷ lệ", "Cơ quan ký", "Tỷ lệ")
    print(" | ".join(head))
    for r in rows or []:
        print(" | ".join(str(r.get(k, "")) for k in ("unit_name", "outgoing", "leader_signed", "leader_signed_pct",
                                                      "agency_signed", "agency_signed_pct")))
    total = data.get("total") if isinstance(data, dict) else None
    if total:
        print(" | ".join(str(total.get(k, "")) for k in ("unit_name", "outgoing", "leader_signed",
                                                          "leader_signed_pct", "agency_signed",
                                                          "agency_signed_pct")))


def reserve_number(args) -> str:
    """The clerk's register number for ``kyso sign --doc ID --role agency``.

    Reserved on the server (once; a retry gets the same one) so that the number
    is written into the PDF's "Số:" blank before the agency signature.
    """
    from .actions import assign_number

    doc_id = int(args.doc)
    with _store(args) as store:
        doc = store.document(doc_id)
        if doc is not None and doc.reserved_number:
            return str(doc.reserved_number.get("number"))
        try:
            client = connect(store, args)
            answer = assign_number(client, store, doc_id)
        except SyncError as exc:
            raise StoreError("sync.number_needs_server", detail=exc.message) from exc
        print(tr("sync.number_assigned", formatted=answer.get("formatted"),
                 register=answer.get("register_id"), year=answer.get("year")))
        return str(answer.get("number"))


def sign_doc(args, signer, options) -> int:
    """``kyso sign --doc ID``: sign the stored copy of a server document, then send it.

    Signing works offline; the result is durable in the outbox before any
    upload. For the clerk's issue step a number is reserved first (if the
    network allows; otherwise the server assigns it at upload). Exit 0 when
    sent, 7 when kept for later (network), 8 conflict, 7 refused.
    """
    from .actions import assign_number, sign_from_store
    from .engine import Sync

    doc_id = int(args.doc)
    with _store(args) as store:
        doc = store.document(doc_id)
        client = None
        try:
            client = connect(store, args)
        except (AuthError, StoreError):
            client = None  # offline signing still works; sending waits for a login
        if doc is not None and doc.action == "issue" and not doc.reserved_number and client is not None:
            try:
                answer = assign_number(client, store, doc_id)
                print(tr("sync.number_assigned", formatted=answer.get("formatted"),
                         register=answer.get("register_id"), year=answer.get("year")))
            except SyncError as exc:
                print(exc.message, file=sys.stderr)
        item = sign_from_store(store, doc_id, signer, options)
        print(tr("sync.queued", doc=doc_id))
        if client is None or getattr(args, "no_send", False):
            return EXIT_OK
        push = Sync(store, client).push()
        mine = [i for i in push.sent if i.id == item.id]
        if mine:
            print(tr("sync.sent", doc=doc_id, version=mine[0].server_version_no))
            return EXIT_OK
        for i in push.conflicts:
            if i.id == item.id:
                print(tr("sync.conflict", doc=doc_id, local=i.sha256[:12], server_copy=i.conflict_etag or "?"),
                      file=sys.stderr)
                return EXIT_CONFLICT
        for i in push.rejected:
            if i.id == item.id:
                print(tr("sync.rule_refused", message=i.last_error), file=sys.stderr)
                return EXIT_NETWORK
        if push.error is not None:
            print(push.error.message, file=sys.stderr)
            return push.error.exit_code
        return EXIT_OK
