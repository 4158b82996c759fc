"""App factory: `create_app(settings)` builds a self-contained server instance."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from . import __version__
from .config import Settings
from .db import make_engine, make_sessionmaker, upgrade_schema
from .deps import AppContext
from .errors import install_error_handlers
from .limits import BodyLimitMiddleware
from .routes import auth, documents, inbox, me, registers, reports
from .storage import FileStore

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.db_url)
    upgrade_schema(engine)
    ctx = AppContext(settings=settings, engine=engine, sessions=make_sessionmaker(engine), store=FileStore(settings.files_dir))
    app = FastAPI(
        title="Kyso document server",
        version=__version__,
        description="Máy chủ văn bản tham chiếu của Kyso: quy trình trình ký, ký số và phát hành. Xem API.md.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    install_error_handlers(app)
    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, me, documents, inbox, registers, reports):
        api.include_router(module.router)
    app.include_router(api)
    return app
