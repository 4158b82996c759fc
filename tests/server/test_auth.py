"""Login, throttling, and: every API route refuses an anonymous request."""

from __future__ import annotations

import re
from datetime import timedelta



def test_login_and_me(server):
    me = server.get("vanthu", "/api/v1/me").json()
    assert me["username"] == "vanthu" and me["roles"][0]["role"] == "clerk"
    r = server.client.post("/api/v1/auth/login", json={"username": "vanthu", "password": "sai"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    r = server.client.post("/api/v1/auth/login", json={"username": "khongco", "password": "demo"})
    assert r.status_code == 401


def test_token_expiry_and_logout(server):
    headers = server.h("chutich")
    server.clock.now += server.settings.token_ttl + timedelta(seconds=1)
    r = server.client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    server._tokens.clear()
    headers = server.h("chutich")
    assert server.client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert server.client.get("/api/v1/me", headers=headers).status_code == 401


def test_login_throttling_per_username(server):
    for _ in range(5):
        r = server.client.post("/api/v1/auth/login", json={"username": "chanhvp", "password": "x"})
        assert r.status_code == 401
    r = server.client.post("/api/v1/auth/login", json={"username": "chanhvp", "password": "demo"})
    assert r.status_code == 429 and r.json()["code"] == "too_many_login_attempts"
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    assert "thử lại" in r.json()["message"]
    server.clock.now += timedelta(minutes=15, seconds=1)
    r = server.client.post("/api/v1/auth/login", json={"username": "chanhvp", "password": "demo"})
    assert r.status_code == 200


def test_login_throttling_per_ip(server):
    for i in range(5):
        server.client.post("/api/v1/auth/login", json={"username": f"doan{i}", "password": "x"})
    r = server.client.post("/api/v1/auth/login", json={"username": "vanthu", "password": "demo"})
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_every_route_requires_auth(server):
    # Enumerated from the generated OpenAPI document (FastAPI nests included
    # routers, so app.routes is not flat); every route is in the schema.
    spec = server.app.openapi()
    checked = 0
    for route_path, ops in spec["paths"].items():
        if route_path == "/api/v1/auth/login":
            continue
        path = re.sub(r"\{register\}", "phuly:UBND-VP", route_path)
        path = re.sub(r"\{[^}]+\}", "1", path)
        for method in ops:
            for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic dmFudGh1OmRlbW8="}):
                r = server.client.request(method, path, headers=headers, params={"month": "2026-11"})
                assert r.status_code == 401, (method, path, headers, r.status_code)
                assert r.json()["code"] == "unauthorized"
            checked += 1
    assert checked >= 17
    paths = {getattr(r, "path", None) for r in server.app.routes}
    assert paths <= {"/openapi.json", None}, paths  # nothing outside the API is served


def test_openapi_is_public_and_lists_bearer(server):
    spec = server.client.get("/openapi.json").json()
    assert "/api/v1/documents/{doc_id}/versions" in spec["paths"]
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
