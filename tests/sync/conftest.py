"""Sync fixtures: the REAL reference server on loopback (uvicorn in a thread,
SQLite in a tmp dir, the demo seed), the test PKI's certificates registered for
the users who sign, real SoftHSM2 tokens, and an in-memory keyring.

The keyring backend is defined here, in the test suite, on purpose: the product
refuses file-based backends (see kyso.sync.credentials).
"""

from __future__ import annotations

import contextlib

from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest

from kyso.core import tokens
from kyso.sync.api import ServerClient
from kyso.sync.credentials import MemoryKeyring
from kyso_server.embedded import EmbeddedServer
from kyso.sync.outbox import RetryPolicy

PASSWORD = "demo"
#: server user -> test PKI identity whose certificate they sign with
SIGNER_IDENTITIES = {"chanhvp": "reviewer", "chutich": "leader", "vanthu": "agency"}
TOKEN_LABELS = {"chanhvp": "KYSO-REVIEWER", "chutich": "KYSO-LEADER", "vanthu": "KYSO-CLERK"}
FAST_RETRY = RetryPolicy(tries=5, base=0.01, cap=0.05)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


class LiveServer(EmbeddedServer):
    """The reference server in a uvicorn thread; stop() and start() keep its data."""

    def __init__(self, tmp: Path, pdf_factory=None, trust_roots=None, intermediates=None):
        from argon2 import PasswordHasher

        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
        super().__init__(tmp, pdf_factory=pdf_factory, password_hash=cheap, trust_roots=trust_roots,
                         intermediates=intermediates)

    def client(self, user: str, base_url: str | None = None) -> ServerClient:
        c = ServerClient(base_url or self.url, timeout=(2.0, 20.0), upload_timeout=(2.0, 30.0))
        c.login(user, PASSWORD)
        return c


@contextlib.contextmanager
def running_server(tmp: Path, test_pki, pdf_factory=None):
    """The reference server, started, with the three signers' certificates registered."""
    srv = LiveServer(tmp, pdf_factory=pdf_factory, trust_roots=[test_pki.root_cert_der],
                     intermediates=[test_pki.intermediate_cert_der])
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
