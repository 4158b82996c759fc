"""`kyso-server` console script: run the reference server with Uvicorn."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from .config import Settings, default_data_dir


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kyso-server", description="Máy chủ văn bản tham chiếu Kyso",
                                epilog="Quản trị / administration: kyso-server admin --help")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--db", default="", help="SQLAlchemy URL (mặc định: SQLite trong thư mục dữ liệu)")
    p.add_argument("--files", default="", help="Thư mục lưu tệp (mặc định: <dữ liệu>/files)")
    p.add_argument("--demo", action="store_true", help="Tạo dữ liệu mẫu nếu cơ sở dữ liệu còn trống")
    p.add_argument("--ssl-certfile", default=None)
    p.add_argument("--ssl-keyfile", default=None)
    p.add_argument("--log-level", default="info")
    p.add_argument("--trust", action="append", default=[], metavar="PATH",
                   help="Chứng thư gốc tin cậy: tệp hoặc thư mục PEM/DER (*.pem, *.crt, *.cer, *.der; "
                        "*.crl là danh sách thu hồi). Có thể lặp lại. Không có: máy chủ không nhận chữ ký số.")
    p.add_argument("--fetch-revocation", action="store_true",
                   help="Cho phép máy chủ tải CRL/OCSP ghi trong chứng thư số")
    p.add_argument("--auto-approve-certs", action="store_true",
                   help="Chứng thư số đăng ký có chứng minh giữ khóa được dùng ngay, không chờ quản trị phê duyệt")
    p.add_argument("--require-proof", action="store_true",
                   help="Chỉ nhận đăng ký chứng thư số có chứng minh giữ khóa (kyso register-cert)")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR",
                   help="Địa chỉ/mạng của reverse proxy được tin X-Forwarded-For (mặc định: không có)")
    return p.parse_args(argv)


#: The older spellings, without ``admin`` (``kyso-server unlock-account NAME``).
LEGACY_ADMIN_COMMANDS = ("unlock-account", "unlock-address", "add-register", "release-certificate", "security-log")


def admin(argv: list[str], prog: str = "kyso-server admin") -> int:
    """`kyso-server admin <command> ...`: see :mod:`kyso_server.admin`."""
    from .admin import main as admin_main

    return admin_main(argv, prog)


def main(argv: list[str] | None = None) -> None:
    import sys

    import uvicorn

    from .app import create_app
    from .config import load_trust

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "admin":
        raise SystemExit(admin(argv[1:]))
    if argv and argv[0] in LEGACY_ADMIN_COMMANDS:
        raise SystemExit(admin(argv, prog="kyso-server"))
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    files = Path(args.files) if args.files else default_data_dir() / "files"
    roots, intermediates, crls = load_trust(args.trust)
    if not roots:
        logging.getLogger("kyso_server").warning("no --trust roots: every signed upload will be refused")
    settings = Settings(db_url=args.db, files_dir=files, trust_roots=roots, intermediates=intermediates, crls=crls,
                        fetch_revocation=args.fetch_revocation, trusted_proxies=args.trusted_proxy,
                        auto_approve_certs=args.auto_approve_certs,
                        allow_unproven_registration=not args.require_proof)
    app = create_app(settings)
    if args.demo:
        from . import demo

        ctx = app.state.ctx
        with ctx.sessions.begin() as session:
            created = demo.seed(session, ctx.settings.files_dir, pdf_factory=_sample_pdfs())
        logging.getLogger("kyso_server").info("demo data: %s", "seeded" if created else "already present")
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise SystemExit("--ssl-certfile và --ssl-keyfile phải đi cùng nhau")
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level=args.log_level,
        # Access logs carry URLs only, never Authorization headers.
        access_log=True,
    )



def _sample_pdfs():
    """Realistic Decree 30 PDFs for the demo documents, when the Kyso client package
    (which makes them) is installed beside the server; else the seed's minimal PDFs."""
    try:
        from kyso.demo.samples import server_pdf_factory
    except ImportError:
        return None
    return server_pdf_factory


if __name__ == "__main__":
    main()
