"""Sync fixtures: the REAL reference server on loopback (uvicorn in a thread,
SQLite in a tmp dir, the demo seed), the test PKI's certificates registered for
the users who sign, real SoftHSM2 tokens, and an in-memory keyring.

The keyring backend is defined here, in the test suite, on purpose: the product
refuses file-based backends (see kyso.sync.credentials).
"""

from __future__ import annotations

import contextlib

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from kyso.core import tokens
from kyso.sync.api import ServerClient
from kyso.sync.outbox import RetryPolicy

PASSWORD = "demo"
#: server user -> test PKI identity whose certificate they sign with
SIGNER_IDENTITIES = {"chanhvp": "reviewer", "chutich": "leader", "vanthu": "agency"}
TOKEN_LABELS = {"chanhvp": "KYSO-REVIEWER", "chutich": "KYSO-LEADER", "vanthu": "KYSO-CLERK"}
FAST_RETRY = RetryPolicy(tries=5, base=0.01, cap=0.05)


class MemoryKeyring(KeyringBackend):
    """Test-only keyring: secrets live in this dict, never on disk."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The reference server in a uvicorn thread; stop() and start() keep its data."""

    def __init__(self, tmp: Path, pdf_factory=None):
        from argon2 import PasswordHasher

        from kyso_server import demo
        from kyso_server.app import create_app
        from kyso_server.config import Settings

        tmp.mkdir(parents=True, exist_ok=True)
        self.settings = Settings(db_url=f"sqlite:///{tmp / 'server.sqlite3'}", files_dir=tmp / "files")
        self.app = create_app(self.settings)
        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
        with self.app.state.ctx.sessions.begin() as session:
            demo.seed(session, self.settings.files_dir, pdf_factory=pdf_factory, password_hash=cheap)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread = None

    def start(self) -> None:
        import uvicorn

        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(15)
            self._server = None

    def client(self, user: str, base_url: str | None = None) -> ServerClient:
        c = ServerClient(base_url or self.url, timeout=(2.0, 20.0), upload_timeout=(2.0, 30.0))
        c.login(user, PASSWORD)
        return c


@contextlib.contextmanager
def running_server(tmp: Path, test_pki, pdf_factory=None):
    """The reference server, started, with the three signers' certificates registered."""
    srv = LiveServer(tmp, pdf_factory=pdf_factory)
    srv.start()
    try:
        for user, ident in SIGNER_IDENTITIES.items():
            srv.client(user).register_certificate(test_pki.identities[ident].cert_der)
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def live_server(tmp_path, test_pki):
    with running_server(tmp_path / "server", test_pki) as srv:
        yield srv


@pytest.fixture
def proxy(live_server):
    from .faultproxy import FaultProxy

    with FaultProxy(live_server.url) as p:
        yield p


@dataclass
class Signers:
    by_user: dict

    def __getitem__(self, user: str):
        return self.by_user[user]


@pytest.fixture(scope="module")
def token_signers(softhsm):
    """One logged-in SoftHSM2 session per signing user, per test module.

    Not per session: PKCS#11 login state belongs to the whole process, and
    tokens left logged in would change what later test modules see."""
    sessions, out = [], {}
    for user, label in TOKEN_LABELS.items():
        s = tokens.open_token(softhsm.module_path, label)
        s.login(softhsm.user_pin)
        sessions.append(s)
        out[user] = s.signer(s.certificate())
    yield Signers(out)
    for s in sessions:
        s.close()


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch):
    """``--lang en`` sets a process-wide language; each test starts in Vietnamese."""
    from kyso.core import messages

    monkeypatch.setattr(messages, "_language", None)
    monkeypatch.delenv("KYSO_LANG", raising=False)
