"""The committed OpenAPI document is current; a real Uvicorn serves the API."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn

import kyso_server
from kyso_server.app import create_app
from kyso_server.config import Settings
from kyso_server.openapi import render


def test_committed_openapi_matches_generated():
    committed = Path(kyso_server.__file__).with_name("openapi.json").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m kyso_server.openapi > app/kyso_server/openapi.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_uvicorn_over_http(tmp_path, demo_inputs):
    from kyso_server import demo

    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'live.sqlite3'}", files_dir=tmp_path / "files"))
    with app.state.ctx.sessions.begin() as session:
        demo.seed(session, tmp_path / "files", **demo_inputs)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start within 10 s"
            assert thread.is_alive(), "uvicorn thread died"
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as c:
            assert c.get("/api/v1/inbox").status_code == 401
            tok = c.post("/api/v1/auth/login", json={"username": "chanhvp", "password": "demo"}).json()["access_token"]
            h = {"Authorization": f"Bearer {tok}"}
            inbox = c.get("/api/v1/inbox", headers=h).json()
            doc = next(i["document"] for i in inbox["items"] if i["document"]["state"] == "submitted")
            r = c.get(f"/api/v1/documents/{doc['id']}/content", headers=h)
            assert r.status_code == 200 and r.content.startswith(b"%PDF-")
            r304 = c.get(f"/api/v1/documents/{doc['id']}/content", headers={**h, "If-None-Match": r.headers["ETag"]})
            assert r304.status_code == 304
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive()
