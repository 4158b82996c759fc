"""Engine and session plumbing for SQLite (default, WAL) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL so readers never block the writer."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


#: Columns added after the first release: (table, column, DDL type and default).
#: ``Base.metadata.create_all`` creates missing tables but never alters one, so
#: an existing database gets them here (SQLite and PostgreSQL alike).
_ADDED_COLUMNS = (
    ("users", "disabled", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("certificates", "status", "VARCHAR(16) NOT NULL DEFAULT 'active'"),
    ("certificates", "source", "VARCHAR(16) NOT NULL DEFAULT 'unproven'"),
    ("certificates", "approved_at", "TIMESTAMP WITH TIME ZONE"),
    ("certificates", "approved_by", "VARCHAR(64)"),
)


def upgrade_schema(engine: Engine) -> None:
    """Create missing tables, then add the columns an older database lacks."""
    from sqlalchemy import inspect, text

    from .models import Base

    Base.metadata.create_all(engine)
    insp = inspect(engine)
    with engine.begin() as conn:
        for table, column, ddl in _ADDED_COLUMNS:
            if column not in {c["name"] for c in insp.get_columns(table)}:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
