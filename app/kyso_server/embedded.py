"""The reference server inside another process, in a uvicorn thread on loopback.

What the desktop demo runs, and what the tests sync against: a real HTTP
server on 127.0.0.1 (SQLite in the given folder, files beside it), started
and stopped without losing its data.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path


def free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmbeddedServer:
    """Seeded with the demo data (``demo=False``: an empty database, as an
    office starts; ``trust`` paths as ``kyso-server --trust``); ``password_hash`` lets tests use a cheap hash.
    ``trust_roots`` (DER) are the roots signers' certificates must chain to;
    without them the server accepts no signature; ``intermediates`` (DER) help
    build those chains."""

    def __init__(self, folder: Path, pdf_factory=None, password_hash: str | None = None,
                 trust_roots: list[bytes] | None = None, intermediates: list[bytes] | None = None,
                 demo: bool = True, **settings):
        from . import demo as demo_data
        from .app import create_app
        from .config import Settings

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.settings = Settings(db_url=f"sqlite:///{folder / 'server.sqlite3'}", files_dir=folder / "files",
                                 trust_roots=list(trust_roots or []), intermediates=list(intermediates or []),
                                 **settings)
        self.app = create_app(self.settings)
        if demo:
            with self.app.state.ctx.sessions.begin() as session:
                demo_data.seed(session, self.settings.files_dir, pdf_factory=pdf_factory,
                               password_hash=password_hash)
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread = None

    def start(self) -> None:
        import uvicorn

        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="kyso-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the document server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(15)
            self._server = None
