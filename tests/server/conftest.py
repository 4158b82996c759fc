"""Fixtures: a server app per test on SQLite and on PostgreSQL, seeded with demo data."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kyso_server import demo
from kyso_server.app import create_app
from kyso_server.config import Settings

from .pg import PgCluster
from .pki import TestPki

SIGNERS = ("chanhvp", "chutich", "phochutich", "vanthu", "truongphong", "vanthutp", "chutichphuong", "vanthuphuong")


class FakeClock:
    """Injected clock: tests move time across 1 January and throttling windows."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def pki() -> TestPki:
    p = TestPki()
    for who in (*SIGNERS, "mallory"):
        p.signer(who)
    return p


@pytest.fixture(scope="session")
def demo_inputs(pki: TestPki) -> dict[str, Any]:
    """Seeding inputs shared by all tests: a cheap argon2 hash (verification
    cost follows the stored hash's parameters) and memoised demo signatures."""
    from argon2 import PasswordHasher

    cache: dict[tuple[str, bytes], bytes] = {}

    def sign(who: str, data: bytes) -> bytes:
        key = (who, data)
        if key not in cache:
            cache[key] = pki.sign(who, data)
        return cache[key]

    return {
        "sign": sign,
        "certificates": {who: [pki.der(who)] for who in SIGNERS},
        "password_hash": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("demo"),
    }


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster | None]:
    cluster = PgCluster()
    try:
        cluster.start()
    except Exception as exc:  # noqa: BLE001 - reported through skip/fail
        cluster.stop()
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL could not be started in CI: {exc}")
        yield None
        return
    yield cluster
    cluster.stop()


_db_counter = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kyso.sqlite3'}"
    cluster = request.getfixturevalue("pg_cluster")
    if cluster is None:
        pytest.skip("PostgreSQL (initdb/pg_ctl) could not be started on this machine; CI unset")
    return cluster.create_database(f"kyso_{os.getpid()}_{next(_db_counter)}")


@dataclass
class Server:
    app: FastAPI
    clock: FakeClock
    settings: Settings
    pki: TestPki
    client: TestClient
    _tokens: dict[str, str]

    def token(self, username: str) -> str:
        if username not in self._tokens:
            r = self.client.post("/api/v1/auth/login", json={"username": username, "password": "demo"})
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return self._tokens[username]

    def h(self, username: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}", **extra}

    def get(self, username: str, url: str, **kw: Any):
        return self.client.get(url, headers=self.h(username, **kw.pop("headers", {})), **kw)

    def post(self, username: str, url: str, **kw: Any):
        return self.client.post(url, headers=self.h(username, **kw.pop("headers", {})), **kw)

    def doc_by_subject(self, username: str, prefix: str) -> dict[str, Any]:
        items = self.get(username, "/api/v1/inbox").json()["items"]
        return next(i["document"] for i in items if i["document"]["subject"].startswith(prefix))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc))


@pytest.fixture
def server(
    db_url: str, tmp_path: Path, clock: FakeClock, pki: TestPki, demo_inputs: dict[str, Any]
) -> Iterator[Server]:
    settings = Settings(db_url=db_url, files_dir=tmp_path / "files", clock=clock, trust_roots=[pki.root_der])
    app = create_app(settings)
    ctx = app.state.ctx
    with ctx.sessions.begin() as session:
        demo.seed(session, settings.files_dir, now=clock.now, **demo_inputs)
    with TestClient(app) as client:
        yield Server(app=app, clock=clock, settings=settings, pki=pki, client=client, _tokens={})
    ctx.engine.dispose()
