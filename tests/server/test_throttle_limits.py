"""Login throttling under concurrency and spoofing, numbers under load, report
scope, and body limits."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kyso_server import auth
from kyso_server.models import SecurityEvent

LOGIN = "/api/v1/auth/login"


def _client(server, host: str) -> TestClient:
    return TestClient(server.app, client=(host, 40000))


def _events(server) -> list[tuple[str, str | None, str | None]]:
    with server.app.state.ctx.sessions() as s:
        return [(e.kind, e.username, e.client_ip) for e in s.scalars(select(SecurityEvent).order_by(SecurityEvent.id))]


@pytest.fixture
def counted_password_checks(monkeypatch):
    """Counts password verifications and widens the race with a short sleep."""
    calls = []
    lock = threading.Lock()
    real = auth.verify_password

    def slow_verify(stored, password):
        with lock:
            calls.append(password)
        time.sleep(0.05)
        return real(stored, password)

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    return calls


def test_concurrent_guesses_are_counted_before_the_password_check(server, counted_password_checks):
    def guess(i: int) -> int:
        return server.client.post(LOGIN, json={"username": "chanhvp", "password": f"sai{i}"}).status_code

    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(guess, range(20)))
    assert len(counted_password_checks) <= server.settings.login_max_failures, counted_password_checks
    assert codes.count(401) == len(counted_password_checks)
    assert codes.count(429) == 20 - codes.count(401)
    # Refused while others were being checked: "busy", retry in a second. Once
    # the failures are in, the account is locked for the window, and audited.
    if len(counted_password_checks) == server.settings.login_max_failures:
        r = server.client.post(LOGIN, json={"username": "chanhvp", "password": "demo"})
        assert r.status_code == 429 and r.json()["detail"]["locked"] in ("account", "address")
        assert int(r.headers["Retry-After"]) > 60
        assert {k for k, _, _ in _events(server)} & {"account_locked", "address_locked"}
    assert len(counted_password_checks) <= server.settings.login_max_failures


def test_x_forwarded_for_ignored_unless_from_a_configured_proxy(server):
    spray = _client(server, "198.51.100.7")
    for i in range(server.settings.login_max_failures):
        r = spray.post(LOGIN, json={"username": f"doan{i}", "password": "x"},
                       headers={"X-Forwarded-For": f"203.0.113.{i}"})
        assert r.status_code == 401
    r = spray.post(LOGIN, json={"username": "vanthu", "password": "demo"}, headers={"X-Forwarded-For": "203.0.113.99"})
    assert r.status_code == 429 and r.json()["detail"]["locked"] == "address"
    assert ("address_locked", None, "198.51.100.7") in _events(server)

    # Behind a configured proxy, the proxy's X-Forwarded-For names the client;
    # what the client itself put in front of it is not believed.
    server.settings.trusted_proxies = ["10.0.0.0/8"]
    proxy = _client(server, "10.1.2.3")
    for i in range(server.settings.login_max_failures):
        r = proxy.post(LOGIN, json={"username": f"x{i}", "password": "x"},
                       headers={"X-Forwarded-For": f"192.0.2.{i}, 203.0.113.50"})
        assert r.status_code == 401
    r = proxy.post(LOGIN, json={"username": "vanthu", "password": "demo"},
                   headers={"X-Forwarded-For": "192.0.2.200, 203.0.113.50"})
    assert r.status_code == 429
    r = proxy.post(LOGIN, json={"username": "vanthu", "password": "demo"}, headers={"X-Forwarded-For": "203.0.113.51"})
    assert r.status_code == 200


def test_locked_account_usable_from_its_last_good_address_and_unlocked_by_admin(server):
    server.settings.trusted_proxies = ["10.0.0.0/8"]
    proxy = _client(server, "10.0.0.1")

    def login(ip: str, password: str):
        return proxy.post(LOGIN, json={"username": "chutich", "password": password}, headers={"X-Forwarded-For": ip})

    assert login("192.0.2.10", "demo").status_code == 200            # the official, at the office
    for i in range(server.settings.login_max_failures):              # an attacker, from several places
        assert login(f"203.0.113.{i}", "sai").status_code == 401
    r = login("203.0.113.77", "demo")
    assert r.status_code == 429 and r.json()["detail"]["locked"] == "account"
    assert login("192.0.2.10", "demo").status_code == 200            # still works at the office
    assert login("198.51.100.1", "demo").status_code == 429          # but not from a new place...
    with server.app.state.ctx.sessions.begin() as s:                 # ...until an administrator unlocks
        assert auth.unlock_account(s, "chutich", server.clock.now)
    assert login("198.51.100.1", "demo").status_code == 200
    kinds = [k for k, u, _ in _events(server) if u == "chutich"]
    assert kinds == ["account_locked", "account_unlocked"]


def test_twenty_clerks_get_distinct_consecutive_numbers(server):
    token = server.token("vanthu")

    def reserve(_: int):
        return server.client.post("/api/v1/registers/phuly:UBND-VP/next-number",
                                  headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(reserve, range(40)))
    assert [r.status_code for r in responses] == [200] * 40, [r.text for r in responses if r.status_code != 200][:3]
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == list(range(607, 647))


def test_unknown_register_and_report_scope(server):
    r = server.post("vanthu", "/api/v1/registers/phuly:KHONG-CO/next-number")
    assert r.status_code == 404 and r.json()["code"] == "register_not_found"
    assert "quản trị" in r.json()["message"]
    # A ward's clerk sees the ward only, not the city.
    r = server.get("vanthuphuong", "/api/v1/reports/signing-rate", params={"month": "2026-11"})
    assert r.status_code == 200
    assert [row["unit_name"] for row in r.json()["rows"]] == ["UBND phường Minh Khai"]
    assert r.json()["total"]["outgoing"] == 3
    # The city's leader covers the wards below it.
    rows = server.get("chutich", "/api/v1/reports/signing-rate", params={"month": "2026-11"}).json()["rows"]
    assert {row["unit_name"] for row in rows} == {"UBND thành phố Phủ Lý", "UBND phường Minh Khai"}


def test_oversized_upload_and_json_refused(server):
    from .helpers import create, upload

    doc = create(server)
    server.settings.max_upload_bytes = 64 * 1024
    r = upload(server, "chuyenvien", doc["id"], b"%PDF-1.7\n" + b"0" * (65 * 1024))
    assert r.status_code == 413 and r.json()["code"] == "too_large"

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(100):
            yield b"0" * 1024

    r = server.post("chuyenvien", f"/api/v1/documents/{doc['id']}/versions", content=chunks(),
                    headers={"Idempotency-Key": "k1", "Content-Type": "application/pdf"})
    assert r.status_code == 413
    big = b'{"username": "' + b"a" * (server.settings.max_json_bytes + 10) + b'", "password": "x"}'
    r = server.client.post(LOGIN, content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"

    def json_chunks():
        yield b'{"comment": "'
        for _ in range(1100):
            yield b"a" * 1024
        yield b'"}'

    r = server.post("chanhvp", f"/api/v1/documents/{doc['id']}/return", content=json_chunks(),
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    # Nothing was stored and nothing is left in the temporary folder.
    assert server.get("chuyenvien", f"/api/v1/documents/{doc['id']}").json()["current_version"] is None
    assert list((server.settings.files_dir / "tmp").iterdir()) == []
