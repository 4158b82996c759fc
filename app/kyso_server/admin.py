"""Administrator commands: ``kyso-server admin <command> ...``.

Units, users and roles, passwords, accounts disabled and enabled, signing
certificates (registered from a file, approved, released), number registers,
login-throttling unlocks and the security log. They work on the database
directly (``--db URL``, default the server's data folder), so they run on the
server machine, while the server runs or not. Every change is written to the
security log. Passwords are never taken on the command line: a no-echo prompt,
``--password-env NAME`` (the name of an environment variable) or
``--password-stdin`` (one line).

The older spellings ``kyso-server unlock-account …`` (without ``admin``) keep
working.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .auth import hash_password, security_event, unlock_account, unlock_address
from .config import Settings
from .db import make_engine, make_sessionmaker, upgrade_schema
from .models import (
    CERT_ACTIVE,
    ROLES,
    UNIT_KINDS,
    AuthToken,
    Certificate,
    RoleAssignment,
    SecurityEvent,
    Unit,
    User,
)
from .numbering import create_register

MIN_PASSWORD = 8


class AdminError(Exception):
    """A refusal: the message says what to do next (Vietnamese / English)."""


def release_certificate(session, sha256: str, now, by: str = "admin") -> bool:
    from .certreg import find_certificate

    row = find_certificate(session, sha256)
    if row is None:
        return False
    owner = session.get(User, row.user_id)
    session.execute(delete(Certificate).where(Certificate.id == row.id))
    security_event(session, now, "certificate_released", owner.username if owner else None,
                   detail=f"sha256={row.sha256} by {by}")
    return True


# -- helpers ------------------------------------------------------------------------------


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AdminError(f"Không có tài khoản “{username}” (kyso-server admin list-users) / no such user")
    return user


def _unit(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise AdminError(f"Không có đơn vị “{code}”: tạo bằng kyso-server admin add-unit / no such unit")
    return unit


def _role_spec(session: Session, spec: str) -> tuple[Unit, str]:
    code, sep, role = spec.rpartition(":")
    if not sep or role not in ROLES:
        raise AdminError(f"Vai trò “{spec}” phải có dạng <mã đơn vị>:<vai trò>, vai trò là một trong "
                         f"{', '.join(ROLES)} / role must be UNIT:ROLE")
    return _unit(session, code), role


def read_new_password(args, username: str) -> str:
    """From ``--password-env NAME``, ``--password-stdin`` or a no-echo prompt (twice)."""
    if getattr(args, "password_env", None):
        value = os.environ.get(args.password_env)
        if not value:
            raise AdminError(f"Biến môi trường {args.password_env} trống / environment variable is empty")
    elif getattr(args, "password_stdin", False):
        value = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        value = getpass.getpass(f"Mật khẩu mới cho {username} / new password: ")
        if getpass.getpass("Nhập lại / again: ") != value:
            raise AdminError("Hai lần nhập không khớp / the passwords differ")
    else:
        raise AdminError("Cần mật khẩu: chạy trong terminal, hoặc --password-env TÊN_BIẾN, hoặc --password-stdin "
                         "/ a password is needed")
    if len(value) < MIN_PASSWORD:
        raise AdminError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự / at least {MIN_PASSWORD} characters")
    return value


def _read_certificate(path: Path) -> bytes:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AdminError(f"Không đọc được tệp {path} / cannot read the file: {exc.strerror}") from exc
    der = pem.unarmor(raw)[2] if pem.detect(raw) else raw
    try:
        _ = asn1_x509.Certificate.load(der).native     # parses the whole certificate
    except Exception as exc:
        raise AdminError(f"{path} không phải chứng thư số X.509 (PEM/DER) / not a certificate") from exc
    return der


def _cert_line(session: Session, c: Certificate) -> str:
    owner = session.get(User, c.user_id)
    until = c.not_after.date().isoformat() if c.not_after else "-"
    return f"{c.sha256[:16]}  {c.status:<7} {c.source:<8} {owner.username if owner else '?':<16} {until}  {c.subject}"


# -- commands -----------------------------------------------------------------------------

Command = Callable[[Session, argparse.Namespace, Settings], str]


def cmd_add_unit(s: Session, a, settings) -> str:
    if s.scalar(select(Unit.id).where(Unit.code == a.code)) is not None:
        raise AdminError(f"Đơn vị “{a.code}” đã có / unit exists")
    parent = _unit(s, a.parent) if a.parent else None
    if a.kind == "office" and parent is None:
        raise AdminError("Văn phòng (office) phải có --parent là UBND mà nó giúp việc / an office needs --parent")
    unit = Unit(code=a.code, name=a.name, kind=a.kind, organ_id=a.organ_id, parent_id=parent.id if parent else None)
    s.add(unit)
    s.flush()
    security_event(s, settings.clock(), "unit_created", detail=f"{a.code} {a.kind} {a.name}")
    return f"unit {a.code} (id {unit.id})"


def cmd_list_units(s: Session, a, settings) -> str:
    rows = s.scalars(select(Unit).order_by(Unit.id))
    codes = {u.id: u.code for u in s.scalars(select(Unit))}
    return "\n".join(f"{u.code:<16} {u.kind:<10} {codes.get(u.parent_id, '-'):<16} {u.organ_id or '-':<16} {u.name}"
                     for u in rows)


def cmd_add_user(s: Session, a, settings) -> str:
    if s.scalar(select(User.id).where(User.username == a.username)) is not None:
        raise AdminError(f"Tài khoản “{a.username}” đã có; đổi mật khẩu bằng set-password / user exists")
    roles = [_role_spec(s, r) for r in a.role]
    user = User(username=a.username, full_name=a.name, position=a.position,
                password_hash=hash_password(read_new_password(a, a.username)))
    s.add(user)
    s.flush()
    for unit, role in roles:
        s.add(RoleAssignment(user_id=user.id, unit_id=unit.id, role=role))
    security_event(s, settings.clock(), "user_created", a.username,
                   detail="roles " + ", ".join(f"{u.code}:{r}" for u, r in roles))
    return f"user {a.username} (id {user.id})"


def cmd_set_password(s: Session, a, settings) -> str:
    user = _user(s, a.username)
    user.password_hash = hash_password(read_new_password(a, a.username))
    s.execute(delete(AuthToken).where(AuthToken.user_id == user.id))  # logged out everywhere
    security_event(s, settings.clock(), "password_reset", a.username)
    return f"password set for {a.username}; existing logins ended"


def cmd_grant_role(s: Session, a, settings) -> str:
    user = _user(s, a.username)
    unit, role = _role_spec(s, a.role)
    if any(r.unit_id == unit.id and r.role == role for r in user.roles):
        return f"{a.username} already {unit.code}:{role}"
    s.add(RoleAssignment(user_id=user.id, unit_id=unit.id, role=role))
    security_event(s, settings.clock(), "role_granted", a.username, detail=f"{unit.code}:{role}")
    return f"{a.username} + {unit.code}:{role}"


def cmd_revoke_role(s: Session, a, settings) -> str:
    user = _user(s, a.username)
    unit, role = _role_spec(s, a.role)
    n = s.execute(delete(RoleAssignment).where(RoleAssignment.user_id == user.id, RoleAssignment.unit_id == unit.id,
                                               RoleAssignment.role == role)).rowcount
    security_event(s, settings.clock(), "role_revoked", a.username, detail=f"{unit.code}:{role}")
    return f"{a.username} - {unit.code}:{role}" if n else f"{a.username} did not have {unit.code}:{role}"


def cmd_list_users(s: Session, a, settings) -> str:
    lines = []
    for u in s.scalars(select(User).order_by(User.username)):
        roles = ", ".join(f"{r.unit.code}:{r.role}" for r in u.roles) or "-"
        lines.append(f"{u.username:<16} {'DISABLED' if u.disabled else 'active':<8} {roles:<40} {u.full_name}")
    return "\n".join(lines)


def cmd_disable_user(s: Session, a, settings) -> str:
    user = _user(s, a.username)
    user.disabled = True
    s.execute(delete(AuthToken).where(AuthToken.user_id == user.id))
    security_event(s, settings.clock(), "user_disabled", a.username)
    return f"disabled {a.username}; existing logins ended"


def cmd_enable_user(s: Session, a, settings) -> str:
    user = _user(s, a.username)
    user.disabled = False
    security_event(s, settings.clock(), "user_enabled", a.username)
    return f"enabled {a.username}"


def cmd_register_cert(s: Session, a, settings) -> str:
    """An administrator registers a certificate from a file for a user: active at
    once (the administrator vouches for it), source ``admin``."""
    from .certreg import _describe
    from .pdfcheck import validate_certificate
    from .service import trust_config

    user = _user(s, a.username)
    der = _read_certificate(Path(a.file))
    now = settings.clock()
    if settings.trust_roots:
        from .errors import ApiError

        class _Ctx:  # trust_config only reads settings
            pass

        ctx = _Ctx()
        ctx.settings = settings
        try:
            validate_certificate(der, trust_config(ctx, now))
        except ApiError as exc:
            raise AdminError(f"{exc.message} ({exc.code})") from exc
    sha = hashlib.sha256(der).hexdigest()
    existing = s.scalar(select(Certificate).where(Certificate.sha256 == sha))
    if existing is not None:
        if existing.user_id != user.id:
            owner = s.get(User, existing.user_id)
            raise AdminError(f"Chứng thư số đã đăng ký cho {owner.username if owner else '?'}; thu hồi trước bằng "
                             f"kyso-server admin release-certificate {sha[:16]} / registered to another account")
        existing.status, existing.source, existing.approved_at, existing.approved_by = CERT_ACTIVE, "admin", now, "admin"
        security_event(s, now, "certificate_approved", user.username, detail=f"sha256={sha} registered by admin")
        return f"{sha} active for {user.username} (already registered)"
    subject, serial, not_after = _describe(der)
    s.add(Certificate(user_id=user.id, sha256=sha, der=der, subject=subject, serial=serial, not_after=not_after,
                      created_at=now, status=CERT_ACTIVE, source="admin", approved_at=now, approved_by="admin"))
    security_event(s, now, "certificate_registered", user.username, detail=f"sha256={sha} subject={subject} by admin")
    note = "" if settings.trust_roots else " (not checked against trust roots: give --trust to check now; " \
                                           "the server checks at every signature)"
    return f"{sha} active for {user.username}{note}"


def cmd_list_certs(s: Session, a, settings) -> str:
    q = select(Certificate).order_by(Certificate.id)
    if a.pending:
        q = q.where(Certificate.status == "pending")
    if a.user:
        q = q.where(Certificate.user_id == _user(s, a.user).id)
    return "\n".join(_cert_line(s, c) for c in s.scalars(q))


def cmd_approve_cert(s: Session, a, settings) -> str:
    from .certreg import approve, find_certificate

    row = find_certificate(s, a.cert)
    if row is None:
        raise AdminError(f"Không tìm thấy chứng thư số “{a.cert}” (kyso-server admin list-certs --pending) "
                         "/ no such certificate (id, SHA-256 or an unambiguous prefix of ≥ 8 hex digits)")
    owner = s.get(User, row.user_id)
    if a.user and (owner is None or owner.username != a.user):
        raise AdminError(f"Chứng thư số này thuộc {owner.username if owner else '?'}, không phải {a.user} "
                         "/ it belongs to another account")
    changed = approve(s, row, settings.clock())
    return ("approved " if changed else "already active ") + _cert_line(s, row)


def cmd_release_certificate(s: Session, a, settings) -> str:
    ok = release_certificate(s, a.cert, settings.clock())
    return "released" if ok else f"no certificate {a.cert}"


def cmd_add_register(s: Session, a, settings) -> str:
    now = settings.clock()
    row = create_register(s, a.key, now)
    security_event(s, now, "register_created", detail=row.key)
    return f"register {row.key}"


def cmd_unlock_account(s: Session, a, settings) -> str:
    return f"unlocked {a.username}" if unlock_account(s, a.username, settings.clock()) else f"no such user: {a.username}"


def cmd_unlock_address(s: Session, a, settings) -> str:
    return f"{unlock_address(s, a.address, settings.clock())} failures cleared for {a.address}"


def cmd_security_log(s: Session, a, settings) -> str:
    rows = s.scalars(select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(a.limit))
    return "\n".join(f"{e.at.isoformat()} {e.kind} {e.username or '-'} {e.client_ip or '-'} {e.detail or ''}"
                     for e in rows)


# -- parser ---------------------------------------------------------------------------------


def _password_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--password-env", metavar="NAME",
                   help="đọc mật khẩu từ biến môi trường NAME / read the password from environment variable NAME")
    g.add_argument("--password-stdin", action="store_true",
                   help="đọc một dòng mật khẩu từ stdin / read one line from stdin")


def build_parser(prog: str = "kyso-server admin") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Quản trị máy chủ văn bản Kyso / administer the server")
    p.add_argument("--db", default="", help="SQLAlchemy URL (mặc định: SQLite trong thư mục dữ liệu)")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, fn: Command, help: str, aliases=()):
        sp = sub.add_parser(name, help=help, aliases=list(aliases))
        sp.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        sp.set_defaults(fn=fn)
        return sp

    sp = add("add-unit", cmd_add_unit, "tạo đơn vị / create a unit")
    sp.add_argument("code")
    sp.add_argument("--name", required=True)
    sp.add_argument("--kind", choices=UNIT_KINDS, required=True,
                    help="committee (UBND), office (Văn phòng, giúp việc UBND --parent), department (phòng ban)")
    sp.add_argument("--parent", help="mã đơn vị cấp trên / parent unit code")
    sp.add_argument("--organ-id", help="mã định danh edXML, ví dụ 000.00.00.H31")
    add("list-units", cmd_list_units, "liệt kê đơn vị / list units")

    sp = add("add-user", cmd_add_user, "tạo tài khoản / create a user")
    sp.add_argument("username")
    sp.add_argument("--name", required=True, help="họ và tên / full name")
    sp.add_argument("--position", help="chức vụ / position")
    sp.add_argument("--role", action="append", default=[], metavar="UNIT:ROLE",
                    help=f"lặp lại được; vai trò: {', '.join(ROLES)}")
    _password_options(sp)
    sp = add("set-password", cmd_set_password, "đặt lại mật khẩu / reset a password", aliases=["reset-password"])
    sp.add_argument("username")
    _password_options(sp)
    for name, fn, h in (("grant-role", cmd_grant_role, "thêm vai trò / grant a role"),
                        ("revoke-role", cmd_revoke_role, "bỏ vai trò / revoke a role")):
        sp = add(name, fn, h)
        sp.add_argument("username")
        sp.add_argument("role", metavar="UNIT:ROLE")
    add("list-users", cmd_list_users, "liệt kê tài khoản / list users")
    for name, fn, h in (("disable-user", cmd_disable_user, "khóa tài khoản (thu hồi) / disable (revoke) an account"),
                        ("enable-user", cmd_enable_user, "mở lại tài khoản / enable an account"),
                        ("unlock-account", cmd_unlock_account, "mở khóa đăng nhập sai nhiều lần / unlock throttling")):
        sp = add(name, fn, h)
        sp.add_argument("username")

    sp = add("register-cert", cmd_register_cert, "đăng ký chứng thư số từ tệp PEM/DER cho tài khoản "
                                                 "/ register a user's certificate from a file")
    sp.add_argument("username")
    sp.add_argument("file")
    sp.add_argument("--trust", action="append", default=[], metavar="PATH",
                    help="kiểm tra với chứng thư gốc này ngay / check against these trust roots now")
    sp = add("list-certs", cmd_list_certs, "liệt kê chứng thư số đã đăng ký / list certificates")
    sp.add_argument("--pending", action="store_true", help="chỉ chứng thư chờ phê duyệt / pending only")
    sp.add_argument("--user")
    sp = add("approve-cert", cmd_approve_cert, "phê duyệt chứng thư số chờ duyệt / approve a pending certificate")
    sp.add_argument("cert", metavar="ID|SHA256|PREFIX")
    sp.add_argument("--user", help="chỉ phê duyệt nếu thuộc tài khoản này / only if it belongs to this user")
    sp = add("release-certificate", cmd_release_certificate, "xóa đăng ký chứng thư số / release a certificate",
             aliases=["release-cert"])
    sp.add_argument("cert", metavar="ID|SHA256|PREFIX")

    sp = add("add-register", cmd_add_register, "mở sổ đăng ký văn bản đi / open a number register")
    sp.add_argument("key", metavar="UNIT:NOTATION")
    sp = add("unlock-address", cmd_unlock_address, "xóa lần đăng nhập sai của một địa chỉ / unlock an address")
    sp.add_argument("address")
    sp = add("security-log", cmd_security_log, "nhật ký an ninh / the security log")
    sp.add_argument("--limit", type=int, default=100)
    return p


def run(settings: Settings, fn: Command, args: argparse.Namespace) -> str:
    engine = make_engine(settings.db_url)
    upgrade_schema(engine)
    try:
        with make_sessionmaker(engine).begin() as session:
            return fn(session, args, settings)
    finally:
        engine.dispose()


def main(argv: list[str], prog: str = "kyso-server admin") -> int:
    from .config import load_trust

    args = build_parser(prog).parse_args(argv)
    settings = Settings(db_url=args.db)
    trust = getattr(args, "trust", None)
    if trust:
        settings.trust_roots, settings.intermediates, settings.crls = load_trust(trust)
    try:
        out = run(settings, args.fn, args)
    except AdminError as exc:
        print(f"kyso-server: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # e.g. a malformed register key
        print(f"kyso-server: {exc}", file=sys.stderr)
        return 2
    if out:
        print(out)
    return 0


def run_admin(settings: Settings, command: str, value: str) -> str:
    """The older single-value form (``kyso-server unlock-account NAME``)."""
    parser = build_parser()
    args = parser.parse_args([command, value] if value else [command])
    return run(settings, args.fn, args)
