"""Request-scoped dependencies: the app context and a database session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .config import Settings
from .db import session_scope
from .storage import FileStore


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: FileStore


def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns normally.

    Declared with ``scope="function"`` wherever it is used, so the commit happens
    before the response leaves: a client must never see a 2xx for a change that
    is not yet stored (with the default scope FastAPI commits after sending).
    """
    with session_scope(get_ctx(request).sessions) as session:
        yield session
