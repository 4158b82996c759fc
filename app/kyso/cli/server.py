"""The document server's commands: ``kyso login``, ``sync``, ``inbox``, ``report``,
``return`` and ``sign --doc ID``.

The password comes from ``KYSO_PASSWORD`` (scripts) or a no-echo prompt and is
never stored or logged; the server's token goes to the OS keyring
(:mod:`kyso.sync.credentials`). Exit codes are the one table's
(:class:`~kyso.core.errors.ExitCode`): 7 server, 8 conflict, 9 not logged in.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ExitCode
from ..core.fileio import write_bytes_atomic
from ..core.messages import tr
from ..core.role import Role
from ..core.vntime import VIETNAM_TZ, vietnam_today
from ..sync.errors import AuthError, StoreError, SyncError
from ..sync.store import Store
from .common import english, print_json, read_secret

if TYPE_CHECKING:       # the signing stack and the HTTP client load when a command needs them
    from ..services.request import SigningRequest
    from ..services.tokens import TokenCriteria
    from ..sync.api import ServerClient

def _credentials():
    """:mod:`kyso.sync.credentials` (the OS keyring), loaded by the commands that log in."""
    from ..sync import credentials

    return credentials


@dataclass(frozen=True)
class ServerTarget:
    """Which server and account, and which local store (``--store``: tests, admins)."""

    server: str | None = None
    user: str | None = None
    store_dir: Path | None = None

    @classmethod
    def from_args(cls, args) -> "ServerTarget":
        store = getattr(args, "store", None)
        return cls(getattr(args, "server", None), getattr(args, "user", None), Path(store) if store else None)

    def open_store(self) -> Store:
        return Store(self.store_dir) if self.store_dir else Store()

    def where(self, store: Store) -> tuple[str, str]:
        server = self.server or store.get_setting("server_url")
        user = self.user or store.get_setting("username")
        if not server or not user:
            raise AuthError("sync.not_configured")
        return server.rstrip("/"), user


# -- parser -----------------------------------------------------------------------


def _common(p: argparse.ArgumentParser, server_required: bool = False) -> None:
    p.add_argument("--server", required=server_required,
                   help="địa chỉ máy chủ văn bản, ví dụ https://vanban.example.gov.vn / document server URL")
    p.add_argument("--user", required=server_required, help="tên đăng nhập / user name")
    p.add_argument("--store", help=argparse.SUPPRESS)  # tests and admins: another store folder


def register(sub, parser_class) -> None:
    lg = sub.add_parser("login", help="đăng nhập máy chủ văn bản / log in to the document server")
    _common(lg, server_required=True)
    lg.set_defaults(func=lambda a: login(ServerTarget.from_args(a)))

    sy = sub.add_parser("sync", help="gửi văn bản đã ký và nhận văn bản mới / send signed, fetch new")
    _common(sy)
    sy.add_argument("--json", action="store_true")
    sy.set_defaults(func=lambda a: sync(ServerTarget.from_args(a), a.json))

    ib = sub.add_parser("inbox", help="văn bản chờ xử lý / documents waiting for me")
    _common(ib)
    ib.add_argument("--all", action="store_true", help="cả văn bản không chờ xử lý / include not waiting")
    ib.add_argument("--json", action="store_true")
    ib.set_defaults(func=lambda a: inbox(ServerTarget.from_args(a), a.all, a.json))

    rt = sub.add_parser("return", help="trả lại văn bản kèm ý kiến / return a document with a comment")
    _common(rt)
    rt.add_argument("--doc", required=True, type=int, help="ID văn bản trong hộp thư / inbox document ID")
    rt.add_argument("--comment", required=True, help="lý do trả lại / why it is returned")
    rt.set_defaults(func=lambda a: return_document(ServerTarget.from_args(a), a.doc, a.comment))

    rp = sub.add_parser("report", help="báo cáo tỷ lệ ký số / signing-rate report")
    _common(rp)
    rp.add_argument("--month", help="YYYY-MM (mặc định: tháng trước / default: last month)")
    rp.add_argument("--xlsx", metavar="FILE", help="lưu bảng tính / save as a spreadsheet")
    rp.add_argument("--json", action="store_true")
    rp.set_defaults(func=lambda a: report(ServerTarget.from_args(a), a.month, Path(a.xlsx) if a.xlsx else None,
                                          a.json))


# -- shared plumbing ------------------------------------------------------------------


def read_password(prompt: str) -> str:
    """KYSO_PASSWORD (scripts) or a no-echo prompt. Never logged, never stored."""
    return read_secret("KYSO_PASSWORD", prompt, AuthError("sync.password_required"))


#: Store setting: the last ``kyso login`` could not be kept (no secure keyring).
LOGIN_NOT_KEPT = "login_not_kept"


def _login(server: str, user: str, store: Store | None = None, explain: bool = False) -> ServerClient:
    """Log in; the token goes to the OS keyring when there is a secure one.
    ``explain``: ``kyso login`` itself says at once when it could not be kept."""
    from ..sync.api import ServerClient

    client = ServerClient(server)
    client.login(user, read_password(f"Password ({user}@{server}): " if english()
                                     else f"Mật khẩu ({user}@{server}): "))
    kept = _credentials().save_token(server, user, client.token)
    if store is not None:
        store.set_setting(LOGIN_NOT_KEPT, None if kept else f"{server}|{user}")
    if not kept:
        print(tr("sync.login_not_kept", **_credentials().explain_missing_keyring()) if explain
              else tr("sync.no_keyring"), file=sys.stderr)
    return client


def connect(store: Store, target: ServerTarget) -> ServerClient:
    """A client with a token: from the keyring, else a fresh login if a password is at hand."""
    server, user = target.where(store)
    token = _credentials().load_token(server, user)
    if token:
        from ..sync.api import ServerClient

        return ServerClient(server, token)
    if os.environ.get("KYSO_PASSWORD") or sys.stdin.isatty():
        return _login(server, user, store)
    if store.get_setting(LOGIN_NOT_KEPT) == f"{server}|{user}" and not _credentials().has_secure_backend():
        raise AuthError("sync.login_lost", server=server, user=user, **_credentials().explain_missing_keyring())
    raise AuthError("sync.auth_required", server=server)


def _with_relogin(store: Store, target: ServerTarget, client: ServerClient, fn):
    """Run ``fn(client)``; on 401 log in again once if a password is at hand."""
    try:
        return fn(client)
    except AuthError:
        if not os.environ.get("KYSO_PASSWORD"):
            raise
        server, user = target.where(store)
        _credentials().delete_token(server, user)
        return fn(_login(server, user, store))


# -- commands -------------------------------------------------------------------------


def login(target: ServerTarget) -> int:
    with target.open_store() as store:
        server, user = target.server.rstrip("/"), target.user
        _login(server, user, store, explain=True)
        store.set_setting("server_url", server)
        store.set_setting("username", user)
    print(tr("sync.logged_in", server=server, user=user))
    return ExitCode.OK


def _sync_exit(report) -> int:
    if report.error is not None:
        return report.error.exit_code
    if report.push.conflicts:
        return ExitCode.CONFLICT
    if report.push.rejected:
        return ExitCode.SERVER
    return ExitCode.OK


def _print_sync(report, as_json: bool) -> None:
    push, pull = report.push, report.pull
    if as_json:
        print_json({
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


def sync(target: ServerTarget, as_json: bool) -> int:
    from ..sync.engine import Sync

    with target.open_store() as store:
        server, user = target.where(store)
        store.set_setting("server_url", server)
        store.set_setting("username", user)
        client = connect(store, target)
        result = _with_relogin(store, target, client, lambda c: Sync(store, c).sync())
    _print_sync(result, as_json)
    return _sync_exit(result)


def inbox(target: ServerTarget, include_all: bool, as_json: bool) -> int:
    """What waits for me, from the local store (works offline; run ``kyso sync`` to refresh)."""
    with target.open_store() as store:
        docs = store.documents(waiting_only=not include_all)
        pending = {i.doc_id for i in store.outbox(status="pending")}
        latest = {i.doc_id: i for i in store.outbox()}          # ordered by id: the last word per document
        refused = {d: i for d, i in latest.items() if i.status == "rejected"}
        # a refused upload is shown even when the document no longer waits for me
        shown = {d.id for d in docs}
        docs += [d for d in (store.document(i) for i in refused if i not in shown) if d is not None]
    if as_json:
        print_json([{
            "id": d.id, "subject": d.subject, "doc_type": d.meta.get("doc_type"), "state": d.state,
            "waiting": d.waiting, "action": d.action, "action_label": tr(f"action.{d.action}"),
            "local_status": d.local_status, "queued": d.id in pending, "display_name": d.display_name,
            "number": d.meta.get("number_formatted"), "notation": d.meta.get("notation"),
            "cached": d.content_sha is not None,
            "refused": ({"code": refused[d.id].server_code, "message": refused[d.id].last_error}
                        if d.id in refused else None),
        } for d in docs])
        return ExitCode.OK
    if not docs:
        print(tr("sync.inbox_empty"))
    for d in docs:
        mark = "✘" if d.id in refused else "⏳" if d.id in pending else ("✔" if d.content_sha else "·")
        print(f"{mark} #{d.id}  [{tr(f'action.{d.action}')}]  {d.meta.get('doc_type', '')}: {d.subject}  "
              f"({d.meta.get('state_label', d.state)})")
        if d.id in refused:
            print("      " + tr("inbox.refused", message=refused[d.id].last_error or refused[d.id].server_code))
    return ExitCode.OK


def return_document(target: ServerTarget, doc_id: int, comment: str) -> int:
    """Trả lại: the document goes back to the drafting unit with ``comment``."""
    from ..sync.actions import return_document as give_back

    with target.open_store() as store:
        client = connect(store, target)
        _with_relogin(store, target, client, lambda c: give_back(c, store, doc_id, comment))
    print(tr("sync.returned", doc=doc_id))
    return ExitCode.OK


def _last_month() -> str:
    first = datetime.now(VIETNAM_TZ).replace(day=1)
    prev = first - timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


def report(target: ServerTarget, month: str | None, xlsx: Path | None, as_json: bool) -> int:
    month = month or _last_month()
    with target.open_store() as store:
        client = connect(store, target)
        if xlsx is not None:
            data = _with_relogin(store, target, client, lambda c: c.report(month, xlsx=True))
            write_bytes_atomic(xlsx, data)
            print(tr("sync.report_saved", path=str(xlsx)))
            return ExitCode.OK
        data = _with_relogin(store, target, client, lambda c: c.report(month))
    if as_json:
        print_json(data)
        return ExitCode.OK
    _print_report(data, month)
    return ExitCode.OK


def _print_report(data, month: str) -> None:
    en = english()
    rows = data.get("rows", data.get("units", [])) if isinstance(data, dict) else data
    print(("Signing rate, " if en else "Tỷ lệ ký số, tháng ") + month)
    head = ("Unit", "Outgoing", "Leader", "%", "Agency", "%") if en else \
        ("Tên cơ quan", "Văn bản gửi đi", "Lãnh đạo ký", "Tỷ lệ", "Cơ quan ký", "Tỷ lệ")
    print(" | ".join(head))
    keys = ("unit_name", "outgoing", "leader_signed", "leader_signed_pct", "agency_signed", "agency_signed_pct")
    for r in rows or []:
        print(" | ".join(str(r.get(k, "")) for k in keys))
    total = data.get("total") if isinstance(data, dict) else None
    if total:
        print(" | ".join(str(total.get(k, "")) for k in keys))


# -- kyso sign --doc ID ------------------------------------------------------------------


def _reserve_number(store: Store, target: ServerTarget, doc_id: int) -> str:
    """The clerk's register number: reserved on the server once (a retry gets the
    same one), so that it is written into the PDF's "Số:" blank before the
    agency signature."""
    from ..sync.actions import assign_number

    doc = store.document(doc_id)
    if doc is not None and doc.reserved_number:
        return str(doc.reserved_number.get("number"))
    try:
        answer = assign_number(connect(store, target), store, doc_id)
    except SyncError as exc:
        raise StoreError("sync.number_needs_server", detail=exc.message) from exc
    print(tr("sync.number_assigned", formatted=answer.get("formatted"),
             register=answer.get("register_id"), year=answer.get("year")))
    return str(answer.get("number"))


def sign_stored_document(target: ServerTarget, doc_id: str | int, request: SigningRequest,
                         criteria: TokenCriteria, ca_certs: list[Path]) -> int:
    """``kyso sign --doc ID``: sign the stored copy of a server document, then send it.

    Signing works offline; the result is durable in the outbox before any
    upload. For the clerk's issue step a number is reserved first. Exit 0 when
    sent, 7 when kept for later (network) or refused, 8 conflict.
    """
    from dataclasses import replace

    from ..services.batch import Job, OutboxSink, run_batch
    from ..services.request import sign_options
    from ..services.tokens import open_signer
    from ..sync.actions import sign_from_store
    from ..sync.engine import Sync
    from .common import TerminalPinSource, settings

    doc_id = int(doc_id)
    with target.open_store() as store:
        if request.role == Role.AGENCY and not request.number:
            request = replace(request, number=_reserve_number(store, target, doc_id),
                              issue_date=request.issue_date or vietnam_today())
        conf = settings()
        options = sign_options(request, conf)
        try:
            client = connect(store, target)
        except (AuthError, StoreError):
            client = None  # offline signing still works; sending waits for a login
        item_ids: list[int] = []

        def into_outbox(signer, job_doc, opts) -> Path:
            item = sign_from_store(store, int(job_doc), signer, opts)
            item_ids.append(item.id)
            return store.blob_path(item.sha256)

        doc = store.document(doc_id)
        src = store.blob_path(doc.content_sha) if doc is not None and doc.content_sha else Path(str(doc_id))
        with open_signer(criteria, conf, TerminalPinSource(), ca_certs) as opened:
            [result] = run_batch(opened.signer, [Job(src, None, str(doc_id))], options, OutboxSink(into_outbox))
        if result.error is not None:
            raise result.error
        print(tr("sync.queued", doc=doc_id))
        if client is None:
            return ExitCode.OK
        push = Sync(store, client).push()
        mine = [i for i in push.sent if i.id in item_ids]
        if mine:
            print(tr("sync.sent", doc=doc_id, version=mine[0].server_version_no))
            return ExitCode.OK
        for i in push.conflicts:
            if i.id in item_ids:
                print(tr("sync.conflict", doc=doc_id, local=i.sha256[:12], server_copy=i.conflict_etag or "?"),
                      file=sys.stderr)
                return ExitCode.CONFLICT
        for i in push.rejected:
            if i.id in item_ids:
                print(tr("sync.rule_refused", message=i.last_error), file=sys.stderr)
                return ExitCode.SERVER
        if push.error is not None:
            print(push.error.message, file=sys.stderr)
            return push.error.exit_code
        return ExitCode.OK
