"""`kyso-server` console script: run the reference server with Uvicorn."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from .config import Settings, default_data_dir


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kyso-server", description="Máy chủ văn bản tham chiếu Kyso")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--db", default="", help="SQLAlchemy URL (mặc định: SQLite trong thư mục dữ liệu)")
    p.add_argument("--files", default="", help="Thư mục lưu tệp (mặc định: <dữ liệu>/files)")
    p.add_argument("--demo", action="store_true", help="Tạo dữ liệu mẫu nếu cơ sở dữ liệu còn trống")
    p.add_argument("--ssl-certfile", default=None)
    p.add_argument("--ssl-keyfile", default=None)
    p.add_argument("--log-level", default="info")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from .app import create_app

    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    files = Path(args.files) if args.files else default_data_dir() / "files"
    settings = Settings(db_url=args.db, files_dir=files)
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


if __name__ == "__main__":
    main()


def _sample_pdfs():
    """Realistic Decree 30 PDFs for the demo documents, when the Kyso client package
    (which makes them) is installed beside the server; else the seed's minimal PDFs."""
    try:
        from kyso.demo.samples import server_pdf_factory
    except ImportError:
        return None
    return server_pdf_factory
