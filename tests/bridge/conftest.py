"""Fixtures of the bridge tests: its TLS files, a browser HOME trusting its CA, the
service in-process on a free port, the web system, the demo settings."""

from __future__ import annotations

import asyncio

import pytest

from kyso.bridge import tls
from kyso.bridge.operations import Bridge, Unattended
from kyso.bridge.server import BridgeService, server_ssl_context
from kyso.core import settings as store
from kyso.demo.settings import demo_settings
from kyso.services.tokens import TokenCriteria

from .harness import Chromium, WebSystem, chromium_binary


@pytest.fixture(scope="session")
def bridge_tls(tmp_path_factory):
    """The bridge's CA and server certificate, and a HOME whose NSS database
    trusts the CA (made by ``certutil``, as ``kyso bridge install-cert`` does)."""
    base = tmp_path_factory.mktemp("bridge-tls")
    files = tls.make_certificates(tls.cert_files(base / "certs"))
    home = base / "home"
    report = tls.trust_ca(files.ca_cert, home=home)
    assert report.added == [str(home / ".pki" / "nssdb")], report
    return files, home


@pytest.fixture
def web():
    with WebSystem() as system:
        yield system


@pytest.fixture
def configured(kyso_home, web):
    """The demo settings (specimen images) with the web system's origin allowed, saved."""
    store.save(demo_settings(bridge_allowed_origins=(web.origin,)))
    return store.load()


@pytest.fixture
def start_bridge(bridge_tls, softhsm, configured):
    """``start_bridge(token, attendant=Unattended(PIN))`` → a running service on a free port."""
    files, _ = bridge_tls
    services = []

    def start(token: str | None = "KYSO-LEADER", attendant=None, **kw) -> BridgeService:
        bridge = Bridge(TokenCriteria(module=str(softhsm.module_path), token=token),
                        attendant or Unattended(softhsm.user_pin), **kw)
        service = BridgeService(bridge, server_ssl_context(files.cert, files.key), port=0).start()
        services.append(service)
        return service

    yield start
    for s in services:
        s.stop()


@pytest.fixture
def browser(bridge_tls, tmp_path):
    """``async with browser(*extra_args) as chromium``: headless Chromium trusting the CA."""
    if chromium_binary() is None:
        import os

        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail("chromium is not installed (scripts/setup.sh installs it)")
        pytest.skip("chromium is not installed (scripts/setup.sh installs it)")
    _, home = bridge_tls
    counter = [0]

    def make(*extra_args):
        counter[0] += 1
        return Chromium(home, tmp_path / f"chromium-profile-{counter[0]}", tuple(extra_args))

    return make


def run(coro):
    return asyncio.run(coro)


def page_url(web: WebSystem, service: BridgeService) -> str:
    return web.url(f"/page.html?port={service.port}")
