"""Session fixtures: a real test PKI, SoftHSM2 tokens, opencryptoki, services.

No mocks: the signing core is tested against real PKCS#11 modules and real
OCSP/CRL/TSA responses.  Everything expensive is built once per session.

SOFTHSM2_CONF is exported in ``pytest_configure`` -- before any test module
is imported -- because SoftHSM2 reads it only at C_Initialize and a process
that initialised it earlier would never see our tokens (it also does not see
tokens created after its C_Initialize; see kyso.demo.softhsm).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from kyso.demo.pki import TestPki, build_test_pki, free_loopback_port, serve_pki_services
from kyso.demo.softhsm import SoftHsmSetup, create_softhsm_tokens

USER_PIN = "123456"
SO_PIN = "12345678"

#: token label -> identity names, as the product's demo uses them
SOFTHSM_TOKENS = {
    "KYSO-REVIEWER": ["reviewer"],
    "KYSO-LEADER": ["leader"],
    "KYSO-UNITHEAD": ["unit_head"],
    "KYSO-CLERK": ["agency"],
    "KYSO-MISC": ["expired", "revoked", "encrypt_only", "expiring_soon", "always_auth"],
}

_SESSION_DIR: Path | None = None


def pytest_configure(config):
    global _SESSION_DIR
    _SESSION_DIR = Path(tempfile.mkdtemp(prefix="kyso-tests-"))
    os.environ["SOFTHSM2_CONF"] = str(_SESSION_DIR / "softhsm" / "softhsm2.conf")


def pytest_unconfigure(config):
    if _SESSION_DIR is not None:
        shutil.rmtree(_SESSION_DIR, ignore_errors=True)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skip_or_fail(reason: str):
    """Missing machine capability: skip locally, fail loudly in CI."""
    if _in_ci():
        pytest.fail(f"required test infrastructure unavailable in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pki_port() -> int:
    """Loopback port the PKI services will use; baked into AIA/CRL-DP."""
    return free_loopback_port()


@pytest.fixture(scope="session")
def test_pki(pki_port) -> TestPki:
    """The test PKI, built once per session; URLs point at ``pki_services``."""
    return build_test_pki(_SESSION_DIR / "pki", f"http://127.0.0.1:{pki_port}")


@pytest.fixture(scope="session")
def pki_services(test_pki, pki_port):
    """OCSP/CRL/TSA served on loopback for the session; yields the base URL.

    Use ``test_pki.tsa_url`` / ``test_pki.ocsp_url`` for endpoints.
    """
    with serve_pki_services(test_pki, port=pki_port) as url:
        yield url


@pytest.fixture(scope="session")
def softhsm(test_pki) -> SoftHsmSetup:
    """Five SoftHSM2 tokens (see SOFTHSM_TOKENS), user PIN 123456."""
    base = Path(os.environ["SOFTHSM2_CONF"]).parent
    tokens = {
        label: [test_pki.identities[n] for n in names]
        for label, names in SOFTHSM_TOKENS.items()
    }
    setup = create_softhsm_tokens(
        base, tokens, USER_PIN, SO_PIN, ca_certs=[test_pki.intermediate_cert_der]
    )
    # pytest_configure already pointed SOFTHSM2_CONF here; keep it in sync.
    assert os.environ["SOFTHSM2_CONF"] == setup.env["SOFTHSM2_CONF"]
    os.environ.update(setup.env)
    return setup


@pytest.fixture(scope="session")
def _opencryptoki_daemon():
    from support.opencryptoki import OpencryptokiUnavailable, slot_daemon

    try:
        cm = slot_daemon()
        started = cm.__enter__()
    except OpencryptokiUnavailable as exc:
        skip_or_fail(str(exc))
    try:
        yield started
    finally:
        cm.__exit__(None, None, None)


@pytest.fixture
def opencryptoki(_opencryptoki_daemon, test_pki):
    """opencryptoki sw token, re-initialised for every test (~50 ms).

    Holds the ``leader`` identity; user PIN 1234; locks after 3 wrong PINs.
    """
    from support.opencryptoki import OpencryptokiUnavailable, prepare_token

    try:
        tok = prepare_token(test_pki.identities["leader"])
    except OpencryptokiUnavailable as exc:
        skip_or_fail(str(exc))
    return tok


# -- fixtures for the core and CLI tests ------------------------------------------


@pytest.fixture(autouse=True)
def kyso_home(tmp_path, monkeypatch):
    """Every test gets its own config/state/log folders (PIN-failure ledger too)."""
    home = tmp_path / "kyso-home"
    monkeypatch.setenv("KYSO_HOME", str(home))
    monkeypatch.setenv("KYSO_FONT", "bundled")
    monkeypatch.delenv("KYSO_PIN", raising=False)
    monkeypatch.delenv("KYSO_PKCS11_MODULE", raising=False)
    return home


@pytest.fixture
def run_kyso(softhsm):
    """Run the real ``kyso`` command in a child process; returns CompletedProcess."""
    import subprocess as _sp
    import sys as _sys

    def run(*args, pin: str | None = None, env: dict | None = None, timeout: float = 120):
        full_env = dict(os.environ)
        full_env.update(softhsm.env)
        if pin is not None:
            full_env["KYSO_PIN"] = pin
        full_env.update(env or {})
        return _sp.run([_sys.executable, "-m", "kyso.cli", *map(str, args)], env=full_env,
                       capture_output=True, text=True, timeout=timeout, stdin=_sp.DEVNULL)

    return run
